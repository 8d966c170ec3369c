//! The card-present life cycle: intents, the reader, captures, declines, cancels and updates.

use super::*;

#[tokio::test]
async fn odoo_manual_capture_flow_embeds_charges_under_2019_05_16() {
    let harness = Harness::odoo();
    let pi = harness.create_intent(ODOO_CREATE).await;
    assert_eq!(pi["status"], "requires_payment_method");
    assert_eq!(pi["currency"], "usd");
    assert_eq!(pi["amount"], 1250);
    assert_eq!(pi["capture_method"], "manual");
    assert_eq!(pi["payment_method_types"], json!(["card_present"]));
    assert_eq!(
        pi["payment_method_options"]["card_present"],
        json!({ "request_extended_authorization": false, "request_incremental_authorization_support": false })
    );
    let id = pi["id"].as_str().unwrap().to_string();
    assert!(pi["client_secret"]
        .as_str()
        .unwrap()
        .starts_with(&format!("{id}_secret_")));
    assert_eq!(pi["charges"]["data"], json!([]));
    assert_eq!(
        pi["charges"]["url"],
        format!("/v1/charges?payment_intent={id}")
    );
    assert_eq!(pi["latest_charge"], Value::Null);

    let reader = harness.seeded_reader().await;
    let processing = harness
        .post(
            &format!("/v1/terminal/readers/{reader}/process_payment_intent"),
            &format!("payment_intent={id}"),
        )
        .await
        .ok();
    assert_eq!(processing["action"]["type"], "process_payment_intent");
    assert_eq!(processing["action"]["status"], "in_progress");
    assert_eq!(
        processing["action"]["process_payment_intent"]["payment_intent"],
        id.as_str()
    );
    // Stripe leaves the intent alone until a card is presented.
    assert_eq!(
        harness.intent(&id).await["status"],
        "requires_payment_method"
    );

    let presented = harness
        .post(
            &format!("/v1/test_helpers/terminal/readers/{reader}/present_payment_method"),
            "",
        )
        .await
        .ok();
    assert_eq!(presented["action"]["status"], "succeeded");

    let authorized = harness.intent(&id).await;
    assert_eq!(authorized["status"], "requires_capture");
    assert_eq!(authorized["amount_capturable"], 1250);
    assert!(authorized["payment_method"]
        .as_str()
        .unwrap()
        .starts_with("pm_"));
    let charge = &authorized["charges"]["data"][0];
    assert_eq!(authorized["charges"]["total_count"], 1);
    assert_eq!(authorized["latest_charge"], charge["id"]);
    assert_eq!(charge["captured"], false);
    assert_eq!(charge["paid"], true);
    assert_eq!(charge["status"], "succeeded");
    let details = &charge["payment_method_details"];
    assert_eq!(details["type"], "card_present");
    assert_eq!(details["card_present"]["brand"], "visa");
    assert_eq!(details["card_present"]["last4"], "4242");
    assert_eq!(details["card_present"]["read_method"], "contact_emv");

    let captured = harness
        .post(&format!("/v1/payment_intents/{id}/capture"), "")
        .await
        .ok();
    assert_eq!(captured["status"], "succeeded");
    assert_eq!(captured["amount_received"], 1250);
    assert_eq!(captured["amount_capturable"], 0);
    let charge = &captured["charges"]["data"][0];
    assert_eq!(charge["captured"], true);
    assert_eq!(charge["amount_captured"], 1250);
    assert_eq!(
        charge["payment_method_details"]["card_present"]["brand"],
        "visa"
    );
    assert_eq!(harness.simulator.payment_intent_count(), 1);
    harness.finish();
}

#[tokio::test]
async fn charges_are_absent_from_2023_08_16_and_latest_charge_expands() {
    let harness = Harness::new();
    let (id, _) = harness.pay(ODOO_CREATE, "").await;
    let pi = harness.intent(&id).await;
    assert!(pi.get("charges").is_none());
    let charge_id = pi["latest_charge"].as_str().unwrap().to_string();
    assert!(charge_id.starts_with("ch_"));

    let expanded = harness
        .get(&format!(
            "/v1/payment_intents/{id}?expand[]=latest_charge&expand[]=payment_method"
        ))
        .await
        .ok();
    assert_eq!(expanded["latest_charge"]["id"], charge_id.as_str());
    assert_eq!(expanded["latest_charge"]["payment_intent"], id.as_str());
    assert_eq!(expanded["payment_method"]["type"], "card_present");

    let charge = harness
        .get(&format!("/v1/charges/{charge_id}?expand[]=payment_intent"))
        .await
        .ok();
    assert_eq!(charge["payment_intent"]["id"], id.as_str());
    harness.finish();
}

