//! Refunds and charges.

use super::fields::*;
use super::*;

pub(super) fn create_refund(state: &mut State, call: &Call<'_>) -> Result<Value, ApiError> {
    call.validate(CREATE_REFUND)?;
    let options = call.options(REFUND_EXPANDABLE)?;
    let pi_id = call.params.str(&["payment_intent"]);
    let charge_param = call.params.str(&["charge"]);
    let not_refundable =
        |message: String| ApiError::invalid(message).with_code("charge_not_refundable");
    let charge_id = match (pi_id, charge_param) {
        (None, None) => {
            return Err(ApiError::invalid_param(
                Some("parameter_missing"),
                "payment_intent",
                "One of the following params should be provided for this request: payment_intent or charge.",
            ))
        }
        (Some(pi_id), _) => {
            let pi = payment_intent(state, pi_id, "payment_intent")?;
            if pi.status != PiStatus::Succeeded {
                let message = if pi.status == PiStatus::RequiresCapture {
                    format!(
                        "PaymentIntent {pi_id} has not been captured, so there is nothing to \
                         refund. Cancel it to release the authorization instead."
                    )
                } else {
                    format!(
                        "PaymentIntent {pi_id} does not have a successful charge to refund \
                         (its status is {}).",
                        pi.status.as_str()
                    )
                };
                return Err(not_refundable(message).with_param("payment_intent"));
            }
            let latest = pi.latest_charge().unwrap_or_default().to_string();
            if let Some(charge_id) = charge_param {
                if charge_id != latest {
                    return Err(ApiError::invalid_param(
                        None,
                        "charge",
                        format!("Charge {charge_id} does not belong to PaymentIntent {pi_id}."),
                    ));
                }
            }
            latest
        }
        (None, Some(charge_id)) => charge_id.to_string(),
    };
    let charge = state
        .charges
        .get(&charge_id)
        .ok_or_else(|| ApiError::resource_missing("charge", &charge_id, "charge"))?;
    if charge.decline.is_some() || !charge.captured {
        return Err(not_refundable(format!(
            "Charge {charge_id} cannot be refunded because it has not been captured."
        ))
        .with_param("charge"));
    }
    let refundable = charge.refundable();
    if refundable == 0 {
        return Err(
            ApiError::invalid(format!("Charge {charge_id} has already been refunded."))
                .with_code("charge_already_refunded"),
        );
    }
    let amount = call.params.int(&["amount"]).unwrap_or(refundable);
    if amount > refundable {
        return Err(ApiError::invalid(format!(
            "Refund amount ({amount}) is greater than the unrefunded amount on the charge ({refundable})."
        ))
        .with_code("amount_too_large")
        .with_param("amount"));
    }
    let mut refund = Refund {
        id: new_id("re"),
        created: now(),
        amount,
        currency: charge.currency.clone(),
        charge: charge_id.clone(),
        payment_intent: charge.payment_intent.clone(),
        reason: call.params.str(&["reason"]).map(str::to_string),
        metadata: Map::new(),
        balance_transaction: new_id("txn"),
    };
    if let Some(update) = call.params.metadata() {
        update.apply(&mut refund.metadata)?;
    }
    let charge = state.charges.get_mut(&charge_id).expect("looked up above");
    charge.amount_refunded += amount;
    charge.refunds.insert(0, refund.id.clone());
    let rendered = state.render_refund(&refund, &options);
    state.refunds.insert(refund.id.clone(), refund);
    Ok(rendered)
}

pub(super) fn retrieve_refund(
    state: &mut State,
    call: &Call<'_>,
    id: &str,
) -> Result<Value, ApiError> {
    call.validate(ONLY_EXPAND)?;
    let options = call.options(REFUND_EXPANDABLE)?;
    let refund = state
        .refunds
        .get(id)
        .ok_or_else(|| ApiError::resource_missing("refund", id, "id"))?;
    Ok(state.render_refund(refund, &options))
}

pub(super) fn retrieve_charge(
    state: &mut State,
    call: &Call<'_>,
    id: &str,
) -> Result<Value, ApiError> {
    call.validate(ONLY_EXPAND)?;
    let options = call.options(CHARGE_EXPANDABLE)?;
    let charge = state
        .charges
        .get(id)
        .ok_or_else(|| ApiError::resource_missing("charge", id, "id"))?;
    Ok(state.render_charge(charge, &options))
}
