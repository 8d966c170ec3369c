//! `pos.order`: the POS's sales. `sync_from_ui` ([`sync`]) records what the POS
//! client sends; the computes give the fields the client reads back (tracking
//! number, refunds, margins).

mod amounts;
mod answer;
mod cost;
mod incoming;
mod sequence;
mod sync;

use std::collections::HashMap;

use async_trait::async_trait;
use rust_decimal::Decimal;
use serde_json::{json, Map, Value};

use crate::errors::{OdooError, OdooResult};
use crate::orm::behaviour::{Behaviour, Compute, Method, MethodKind, Param, ParamKind};
use crate::orm::domain::{Domain, Op};
use crate::orm::values::{float_to_json, json_to_decimal};
use crate::orm::Env;

pub use answer::LINE_FIELDS;

pub struct PosOrder;

pub(crate) const MODEL: &str = "pos.order";
const LINE: &str = "pos.order.line";

#[async_trait]
impl Behaviour for PosOrder {
    fn model(&self) -> &'static str {
        MODEL
    }

    fn methods(&self) -> Vec<Method> {
        vec![
            Method {
                name: "sync_from_ui",
                kind: MethodKind::Model { accepts_ids: false },
                params: vec![Param::required("orders", ParamKind::Any)],
                readonly: false,
                run: |env, args| Box::pin(sync::sync_from_ui(env, args)),
            },
            Method {
                name: "action_pos_order_cancel",
                kind: MethodKind::Record,
                params: vec![],
                readonly: false,
                run: |env, args| Box::pin(cancel(env, args.ids)),
            },
        ]
    }

    fn computes(&self) -> Vec<Compute> {
        vec![
            Compute {
                field: "message_partner_ids",
                run: |env, ids| Box::pin(follower_partners(env, ids)),
            },
            Compute {
                field: "tracking_number",
                run: |env, ids| Box::pin(tracking_number(env, ids)),
            },
            Compute {
                field: "country_code",
                run: |env, ids| Box::pin(country_code(env, ids)),
            },
            Compute {
                field: "picking_type_id",
                run: |env, ids| Box::pin(picking_type(env, ids)),
            },
            Compute {
                field: "refunded_order_id",
                run: |env, ids| Box::pin(refunded_order_ids(env, ids)),
            },
            Compute {
                field: "refund_orders_count",
                run: |env, ids| Box::pin(refund_orders_count(env, ids)),
            },
            Compute {
                field: "has_refundable_lines",
                run: |env, ids| Box::pin(has_refundable_lines(env, ids)),
            },
            Compute {
                field: "is_total_cost_computed",
                run: |env, ids| Box::pin(margins(env, ids, Margin::Computed)),
            },
            Compute {
                field: "margin",
                run: |env, ids| Box::pin(margins(env, ids, Margin::Amount)),
            },
            Compute {
                field: "margin_percent",
                run: |env, ids| Box::pin(margins(env, ids, Margin::Percent)),
            },
        ]
    }

    /// `_unlink_except_draft_or_cancel`.
    async fn before_unlink(&self, env: &Env<'_>, ids: &[i64]) -> OdooResult<()> {
        let rows = env.sudo().values_of(MODEL, ids, &["state"]).await?;
        if rows.values().any(|r| {
            !matches!(
                r.get("state").and_then(Value::as_str),
                Some("draft" | "cancel")
            )
        }) {
            return Err(OdooError::UserError(
                "In order to delete a sale, it must be new or cancelled.".into(),
            ));
        }
        Ok(())
    }
}

/// `action_pos_order_cancel`: the drafts among the orders are cancelled and answered
/// as the POS loads them.
async fn cancel(env: &Env<'_>, ids: Vec<i64>) -> OdooResult<crate::orm::behaviour::Outcome> {
    let rows = env.sudo().values_of(MODEL, &ids, &["state"]).await?;
    let drafts: Vec<i64> = ids
        .iter()
        .copied()
        .filter(|id| rows.get(id).and_then(|r| r.get("state")) == Some(&json!("draft")))
        .collect();
    if !drafts.is_empty() {
        let mut vals = Map::new();
        vals.insert("state".into(), json!("cancel"));
        env.write(MODEL, &drafts, vals).await?;
    }
    let orders = env.read(MODEL, &drafts, None, false).await?;
    Ok(json!({"pos.order": orders}).into())
}

