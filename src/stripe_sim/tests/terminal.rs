//! Readers, locations and connection tokens.

use super::*;

#[tokio::test]
async fn seeded_readers_are_online_at_the_demo_store() {
    let harness = Harness::new();
    let list = harness.get("/v1/terminal/readers").await.ok();
    assert_eq!(list["object"], "list");
    assert_eq!(list["url"], "/v1/terminal/readers");
    assert_eq!(list["has_more"], false);
    let reader = &list["data"][0];
    assert_eq!(reader["serial_number"], SEED_SERIAL);
    assert_eq!(reader["label"], "Demo reader");
    assert_eq!(reader["device_type"], "simulated_wisepos_e");
    assert_eq!(reader["status"], "online");
    assert_eq!(reader["action"], Value::Null);
    let location = reader["location"].as_str().unwrap();
    let location = harness
        .get(&format!("/v1/terminal/locations/{location}"))
        .await
        .ok();
    assert_eq!(location["display_name"], "Demo store");

    let expanded = harness
        .get("/v1/terminal/readers?expand[]=data.location")
        .await
        .ok();
    assert_eq!(
        expanded["data"][0]["location"]["object"],
        "terminal.location"
    );
    harness.finish();
}

#[tokio::test]
async fn readers_register_with_simulated_codes_and_list_with_filters() {
    let harness = Harness::new();
    let location = harness
        .post(
            "/v1/terminal/locations",
            "display_name=Back+office&address[country]=us&address[line1]=2+Main+St&address[city]=Austin&address[state]=TX&address[postal_code]=73301",
        )
        .await
        .ok();
    let location_id = location["id"].as_str().unwrap();
    assert_eq!(location["address"]["country"], "US");

    let wpe = harness
        .post(
            "/v1/terminal/readers",
            &format!("registration_code=simulated-wpe&label=Till+2&location={location_id}&metadata[till]=2"),
        )
        .await
        .ok();
    assert!(wpe["id"].as_str().unwrap().starts_with("tmr_"));
    assert_eq!(wpe["device_type"], "simulated_wisepos_e");
    assert!(wpe["serial_number"]
        .as_str()
        .unwrap()
        .starts_with("simulated-wpe-"));
    assert_eq!(wpe["label"], "Till 2");
    assert_eq!(wpe["location"], location_id);
    assert_eq!(wpe["metadata"], json!({ "till": "2" }));

    let s700 = harness
        .post(
            "/v1/terminal/readers",
            &format!("registration_code=simulated-s700&location={location_id}"),
        )
        .await;
    let s700 = s700.ok();
    // stripe_s700 postdates the 2023-08-16 schema's device_type enum: that is its only deviation.
    let errors = contract::shared()
        .validate("terminal.reader", &s700)
        .unwrap_err();
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert!(errors[0].starts_with("/device_type:"), "{errors:?}");
    assert_eq!(s700["device_type"], "stripe_s700");

    let reply = harness
        .post(
            "/v1/terminal/readers",
            &format!("registration_code=purple-cow-lamp&location={location_id}"),
        )
        .await;
    let error = reply.expect_error(400, None);
    assert_eq!(error["param"], "registration_code");
    assert!(error["message"]
        .as_str()
        .unwrap()
        .starts_with("The registration code provided is invalid"));
    let reply = harness
        .post("/v1/terminal/readers", "registration_code=simulated-wpe")
        .await;
    assert_eq!(
        reply.expect_error(400, Some("parameter_missing"))["param"],
        "location"
    );
    let reply = harness
        .post(
            "/v1/terminal/readers",
            "registration_code=simulated-wpe&location=tml_nope",
        )
        .await;
    assert_eq!(
        reply.expect_error(404, Some("resource_missing"))["param"],
        "location"
    );

    let all = harness.get("/v1/terminal/readers").await.ok();
    assert_eq!(all["data"].as_array().unwrap().len(), 3);
    // Newest first.
    assert_eq!(all["data"][0]["id"], s700["id"]);

    let by_serial = harness
        .get(&format!("/v1/terminal/readers?serial_number={SEED_SERIAL}"))
        .await
        .ok();
    assert_eq!(by_serial["data"].as_array().unwrap().len(), 1);
    let by_type = harness
        .get("/v1/terminal/readers?device_type=simulated_wisepos_e")
        .await
        .ok();
    assert_eq!(by_type["data"].as_array().unwrap().len(), 2);
    let by_location = harness
        .get(&format!("/v1/terminal/readers?location={location_id}"))
        .await
        .ok();
    assert_eq!(by_location["data"].as_array().unwrap().len(), 2);
    let offline = harness
        .get("/v1/terminal/readers?status=offline")
        .await
        .ok();
    assert_eq!(offline["data"], json!([]));

    let page = harness.get("/v1/terminal/readers?limit=1").await.ok();
    assert_eq!(page["has_more"], true);
    let first = page["data"][0]["id"].as_str().unwrap();
    let next = harness
        .get(&format!(
            "/v1/terminal/readers?limit=2&starting_after={first}"
        ))
        .await
        .ok();
    assert_eq!(next["data"].as_array().unwrap().len(), 2);
    assert_eq!(next["has_more"], false);
    assert_eq!(next["data"][0]["id"], wpe["id"]);

    let fetched = harness
        .get(&format!(
            "/v1/terminal/readers/{}",
            wpe["id"].as_str().unwrap()
        ))
        .await
        .ok();
    assert_eq!(fetched["serial_number"], wpe["serial_number"]);
    harness.finish();
}

