//! `ir.sequence._next()` for the POS's order and line sequences: the counter moves
//! with one `UPDATE` (PostgreSQL locks the row until the transaction ends, SQLite's
//! transaction holds the write lock), so two orders never share a number.

use chrono::Datelike;
use sea_orm::sea_query::{Expr, Query};
use serde_json::Value;

use crate::errors::{OdooError, OdooResult};
use crate::orm::Env;
use crate::orm::Ident;

/// The next name of sequence `id`: prefix, number padded to `padding`, suffix.
pub async fn next(env: &Env<'_>, id: i64) -> OdooResult<String> {
    let sudo = env.sudo();
    let q = Query::update()
        .table(Ident::new("ir_sequence"))
        .value(
            Ident::new("number_next"),
            Expr::col(Ident::new("number_next")).add(Expr::col(Ident::new("number_increment"))),
        )
        .and_where(Expr::col(Ident::new("id")).eq(id))
        .to_owned();
    if sudo.execute(sudo.backend.build(&q)).await? != 1 {
        return Err(crate::addons::missing_error(env, "ir.sequence", &[id]));
    }
    let row = sudo
        .values_of(
            "ir.sequence",
            &[id],
            &[
                "prefix",
                "suffix",
                "number_next",
                "number_increment",
                "padding",
            ],
        )
        .await?
        .remove(&id)
        .unwrap_or_default();
    let int = |k: &str| row.get(k).and_then(Value::as_i64).unwrap_or(0);
    let number = int("number_next") - int("number_increment");
    let padding = usize::try_from(int("padding").clamp(0, 64)).unwrap_or(0);
    let text = |k: &str| interpolate(row.get(k).and_then(Value::as_str).unwrap_or(""));
    Ok(format!(
        "{}{:0>padding$}{}",
        text("prefix")?,
        number,
        text("suffix")?
    ))
}

/// The date parts Odoo's `_interpolation_dict` offers most (`%(year)s`, `%(y)s`,
/// `%(month)s`, `%(day)s`), in UTC.
fn interpolate(s: &str) -> OdooResult<String> {
    if !s.contains("%(") {
        return Ok(s.to_string());
    }
    let now = chrono::Utc::now();
    let mut out = s.to_string();
    for (key, value) in [
        ("year", format!("{:04}", now.year())),
        ("y", format!("{:02}", now.year() % 100)),
        ("month", format!("{:02}", now.month())),
        ("day", format!("{:02}", now.day())),
    ] {
        out = out.replace(&format!("%({key})s"), &value);
    }
    if out.contains("%(") {
        return Err(OdooError::UserError(format!(
            "Invalid prefix or suffix for sequence '{s}'"
        )));
    }
    Ok(out)
}