fn int(row: &Map<String, Value>, k: &str) -> Option<i64> {
    row.get(k).and_then(Value::as_i64)
}

fn dec(row: &Map<String, Value>, k: &str) -> Decimal {
    row.get(k).and_then(json_to_decimal).unwrap_or_default()
}

/// `mail.thread`'s `message_partner_ids`: the partners following each order.
async fn follower_partners(env: &Env<'_>, ids: &[i64]) -> OdooResult<HashMap<i64, Value>> {
    let sudo = env.sudo();
    let followers = sudo
        .search(
            "mail.followers",
            Domain::leaf("res_model", Op::Eq, json!(MODEL)).and(Domain::leaf(
                "res_id",
                Op::In,
                json!(ids),
            )),
            0,
            None,
            None,
        )
        .await?;
    let rows = sudo
        .values_of("mail.followers", &followers, &["res_id", "partner_id"])
        .await?;
    let mut out: HashMap<i64, Vec<i64>> = ids.iter().map(|i| (*i, Vec::new())).collect();
    for r in rows.values() {
        if let (Some(o), Some(p)) = (int(r, "res_id"), int(r, "partner_id")) {
            out.entry(o).or_default().push(p);
        }
    }
    Ok(out.into_iter().map(|(k, v)| (k, json!(v))).collect())
}

/// `_compute_tracking_number`: `(session % 10) * 100 + sequence % 100`, three digits.
async fn tracking_number(env: &Env<'_>, ids: &[i64]) -> OdooResult<HashMap<i64, Value>> {
    let rows = env
        .sudo()
        .values_of(MODEL, ids, &["session_id", "sequence_number"])
        .await?;
    Ok(rows
        .into_iter()
        .map(|(id, r)| {
            let session = int(&r, "session_id").unwrap_or(0).rem_euclid(10);
            let seq = int(&r, "sequence_number").unwrap_or(0).rem_euclid(100);
            (id, json!(format!("{:03}", session * 100 + seq)))
        })
        .collect())
}

/// A value reached through two many2ones (`company_id.account_fiscal_country_id.code`).
async fn two_hops(
    env: &Env<'_>,
    ids: &[i64],
    path: [(&str, &str); 3],
) -> OdooResult<HashMap<i64, Value>> {
    let sudo = env.sudo();
    let [(m0, f0), (m1, f1), (m2, f2)] = path;
    let rows = sudo.values_of(m0, ids, &[f0]).await?;
    let mut out = HashMap::new();
    for (id, r) in rows {
        let mut v = Value::Null;
        if let Some(a) = int(&r, f0) {
            if let Some(b) = sudo.value_of(m1, a, f1).await?.as_i64() {
                v = sudo.value_of(m2, b, f2).await?;
            }
        }
        out.insert(id, v);
    }
    Ok(out)
}

async fn country_code(env: &Env<'_>, ids: &[i64]) -> OdooResult<HashMap<i64, Value>> {
    two_hops(
        env,
        ids,
        [
            (MODEL, "company_id"),
            ("res.company", "account_fiscal_country_id"),
            ("res.country", "code"),
        ],
    )
    .await
}

async fn picking_type(env: &Env<'_>, ids: &[i64]) -> OdooResult<HashMap<i64, Value>> {
    two_hops(
        env,
        ids,
        [
            (MODEL, "session_id"),
            ("pos.session", "config_id"),
            ("pos.config", "picking_type_id"),
        ],
    )
    .await
}

async fn lines_of(env: &Env<'_>, order: i64) -> OdooResult<Vec<i64>> {
    env.sudo()
        .search(
            LINE,
            Domain::leaf("order_id", Op::Eq, json!(order)),
            0,
            None,
            Some("id"),
        )
        .await
}

/// The order the lines of `order` refund, if any.
pub(crate) async fn refunded_order(env: &Env<'_>, order: i64) -> OdooResult<Option<i64>> {
    let sudo = env.sudo();
    let lines = lines_of(env, order).await?;
    let rows = sudo
        .values_of(LINE, &lines, &["refunded_orderline_id"])
        .await?;
    for lid in &lines {
        if let Some(r) = rows.get(lid).and_then(|r| int(r, "refunded_orderline_id")) {
            return Ok(sudo.value_of(LINE, r, "order_id").await?.as_i64());
        }
    }
    Ok(None)
}

