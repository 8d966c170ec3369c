//! Closing a `pos.session` as Odoo 18's POS client does it: `get_closing_control_data`
//! (the Close Register popup: orders, the cash expected, each other method's total),
//! `post_closing_cash_details(counted_cash)`, `update_closing_control_state_session(notes)`
//! and `close_session_from_ui(bank_payment_method_diff_pairs)`. Totals come from the
//! session's `pos.payment` records of its closed orders (not draft, not cancelled),
//! summed exactly.
//!
//! Odoo also posts the session's journal entry, pickings and cash statement lines at
//! closing; this server keeps no accounting, so closing moves the state and the paid
//! orders to `done` (as Odoo does once the entry is posted) and nothing else.

use std::collections::HashMap;

use rust_decimal::Decimal;
use serde_json::{json, Map, Value};

use super::MODEL;
use crate::errors::{OdooError, OdooResult};
use crate::money::decimal_from_json;
use crate::orm::behaviour::{Args, Outcome};
use crate::orm::domain::{Domain, Op};
use crate::orm::values::{decimal_to_json, DATETIME_FORMAT};
use crate::orm::Env;

/// A session's orders and payments as the closing reads them.
struct Closing {
    config: i64,
    state: String,
    balance_start: Decimal,
    opening_notes: Value,
    /// The config's payment methods, in the config's order: (id, name, type).
    methods: Vec<(i64, String, String)>,
    /// Orders not draft nor cancelled: (id, amount_total).
    closed_orders: Vec<(i64, Decimal)>,
    draft_orders: Vec<i64>,
    /// Payments of the closed orders: (method, amount).
    payments: Vec<(i64, Decimal)>,
}

fn amount(v: Option<&Value>) -> Decimal {
    v.and_then(decimal_from_json).unwrap_or_default()
}

