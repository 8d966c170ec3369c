//! Terminal readers: registration, lists, `process_payment_intent`, `cancel_action` and the
//! `present_payment_method` test helper that plays the card on the reader.

use super::fields::*;
use super::*;

pub(super) fn list_readers(state: &mut State, call: &Call<'_>) -> Result<Value, ApiError> {
    call.validate(LIST_READERS)?;
    let options = call.list_options(READER_EXPANDABLE)?;
    let filter = |name: &str| call.params.str(&[name]);
    let items = state
        .readers
        .iter()
        .rev()
        .filter(|reader| {
            filter("serial_number").is_none_or(|serial| reader.serial_number == serial)
        })
        .filter(|reader| filter("device_type").is_none_or(|kind| reader.device_type == kind))
        .filter(|reader| filter("location").is_none_or(|id| reader.location.as_deref() == Some(id)))
        // Simulated readers are always online.
        .filter(|_| filter("status").is_none_or(|status| status == "online"))
        .map(|reader| (reader.id.clone(), state.render_reader(reader, &options)))
        .collect();
    paginate(call, items, "/v1/terminal/readers", "terminal.reader")
}

/// The simulated device a test-mode registration code stands for, and its serial prefix.
fn simulated_device(registration_code: &str) -> Option<&'static str> {
    match registration_code {
        "simulated-wpe" => Some("simulated_wisepos_e"),
        "simulated-s700" => Some("stripe_s700"),
        "simulated-s710" => Some("stripe_s710"),
        _ => None,
    }
}

pub(super) fn create_reader(state: &mut State, call: &Call<'_>) -> Result<Value, ApiError> {
    call.validate(CREATE_READER)?;
    let options = call.options(READER_EXPANDABLE)?;
    let code = call.params.str(&["registration_code"]).unwrap_or_default();
    let Some(device_type) = simulated_device(code) else {
        return Err(ApiError::invalid(
            "The registration code provided is invalid. In test mode, register a simulated reader with simulated-wpe or simulated-s700.",
        )
        .with_param("registration_code"));
    };
    let location = call.params.str(&["location"]).unwrap_or_default();
    existing_location(state, location, "location")?;
    let mut reader = Reader {
        id: new_id("tmr"),
        serial_number: format!("{code}-{}", uuid::Uuid::new_v4()),
        label: call.params.str(&["label"]).unwrap_or(code).to_string(),
        device_type: device_type.to_string(),
        location: Some(location.to_string()),
        ip_address: "0.0.0.0".to_string(),
        metadata: Map::new(),
        action: None,
        last_seen_at_ms: now() * 1000,
        seeded: false,
    };
    if let Some(update) = call.params.metadata() {
        update.apply(&mut reader.metadata)?;
    }
    let rendered = state.render_reader(&reader, &options);
    state.add_reader(reader);
    Ok(rendered)
}

pub(super) fn retrieve_reader(
    state: &mut State,
    call: &Call<'_>,
    id: &str,
) -> Result<Value, ApiError> {
    call.validate(ONLY_EXPAND)?;
    let options = call.options(READER_EXPANDABLE)?;
    let index = reader_index(state, id)?;
    Ok(state.render_reader(&state.readers[index], &options))
}

pub(super) fn process_payment_intent(
    state: &mut State,
    call: &Call<'_>,
    reader_id: &str,
) -> Result<Value, ApiError> {
    call.validate(PROCESS_PAYMENT_INTENT)?;
    let options = call.options(READER_EXPANDABLE)?;
    let index = reader_index(state, reader_id)?;
    let pi_id = call.params.str(&["payment_intent"]).unwrap_or_default();
    let pi = payment_intent(state, pi_id, "payment_intent")?;
    if state.readers[index].action_in_progress().is_some() {
        return Err(ApiError::invalid(
            "The reader is busy with another action. Wait for it to finish or cancel it with cancel_action.",
        )
        .with_code("terminal_reader_busy"));
    }
    if pi.status != PiStatus::RequiresPaymentMethod {
        let message = format!(
            "This PaymentIntent cannot be processed because it has a status of {}. A reader can only process a PaymentIntent whose status is requires_payment_method.",
            pi.status.as_str()
        );
        return Err(unexpected_state(state, pi, message));
    }
    let in_person = ["card_present", "interac_present"];
    if !pi
        .payment_method_types
        .iter()
        .any(|kind| in_person.contains(&kind.as_str()))
    {
        return Err(ApiError::invalid(format!(
            "PaymentIntent {pi_id} cannot be processed on a reader: its payment_method_types must include card_present."
        ))
        .with_param("payment_intent"));
    }
    let process_config = call
        .params
        .get(&["process_config"])
        .cloned()
        .filter(Value::is_object);
    let reader = &mut state.readers[index];
    reader.action = Some(ReaderAction {
        status: ActionStatus::InProgress,
        payment_intent: pi_id.to_string(),
        process_config,
        failure_code: None,
        failure_message: None,
    });
    reader.last_seen_at_ms = now() * 1000;
    Ok(state.render_reader(&state.readers[index], &options))
}

