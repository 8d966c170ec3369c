//! x2many commands (Odoo's `Command`: create, update, delete, unlink, link, clear,
//! set) applied to one record's one2many or many2many field.

use futures::future::BoxFuture;
use models::{Field, FieldType, Model};
use sea_orm::sea_query::{Expr, Query};
use serde_json::{json, Map, Value};

use super::domain::{Declarations, Domain, Op};
use super::env::{Env, Operation};
use super::registry::ModelDef;
use super::values;
use crate::errors::{OdooError, OdooResult};
use crate::orm::Ident;

/// How deep x2many commands may nest (a `create` command whose values hold another
/// x2many command, and so on), and how deep a `web_read` specification may follow
/// relations. Each level is a nested create or read: in a debug build about 60 KiB
/// of stack, so 16 levels stay within tokio's default 2 MiB worker stack. Odoo has no
/// limit but CPython's recursion limit; clients nest two or three levels.
pub const MAX_RELATION_DEPTH: usize = 16;

/// One of Odoo's x2many commands (`odoo.fields.Command`), parsed.
#[derive(Clone, Debug, PartialEq)]
pub enum Command {
    /// `(0, 0, vals)`: create a related record.
    Create(Map<String, Value>),
    /// `(1, id, vals)`: write on a related record.
    Update(i64, Map<String, Value>),
    /// `(2, id, 0)`: delete the record.
    Delete(i64),
    /// `(3, id, 0)`: cut the link.
    Unlink(i64),
    /// `(4, id, 0)`: link an existing record.
    Link(i64),
    /// `(5, 0, 0)`: cut every link.
    Clear,
    /// `(6, 0, ids)`: replace the links.
    Set(Vec<i64>),
}

impl Command {
    /// The commands an x2many value stands for: a list of commands, a list of ids
    /// (`Set`), or `False` (`Clear`). `Err` carries the piece that is wrong, for
    /// Odoo's "Wrong value for …" message.
    pub fn parse_list(v: &Value) -> Result<Vec<Command>, Value> {
        match v {
            Value::Null | Value::Bool(false) => Ok(vec![Command::Clear]),
            Value::Array(items) if items.iter().all(Value::is_i64) => Ok(vec![Command::Set(
                items.iter().filter_map(Value::as_i64).collect(),
            )]),
            Value::Array(items) => items.iter().map(Command::parse).collect(),
            other => Err(other.clone()),
        }
    }

    /// One command, `[code, id, value]`.
    pub fn parse(cmd: &Value) -> Result<Command, Value> {
        let bad = || cmd.clone();
        let parts = cmd.as_array().ok_or_else(bad)?;
        let code = parts.first().and_then(Value::as_i64).ok_or_else(bad)?;
        let id = || parts.get(1).and_then(Value::as_i64).ok_or_else(bad);
        let vals = || {
            parts
                .get(2)
                .and_then(Value::as_object)
                .cloned()
                .ok_or_else(bad)
        };
        Ok(match code {
            0 => Command::Create(vals()?),
            1 => Command::Update(id()?, vals()?),
            2 => Command::Delete(id()?),
            3 => Command::Unlink(id()?),
            4 => Command::Link(id()?),
            5 => Command::Clear,
            6 => match parts.get(2) {
                Some(Value::Array(ids)) => Command::Set(
                    ids.iter()
                        .map(Value::as_i64)
                        .collect::<Option<Vec<i64>>>()
                        .ok_or_else(bad)?,
                ),
                Some(Value::Null | Value::Bool(false)) => Command::Set(vec![]),
                _ => return Err(bad()),
            },
            _ => return Err(bad()),
        })
    }
}

/// Refuses values whose x2many `create`/`update` commands nest deeper than
/// [`MAX_RELATION_DEPTH`], walking them with an explicit stack (before any of them
/// runs). Malformed commands are left for the write to report.
pub fn check_nesting(
    models: &dyn Declarations,
    model: &Model,
    vals: &Map<String, Value>,
) -> OdooResult<()> {
    let mut stack: Vec<(&Model, &Map<String, Value>, usize)> = vec![(model, vals, 0)];
    while let Some((model, vals, depth)) = stack.pop() {
        for (name, value) in vals {
            let Some(comodel) = model
                .get_field(name)
                .filter(|f| f.ty.is_x2many())
                .and_then(|f| f.ty.comodel())
                .and_then(|c| models.declaration(c))
            else {
                continue;
            };
            let Value::Array(commands) = value else {
                continue;
            };
            for cmd in commands {
                let Some(inner) = cmd
                    .as_array()
                    .filter(|p| matches!(p.first().and_then(Value::as_i64), Some(0 | 1)))
                    .and_then(|p| p.get(2))
                    .and_then(Value::as_object)
                else {
                    continue;
                };
                if depth + 1 > MAX_RELATION_DEPTH {
                    return Err(OdooError::too_deep());
                }
                stack.push((comodel, inner, depth + 1));
            }
        }
    }
    Ok(())
}

