//! `pos.order.sync_from_ui(orders)`: Odoo 18's `sync_from_ui` / `_process_order` /
//! `_process_payment_lines` / `_process_saved_order`. Each order is created, or
//! updated while it is a draft; a re-sent order that is no longer a draft is left
//! alone (and, as the recorded Odoo 18 answers, not in the answer). The whole call
//! is one transaction: an invalid order writes nothing.

use rust_decimal::Decimal;
use serde_json::{json, Map, Value};

use super::amounts::{self, Rounding, TaxCache};
use super::incoming::{self, Command, LineIn, OrderIn, PaymentIn};
use super::{answer, sequence, MODEL};
use crate::addons::account_tax::compute::Line;
use crate::addons::missing_error;
use crate::errors::{OdooError, OdooResult};
use crate::orm::behaviour::{Args, Outcome};
use crate::orm::domain::{Domain, Op};
use crate::orm::values::{decimal_to_json, json_to_decimal, DATETIME_FORMAT};
use crate::orm::Env;

const LINE: &str = "pos.order.line";
const PAYMENT: &str = "pos.payment";

pub async fn sync_from_ui(env: &Env<'_>, args: Args) -> OdooResult<Outcome> {
    let orders = incoming::orders(args.value(0))?;
    let mut ids = Vec::new();
    for order in &orders {
        check_refunded_orders(env, order).await?;
        match find_by_uuid(env, &order.uuid).await? {
            Some((id, state)) if state == "draft" => ids.push(process(env, order, Some(id)).await?),
            Some(_) => {}
            None => ids.push(process(env, order, None).await?),
        }
    }
    Ok(answer::read_pos_data(env, &ids).await?.into())
}

/// `_get_refunded_orders`: the lines of one order refund products of one order only.
async fn check_refunded_orders(env: &Env<'_>, order: &OrderIn) -> OdooResult<()> {
    let refunded = order.refunded_line_ids();
    if refunded.is_empty() {
        return Ok(());
    }
    let rows = env.sudo().values_of(LINE, &refunded, &["order_id"]).await?;
    let mut orders: Vec<i64> = rows
        .values()
        .filter_map(|r| r.get("order_id").and_then(Value::as_i64))
        .collect();
    orders.sort_unstable();
    orders.dedup();
    if orders.len() > 1 {
        return Err(OdooError::ValidationError(
            "You can only refund products from the same order.".into(),
        ));
    }
    Ok(())
}

async fn find_by_uuid(env: &Env<'_>, uuid: &str) -> OdooResult<Option<(i64, String)>> {
    let sudo = env.sudo().with_context("active_test", json!(false));
    let found = sudo
        .search(
            MODEL,
            Domain::leaf("uuid", Op::Eq, json!(uuid)),
            0,
            Some(1),
            Some("id desc"),
        )
        .await?;
    let Some(id) = found.first().copied() else {
        return Ok(None);
    };
    let state = sudo.value_of(MODEL, id, "state").await?;
    Ok(Some((id, state.as_str().unwrap_or_default().to_string())))
}

/// What an order takes from its session and POS.
struct Context {
    session_id: i64,
    config_id: i64,
    company_id: i64,
    pricelist_id: Value,
    journal_id: Value,
    sequence_id: Option<i64>,
    payment_method_ids: Vec<i64>,
    rounding: Rounding,
}

fn id_of(row: &Map<String, Value>, k: &str) -> Option<i64> {
    row.get(k).and_then(Value::as_i64)
}