#[tokio::test]
async fn reader_actions_busy_cancel_and_preconditions() {
    let harness = Harness::new();
    let reader = harness.seeded_reader().await;
    let reply = harness
        .post(
            &format!("/v1/test_helpers/terminal/readers/{reader}/present_payment_method"),
            "",
        )
        .await;
    reply.expect_error(400, None);
    let reply = harness
        .post(&format!("/v1/terminal/readers/{reader}/cancel_action"), "")
        .await;
    reply.expect_error(400, None);

    let first = harness.create_intent(ODOO_CREATE).await;
    let second = harness.create_intent(ODOO_CREATE).await;
    let process = |pi: &Value| format!("payment_intent={}", pi["id"].as_str().unwrap());
    let path = format!("/v1/terminal/readers/{reader}/process_payment_intent");
    harness.post(&path, &process(&first)).await.ok();
    let reply = harness.post(&path, &process(&second)).await;
    reply.expect_error(400, Some("terminal_reader_busy"));

    let canceled = harness
        .post(&format!("/v1/terminal/readers/{reader}/cancel_action"), "")
        .await
        .ok();
    assert_eq!(canceled["action"], Value::Null);
    assert_eq!(
        harness.intent(first["id"].as_str().unwrap()).await["status"],
        "requires_payment_method"
    );
    harness.post(&path, &process(&second)).await.ok();

    let reply = harness.post(&path, "").await;
    assert_eq!(
        reply.expect_error(400, Some("parameter_missing"))["param"],
        "payment_intent"
    );
    let card_only = harness.create_intent("amount=100&currency=usd").await;
    harness
        .post(&format!("/v1/terminal/readers/{reader}/cancel_action"), "")
        .await
        .ok();
    let reply = harness.post(&path, &process(&card_only)).await;
    assert_eq!(reply.expect_error(400, None)["param"], "payment_intent");
    let reply = harness.post(&path, "payment_intent=pi_unknown").await;
    reply.expect_error(404, Some("resource_missing"));
    let reply = harness
        .post(
            "/v1/terminal/readers/tmr_unknown/process_payment_intent",
            &process(&first),
        )
        .await;
    reply.expect_error(404, Some("resource_missing"));
    harness.finish();
}

#[tokio::test]
async fn locations_create_list_and_retrieve() {
    let harness = Harness::new();
    let reply = harness
        .post("/v1/terminal/locations", "address[country]=FR")
        .await;
    assert_eq!(
        reply.expect_error(400, Some("parameter_missing"))["param"],
        "display_name"
    );
    let reply = harness
        .post(
            "/v1/terminal/locations",
            "display_name=Paris&address[city]=Paris",
        )
        .await;
    assert_eq!(
        reply.expect_error(400, Some("parameter_missing"))["param"],
        "address[country]"
    );
    let created = harness
        .post(
            "/v1/terminal/locations",
            "display_name=Paris&address[country]=FR&address[city]=Paris&metadata[zone]=eu",
        )
        .await
        .ok();
    assert_eq!(created["object"], "terminal.location");
    assert_eq!(created["address"]["line1"], Value::Null);
    let id = created["id"].as_str().unwrap();
    let list = harness.get("/v1/terminal/locations").await.ok();
    assert_eq!(list["url"], "/v1/terminal/locations");
    assert_eq!(list["data"].as_array().unwrap().len(), 2);
    assert_eq!(list["data"][0]["id"], id);
    let fetched = harness
        .get(&format!("/v1/terminal/locations/{id}"))
        .await
        .ok();
    assert_eq!(fetched, created);
    let reply = harness.get("/v1/terminal/locations/tml_missing").await;
    reply.expect_error(404, Some("resource_missing"));
    harness.finish();
}

#[tokio::test]
async fn connection_tokens_carry_a_test_secret() {
    let harness = Harness::new();
    let token = harness
        .post("/v1/terminal/connection_tokens", "")
        .await
        .ok();
    assert_eq!(token["object"], "terminal.connection_token");
    assert!(token["secret"].as_str().unwrap().starts_with("pst_test_"));
    assert!(token.get("location").is_none());
    let locations = harness.get("/v1/terminal/locations").await.ok();
    let location = locations["data"][0]["id"].as_str().unwrap();
    let token = harness
        .post(
            "/v1/terminal/connection_tokens",
            &format!("location={location}"),
        )
        .await
        .ok();
    assert_eq!(token["location"], location);
    let reply = harness
        .post("/v1/terminal/connection_tokens", "location=tml_nowhere")
        .await;
    reply.expect_error(404, Some("resource_missing"));
    harness.finish();
}