impl<'a> Env<'a> {
    /// Applies x2many commands (or a plain id list, or `false`) to one record.
    pub(super) fn apply_x2many<'b>(
        &'b self,
        m: &'static ModelDef,
        f: &'static Field,
        id: i64,
        v: &'b Value,
    ) -> BoxFuture<'b, OdooResult<()>> {
        Box::pin(async move {
            let comodel =
                f.ty.comodel()
                    .ok_or_else(|| OdooError::internal("x2many comodel"))?;
            let wrong = |piece: Value| {
                OdooError::ValueError(format!(
                    "Wrong value for {}.{}: {}",
                    m.name,
                    f.name,
                    values::python_repr(&piece)
                ))
            };
            let commands = Command::parse_list(v).map_err(wrong)?;
            for cmd in commands {
                match cmd {
                    Command::Create(mut vals) => {
                        if let FieldType::One2many { inverse, .. } = &f.ty {
                            vals.insert(inverse.to_string(), json!(id));
                        }
                        let new_ids = self.create(comodel, vec![vals]).await?;
                        if matches!(f.ty, FieldType::Many2many { .. }) {
                            self.link(f, id, &new_ids).await?;
                        }
                    }
                    Command::Update(target, vals) => self.write(comodel, &[target], vals).await?,
                    Command::Delete(target) => self.unlink(comodel, &[target]).await?,
                    Command::Unlink(target) => self.unlink_relation(f, id, Some(&[target])).await?,
                    Command::Link(target) => self.link(f, id, &[target]).await?,
                    Command::Clear => self.unlink_relation(f, id, None).await?,
                    Command::Set(wanted) => {
                        self.unlink_relation(f, id, None).await?;
                        self.link(f, id, &wanted).await?;
                    }
                }
            }
            Ok(())
        })
    }

    async fn link(&self, f: &Field, id: i64, targets: &[i64]) -> OdooResult<()> {
        match &f.ty {
            FieldType::Many2many {
                relation,
                column1,
                column2,
                comodel,
            } => {
                let co = self.model(comodel)?;
                self.ensure_all_exist(co, targets, Operation::Read).await?;
                for t in targets {
                    let exists = Query::select()
                        .column(Ident::new(*column1))
                        .from(Ident::new(*relation))
                        .and_where(Expr::col(Ident::new(*column1)).eq(id))
                        .and_where(Expr::col(Ident::new(*column2)).eq(*t))
                        .to_owned();
                    if self.query_all(self.build(&exists)).await?.is_empty() {
                        let ins = Query::insert()
                            .into_table(Ident::new(*relation))
                            .columns([Ident::new(*column1), Ident::new(*column2)])
                            .values_panic([id.into(), (*t).into()])
                            .to_owned();
                        self.execute(self.build(&ins)).await?;
                    }
                }
                Ok(())
            }
            FieldType::One2many { comodel, inverse } => {
                let mut vals = Map::new();
                vals.insert(inverse.to_string(), json!(id));
                self.write(comodel, targets, vals).await
            }
            _ => Err(OdooError::internal("link on a non-x2many field")),
        }
    }

    async fn unlink_relation(&self, f: &Field, id: i64, only: Option<&[i64]>) -> OdooResult<()> {
        match &f.ty {
            FieldType::Many2many {
                relation,
                column1,
                column2,
                ..
            } => {
                let mut q = Query::delete();
                q.from_table(Ident::new(*relation))
                    .and_where(Expr::col(Ident::new(*column1)).eq(id));
                if let Some(ids) = only {
                    q.and_where(Expr::col(Ident::new(*column2)).is_in(ids.iter().copied()));
                }
                self.execute(self.build(&q)).await?;
                Ok(())
            }
            FieldType::One2many { comodel, inverse } => {
                let co = self.model(comodel)?;
                let mut d = Domain::leaf(inverse, Op::Eq, json!(id));
                if let Some(ids) = only {
                    d = d.and(Domain::leaf("id", Op::In, json!(ids)));
                }
                let ids = self
                    .with_context("active_test", json!(false))
                    .search(comodel, d, 0, None, None)
                    .await?;
                let inv = co
                    .get_field(inverse)
                    .ok_or_else(|| OdooError::internal("inverse"))?;
                if inv.required {
                    self.unlink(comodel, &ids).await
                } else {
                    let mut vals = Map::new();
                    vals.insert(inverse.to_string(), Value::Bool(false));
                    self.write(comodel, &ids, vals).await
                }
            }
            _ => Err(OdooError::internal("unlink on a non-x2many field")),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn commands_parse_like_odoo() {
        let vals = json!({"name": "x"}).as_object().cloned().unwrap();
        assert_eq!(
            Command::parse_list(
                &json!([[0, 0, {"name": "x"}], [1, 7, {"name": "x"}], [2, 3, 0], [3, 4], [4, 5, 0], [5], [6, 0, [1, 2]]])
            ),
            Ok(vec![
                Command::Create(vals.clone()),
                Command::Update(7, vals),
                Command::Delete(3),
                Command::Unlink(4),
                Command::Link(5),
                Command::Clear,
                Command::Set(vec![1, 2]),
            ])
        );
        assert_eq!(
            Command::parse_list(&json!([1, 2])),
            Ok(vec![Command::Set(vec![1, 2])])
        );
        assert_eq!(Command::parse_list(&json!(false)), Ok(vec![Command::Clear]));
        for bad in [
            json!([[7, 0, 0]]),
            json!([[1, "x", {}]]),
            json!([[0, 0, [1]]]),
            json!([[6, 0, [1, "a"]]]),
            json!([["0", 0, {}]]),
            json!(["x"]),
            json!("abc"),
            json!([[4]]),
        ] {
            assert!(Command::parse_list(&bad).is_err(), "{bad}");
        }
    }
}