pub(super) fn cancel_action(
    state: &mut State,
    call: &Call<'_>,
    reader_id: &str,
) -> Result<Value, ApiError> {
    call.validate(ONLY_EXPAND)?;
    let options = call.options(READER_EXPANDABLE)?;
    let index = reader_index(state, reader_id)?;
    let reader = &mut state.readers[index];
    if reader.action_in_progress().is_none() {
        return Err(ApiError::invalid(
            "This reader has no action in progress to cancel.",
        ));
    }
    // The intent was never touched while the reader waited, so it stays requires_payment_method.
    reader.action = None;
    Ok(state.render_reader(&state.readers[index], &options))
}

/// A decline chosen by a test card number or by the amount's last two digits.
fn decline_for(number: &str, amount: i64) -> Option<(&'static str, &'static str)> {
    match number {
        "4000000000000002" => return Some(("generic_decline", "Your card was declined.")),
        "4000000000009995" => {
            return Some(("insufficient_funds", "Your card has insufficient funds."))
        }
        _ => {}
    }
    match amount % 100 {
        1 => Some((
            "call_issuer",
            "The card was declined; the cardholder should call the card issuer.",
        )),
        5 => Some(("generic_decline", "Your card was declined.")),
        55 => Some(("incorrect_pin", "The PIN entered is incorrect.")),
        65 => Some((
            "withdrawal_count_limit_exceeded",
            "The card has reached its limit of transactions.",
        )),
        75 => Some((
            "pin_try_exceeded",
            "The PIN was entered wrongly too many times.",
        )),
        _ => None,
    }
}

/// The card a test number stands for.
fn presented_card(method_type: &'static str, number: &str) -> PresentedCard {
    let interac = method_type == "interac_present";
    let brand = if interac {
        "interac"
    } else if number.starts_with('4') {
        "visa"
    } else if number.starts_with("34") || number.starts_with("37") {
        "amex"
    } else if number.starts_with("6011") || number.starts_with("65") {
        "discover"
    } else if number.starts_with('5') || number.starts_with('2') {
        "mastercard"
    } else {
        "unknown"
    };
    let digest = Sha256::digest(number.as_bytes());
    PresentedCard {
        method_type,
        brand,
        last4: number[number.len() - 4..].to_string(),
        exp_month: 12,
        exp_year: i64::from(chrono::Datelike::year(&chrono::Utc::now())) + 3,
        funding: if interac { "debit" } else { "credit" },
        country: if interac { "CA" } else { "US" },
        fingerprint: hex::encode(&digest[..8]),
    }
}

pub(super) fn present_payment_method(
    state: &mut State,
    call: &Call<'_>,
    reader_id: &str,
) -> Result<Value, ApiError> {
    call.validate(PRESENT_PAYMENT_METHOD)?;
    let options = call.options(READER_EXPANDABLE)?;
    let index = reader_index(state, reader_id)?;
    let method_type: &'static str = match call.params.str(&["type"]) {
        Some("interac_present") => "interac_present",
        _ => "card_present",
    };
    let default_number = if method_type == "interac_present" {
        "4506445006931933"
    } else {
        "4242424242424242"
    };
    let number = call
        .params
        .str(&[method_type, "number"])
        .unwrap_or(default_number)
        .replace([' ', '-'], "");
    if !(12..=19).contains(&number.len()) || !number.bytes().all(|byte| byte.is_ascii_digit()) {
        return Err(ApiError::invalid_param(
            None,
            format!("{method_type}[number]"),
            "Invalid card number: send the 12 to 19 digits of a test card.",
        ));
    }
    let tip = call.params.int(&["amount_tip"]);
    present(state, index, method_type, &number, tip)?;
    Ok(state.render_reader(&state.readers[index], &options))
}

