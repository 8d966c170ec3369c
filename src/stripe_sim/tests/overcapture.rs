//! Over-capture for tips (issue 8 item 22), as Stripe documents it for US in-person payments:
//! eligible cards report `overcapture_supported`, captures may exceed the authorization by 50% of
//! it or 50 USD, whichever is greater, and one cent more is Stripe's `amount_too_large`.

use serde_json::{json, Value};

use super::{Harness, ODOO_CREATE};

/// Stripe's refusal of a capture above what the charge allows.
const TOO_LARGE: &str = "The payment could not be captured because the requested capture amount is greater than the amount you can capture for this charge. Contact us via https://support.stripe.com/contact/ for help.";

/// Authorizes `amount` cents (USD, manual capture) on `card`, returns the intent id.
async fn authorize(harness: &Harness, currency: &str, amount: i64, card: &str) -> String {
    let create = format!(
        "currency={currency}&amount={amount}&payment_method_types[]=card_present&capture_method=manual"
    );
    let (id, _) = harness
        .pay(&create, &format!("card_present[number]={card}"))
        .await;
    id
}

async fn capture(harness: &Harness, id: &str, amount: i64) -> super::Reply {
    harness
        .post(
            &format!("/v1/payment_intents/{id}/capture"),
            &format!("amount_to_capture={amount}"),
        )
        .await
}

async fn latest_charge(harness: &Harness, id: &str) -> Value {
    harness
        .get(&format!("/v1/payment_intents/{id}?expand[]=latest_charge"))
        .await
        .ok()["latest_charge"]
        .clone()
}

#[tokio::test]
async fn captures_at_just_under_and_just_over_the_limit() {
    // (authorized, amount_to_capture, allowed): the allowance is 50 USD up to 100 USD
    // authorized, then 50% of the authorization (rounded down to a cent). Amounts ending in 01,
    // 05, 55, 65 or 75 cents are test declines, so none is used.
    let table: &[(i64, i64, bool)] = &[
        (1_000, 999, true),    // a partial capture, as ever
        (1_000, 1_000, true),  // exactly the authorization
        (1_000, 5_999, true),  // just under 10 USD + 50 USD
        (1_000, 6_000, true),  // at it
        (1_000, 6_001, false), // just over
        (4_000, 9_000, true),  // Stripe's example: 40 USD authorized, up to 90 USD
        (4_000, 9_001, false),
        (10_000, 14_999, true), // Stripe's example: 100 USD authorized, up to 150 USD
        (10_000, 15_000, true),
        (10_000, 15_001, false),
        (10_002, 15_003, true), // 50% of 100.02 USD is 50.01 USD
        (10_002, 15_004, false),
        (20_003, 30_004, true), // 50% of 200.03 USD is 100.015 USD: 300.04 USD at most
        (20_003, 30_005, false),
        (20_000, 29_999, true), // past 100 USD, 50% is more than 50 USD
        (20_000, 30_000, true),
        (20_000, 30_001, false),
    ];
    let harness = Harness::odoo();
    for &(authorized, amount, allowed) in table {
        let id = authorize(&harness, "usd", authorized, "4242424242424242").await;
        let charge = latest_charge(&harness, &id).await;
        let details = &charge["payment_method_details"]["card_present"];
        assert_eq!(details["overcapture_supported"], json!(true));
        assert_eq!(details["amount_authorized"], json!(authorized));
        let reply = capture(&harness, &id, amount).await;
        let case = format!("authorized {authorized}, capture {amount}");
        if allowed {
            let pi = reply.ok();
            assert_eq!(pi["status"], "succeeded", "{case}");
            assert_eq!(pi["amount_received"], json!(amount), "{case}");
            // Over-capturing raises the intent's amount to the captured total.
            assert_eq!(pi["amount"], json!(amount.max(authorized)), "{case}");
            let charge = &pi["charges"]["data"][0];
            assert_eq!(charge["amount_captured"], json!(amount), "{case}");
            assert_eq!(
                charge["payment_method_details"]["card_present"]["amount_authorized"],
                json!(authorized),
                "{case}: amount_authorized keeps the original authorization"
            );
        } else {
            let error = reply.expect_error(400, Some("amount_too_large"));
            assert_eq!(error["type"], "invalid_request_error", "{case}");
            assert_eq!(error["message"], TOO_LARGE, "{case}");
            assert_eq!(error["param"], "amount_to_capture", "{case}");
            assert_eq!(error["payment_intent"]["id"], json!(id), "{case}");
            assert_eq!(
                error["payment_intent"]["status"], "requires_capture",
                "{case}"
            );
            let pi = harness.intent(&id).await;
            assert_eq!(pi["status"], "requires_capture", "{case}: nothing captured");
            assert_eq!(pi["amount"], json!(authorized), "{case}");
        }
    }
    harness.finish();
}

#[tokio::test]
async fn an_on_reader_tip_is_part_of_the_authorization_the_allowance_grows_from() {
    let harness = Harness::new();
    let (id, _) = harness.pay(ODOO_CREATE, "amount_tip=250").await;
    assert_eq!(harness.intent(&id).await["amount_capturable"], 1500);
    assert_eq!(
        capture(&harness, &id, 6_501)
            .await
            .expect_error(400, Some("amount_too_large"))["message"],
        TOO_LARGE
    );
    let pi = capture(&harness, &id, 6_500).await.ok();
    assert_eq!(pi["amount_received"], 6_500);
    harness.finish();
}

#[tokio::test]
async fn ineligible_authorizations_refuse_every_over_capture() {
    let harness = Harness::new();
    // (currency, card): a card brand Stripe cannot over-capture, and a non-USD payment.
    for (currency, card) in [("usd", "6200000000000005"), ("cad", "4242424242424242")] {
        let id = authorize(&harness, currency, 1_000, card).await;
        let charge = latest_charge(&harness, &id).await;
        assert_eq!(
            charge["payment_method_details"]["card_present"]["overcapture_supported"],
            json!(false),
            "{currency} {card}"
        );
        let error = capture(&harness, &id, 1_001)
            .await
            .expect_error(400, Some("amount_too_large"))
            .clone();
        assert_eq!(error["message"], TOO_LARGE);
        assert_eq!(
            capture(&harness, &id, 1_000).await.ok()["status"],
            "succeeded"
        );
    }
    // An automatic capture is never over-capturable: it is captured when the card is read.
    let (id, _) = harness
        .pay(
            "currency=usd&amount=1000&payment_method_types[]=card_present",
            "",
        )
        .await;
    let charge = latest_charge(&harness, &id).await;
    assert_eq!(
        charge["payment_method_details"]["card_present"]["overcapture_supported"],
        json!(false)
    );
    harness.finish();
}

#[tokio::test]
async fn incremental_authorization_support_is_reported_only_when_requested() {
    let harness = Harness::new();
    let (plain, _) = harness.pay(ODOO_CREATE, "").await;
    let (requested, _) = harness
        .pay(
            &format!(
                "{ODOO_CREATE}&payment_method_options[card_present][request_incremental_authorization_support]=true"
            ),
            "",
        )
        .await;
    let supported = |charge: &Value| {
        charge["payment_method_details"]["card_present"]["incremental_authorization_supported"]
            .clone()
    };
    assert_eq!(
        supported(&latest_charge(&harness, &plain).await),
        json!(false)
    );
    assert_eq!(
        supported(&latest_charge(&harness, &requested).await),
        json!(true)
    );
    harness.finish();
}