#[tokio::test]
async fn automatic_capture_succeeds_on_presentment_with_the_card_brand() {
    let harness = Harness::new();
    let (id, _) = harness
        .pay(
            "amount=2000&currency=eur&payment_method_types[]=card_present",
            "card_present[number]=5555555555554444",
        )
        .await;
    let pi = harness
        .get(&format!("/v1/payment_intents/{id}?expand[]=latest_charge"))
        .await
        .ok();
    assert_eq!(pi["status"], "succeeded");
    assert_eq!(pi["amount_received"], 2000);
    let card = &pi["latest_charge"]["payment_method_details"]["card_present"];
    assert_eq!(card["brand"], "mastercard");
    assert_eq!(card["last4"], "4444");
    assert_eq!(pi["latest_charge"]["captured"], true);
    for (number, brand) in [
        ("378282246310005", "amex"),
        ("6011111111111117", "discover"),
    ] {
        let (id, _) = harness
            .pay(
                "amount=2000&currency=usd&payment_method_types[]=card_present",
                &format!("card_present[number]={number}"),
            )
            .await;
        let pi = harness
            .get(&format!("/v1/payment_intents/{id}?expand[]=latest_charge"))
            .await
            .ok();
        assert_eq!(
            pi["latest_charge"]["payment_method_details"]["card_present"]["brand"],
            brand
        );
    }
    harness.finish();
}

#[tokio::test]
async fn a_declined_card_fails_the_action_and_the_intent_can_be_retried() {
    let harness = Harness::odoo();
    let (id, reader) = harness
        .pay(ODOO_CREATE, "card_present[number]=4000000000000002")
        .await;
    assert_eq!(reader["action"]["status"], "failed");
    assert_eq!(reader["action"]["failure_code"], "card_declined");
    assert_eq!(
        reader["action"]["failure_message"],
        "Your card was declined."
    );

    let pi = harness.intent(&id).await;
    assert_eq!(pi["status"], "requires_payment_method");
    assert_eq!(pi["payment_method"], Value::Null);
    let error = &pi["last_payment_error"];
    assert_eq!(error["type"], "card_error");
    assert_eq!(error["code"], "card_declined");
    assert_eq!(error["decline_code"], "generic_decline");
    assert_eq!(error["charge"], pi["latest_charge"]);
    assert_eq!(error["payment_method"]["object"], "payment_method");
    assert_eq!(pi["charges"]["data"][0]["status"], "failed");
    assert_eq!(pi["charges"]["data"][0]["paid"], false);

    // The same intent goes through on a second attempt.
    let reader_id = reader["id"].as_str().unwrap();
    harness
        .post(
            &format!("/v1/terminal/readers/{reader_id}/process_payment_intent"),
            &format!("payment_intent={id}"),
        )
        .await
        .ok();
    harness
        .post(
            &format!("/v1/test_helpers/terminal/readers/{reader_id}/present_payment_method"),
            "",
        )
        .await
        .ok();
    let pi = harness.intent(&id).await;
    assert_eq!(pi["status"], "requires_capture");
    assert_eq!(pi["last_payment_error"], Value::Null);
    assert_eq!(pi["charges"]["data"].as_array().unwrap().len(), 1);
    assert_eq!(pi["charges"]["data"][0]["status"], "succeeded");

    let (id, _) = harness
        .pay(ODOO_CREATE, "card_present[number]=4000000000009995")
        .await;
    assert_eq!(
        harness.intent(&id).await["last_payment_error"]["decline_code"],
        "insufficient_funds"
    );
    harness.finish();
}

