//! The orders `sync_from_ui` receives, read into typed values before anything is
//! written: every number range-checked and exact, every relation an integer, only
//! the fields the client may set kept (the server computes names, amounts, state,
//! company and session-derived fields itself).

use rust_decimal::Decimal;
use serde_json::{Map, Value};

use crate::errors::{OdooError, OdooResult};
use crate::money::decimal_from_json;

/// At most this many orders, lines or payments in one call.
pub const MAX_ITEMS: usize = 1000;
/// Bounds on what a client may send: amounts and prices, quantities.
const MAX_AMOUNT: i64 = 1_000_000_000_000;
const MAX_QTY: i64 = 1_000_000_000;

/// Order fields a client's values are kept for (as Odoo writes them).
const ORDER_FIELDS: &[&str] = &[
    "access_token",
    "last_order_preparation_change",
    "date_order",
    "user_id",
    "pricelist_id",
    "sequence_number",
    "floating_order_name",
    "general_note",
    "fiscal_position_id",
    "to_invoice",
    "shipping_date",
    "is_tipped",
    "tip_amount",
    "ticket_code",
    "has_deleted_line",
    "email",
    "mobile",
];

/// Line fields kept as sent (numbers and relations are read separately).
const LINE_FIELDS: &[&str] = &[
    "full_product_name",
    "customer_note",
    "note",
    "uuid",
    "price_type",
    "skip_change",
    "combo_item_id",
];

/// Payment fields kept as sent.
const PAYMENT_FIELDS: &[&str] = &[
    "name",
    "payment_date",
    "card_type",
    "card_brand",
    "card_no",
    "cardholder_name",
    "payment_ref_no",
    "payment_method_authcode",
    "payment_method_issuer_bank",
    "payment_method_payment_mode",
    "transaction_id",
    "payment_status",
    "ticket",
    "is_change",
    "uuid",
];

/// What a command of `lines` or `payment_ids` asks.
#[derive(Debug, Clone)]
pub enum Command<T> {
    Create(T),
    Update(i64, T),
    Delete(i64),
}

#[derive(Debug, Clone)]
pub struct LineIn {
    pub product_id: Option<i64>,
    pub qty: Option<Decimal>,
    pub price_unit: Option<Decimal>,
    pub discount: Option<Decimal>,
    pub price_extra: Option<Decimal>,
    pub tax_ids: Option<Vec<i64>>,
    pub refunded_orderline_id: Option<i64>,
    pub attribute_value_ids: Option<Vec<i64>>,
    pub lot_names: Vec<String>,
    pub custom_values: Vec<(Option<i64>, String)>,
    pub uuid: Option<String>,
    /// The other kept fields, as sent.
    pub vals: Map<String, Value>,
}

#[derive(Debug, Clone)]
pub struct PaymentIn {
    pub amount: Option<Decimal>,
    pub payment_method_id: Option<i64>,
    pub uuid: Option<String>,
    pub vals: Map<String, Value>,
}

#[derive(Debug, Clone)]
pub struct OrderIn {
    pub uuid: String,
    pub name: Option<String>,
    pub session_id: i64,
    pub draft: bool,
    pub partner_id: Option<i64>,
    pub amount_return: Decimal,
    pub lines: Vec<Command<LineIn>>,
    pub payments: Vec<Command<PaymentIn>>,
    pub vals: Map<String, Value>,
}

impl OrderIn {
    /// The orders the lines refund come from, as `_get_refunded_orders` finds them.
    pub fn refunded_line_ids(&self) -> Vec<i64> {
        self.lines
            .iter()
            .filter_map(|c| match c {
                Command::Create(l) | Command::Update(_, l) => l.refunded_orderline_id,
                Command::Delete(_) => None,
            })
            .collect()
    }
}

fn bad(what: impl Into<String>) -> OdooError {
    OdooError::ValueError(what.into())
}

fn is_empty(v: &Value) -> bool {
    matches!(v, Value::Null | Value::Bool(false))
}

fn id_of(v: &Value, what: &str) -> OdooResult<Option<i64>> {
    if is_empty(v) {
        return Ok(None);
    }
    match v.as_i64() {
        Some(id) if id > 0 && id <= i64::from(i32::MAX) => Ok(Some(id)),
        _ => Err(bad(format!("{what}: expected a record id, got {v}"))),
    }
}

