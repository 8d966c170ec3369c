//! Turns model declarations into DDL with sea-query, per backend.
//!
//! Column types differ where SQLite would lose exactness: monetary amounts are
//! `NUMERIC` on PostgreSQL but `TEXT` on SQLite (whose NUMERIC affinity would turn
//! `12.50` into a binary float), dates and datetimes are `TEXT` in Odoo's
//! `YYYY-MM-DD HH:MM:SS` form on SQLite, which sorts and compares correctly.

use std::collections::BTreeSet;

use models::{Constraint, Field, FieldType, Model, OnDelete};
use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::DbBackend;

/// Name of the server's session table.
pub const SESSION_TABLE: &str = "ops_http_session";

/// The one-row counter raised by triggers when what servers cache changes.
pub const CACHE_SIGNALING_TABLE: &str = "ops_cache_signaling";

fn column_def(field: &Field, backend: DbBackend) -> ColumnDef {
    let mut col = ColumnDef::new(Alias::new(field.name));
    let sqlite = backend == DbBackend::Sqlite;
    match &field.ty {
        FieldType::Char { .. } | FieldType::Selection(_) => {
            col.string();
        }
        FieldType::Text => {
            col.text();
        }
        FieldType::Boolean => {
            col.boolean();
        }
        FieldType::Integer | FieldType::Many2one { .. } => {
            col.integer();
        }
        FieldType::Float => {
            col.double();
        }
        FieldType::Monetary { .. } => {
            if sqlite {
                col.text();
            } else {
                col.decimal();
            }
        }
        FieldType::Date => {
            if sqlite {
                col.string();
            } else {
                col.date();
            }
        }
        FieldType::Datetime => {
            if sqlite {
                col.string();
            } else {
                col.timestamp();
            }
        }
        FieldType::One2many { .. } | FieldType::Many2many { .. } => {
            unreachable!("x2many fields have no column")
        }
    }
    col
}

fn fk_action(field: &Field) -> ForeignKeyAction {
    match &field.ty {
        FieldType::Many2one { ondelete, .. } => match ondelete {
            OnDelete::Cascade => ForeignKeyAction::Cascade,
            OnDelete::Restrict => ForeignKeyAction::Restrict,
            // A required many2one cannot be cleared: Odoo turns `set null` into `restrict`.
            OnDelete::SetNull if field.required => ForeignKeyAction::Restrict,
            OnDelete::SetNull => ForeignKeyAction::SetNull,
        },
        _ => ForeignKeyAction::NoAction,
    }
}

fn table_of<'a>(models: &'a [Model], name: &str) -> &'a str {
    models
        .iter()
        .find(|m| m.name == name)
        .map(|m| m.table.as_str())
        .unwrap_or_else(|| panic!("unknown comodel {name}"))
}

fn build<S: SchemaStatementBuilder>(stmt: &S, backend: DbBackend) -> String {
    match backend {
        DbBackend::Sqlite => stmt.to_string(SqliteQueryBuilder),
        DbBackend::Postgres => stmt.to_string(PostgresQueryBuilder),
        DbBackend::MySql => stmt.to_string(MysqlQueryBuilder),
    }
}

