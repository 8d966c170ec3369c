//! PaymentIntents: create, retrieve, update, capture (with over-capture for tips) and cancel.

use super::fields::*;
use super::*;

/// A currency code, lowercased; anything but three letters is refused.
fn currency(code: &str) -> Result<String, ApiError> {
    if code.len() == 3 && code.bytes().all(|byte| byte.is_ascii_alphabetic()) {
        Ok(code.to_ascii_lowercase())
    } else {
        Err(ApiError::invalid_param(
            None,
            "currency",
            format!("Invalid currency: {code}. Send a three-letter ISO currency code such as usd."),
        ))
    }
}

fn checked_amount(amount: i64, param: &str) -> Result<i64, ApiError> {
    if amount > MAX_AMOUNT {
        Err(ApiError::invalid_param(
            Some("amount_too_large"),
            param,
            format!("Amount must be no more than {MAX_AMOUNT} (in the currency's smallest unit)."),
        ))
    } else {
        Ok(amount)
    }
}

fn payment_method_types(call: &Call<'_>) -> Result<Option<Vec<String>>, ApiError> {
    let types = call.params.list(&["payment_method_types"]);
    if types.is_empty() {
        return Ok(None);
    }
    if let Some(unknown) = types
        .iter()
        .find(|kind| !PAYMENT_METHOD_TYPES.contains(&kind.as_str()))
    {
        return Err(ApiError::invalid_param(
            None,
            "payment_method_types",
            format!(
                "The payment method type \"{unknown}\" is invalid. This simulator supports {}.",
                params::one_of(PAYMENT_METHOD_TYPES)
            ),
        ));
    }
    Ok(Some(types))
}

/// Applies `payment_method_options[card_present][...]` and checks every options hash names one of
/// the intent's payment method types.
fn apply_payment_method_options(call: &Call<'_>, pi: &mut PaymentIntent) -> Result<(), ApiError> {
    let Some(Value::Object(options)) = call.params.get(&["payment_method_options"]) else {
        return Ok(());
    };
    for method_type in options.keys() {
        if !pi
            .payment_method_types
            .iter()
            .any(|kind| kind == method_type)
        {
            return Err(ApiError::invalid_param(
                None,
                format!("payment_method_options[{method_type}]"),
                format!(
                    "payment_method_options[{method_type}] was sent, but {method_type} is not one \
                     of this PaymentIntent's payment_method_types."
                ),
            ));
        }
    }
    if call
        .params
        .contains(&["payment_method_options", "card_present"])
    {
        let option = |name: &'static str| ["payment_method_options", "card_present", name];
        pi.card_present_capture_method = call
            .params
            .str(&option("capture_method"))
            .map(str::to_string);
        pi.request_extended_authorization =
            call.params.bool(&option("request_extended_authorization"));
        pi.request_incremental_authorization_support = call
            .params
            .bool(&option("request_incremental_authorization_support"));
    }
    Ok(())
}

pub(super) fn create_payment_intent(state: &mut State, call: &Call<'_>) -> Result<Value, ApiError> {
    call.validate(CREATE_PAYMENT_INTENT)?;
    let options = call.options(PAYMENT_INTENT_EXPANDABLE)?;
    let amount = checked_amount(call.params.int(&["amount"]).unwrap_or_default(), "amount")?;
    let currency = currency(call.params.str(&["currency"]).unwrap_or_default())?;
    let id = new_id("pi");
    let mut pi = PaymentIntent {
        client_secret: format!("{id}_secret_{}", random_alnum(25)),
        id,
        created: now(),
        amount,
        amount_capturable: 0,
        amount_received: 0,
        tip: None,
        currency,
        status: PiStatus::RequiresPaymentMethod,
        capture_method: call
            .params
            .str(&["capture_method"])
            .unwrap_or("automatic")
            .to_string(),
        payment_method_types: payment_method_types(call)?.unwrap_or_else(|| vec!["card".into()]),
        card_present_capture_method: None,
        request_extended_authorization: None,
        request_incremental_authorization_support: None,
        description: call.params.str(&["description"]).map(str::to_string),
        receipt_email: call.params.str(&["receipt_email"]).map(str::to_string),
        metadata: Map::new(),
        payment_method: None,
        charges: Vec::new(),
        last_payment_error: None,
        canceled_at: None,
        cancellation_reason: None,
    };
    apply_payment_method_options(call, &mut pi)?;
    if let Some(update) = call.params.metadata() {
        update.apply(&mut pi.metadata)?;
    }
    let rendered = state.render_payment_intent(&pi, &options);
    state.payment_intents.insert(pi.id.clone(), pi);
    state.payment_intents_created += 1;
    Ok(rendered)
}

pub(super) fn retrieve_payment_intent(
    state: &mut State,
    call: &Call<'_>,
    id: &str,
) -> Result<Value, ApiError> {
    call.validate(RETRIEVE_PAYMENT_INTENT)?;
    let options = call.options(PAYMENT_INTENT_EXPANDABLE)?;
    let pi = payment_intent(state, id, "intent")?;
    if let Some(secret) = call.params.str(&["client_secret"]) {
        if secret != pi.client_secret {
            return Err(ApiError::invalid_param(
                None,
                "client_secret",
                "The client_secret provided does not match the client_secret of this PaymentIntent.",
            ));
        }
    }
    Ok(state.render_payment_intent(pi, &options))
}