/// The order's session, or, when it has been closed meanwhile, the open session of
/// the same POS (`_get_valid_session`).
async fn context(env: &Env<'_>, session_id: i64) -> OdooResult<Context> {
    let sudo = env.sudo();
    let session = env
        .read(
            "pos.session",
            &[session_id],
            Some(&["state".to_string(), "config_id".to_string()]),
            false,
        )
        .await?;
    let Some(session) = session.into_iter().next() else {
        return Err(missing_error(env, "pos.session", &[session_id]));
    };
    let config_id = id_of(&session, "config_id")
        .ok_or_else(|| OdooError::UserError("The session has no Point of Sale.".into()))?;
    let mut session_id = session_id;
    let state = session.get("state").and_then(Value::as_str).unwrap_or("");
    if state == "closing_control" || state == "closed" {
        let open = Domain::leaf("state", Op::NotIn, json!(["closed", "closing_control"]))
            .and(Domain::leaf("config_id", Op::Eq, json!(config_id)));
        session_id = *sudo
            .search("pos.session", open, 0, Some(1), None)
            .await?
            .first()
            .ok_or_else(|| {
                OdooError::UserError(
                    "No open session available. Please open a new session to capture the order."
                        .into(),
                )
            })?;
    }
    let config = sudo
        .values_of(
            "pos.config",
            &[config_id],
            &[
                "company_id",
                "pricelist_id",
                "journal_id",
                "sequence_id",
                "payment_method_ids",
            ],
        )
        .await?
        .remove(&config_id)
        .unwrap_or_default();
    let company_id = id_of(&config, "company_id").unwrap_or(1);
    Ok(Context {
        session_id,
        config_id,
        company_id,
        pricelist_id: config.get("pricelist_id").cloned().unwrap_or(Value::Null),
        journal_id: config.get("journal_id").cloned().unwrap_or(Value::Null),
        sequence_id: id_of(&config, "sequence_id"),
        payment_method_ids: config
            .get("payment_method_ids")
            .and_then(Value::as_array)
            .map(|a| a.iter().filter_map(Value::as_i64).collect())
            .unwrap_or_default(),
        rounding: amounts::rounding(env, config_id, company_id).await?,
    })
}

/// `_process_order`: creates or updates the order, its lines and payments, then
/// settles it. Returns its id.
async fn process(env: &Env<'_>, order: &OrderIn, existing: Option<i64>) -> OdooResult<i64> {
    let ctx = context(env, order.session_id).await?;
    let mut vals = order.vals.clone();
    let mut partner = order.partner_id;
    if let Some(p) = partner {
        let exists = env
            .sudo()
            .with_context("active_test", json!(false))
            .search_count("res.partner", Domain::leaf("id", Op::Eq, json!(p)), Some(1))
            .await?;
        if exists == 0 {
            partner = None;
            vals.insert("to_invoice".into(), json!(false));
        }
    }
    vals.insert("partner_id".into(), json!(partner));
    vals.insert("session_id".into(), json!(ctx.session_id));
    vals.insert("config_id".into(), json!(ctx.config_id));
    vals.insert("company_id".into(), json!(ctx.company_id));
    vals.insert("sale_journal".into(), ctx.journal_id.clone());
    vals.insert("currency_rate".into(), json!(1.0));
    if vals.get("pricelist_id").and_then(Value::as_i64).is_none() {
        vals.insert("pricelist_id".into(), ctx.pricelist_id.clone());
    }
    let id = match existing {
        Some(id) => {
            env.write(MODEL, &[id], vals).await?;
            id
        }
        None => {
            vals.insert("uuid".into(), json!(order.uuid));
            vals.insert("pos_reference".into(), json!(order.name));
            vals.insert("state".into(), json!("draft"));
            for k in ["amount_tax", "amount_total", "amount_paid", "amount_return"] {
                vals.insert(k.into(), json!(0));
            }
            env.create(MODEL, vec![vals]).await?[0]
        }
    };
    let mut taxes = TaxCache::default();
    for cmd in &order.lines {
        apply_line(env, id, cmd, ctx.rounding, &mut taxes).await?;
    }
    check_refunded_quantities(env, order).await?;
    for cmd in &order.payments {
        apply_payment(env, id, cmd).await?;
    }
    if !order.draft && !ctx.rounding.is_zero(order.amount_return) {
        add_change(env, id, &ctx, order.amount_return).await?;
    }
    let a = amounts::compute(env, id, ctx.rounding, &mut taxes).await?;
    amounts::store(env, id, &a).await?;
    if !order.draft {
        settle(env, id, &ctx, existing.is_some(), &a).await?;
    }
    Ok(id)
}