#[tokio::test]
async fn test_amounts_choose_the_decline() {
    let harness = Harness::new();
    for (amount, decline_code) in [
        (1001, "call_issuer"),
        (1005, "generic_decline"),
        (1055, "incorrect_pin"),
        (1065, "withdrawal_count_limit_exceeded"),
        (1075, "pin_try_exceeded"),
    ] {
        let (id, reader) = harness
            .pay(
                &format!("amount={amount}&currency=usd&payment_method_types[]=card_present&capture_method=manual"),
                "",
            )
            .await;
        assert_eq!(reader["action"]["status"], "failed", "amount {amount}");
        let pi = harness.intent(&id).await;
        assert_eq!(pi["status"], "requires_payment_method");
        assert_eq!(
            pi["last_payment_error"]["decline_code"], decline_code,
            "amount {amount}"
        );
    }
    harness.finish();
}

#[tokio::test]
async fn interac_is_single_message_and_cannot_be_captured() {
    let harness = Harness::odoo();
    let (id, reader) = harness
        .pay(
            "currency=CAD&amount=1250&payment_method_types[]=card_present&payment_method_types[]=interac_present&capture_method=manual",
            "type=interac_present",
        )
        .await;
    assert_eq!(reader["action"]["status"], "succeeded");
    let pi = harness.intent(&id).await;
    assert_eq!(pi["status"], "succeeded");
    assert_eq!(pi["amount_received"], 1250);
    assert_eq!(pi["amount_capturable"], 0);
    let charge = &pi["charges"]["data"][0];
    assert_eq!(charge["captured"], true);
    assert_eq!(charge["payment_method_details"]["type"], "interac_present");
    assert_eq!(
        charge["payment_method_details"]["interac_present"]["brand"],
        "interac"
    );
    assert_eq!(
        charge["payment_method_details"]["interac_present"]["last4"],
        "1933"
    );

    let reply = harness
        .post(&format!("/v1/payment_intents/{id}/capture"), "")
        .await;
    reply.expect_error(400, Some("payment_intent_unexpected_state"));

    // Interac needs interac_present among the intent's payment method types.
    let pi = harness
        .create_intent("currency=usd&amount=1250&payment_method_types[]=card_present")
        .await;
    let reader = harness.seeded_reader().await;
    harness
        .post(
            &format!("/v1/terminal/readers/{reader}/process_payment_intent"),
            &format!("payment_intent={}", pi["id"].as_str().unwrap()),
        )
        .await
        .ok();
    let reply = harness
        .post(
            &format!("/v1/test_helpers/terminal/readers/{reader}/present_payment_method"),
            "type=interac_present",
        )
        .await;
    assert_eq!(reply.expect_error(400, None)["param"], "type");
    harness.finish();
}

#[tokio::test]
async fn capturing_in_the_wrong_state_is_payment_intent_unexpected_state() {
    let harness = Harness::new();
    let pi = harness.create_intent(ODOO_CREATE).await;
    let id = pi["id"].as_str().unwrap();
    let reply = harness
        .post(&format!("/v1/payment_intents/{id}/capture"), "")
        .await;
    let error = reply.expect_error(400, Some("payment_intent_unexpected_state"));
    assert_eq!(
        error["message"],
        "This PaymentIntent could not be captured because it has a status of requires_payment_method. Only a PaymentIntent with one of the following statuses may be captured: requires_capture."
    );
    assert_eq!(error["payment_intent"]["id"], id);
    assert_eq!(error["type"], "invalid_request_error");
    harness.finish();
}

#[tokio::test]
async fn capture_amounts_are_bounded_by_the_capturable_amount_and_tips_raise_it() {
    let harness = Harness::new();
    let (id, _) = harness.pay(ODOO_CREATE, "").await;
    // A Visa in USD may be over-captured for a tip up to 1250 + 50 USD (issue 8 item 22):
    // one cent beyond that is refused.
    let reply = harness
        .post(
            &format!("/v1/payment_intents/{id}/capture"),
            "amount_to_capture=6251",
        )
        .await;
    let error = reply.expect_error(400, Some("amount_too_large"));
    assert_eq!(error["param"], "amount_to_capture");
    assert_eq!(harness.intent(&id).await["status"], "requires_capture");

    let partial = harness
        .post(
            &format!("/v1/payment_intents/{id}/capture"),
            "amount_to_capture=1000",
        )
        .await
        .ok();
    assert_eq!(partial["status"], "succeeded");
    assert_eq!(partial["amount_received"], 1000);

    // A tip added on the reader raises the authorized amount.
    let (id, _) = harness.pay(ODOO_CREATE, "amount_tip=200").await;
    let pi = harness.intent(&id).await;
    assert_eq!(pi["amount"], 1450);
    assert_eq!(pi["amount_capturable"], 1450);
    assert_eq!(pi["amount_details"]["tip"]["amount"], 200);
    let captured = harness
        .post(
            &format!("/v1/payment_intents/{id}/capture"),
            "amount_to_capture=1450",
        )
        .await
        .ok();
    assert_eq!(captured["amount_received"], 1450);
    harness.finish();
}