async fn load(env: &Env<'_>, id: i64) -> OdooResult<Closing> {
    let fields: Vec<String> = [
        "state",
        "config_id",
        "cash_register_balance_start",
        "opening_notes",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    let rows = env.read(MODEL, &[id], Some(&fields), false).await?;
    let Some(session) = rows.first() else {
        return Err(super::super::missing_error(env, MODEL, &[id]));
    };
    let config = session
        .get("config_id")
        .and_then(Value::as_i64)
        .unwrap_or_default();
    let sudo = env.sudo();
    let method_ids: Vec<i64> = sudo
        .value_of("pos.config", config, "payment_method_ids")
        .await?
        .as_array()
        .map(|a| a.iter().filter_map(Value::as_i64).collect())
        .unwrap_or_default();
    let method_rows = sudo
        .values_of("pos.payment.method", &method_ids, &["name", "type"])
        .await?;
    let methods = method_ids
        .iter()
        .filter_map(|m| {
            let r = method_rows.get(m)?;
            let text = |k: &str| r.get(k).and_then(Value::as_str).unwrap_or("").to_string();
            Some((*m, text("name"), text("type")))
        })
        .collect();
    let order_ids = sudo
        .search(
            "pos.order",
            Domain::leaf("session_id", Op::Eq, json!(id)),
            0,
            None,
            Some("id"),
        )
        .await?;
    let orders = sudo
        .values_of("pos.order", &order_ids, &["state", "amount_total"])
        .await?;
    let mut closed_orders = Vec::new();
    let mut draft_orders = Vec::new();
    for o in &order_ids {
        let Some(r) = orders.get(o) else { continue };
        match r.get("state").and_then(Value::as_str).unwrap_or("draft") {
            "draft" => draft_orders.push(*o),
            "cancel" => {}
            _ => closed_orders.push((*o, amount(r.get("amount_total")))),
        }
    }
    let closed_ids: Vec<i64> = closed_orders.iter().map(|(o, _)| *o).collect();
    let payment_ids = sudo
        .search(
            "pos.payment",
            Domain::leaf("pos_order_id", Op::In, json!(closed_ids)),
            0,
            None,
            Some("id"),
        )
        .await?;
    let payment_rows = sudo
        .values_of(
            "pos.payment",
            &payment_ids,
            &["payment_method_id", "amount"],
        )
        .await?;
    let payments = payment_ids
        .iter()
        .filter_map(|p| {
            let r = payment_rows.get(p)?;
            let method = r.get("payment_method_id").and_then(Value::as_i64)?;
            Some((method, amount(r.get("amount"))))
        })
        .collect();
    Ok(Closing {
        config,
        state: session
            .get("state")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_string(),
        balance_start: amount(session.get("cash_register_balance_start")),
        opening_notes: session
            .get("opening_notes")
            .cloned()
            .unwrap_or(json!(false)),
        methods,
        closed_orders,
        draft_orders,
        payments,
    })
}

/// `get_closing_control_data()`: what the Close Register popup shows.
pub(super) async fn get_closing_control_data(env: &Env<'_>, args: Args) -> OdooResult<Outcome> {
    if !env.su && !env.user.has_group("point_of_sale.group_pos_user") {
        return Err(OdooError::AccessError(
            "You don't have the access rights to get the point of sale closing control data."
                .into(),
        ));
    }
    let id = super::super::single_id(MODEL, &args.ids)?;
    let c = load(env, id).await?;
    let cash = c.methods.iter().find(|(_, _, ty)| ty == "cash");
    let mut by_method: HashMap<i64, (Decimal, i64)> = HashMap::new();
    for (method, amount) in &c.payments {
        let e = by_method.entry(*method).or_default();
        e.0 += amount;
        e.1 += 1;
    }
    let orders_total: Decimal = c.closed_orders.iter().map(|(_, a)| *a).sum();
    let mut answer = Map::new();
    answer.insert(
        "orders_details".into(),
        json!({"quantity": c.closed_orders.len(), "amount": decimal_to_json(orders_total)}),
    );
    answer.insert("opening_notes".into(), c.opening_notes.clone());
    let default_cash = match cash {
        Some((id, name, _)) => {
            let paid = by_method.get(id).map(|t| t.0).unwrap_or_default();
            json!({
                "name": name,
                "amount": decimal_to_json(c.balance_start + paid),
                "opening": decimal_to_json(c.balance_start),
                "payment_amount": decimal_to_json(paid),
                "moves": [],
                "id": id,
            })
        }
        None => json!({}),
    };
    answer.insert("default_cash_details".into(), default_cash);
    let others: Vec<Value> = c
        .methods
        .iter()
        .filter(|(m, _, _)| Some(*m) != cash.map(|c| c.0))
        .map(|(m, name, ty)| {
            let (total, number) = by_method.get(m).copied().unwrap_or_default();
            json!({"name": name, "amount": decimal_to_json(total), "number": number, "id": m, "type": ty})
        })
        .collect();
    answer.insert("non_cash_payment_methods".into(), Value::Array(others));
    answer.insert(
        "is_manager".into(),
        json!(env.su || env.user.has_group("point_of_sale.group_pos_manager")),
    );
    let config = env
        .sudo()
        .values_of(
            "pos.config",
            &[c.config],
            &["set_maximum_difference", "amount_authorized_diff"],
        )
        .await?;
    let config = config.get(&c.config).cloned().unwrap_or_default();
    let authorized = match config.get("set_maximum_difference") {
        Some(Value::Bool(true)) => decimal_to_json(amount(config.get("amount_authorized_diff"))),
        _ => Value::Null,
    };
    answer.insert("amount_authorized_diff".into(), authorized);
    Ok(Value::Object(answer).into())
}

/// Odoo's `_cannot_close_session`: the answer that stops a closing, if any.
fn cannot_close(c: &Closing) -> Option<Map<String, Value>> {
    let answer = if !c.draft_orders.is_empty() {
        json!({"successful": false, "message": "You cannot close the POS when orders are still in draft", "redirect": false})
    } else if c.state == "closed" {
        json!({
            "successful": false,
            "type": "alert",
            "title": "Session already closed",
            "message": "The session has been already closed by another User. All sales completed in the meantime have been saved in a Rescue Session, which can be reviewed anytime and posted to Accounting from Point of Sale's dashboard.",
            "redirect": true,
        })
    } else {
        return None;
    };
    answer.as_object().cloned()
}

fn with_open_orders(mut answer: Map<String, Value>, c: &Closing) -> Outcome {
    answer.insert("open_order_ids".into(), json!(c.draft_orders));
    Value::Object(answer).into()
}

/// `post_closing_cash_details(counted_cash)`: the counted cash becomes the ending balance.
pub(super) async fn post_closing_cash_details(env: &Env<'_>, args: Args) -> OdooResult<Outcome> {
    let id = super::super::single_id(MODEL, &args.ids)?;
    let c = load(env, id).await?;
    if let Some(answer) = cannot_close(&c) {
        return Ok(with_open_orders(answer, &c));
    }
    if !c.methods.iter().any(|(_, _, ty)| ty == "cash") {
        return Err(OdooError::UserError(
            "There is no cash register in this session.".into(),
        ));
    }
    let counted = args.amount(0).unwrap_or_default();
    let mut vals = Map::new();
    vals.insert(
        "cash_register_balance_end_real".into(),
        decimal_to_json(counted),
    );
    env.write(MODEL, &[id], vals).await?;
    Ok(json!({"successful": true}).into())
}

/// `update_closing_control_state_session(notes)`: the session stops taking orders.
pub(super) async fn update_closing_control_state(env: &Env<'_>, args: Args) -> OdooResult<Outcome> {
    let id = super::super::single_id(MODEL, &args.ids)?;
    let state = env.sudo().value_of(MODEL, id, "state").await?;
    if state == json!("closed") {
        return Err(already_closed());
    }
    let mut vals = Map::new();
    vals.insert("state".into(), json!("closing_control"));
    vals.insert("stop_at".into(), json!(now()));
    let notes = args.value(0).cloned().unwrap_or(json!(false));
    vals.insert("closing_notes".into(), notes);
    env.write(MODEL, &[id], vals).await?;
    Ok(Value::Null.into())
}

fn already_closed() -> OdooError {
    OdooError::UserError("This session is already closed.".into())
}

fn now() -> String {
    chrono::Utc::now()
        .naive_utc()
        .format(DATETIME_FORMAT)
        .to_string()
}

/// `close_session_from_ui(bank_payment_method_diff_pairs=None)`: closes the session,
/// or answers why it cannot (`successful: false`).
pub(super) async fn close_session_from_ui(env: &Env<'_>, args: Args) -> OdooResult<Outcome> {
    let id = super::super::single_id(MODEL, &args.ids)?;
    let c = load(env, id).await?;
    if let Some(answer) = cannot_close(&c) {
        return Ok(with_open_orders(answer, &c));
    }
    check_diff_pairs(args.value(0))?;
    let stop_at = env.sudo().value_of(MODEL, id, "stop_at").await?;
    let mut vals = Map::new();
    vals.insert("state".into(), json!("closing_control"));
    if !stop_at.is_string() {
        vals.insert("stop_at".into(), json!(now()));
    }
    env.write(MODEL, &[id], vals).await?;
    // `_validate_session`: the paid orders are posted, the session closed.
    let paid = Domain::leaf("session_id", Op::Eq, json!(id)).and(Domain::leaf(
        "state",
        Op::Eq,
        json!("paid"),
    ));
    let sudo = env.sudo();
    let paid = sudo.search("pos.order", paid, 0, None, None).await?;
    if !paid.is_empty() {
        let mut done = Map::new();
        done.insert("state".into(), json!("done"));
        sudo.write("pos.order", &paid, done).await?;
    }
    let mut closed = Map::new();
    closed.insert("state".into(), json!("closed"));
    closed.insert("cash_real_transaction".into(), json!(0));
    env.write(MODEL, &[id], closed).await?;
    Ok(json!({"successful": true}).into())
}

/// The pairs `[[payment_method_id, diff], ...]` Odoo turns into a dict: anything else
/// is Python's error for `dict(...)` of it.
fn check_diff_pairs(v: Option<&Value>) -> OdooResult<()> {
    let Some(v) = v else { return Ok(()) };
    match v {
        Value::Null | Value::Bool(false) => Ok(()),
        Value::Array(pairs) => {
            for (i, p) in pairs.iter().enumerate() {
                let ok = p
                    .as_array()
                    .is_some_and(|a| a.len() == 2 && a[0].is_i64() && a[1].is_number());
                if !ok {
                    return Err(OdooError::ValueError(format!(
                        "dictionary update sequence element #{i} has length {}; 2 is required",
                        p.as_array().map(Vec::len).unwrap_or(1)
                    )));
                }
            }
            Ok(())
        }
        _ => Err(OdooError::TypeError(
            "cannot convert dictionary update sequence element #0 to a sequence".into(),
        )),
    }
}

/// `delete_opening_control_session()`: the Discard of the opening popup.
pub(super) async fn delete_opening_control_session(
    env: &Env<'_>,
    args: Args,
) -> OdooResult<Outcome> {
    let id = super::super::single_id(MODEL, &args.ids)?;
    let c = load(env, id).await?;
    let has_orders = !c.closed_orders.is_empty() || !c.draft_orders.is_empty();
    if c.state != "opening_control" || has_orders {
        return Err(OdooError::UserError(
            "You can only cancel a session that is in opening control state and has no orders."
                .into(),
        ));
    }
    env.sudo().unlink(MODEL, &[id]).await?;
    Ok(json!({"status": "success"}).into())
}