/// Every DDL statement of the initial schema, in an order both backends accept.
pub fn create_statements(models: &[Model], backend: DbBackend) -> Vec<String> {
    let sqlite = backend == DbBackend::Sqlite;
    let mut out = Vec::new();
    let mut foreign_keys: Vec<ForeignKeyCreateStatement> = Vec::new();
    let mut indexes: Vec<IndexCreateStatement> = Vec::new();

    for model in models {
        let mut table = Table::create();
        table
            .table(Alias::new(model.table.as_str()))
            .if_not_exists();
        table.col(
            ColumnDef::new(Alias::new("id"))
                .integer()
                .not_null()
                .auto_increment()
                .primary_key(),
        );
        for field in model
            .fields
            .iter()
            .filter(|f| f.has_column() && f.name != "id")
        {
            let mut col = column_def(field, backend);
            if field.required && !field.computed {
                col.not_null();
            }
            table.col(&mut col);
            // The log-access fields carry no foreign key: the first records are created
            // before any user exists, and Odoo keeps them when a user is deleted.
            let log_field = matches!(field.name, "create_uid" | "write_uid");
            if let (FieldType::Many2one { comodel, .. }, false) = (&field.ty, log_field) {
                let mut fk = ForeignKey::create();
                fk.name(format!("{}_{}_fkey", model.table, field.name))
                    .from(Alias::new(model.table.as_str()), Alias::new(field.name))
                    .to(Alias::new(table_of(models, comodel)), Alias::new("id"))
                    .on_delete(fk_action(field));
                if sqlite {
                    // SQLite only knows foreign keys declared with the table.
                    table.foreign_key(&mut fk);
                } else {
                    foreign_keys.push(fk);
                }
            }
            if field.index || matches!(field.ty, FieldType::Many2one { .. }) {
                indexes.push(
                    Index::create()
                        .name(format!("{}__{}_index", model.table, field.name))
                        .table(Alias::new(model.table.as_str()))
                        .col(Alias::new(field.name))
                        .if_not_exists()
                        .to_owned(),
                );
            }
        }
        // The hashed password lives in a column that no field exposes, as in Odoo.
        if model.name == "res.users" {
            table.col(ColumnDef::new(Alias::new("password")).text());
        }
        out.push(build(&table, backend));

        for constraint in &model.constraints {
            let Constraint::SqlUnique { name, fields, .. } = constraint;
            {
                let mut idx = Index::create();
                idx.name(format!("{}_{}", model.table, name))
                    .table(Alias::new(model.table.as_str()))
                    .unique()
                    .if_not_exists();
                for f in fields {
                    idx.col(Alias::new(*f));
                }
                indexes.push(idx);
            }
        }
    }

    // Relation tables, once each even when both sides declare them.
    let mut relations = BTreeSet::new();
    for model in models {
        for field in &model.fields {
            if let FieldType::Many2many {
                comodel,
                relation,
                column1,
                column2,
            } = &field.ty
            {
                if relation.is_empty() || !field.store || !relations.insert(*relation) {
                    continue;
                }
                let mut table = Table::create();
                table
                    .table(Alias::new(*relation))
                    .if_not_exists()
                    .col(ColumnDef::new(Alias::new(*column1)).integer().not_null())
                    .col(ColumnDef::new(Alias::new(*column2)).integer().not_null())
                    .primary_key(
                        Index::create()
                            .col(Alias::new(*column1))
                            .col(Alias::new(*column2)),
                    );
                let sides = [
                    (*column1, model.table.as_str()),
                    (*column2, table_of(models, comodel)),
                ];
                for (column, target) in sides {
                    let mut fk = ForeignKey::create();
                    fk.name(format!("{relation}_{column}_fkey"))
                        .from(Alias::new(*relation), Alias::new(column))
                        .to(Alias::new(target), Alias::new("id"))
                        .on_delete(ForeignKeyAction::Cascade);
                    if sqlite {
                        table.foreign_key(&mut fk);
                    } else {
                        foreign_keys.push(fk);
                    }
                }
                out.push(build(&table, backend));
                indexes.push(
                    Index::create()
                        .name(format!("{relation}_{column2}_idx"))
                        .table(Alias::new(*relation))
                        .col(Alias::new(*column2))
                        .if_not_exists()
                        .to_owned(),
                );
            }
        }
    }

    // HTTP sessions: shared by every server process using the same database. The
    // cookie value itself is never stored, only its SHA-256.
    let session = Table::create()
        .table(Alias::new(SESSION_TABLE))
        .if_not_exists()
        .col(
            ColumnDef::new(Alias::new("sid_hash"))
                .string()
                .not_null()
                .primary_key(),
        )
        .col(ColumnDef::new(Alias::new("uid")).integer().not_null())
        .col(ColumnDef::new(Alias::new("db")).string().not_null())
        .col(ColumnDef::new(Alias::new("login")).string().not_null())
        .col(
            ColumnDef::new(Alias::new("session_token"))
                .string()
                .not_null(),
        )
        .col(ColumnDef::new(Alias::new("context")).text().not_null())
        .col(
            ColumnDef::new(Alias::new("created_at"))
                .big_integer()
                .not_null(),
        )
        .col(
            ColumnDef::new(Alias::new("last_seen_at"))
                .big_integer()
                .not_null(),
        )
        .to_owned();
    out.push(build(&session, backend));
    indexes.push(
        Index::create()
            .name("ops_http_session_uid_idx")
            .table(Alias::new(SESSION_TABLE))
            .col(Alias::new("uid"))
            .if_not_exists()
            .to_owned(),
    );

    for fk in &foreign_keys {
        out.push(build(fk, backend));
    }
    for idx in &indexes {
        out.push(build(idx, backend));
    }
    out
}

