//! Fills `ir.model` and `ir.model.fields` from the model declarations at start-up,
//! so client libraries that introspect models find them.

use sea_orm::sea_query::{Expr, Query};
use sea_orm::{ConnectionTrait, DatabaseConnection, TransactionTrait};

use crate::orm::Ident;
use crate::orm::{row_id, Registry};

async fn count(tx: &impl ConnectionTrait, table: &str) -> anyhow::Result<i64> {
    let q = Query::select()
        .expr(Expr::col(Ident::new("id")).count())
        .from(Ident::new(table.to_string()))
        .to_owned();
    let row = tx.query_one(tx.get_database_backend().build(&q)).await?;
    Ok(match row {
        Some(r) => r.try_get_by_index::<i64>(0)?,
        None => 0,
    })
}

/// Rewrites the metadata rows when they do not match the declarations.
pub async fn sync(db: &DatabaseConnection, reg: &Registry) -> anyhow::Result<()> {
    let models: Vec<_> = reg.names().iter().filter_map(|n| reg.get(n)).collect();
    let field_total: usize = models.iter().map(|m| m.fields.len()).sum();
    let tx = db.begin().await?;
    if count(&tx, "ir_model").await? == models.len() as i64
        && count(&tx, "ir_model_fields").await? == field_total as i64
    {
        tx.commit().await?;
        return Ok(());
    }
    let backend = tx.get_database_backend();
    tx.execute(
        backend.build(
            &Query::delete()
                .from_table(Ident::new("ir_model_fields"))
                .to_owned(),
        ),
    )
    .await?;
    tx.execute(
        backend.build(
            &Query::delete()
                .from_table(Ident::new("ir_model"))
                .to_owned(),
        ),
    )
    .await?;
    for m in models {
        let q = Query::insert()
            .into_table(Ident::new("ir_model"))
            .columns(["name", "model", "transient", "state", "info"].map(Ident::new))
            .values_panic([
                m.description.into(),
                m.name.into(),
                m.transient.into(),
                "base".into(),
                m.description.into(),
            ])
            .returning_col(Ident::new("id"))
            .to_owned();
        let rows = tx.query_all(backend.build(&q)).await?;
        let model_id = row_id(rows.first().ok_or_else(|| anyhow::anyhow!("no id"))?, "id")
            .map_err(|e| anyhow::anyhow!("{e}"))?;
        let mut q = Query::insert();
        q.into_table(Ident::new("ir_model_fields")).columns(
            [
                "name",
                "model",
                "model_id",
                "field_description",
                "ttype",
                "relation",
                "relation_field",
                "required",
                "readonly",
                "store",
                "help",
                "groups_text",
            ]
            .map(Ident::new),
        );
        for f in &m.fields {
            let relation_field = match &f.ty {
                models::FieldType::One2many { inverse, .. } => Some(inverse.to_string()),
                _ => None,
            };
            q.values_panic([
                f.name.into(),
                m.name.into(),
                model_id.into(),
                f.string.into(),
                f.ty.odoo_name().into(),
                f.ty.comodel().map(str::to_string).into(),
                relation_field.into(),
                f.required.into(),
                f.readonly.into(),
                f.store.into(),
                f.help.map(str::to_string).into(),
                f.groups.map(str::to_string).into(),
            ]);
        }
        tx.execute(backend.build(&q)).await?;
    }
    tx.commit().await?;
    Ok(())
}