async fn refunded_order_ids(env: &Env<'_>, ids: &[i64]) -> OdooResult<HashMap<i64, Value>> {
    let mut out = HashMap::new();
    for id in ids {
        out.insert(*id, json!(refunded_order(env, *id).await?));
    }
    Ok(out)
}

/// The refund lines of `lines` (`refund_orderline_ids`), with their order and qty.
async fn refunds_of(env: &Env<'_>, lines: &[i64]) -> OdooResult<Vec<Map<String, Value>>> {
    let sudo = env.sudo();
    let refunds = sudo
        .search(
            LINE,
            Domain::leaf("refunded_orderline_id", Op::In, json!(lines)),
            0,
            None,
            None,
        )
        .await?;
    Ok(sudo
        .values_of(
            LINE,
            &refunds,
            &["order_id", "qty", "refunded_orderline_id"],
        )
        .await?
        .into_values()
        .collect())
}

async fn refund_orders_count(env: &Env<'_>, ids: &[i64]) -> OdooResult<HashMap<i64, Value>> {
    let mut out = HashMap::new();
    for id in ids {
        let lines = lines_of(env, *id).await?;
        let mut orders: Vec<i64> = refunds_of(env, &lines)
            .await?
            .iter()
            .filter_map(|r| int(r, "order_id"))
            .collect();
        orders.sort_unstable();
        orders.dedup();
        out.insert(*id, json!(orders.len()));
    }
    Ok(out)
}

/// `-sum(refund lines' qty)` per line.
pub(crate) async fn refunded_qty(
    env: &Env<'_>,
    lines: &[i64],
) -> OdooResult<HashMap<i64, Decimal>> {
    let mut out: HashMap<i64, Decimal> = lines.iter().map(|l| (*l, Decimal::ZERO)).collect();
    for r in refunds_of(env, lines).await? {
        if let Some(l) = int(&r, "refunded_orderline_id") {
            *out.entry(l).or_default() -= dec(&r, "qty");
        }
    }
    Ok(out)
}

async fn has_refundable_lines(env: &Env<'_>, ids: &[i64]) -> OdooResult<HashMap<i64, Value>> {
    let mut out = HashMap::new();
    for id in ids {
        let lines = lines_of(env, *id).await?;
        let refunded = refunded_qty(env, &lines).await?;
        let qty = env.sudo().values_of(LINE, &lines, &["qty"]).await?;
        let any = lines.iter().any(|l| {
            let q = qty.get(l).map(|r| dec(r, "qty")).unwrap_or_default();
            q > refunded.get(l).copied().unwrap_or_default()
        });
        out.insert(*id, json!(any));
    }
    Ok(out)
}

#[derive(Clone, Copy)]
enum Margin {
    Computed,
    Amount,
    Percent,
}

/// `_compute_is_total_cost_computed` and `_compute_margin`.
async fn margins(env: &Env<'_>, ids: &[i64], what: Margin) -> OdooResult<HashMap<i64, Value>> {
    let mut out = HashMap::new();
    for id in ids {
        let lines = lines_of(env, *id).await?;
        let rows = env
            .sudo()
            .values_of(
                LINE,
                &lines,
                &["is_total_cost_computed", "price_subtotal", "total_cost"],
            )
            .await?;
        let computed = rows.values().all(|r| {
            r.get("is_total_cost_computed")
                .and_then(Value::as_bool)
                .unwrap_or(false)
        });
        let (margin, untaxed) = if computed {
            let untaxed: Decimal = rows.values().map(|r| dec(r, "price_subtotal")).sum();
            let margin: Decimal = rows
                .values()
                .map(|r| dec(r, "price_subtotal") - dec(r, "total_cost"))
                .sum();
            (margin, untaxed)
        } else {
            (Decimal::ZERO, Decimal::ZERO)
        };
        let v = match what {
            Margin::Computed => json!(computed),
            Margin::Amount => float_to_json(margin.round_dp(2)),
            Margin::Percent if untaxed.is_zero() => json!(0.0),
            Margin::Percent => float_to_json((margin / untaxed).round_dp(4)),
        };
        out.insert(*id, v);
    }
    Ok(out)
}

/// The next name of an `ir.sequence` (the POS's order and line sequences).
pub(crate) async fn next_in_sequence(env: &Env<'_>, id: i64) -> OdooResult<String> {
    sequence::next(env, id).await
}