#[tokio::test]
async fn cancel_follows_the_status_rules() {
    let harness = Harness::odoo();
    let pi = harness.create_intent(ODOO_CREATE).await;
    let id = pi["id"].as_str().unwrap();
    let reply = harness
        .post(
            &format!("/v1/payment_intents/{id}/cancel"),
            "cancellation_reason=bored",
        )
        .await;
    assert_eq!(
        reply.expect_error(400, None)["param"],
        "cancellation_reason"
    );

    let canceled = harness
        .post(
            &format!("/v1/payment_intents/{id}/cancel"),
            "cancellation_reason=requested_by_customer",
        )
        .await
        .ok();
    assert_eq!(canceled["status"], "canceled");
    assert_eq!(canceled["cancellation_reason"], "requested_by_customer");
    assert!(canceled["canceled_at"].as_i64().unwrap() > 0);
    let reply = harness
        .post(&format!("/v1/payment_intents/{id}/cancel"), "")
        .await;
    let error = reply.expect_error(400, Some("payment_intent_unexpected_state"));
    assert_eq!(error["payment_intent"]["status"], "canceled");

    // Canceling an authorization releases the hold on its charge.
    let (id, _) = harness.pay(ODOO_CREATE, "").await;
    let canceled = harness
        .post(&format!("/v1/payment_intents/{id}/cancel"), "")
        .await
        .ok();
    assert_eq!(canceled["status"], "canceled");
    assert_eq!(canceled["amount_capturable"], 0);
    assert_eq!(canceled["cancellation_reason"], Value::Null);
    assert_eq!(canceled["charges"]["data"][0]["refunded"], true);

    let (id, _) = harness
        .pay(
            "amount=500&currency=usd&payment_method_types[]=card_present",
            "",
        )
        .await;
    let reply = harness
        .post(&format!("/v1/payment_intents/{id}/cancel"), "")
        .await;
    let error = reply.expect_error(400, Some("payment_intent_unexpected_state"));
    assert!(error["message"]
        .as_str()
        .unwrap()
        .contains("status of succeeded"));
    harness.finish();
}

#[tokio::test]
async fn payment_intents_update_while_they_wait_for_a_payment_method() {
    let harness = Harness::new();
    let pi = harness.create_intent(ODOO_CREATE).await;
    let id = pi["id"].as_str().unwrap();
    let updated = harness
        .post(
            &format!("/v1/payment_intents/{id}"),
            "amount=1500&description=Order%2042&metadata[pos_order]=42",
        )
        .await
        .ok();
    assert_eq!(updated["amount"], 1500);
    assert_eq!(updated["description"], "Order 42");
    assert_eq!(updated["metadata"], json!({ "pos_order": "42" }));
    let updated = harness
        .post(
            &format!("/v1/payment_intents/{id}"),
            "metadata[pos_order]=&description=",
        )
        .await
        .ok();
    assert_eq!(updated["metadata"], json!({}));
    assert_eq!(updated["description"], Value::Null);

    let (id, _) = harness.pay(ODOO_CREATE, "").await;
    let reply = harness
        .post(&format!("/v1/payment_intents/{id}"), "amount=1")
        .await;
    reply.expect_error(400, Some("payment_intent_unexpected_state"));
    let updated = harness
        .post(&format!("/v1/payment_intents/{id}"), "metadata[note]=late")
        .await
        .ok();
    assert_eq!(updated["metadata"]["note"], "late");
    harness.finish();
}