fn number(v: &Value, what: &str, bound: i64) -> OdooResult<Option<Decimal>> {
    if is_empty(v) {
        return Ok(None);
    }
    let d =
        decimal_from_json(v).ok_or_else(|| bad(format!("{what}: expected a number, got {v}")))?;
    if d.abs() > Decimal::from(bound) {
        return Err(bad(format!("{what}: {d} is out of range")));
    }
    Ok(Some(d))
}

fn text(v: &Value, what: &str) -> OdooResult<Option<String>> {
    match v {
        Value::Null | Value::Bool(false) => Ok(None),
        Value::String(s) if s.len() <= 256 => Ok(Some(s.clone())),
        _ => Err(bad(format!("{what}: expected a short string"))),
    }
}

fn keep(src: &Map<String, Value>, allowed: &[&str]) -> Map<String, Value> {
    let mut out = Map::new();
    for k in allowed {
        if let Some(v) = src.get(*k) {
            if matches!(v, Value::Array(_) | Value::Object(_)) {
                continue;
            }
            out.insert((*k).to_string(), v.clone());
        }
    }
    out
}

fn object<'v>(v: &'v Value, what: &str) -> OdooResult<&'v Map<String, Value>> {
    v.as_object()
        .ok_or_else(|| bad(format!("{what}: expected a dict")))
}

/// A list of ids, or relation commands that set them (`[[6, 0, ids]]`, `[[4, id]]`).
fn id_list(v: &Value, what: &str) -> OdooResult<Option<Vec<i64>>> {
    if is_empty(v) {
        return Ok(None);
    }
    let items = v
        .as_array()
        .ok_or_else(|| bad(format!("{what}: expected a list")))?;
    let mut out = Vec::new();
    for item in items.iter().take(MAX_ITEMS + 1) {
        match item {
            Value::Number(_) => out.extend(id_of(item, what)?),
            Value::Array(cmd) => match cmd.first().and_then(Value::as_i64) {
                Some(6) => {
                    out.clear();
                    for id in cmd.get(2).and_then(Value::as_array).into_iter().flatten() {
                        out.extend(id_of(id, what)?);
                    }
                }
                Some(4) => out.extend(id_of(cmd.get(1).unwrap_or(&Value::Null), what)?),
                Some(5) => out.clear(),
                _ => return Err(bad(format!("{what}: unsupported command {item}"))),
            },
            _ => return Err(bad(format!("{what}: unexpected {item}"))),
        }
        if out.len() > MAX_ITEMS {
            return Err(bad(format!("{what}: too many")));
        }
    }
    Ok(Some(out))
}

/// The `[0, 0, vals]` creates of a sub-list (lots, custom values).
fn creates(v: &Value, what: &str) -> OdooResult<Vec<Map<String, Value>>> {
    if is_empty(v) {
        return Ok(Vec::new());
    }
    let items = v
        .as_array()
        .ok_or_else(|| bad(format!("{what}: expected a list")))?;
    if items.len() > MAX_ITEMS {
        return Err(bad(format!("{what}: too many")));
    }
    let mut out = Vec::new();
    for item in items {
        match item.as_array().map(Vec::as_slice) {
            Some([Value::Number(n), _, vals]) if n.as_i64() == Some(0) => {
                out.push(object(vals, what)?.clone())
            }
            _ => return Err(bad(format!("{what}: unsupported command {item}"))),
        }
    }
    Ok(out)
}

fn commands<T>(
    v: Option<&Value>,
    what: &str,
    read: impl Fn(&Map<String, Value>) -> OdooResult<T>,
) -> OdooResult<Vec<Command<T>>> {
    let Some(v) = v.filter(|v| !is_empty(v)) else {
        return Ok(Vec::new());
    };
    let items = v
        .as_array()
        .ok_or_else(|| bad(format!("{what}: expected a list of commands")))?;
    if items.len() > MAX_ITEMS {
        return Err(bad(format!("{what}: too many")));
    }
    let mut out = Vec::new();
    for item in items {
        let cmd = item
            .as_array()
            .ok_or_else(|| bad(format!("{what}: expected a command, got {item}")))?;
        let code = cmd.first().and_then(Value::as_i64);
        let target = || id_of(cmd.get(1).unwrap_or(&Value::Null), what);
        out.push(match code {
            Some(0) => Command::Create(read(object(cmd.get(2).unwrap_or(&Value::Null), what)?)?),
            Some(1) => Command::Update(
                target()?.ok_or_else(|| bad(format!("{what}: update without an id")))?,
                read(object(cmd.get(2).unwrap_or(&Value::Null), what)?)?,
            ),
            Some(2) | Some(3) => Command::Delete(
                target()?.ok_or_else(|| bad(format!("{what}: delete without an id")))?,
            ),
            _ => return Err(bad(format!("{what}: unsupported command {item}"))),
        });
    }
    Ok(out)
}