pub(super) fn update_payment_intent(
    state: &mut State,
    call: &Call<'_>,
    id: &str,
) -> Result<Value, ApiError> {
    call.validate(UPDATE_PAYMENT_INTENT)?;
    let options = call.options(PAYMENT_INTENT_EXPANDABLE)?;
    let current = payment_intent(state, id, "intent")?;
    let restricted = [
        "amount",
        "currency",
        "payment_method_types",
        "capture_method",
        "payment_method_options",
    ];
    if let Some(field) = restricted
        .iter()
        .find(|field| call.params.contains(&[field]))
    {
        if !UPDATABLE.contains(&current.status) {
            let message = format!(
                "This PaymentIntent's {field} could not be updated because it has a status of {}. The {field} can only be updated while the status is one of: {}.",
                current.status.as_str(),
                status_list(UPDATABLE)
            );
            return Err(unexpected_state(state, current, message));
        }
    }
    let mut pi = current.clone();
    if let Some(amount) = call.params.int(&["amount"]) {
        pi.amount = checked_amount(amount, "amount")?;
    }
    if let Some(code) = call.params.str(&["currency"]) {
        pi.currency = currency(code)?;
    }
    if let Some(capture_method) = call.params.str(&["capture_method"]) {
        pi.capture_method = capture_method.to_string();
    }
    if let Some(types) = payment_method_types(call)? {
        pi.payment_method_types = types;
    }
    apply_payment_method_options(call, &mut pi)?;
    if call.params.contains(&["description"]) {
        pi.description = call.params.str(&["description"]).map(str::to_string);
    }
    if call.params.contains(&["receipt_email"]) {
        pi.receipt_email = call.params.str(&["receipt_email"]).map(str::to_string);
    }
    if let Some(update) = call.params.metadata() {
        update.apply(&mut pi.metadata)?;
    }
    let rendered = state.render_payment_intent(&pi, &options);
    state.payment_intents.insert(pi.id.clone(), pi);
    Ok(rendered)
}

pub(super) fn capture_payment_intent(
    state: &mut State,
    call: &Call<'_>,
    id: &str,
) -> Result<Value, ApiError> {
    call.validate(CAPTURE_PAYMENT_INTENT)?;
    let options = call.options(PAYMENT_INTENT_EXPANDABLE)?;
    let pi = payment_intent(state, id, "intent")?;
    if pi.status != PiStatus::RequiresCapture {
        let message = format!(
            "This PaymentIntent could not be captured because it has a status of {}. Only a PaymentIntent with one of the following statuses may be captured: requires_capture.",
            pi.status.as_str()
        );
        return Err(unexpected_state(state, pi, message));
    }
    let capturable = pi.amount_capturable;
    let amount = call
        .params
        .int(&["amount_to_capture"])
        .unwrap_or(capturable);
    let charge_id = pi.latest_charge().map(str::to_string);
    let overcapture_supported = charge_id
        .as_deref()
        .and_then(|id| state.charges.get(id))
        .is_some_and(|charge| charge.overcapture_supported);
    let limit = if overcapture_supported {
        authorization::overcapture_limit(capturable)
    } else {
        capturable
    };
    if amount > limit {
        // Stripe's answer, with the PaymentIntent as it stands (still requires_capture).
        return Err(ApiError::invalid(
            "The payment could not be captured because the requested capture amount is greater than the amount you can capture for this charge. Contact us via https://support.stripe.com/contact/ for help.",
        )
        .with_code("amount_too_large")
        .with_param("amount_to_capture")
        .with_payment_intent(state.render_payment_intent(pi, &RenderOptions::default())));
    }
    // Checked before anything changes, so a refused metadata update captures nothing.
    let mut metadata = pi.metadata.clone();
    if let Some(update) = call.params.metadata() {
        update.apply(&mut metadata)?;
    }
    if let Some(charge) = charge_id.and_then(|id| state.charges.get_mut(&id)) {
        charge.captured = true;
        charge.amount_captured = amount;
        // An over-capture raises what the charge is for; amount_authorized keeps the original.
        charge.amount = charge.amount.max(amount);
        charge.capture_before = None;
        charge.balance_transaction = Some(new_id("txn"));
    }
    let pi = payment_intent_mut(state, id)?;
    // "Over-capturing updates the PaymentIntent amount to reflect the new total" (Stripe).
    pi.amount = pi.amount.max(amount);
    pi.status = PiStatus::Succeeded;
    pi.amount_received = amount;
    pi.amount_capturable = 0;
    pi.metadata = metadata;
    let pi = payment_intent(state, id, "intent")?;
    Ok(state.render_payment_intent(pi, &options))
}

pub(super) fn cancel_payment_intent(
    state: &mut State,
    call: &Call<'_>,
    id: &str,
) -> Result<Value, ApiError> {
    call.validate(CANCEL_PAYMENT_INTENT)?;
    let options = call.options(PAYMENT_INTENT_EXPANDABLE)?;
    let pi = payment_intent(state, id, "intent")?;
    if !CANCELABLE.contains(&pi.status) {
        let message = format!(
            "You cannot cancel this PaymentIntent because it has a status of {}. Only a PaymentIntent with one of the following statuses may be canceled: {}.",
            pi.status.as_str(),
            status_list(CANCELABLE)
        );
        return Err(unexpected_state(state, pi, message));
    }
    // Canceling an authorized intent releases the hold on its uncaptured charge.
    if pi.status == PiStatus::RequiresCapture {
        let charge_id = pi.latest_charge().map(str::to_string);
        if let Some(charge) = charge_id.and_then(|id| state.charges.get_mut(&id)) {
            charge.amount_refunded = charge.amount;
        }
    }
    let pi = payment_intent_mut(state, id)?;
    pi.status = PiStatus::Canceled;
    pi.canceled_at = Some(now());
    pi.cancellation_reason = call
        .params
        .str(&["cancellation_reason"])
        .map(str::to_string);
    pi.amount_capturable = 0;
    let pi = payment_intent(state, id, "intent")?;
    Ok(state.render_payment_intent(pi, &options))
}