/// Drops everything `create_statements` made.
pub fn drop_statements(models: &[Model], backend: DbBackend) -> Vec<String> {
    let mut names: Vec<String> = vec![SESSION_TABLE.to_string()];
    for model in models {
        for field in &model.fields {
            if let FieldType::Many2many { relation, .. } = &field.ty {
                if !relation.is_empty() && !names.iter().any(|n| n.as_str() == *relation) {
                    names.push(String::from(*relation));
                }
            }
        }
    }
    names.extend(models.iter().rev().map(|m| m.table.clone()));
    let cascade = backend == DbBackend::Postgres;
    names
        .into_iter()
        .map(|n| {
            let mut stmt = Table::drop();
            stmt.table(Alias::new(n)).if_exists();
            if cascade {
                stmt.cascade();
            }
            build(&stmt, backend)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sqlite_keeps_money_as_text_and_postgres_as_numeric() {
        let models = models::all();
        let sqlite = create_statements(&models, DbBackend::Sqlite).join("\n");
        let pg = create_statements(&models, DbBackend::Postgres).join("\n");
        assert!(sqlite.contains("CREATE TABLE IF NOT EXISTS \"pos_payment_method\""));
        assert!(pg.contains("ALTER TABLE \"pos_payment_method\" ADD CONSTRAINT \"pos_payment_method_journal_id_fkey\""));
        assert!(sqlite.contains("\"pos_config_pos_payment_method_rel\""));
        assert_eq!(
            sqlite
                .matches("CREATE TABLE IF NOT EXISTS \"pos_config_pos_payment_method_rel\"")
                .count(),
            1
        );
        assert!(pg.contains("CREATE UNIQUE INDEX IF NOT EXISTS \"res_users_login_key\""));
    }

    /// PostgreSQL cuts identifiers at 63 bytes: two long names sharing their first 63
    /// bytes would collide (a skipped index, or a failing ALTER TABLE). Tables and
    /// indexes share one namespace; constraint names must differ per table.
    #[test]
    fn postgres_identifiers_stay_distinct_after_truncation() {
        fn quoted_after<'a>(stmt: &'a str, marker: &str) -> Option<&'a str> {
            let rest = &stmt[stmt.find(marker)? + marker.len()..];
            let rest = rest.strip_prefix('"')?;
            Some(&rest[..rest.find('"')?])
        }
        let cut = |s: &str| s.as_bytes()[..s.len().min(63)].to_vec();
        let mut relations = BTreeSet::new();
        let mut constraints = BTreeSet::new();
        for stmt in create_statements(&models::all(), DbBackend::Postgres) {
            let name = quoted_after(&stmt, "CREATE TABLE IF NOT EXISTS ")
                .or_else(|| quoted_after(&stmt, "INDEX IF NOT EXISTS "));
            if let Some(name) = name {
                assert!(
                    relations.insert(cut(name)),
                    "{name} collides after truncation"
                );
            }
            if let (Some(table), Some(name)) = (
                quoted_after(&stmt, "ALTER TABLE "),
                quoted_after(&stmt, "ADD CONSTRAINT "),
            ) {
                assert!(
                    constraints.insert((table.to_string(), cut(name))),
                    "{table}: constraint {name} collides after truncation"
                );
            }
        }
        assert!(relations.len() > 100 && !constraints.is_empty());
    }
}