fn line(src: &Map<String, Value>) -> OdooResult<LineIn> {
    let get = |k: &str| src.get(k).unwrap_or(&Value::Null);
    let discount = number(get("discount"), "discount", 100)?;
    if discount.is_some_and(|d| d < Decimal::ZERO) {
        return Err(bad("discount: must be between 0 and 100"));
    }
    let mut custom_values = Vec::new();
    for c in creates(
        get("custom_attribute_value_ids"),
        "custom_attribute_value_ids",
    )? {
        let ptav = id_of(
            c.get("custom_product_template_attribute_value_id")
                .unwrap_or(&Value::Null),
            "custom_product_template_attribute_value_id",
        )?;
        let value = text(
            c.get("custom_value").unwrap_or(&Value::Null),
            "custom_value",
        )?;
        custom_values.push((ptav, value.unwrap_or_default()));
    }
    let mut lot_names = Vec::new();
    for l in creates(get("pack_lot_ids"), "pack_lot_ids")? {
        lot_names.extend(text(l.get("lot_name").unwrap_or(&Value::Null), "lot_name")?);
    }
    Ok(LineIn {
        product_id: id_of(get("product_id"), "product_id")?,
        qty: number(get("qty"), "qty", MAX_QTY)?,
        price_unit: number(get("price_unit"), "price_unit", MAX_AMOUNT)?,
        discount,
        price_extra: number(get("price_extra"), "price_extra", MAX_AMOUNT)?,
        tax_ids: id_list(get("tax_ids"), "tax_ids")?,
        refunded_orderline_id: id_of(get("refunded_orderline_id"), "refunded_orderline_id")?,
        attribute_value_ids: id_list(get("attribute_value_ids"), "attribute_value_ids")?,
        lot_names,
        custom_values,
        uuid: text(get("uuid"), "uuid")?,
        vals: keep(src, LINE_FIELDS),
    })
}

fn payment(src: &Map<String, Value>) -> OdooResult<PaymentIn> {
    let get = |k: &str| src.get(k).unwrap_or(&Value::Null);
    Ok(PaymentIn {
        amount: number(get("amount"), "amount", MAX_AMOUNT)?,
        payment_method_id: id_of(get("payment_method_id"), "payment_method_id")?,
        uuid: text(get("uuid"), "uuid")?,
        vals: keep(src, PAYMENT_FIELDS),
    })
}

/// Reads one serialized order of the POS client.
pub fn order(v: &Value) -> OdooResult<OrderIn> {
    let src = object(v, "order")?;
    let get = |k: &str| src.get(k).unwrap_or(&Value::Null);
    let uuid = text(get("uuid"), "uuid")?
        .filter(|u| !u.is_empty())
        .ok_or_else(|| bad("order: a uuid is required"))?;
    let session_id = id_of(get("session_id"), "session_id")?
        .ok_or_else(|| bad("order: a session_id is required"))?;
    let amount_return =
        number(get("amount_return"), "amount_return", MAX_AMOUNT)?.unwrap_or_default();
    Ok(OrderIn {
        uuid,
        name: text(get("name"), "name")?,
        session_id,
        draft: get("state").as_str() == Some("draft"),
        partner_id: id_of(get("partner_id"), "partner_id")?,
        amount_return,
        lines: commands(src.get("lines"), "lines", line)?,
        payments: commands(src.get("payment_ids"), "payment_ids", payment)?,
        vals: keep(src, ORDER_FIELDS),
    })
}

/// Reads the `orders` argument: a list of serialized orders.
pub fn orders(v: Option<&Value>) -> OdooResult<Vec<OrderIn>> {
    let list = match v {
        Some(Value::Array(a)) => a,
        Some(other) => {
            return Err(OdooError::TypeError(format!(
                "'{}' object is not iterable",
                crate::orm::values::python_type_name(other)
            )))
        }
        None => {
            return Err(OdooError::TypeError(
                "PosOrder.sync_from_ui() missing 1 required positional argument: 'orders'".into(),
            ))
        }
    };
    if list.len() > MAX_ITEMS {
        return Err(bad("too many orders in one call"));
    }
    list.iter().map(order).collect()
}