/// `action_pos_order_paid`: a fully paid order becomes `paid` and takes its name.
async fn settle(
    env: &Env<'_>,
    id: i64,
    ctx: &Context,
    was_draft: bool,
    a: &amounts::OrderAmounts,
) -> OdooResult<()> {
    let sudo = env.sudo();
    let current = sudo.value_of(MODEL, id, "name").await?;
    let mut name = current.as_str().unwrap_or("/").to_string();
    if name == "/" {
        name = match (was_draft, refunded_order_name(env, id).await?) {
            (true, Some(refunded)) => format!("{refunded} REFUND"),
            _ => match ctx.sequence_id {
                Some(seq) => sequence::next(env, seq).await?,
                None => name,
            },
        };
    }
    if !ctx.rounding.is_zero(a.total - a.paid) {
        return Err(OdooError::UserError(format!(
            "Order {name} is not fully paid."
        )));
    }
    let mut vals = Map::new();
    vals.insert("state".into(), json!("paid"));
    vals.insert("name".into(), json!(name));
    env.write(MODEL, &[id], vals).await?;
    super::cost::compute_total_cost(env, id).await
}

async fn refunded_order_name(env: &Env<'_>, id: i64) -> OdooResult<Option<String>> {
    let refunded = super::refunded_order(env, id).await?;
    Ok(match refunded {
        Some(o) => env
            .sudo()
            .value_of(MODEL, o, "name")
            .await?
            .as_str()
            .map(str::to_string),
        None => None,
    })
}

/// Lines and payments of the order only: another order's record is "missing".
async fn own(env: &Env<'_>, model: &str, link: &str, order: i64, id: i64) -> OdooResult<()> {
    let owner = env.sudo().values_of(model, &[id], &[link]).await?;
    if owner.get(&id).and_then(|r| id_of(r, link)) != Some(order) {
        return Err(missing_error(env, model, &[id]));
    }
    Ok(())
}

async fn by_uuid(env: &Env<'_>, model: &str, uuid: &Option<String>) -> OdooResult<Vec<i64>> {
    match uuid {
        Some(u) => {
            env.sudo()
                .search(model, Domain::leaf("uuid", Op::Eq, json!(u)), 0, None, None)
                .await
        }
        None => Ok(Vec::new()),
    }
}

/// The foreign-key refusal Odoo answers for a line whose product does not exist.
fn unknown_product() -> OdooError {
    OdooError::ValidationError(
        "The operation cannot be completed: another model requires the record being deleted. If possible, archive it instead.\n\nModel: Point of Sale Order Lines (pos.order.line)\nConstraint: pos_order_line_product_id_fkey\n".into(),
    )
}

async fn apply_line(
    env: &Env<'_>,
    order: i64,
    cmd: &Command<LineIn>,
    r: Rounding,
    taxes: &mut TaxCache,
) -> OdooResult<()> {
    match cmd {
        Command::Delete(lid) => {
            own(env, LINE, "order_id", order, *lid).await?;
            env.unlink(LINE, &[*lid]).await
        }
        Command::Update(lid, l) => {
            own(env, LINE, "order_id", order, *lid).await?;
            write_line(env, *lid, l, r, taxes).await
        }
        Command::Create(l) => {
            // The same line sent again (a draft re-sent) is updated, not duplicated.
            if let Some(lid) = by_uuid(env, LINE, &l.uuid).await?.first().copied() {
                own(env, LINE, "order_id", order, lid).await?;
                return write_line(env, lid, l, r, taxes).await;
            }
            let mut vals = line_vals(env, l).await?;
            vals.insert("order_id".into(), json!(order));
            let qty = l.qty.unwrap_or(Decimal::ONE);
            let price = l.price_unit.unwrap_or_default();
            vals.insert("qty".into(), decimal_to_json(qty));
            vals.insert("price_unit".into(), decimal_to_json(price));
            let line = Line {
                price_unit: price,
                quantity: qty,
                discount: l.discount.unwrap_or_default(),
                taxes: taxes.get(env, l.tax_ids.as_deref().unwrap_or(&[])).await?,
            };
            subtotals(&mut vals, &line, r);
            let lid = env.create(LINE, vec![vals]).await?[0];
            for lot in &l.lot_names {
                let mut v = Map::new();
                v.insert("pos_order_line_id".into(), json!(lid));
                v.insert("lot_name".into(), json!(lot));
                env.create("pos.pack.operation.lot", vec![v]).await?;
            }
            for (ptav, value) in &l.custom_values {
                let mut v = Map::new();
                v.insert("pos_order_line_id".into(), json!(lid));
                v.insert(
                    "custom_product_template_attribute_value_id".into(),
                    json!(ptav),
                );
                v.insert("custom_value".into(), json!(value));
                // Odoo's POS users may attach them; its CSV gives them no create right.
                env.sudo()
                    .create("product.attribute.custom.value", vec![v])
                    .await?;
            }
            Ok(())
        }
    }
}