/// Presents a card on a reader as the test helper does (the auto-present setting uses it).
pub(crate) fn present_card(
    state: &mut State,
    reader_id: &str,
    method_type: &'static str,
    number: &str,
    tip: Option<i64>,
) -> Result<(), ApiError> {
    let index = reader_index(state, reader_id)?;
    present(state, index, method_type, number, tip)
}

/// The card `number` presented on reader `index`: the waiting action succeeds (the intent is
/// authorized, or paid when captured at once) or fails with the card's decline.
fn present(
    state: &mut State,
    index: usize,
    method_type: &'static str,
    number: &str,
    tip: Option<i64>,
) -> Result<(), ApiError> {
    let Some(pi_id) = state.readers[index]
        .action_in_progress()
        .map(str::to_string)
    else {
        return Err(ApiError::invalid(
            "This reader has no payment in progress. Call process_payment_intent on it first.",
        ));
    };
    let pi = payment_intent(state, &pi_id, "payment_intent")?;
    if pi.status != PiStatus::RequiresPaymentMethod {
        let message = format!(
            "The PaymentIntent on this reader has a status of {} and can no longer take a payment method.",
            pi.status.as_str()
        );
        return Err(unexpected_state(state, pi, message));
    }
    if !pi
        .payment_method_types
        .iter()
        .any(|kind| kind == method_type)
    {
        return Err(ApiError::invalid_param(
            None,
            "type",
            format!("PaymentIntent {pi_id} does not accept {method_type}: it is not one of its payment_method_types."),
        ));
    }
    let card = presented_card(method_type, number);
    let created = now();
    let method = PaymentMethod {
        id: new_id("pm"),
        created,
        card: card.clone(),
    };
    let decline = decline_for(number, pi.amount);
    // Interac is single-message: the authorization is the capture.
    let manual = method_type == "card_present" && pi.captures_card_present_manually();
    let total = pi.amount
        + if decline.is_none() {
            tip.unwrap_or(0)
        } else {
            0
        };
    let captured = decline.is_none() && !manual;
    let approved_manual = decline.is_none() && manual;
    let overcapture_supported =
        approved_manual && authorization::overcapture_supported(&card, manual, &pi.currency);
    let incremental_authorization_supported = approved_manual
        && authorization::incremental_authorization_supported(
            &card,
            manual,
            pi.request_incremental_authorization_support == Some(true),
        );
    let charge = Charge {
        id: new_id("ch"),
        created,
        amount: total,
        amount_authorized: total,
        overcapture_supported,
        incremental_authorization_supported,
        amount_captured: if captured { total } else { 0 },
        amount_refunded: 0,
        captured,
        paid: decline.is_none(),
        currency: pi.currency.clone(),
        description: pi.description.clone(),
        receipt_email: pi.receipt_email.clone(),
        metadata: pi.metadata.clone(),
        payment_intent: pi_id.clone(),
        payment_method: method.id.clone(),
        card,
        decline,
        balance_transaction: captured.then(|| new_id("txn")),
        capture_before: (decline.is_none() && manual)
            .then_some(created + CARD_PRESENT_HOLD_SECONDS),
        refunds: Vec::new(),
    };
    let pi = payment_intent_mut(state, &pi_id)?;
    pi.charges.insert(0, charge.id.clone());
    let reader_action = match decline {
        Some((decline_code, message)) => {
            pi.last_payment_error = Some(Decline {
                decline_code,
                message,
                charge: charge.id.clone(),
                payment_method: method.id.clone(),
            });
            pi.payment_method = None;
            (ActionStatus::Failed, Some("card_declined"), Some(message))
        }
        None => {
            pi.last_payment_error = None;
            pi.payment_method = Some(method.id.clone());
            pi.amount = total;
            if tip.is_some() {
                pi.tip = tip;
            }
            if manual {
                pi.status = PiStatus::RequiresCapture;
                pi.amount_capturable = total;
            } else {
                pi.status = PiStatus::Succeeded;
                pi.amount_received = total;
            }
            (ActionStatus::Succeeded, None, None)
        }
    };
    state.charges.insert(charge.id.clone(), charge);
    state.payment_methods.insert(method.id.clone(), method);
    let reader = &mut state.readers[index];
    if let Some(action) = &mut reader.action {
        (action.status, action.failure_code, action.failure_message) = reader_action;
    }
    reader.last_seen_at_ms = now() * 1000;
    Ok(())
}