fn subtotals(vals: &mut Map<String, Value>, line: &Line, r: Rounding) {
    let t = amounts::line_subtotals(line, r);
    vals.insert("price_subtotal".into(), decimal_to_json(t.subtotal));
    vals.insert(
        "price_subtotal_incl".into(),
        decimal_to_json(t.subtotal_incl),
    );
}

/// The values of a line the client may set, relations checked.
async fn line_vals(env: &Env<'_>, l: &LineIn) -> OdooResult<Map<String, Value>> {
    let mut vals = l.vals.clone();
    if let Some(p) = l.product_id {
        let exists = env
            .sudo()
            .with_context("active_test", json!(false))
            .search_count(
                "product.product",
                Domain::leaf("id", Op::Eq, json!(p)),
                Some(1),
            )
            .await?;
        if exists == 0 {
            return Err(unknown_product());
        }
        vals.insert("product_id".into(), json!(p));
    }
    if let Some(d) = l.discount {
        vals.insert("discount".into(), decimal_to_json(d));
    }
    if let Some(p) = l.price_extra {
        vals.insert("price_extra".into(), decimal_to_json(p));
    }
    if let Some(t) = &l.tax_ids {
        vals.insert("tax_ids".into(), json!([[6, 0, t]]));
    }
    if let Some(a) = &l.attribute_value_ids {
        vals.insert("attribute_value_ids".into(), json!([[6, 0, a]]));
    }
    if let Some(rid) = l.refunded_orderline_id {
        if env
            .sudo()
            .values_of(LINE, &[rid], &["id"])
            .await?
            .is_empty()
        {
            return Err(missing_error(env, LINE, &[rid]));
        }
        vals.insert("refunded_orderline_id".into(), json!(rid));
    }
    Ok(vals)
}

async fn write_line(
    env: &Env<'_>,
    lid: i64,
    l: &LineIn,
    r: Rounding,
    taxes: &mut TaxCache,
) -> OdooResult<()> {
    let mut vals = line_vals(env, l).await?;
    let current = env
        .sudo()
        .values_of(LINE, &[lid], &["price_unit", "qty", "discount", "tax_ids"])
        .await?
        .remove(&lid)
        .unwrap_or_default();
    let dec = |k: &str| current.get(k).and_then(json_to_decimal).unwrap_or_default();
    let tax_ids: Vec<i64> = match &l.tax_ids {
        Some(t) => t.clone(),
        None => current
            .get("tax_ids")
            .and_then(Value::as_array)
            .map(|a| a.iter().filter_map(Value::as_i64).collect())
            .unwrap_or_default(),
    };
    let line = Line {
        price_unit: l.price_unit.unwrap_or_else(|| dec("price_unit")),
        quantity: l.qty.unwrap_or_else(|| dec("qty")),
        discount: l.discount.unwrap_or_else(|| dec("discount")),
        taxes: taxes.get(env, &tax_ids).await?,
    };
    vals.insert("qty".into(), decimal_to_json(line.quantity));
    vals.insert("price_unit".into(), decimal_to_json(line.price_unit));
    subtotals(&mut vals, &line, r);
    env.write(LINE, &[lid], vals).await
}

/// A refund never gives back more than was sold on the refunded line.
async fn check_refunded_quantities(env: &Env<'_>, order: &OrderIn) -> OdooResult<()> {
    let sudo = env.sudo();
    for rid in order.refunded_line_ids() {
        let sold = sudo
            .values_of(LINE, &[rid], &["qty", "full_product_name"])
            .await?;
        let Some(sold) = sold.get(&rid) else { continue };
        let refunds = sudo
            .search(
                LINE,
                Domain::leaf("refunded_orderline_id", Op::Eq, json!(rid)),
                0,
                None,
                None,
            )
            .await?;
        let refunded: Decimal = sudo
            .values_of(LINE, &refunds, &["qty"])
            .await?
            .values()
            .filter_map(|r| r.get("qty").and_then(json_to_decimal))
            .sum();
        let qty = sold
            .get("qty")
            .and_then(json_to_decimal)
            .unwrap_or_default();
        if -refunded > qty {
            return Err(OdooError::UserError(format!(
                "You cannot refund more than was sold: {} of {} ({}).",
                -refunded,
                qty,
                sold.get("full_product_name")
                    .and_then(Value::as_str)
                    .unwrap_or("the product")
            )));
        }
    }
    Ok(())
}

async fn apply_payment(env: &Env<'_>, order: i64, cmd: &Command<PaymentIn>) -> OdooResult<()> {
    match cmd {
        Command::Delete(pid) => {
            own(env, PAYMENT, "pos_order_id", order, *pid).await?;
            env.unlink(PAYMENT, &[*pid]).await
        }
        Command::Update(pid, p) => {
            own(env, PAYMENT, "pos_order_id", order, *pid).await?;
            check_transaction(env, p, Some(*pid)).await?;
            env.write(PAYMENT, &[*pid], payment_vals(p)).await
        }
        Command::Create(p) => {
            if let Some(pid) = by_uuid(env, PAYMENT, &p.uuid).await?.first().copied() {
                // A payment already recorded is never recorded twice.
                own(env, PAYMENT, "pos_order_id", order, pid)
                    .await
                    .map_err(|_| {
                        OdooError::ValidationError("A payment with this uuid already exists".into())
                    })?;
                check_transaction(env, p, Some(pid)).await?;
                return env.write(PAYMENT, &[pid], payment_vals(p)).await;
            }
            check_transaction(env, p, None).await?;
            let mut vals = payment_vals(p);
            vals.insert("pos_order_id".into(), json!(order));
            vals.insert("uuid".into(), json!(p.uuid));
            env.create(PAYMENT, vec![vals]).await?;
            Ok(())
        }
    }
}

fn payment_vals(p: &PaymentIn) -> Map<String, Value> {
    let mut vals = p.vals.clone();
    vals.remove("uuid");
    if let Some(a) = p.amount {
        vals.insert("amount".into(), decimal_to_json(a));
    } else {
        vals.entry("amount").or_insert(json!(0));
    }
    if let Some(m) = p.payment_method_id {
        vals.insert("payment_method_id".into(), json!(m));
    }
    vals
}

/// One captured PaymentIntent pays one payment: a positive payment naming a
/// transaction another positive payment already holds is refused, and the negative
/// (refund) payments of a transaction never give back more than it paid.
async fn check_transaction(env: &Env<'_>, p: &PaymentIn, this: Option<i64>) -> OdooResult<()> {
    let Some(tx) = p.vals.get("transaction_id").and_then(Value::as_str) else {
        return Ok(());
    };
    let amount = p.amount.unwrap_or_default();
    if tx.is_empty() || amount.is_zero() {
        return Ok(());
    }
    let (paid, refunded) = crate::addons::pos_payment::transaction_totals(env, tx, this).await?;
    if amount > Decimal::ZERO && paid > Decimal::ZERO {
        return Err(OdooError::ValidationError(format!(
            "The transaction {tx} already pays another payment."
        )));
    }
    if amount < Decimal::ZERO && paid > Decimal::ZERO && refunded - amount > paid {
        return Err(OdooError::ValidationError(format!(
            "The refunds of the transaction {tx} would give back more than it paid ({paid})."
        )));
    }
    Ok(())
}

/// `_process_payment_lines`: the change given back is a negative cash payment.
async fn add_change(env: &Env<'_>, order: i64, ctx: &Context, amount: Decimal) -> OdooResult<()> {
    let cash = Domain::leaf("id", Op::In, json!(ctx.payment_method_ids)).and(Domain::leaf(
        "is_cash_count",
        Op::Eq,
        json!(true),
    ));
    let method = env
        .sudo()
        .with_context("active_test", json!(false))
        .search("pos.payment.method", cash, 0, Some(1), None)
        .await?;
    let Some(method) = method.first() else {
        return Err(OdooError::UserError(
            "No cash statement found for this session. Unable to record returned cash.".into(),
        ));
    };
    let mut vals = Map::new();
    vals.insert("name".into(), json!("return"));
    vals.insert("pos_order_id".into(), json!(order));
    vals.insert("amount".into(), decimal_to_json(-amount));
    let now = chrono::Utc::now().naive_utc().format(DATETIME_FORMAT);
    vals.insert("payment_date".into(), json!(now.to_string()));
    vals.insert("payment_method_id".into(), json!(method));
    vals.insert("is_change".into(), json!(true));
    env.create(PAYMENT, vec![vals]).await?;
    Ok(())
}
