//! What makes the simulator safe to leave on (issue 12 item 8) and the accepted-keys control
//! (issue 8 item 23): the control endpoints' rule, bounded state, bounded bodies, keys.

use bytes::Bytes;
use http::{HeaderMap, HeaderValue, Method};
use serde_json::{json, Value};

use super::{raw_http, Harness, KEY, SEED_SERIAL};
use crate::stripe_sim::{SimConfig, SimLimits, Simulator};

/// A network request to the simulator from `peer`, as a transport passes it.
async fn from_peer(
    simulator: &Simulator,
    peer: Option<&str>,
    method: Method,
    path: &str,
    headers: &[(&str, &str)],
    body: &str,
) -> (u16, Value) {
    let mut map = HeaderMap::new();
    for (name, value) in headers {
        map.insert(
            http::HeaderName::from_bytes(name.as_bytes()).unwrap(),
            HeaderValue::from_str(value).unwrap(),
        );
    }
    let response = simulator
        .handle_or_drop(
            peer.map(|peer| peer.parse().unwrap()),
            &method,
            path,
            None,
            &map,
            Bytes::from(body.to_string()),
        )
        .await
        .expect("no fault queued");
    let status = response.status().as_u16();
    (status, serde_json::from_str(response.body()).unwrap())
}

fn with_token(token: &str) -> Simulator {
    Simulator::new(SimConfig {
        control_token: Some(token.into()),
        ..SimConfig::default()
    })
}

#[tokio::test]
async fn control_endpoints_answer_loopback_clients_and_the_token_holders_only() {
    let simulator = with_token("c0ntrol-t0ken");
    let bearer = "Bearer c0ntrol-t0ken";
    // (peer, headers, allowed)
    type Case<'a> = (Option<&'a str>, &'a [(&'a str, &'a str)], bool);
    let cases: &[Case] = &[
        (Some("127.0.0.1:50000"), &[], true),
        (Some("[::1]:50000"), &[], true),
        (Some("[::ffff:127.0.0.1]:50000"), &[], true),
        // Through a local reverse proxy every client looks like loopback: not trusted.
        (
            Some("127.0.0.1:50000"),
            &[("x-forwarded-for", "203.0.113.9")],
            false,
        ),
        (
            Some("127.0.0.1:50000"),
            &[("forwarded", "for=203.0.113.9")],
            false,
        ),
        (Some("203.0.113.9:50000"), &[], false),
        (Some("192.168.1.20:50000"), &[], false),
        // Unknown peer: treated as remote.
        (None, &[], false),
        (
            Some("203.0.113.9:50000"),
            &[("authorization", bearer)],
            true,
        ),
        (
            Some("127.0.0.1:1"),
            &[("x-forwarded-for", "1.2.3.4"), ("authorization", bearer)],
            true,
        ),
        (
            Some("203.0.113.9:50000"),
            &[("authorization", "Bearer wrong")],
            false,
        ),
        (
            Some("203.0.113.9:50000"),
            &[("authorization", "Basic YzBudHJvbC10MGtlbjo=")],
            false,
        ),
    ];
    for (peer, headers, allowed) in cases {
        for (method, path, body) in [
            (Method::GET, "/_sim/state", ""),
            (Method::GET, "/_sim/requests", ""),
            (
                Method::POST,
                "/_sim/faults",
                r#"{"kind":"latency","latency_ms":60000}"#,
            ),
            (Method::POST, "/_sim/keys", r#"{"accepted":[]}"#),
        ] {
            let (status, body) =
                from_peer(&simulator, *peer, method.clone(), path, headers, body).await;
            let case = format!("{peer:?} {headers:?} {method} {path}");
            if *allowed {
                assert_eq!(status, 200, "{case}: {body}");
            } else {
                assert_eq!(status, 403, "{case}: {body}");
                assert!(body["error"]["message"]
                    .as_str()
                    .unwrap()
                    .contains("loopback"));
            }
        }
    }
    // The refused fault requests queued nothing; the allowed ones did.
    let (_, faults) = from_peer(
        &simulator,
        Some("127.0.0.1:1"),
        Method::GET,
        "/_sim/faults",
        &[],
        "",
    )
    .await;
    let allowed = cases.iter().filter(|(_, _, allowed)| *allowed).count();
    assert_eq!(faults["data"].as_array().unwrap().len(), allowed);
}

#[tokio::test]
async fn without_a_token_only_loopback_controls_and_the_api_answers_everyone() {
    let simulator = Simulator::new(SimConfig::default());
    let remote = Some("203.0.113.9:50000");
    let (status, _) = from_peer(
        &simulator,
        remote,
        Method::GET,
        "/_sim/state",
        &[("authorization", "Bearer ")],
        "",
    )
    .await;
    assert_eq!(status, 403);
    let (status, _) = from_peer(
        &simulator,
        Some("127.0.0.1:9"),
        Method::GET,
        "/_sim/state",
        &[],
        "",
    )
    .await;
    assert_eq!(status, 200);
    // The Stripe API itself is for every client with a key, as Stripe's is.
    let auth = format!("Bearer {KEY}");
    let (status, account) = from_peer(
        &simulator,
        remote,
        Method::GET,
        "/v1/account",
        &[("authorization", &auth)],
        "",
    )
    .await;
    assert_eq!(status, 200, "{account}");
}

#[tokio::test]
async fn the_standalone_server_applies_the_same_rule() {
    let simulator = Simulator::new(SimConfig::default());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    let server = tokio::spawn(simulator.clone().serve(listener));
    let direct = raw_http(
        address,
        "GET /_sim/state HTTP/1.1\r\nHost: sim\r\nConnection: close\r\n\r\n",
    )
    .await;
    assert!(direct.starts_with("HTTP/1.1 200"), "{direct}");
    let proxied = raw_http(
        address,
        "GET /_sim/state HTTP/1.1\r\nHost: sim\r\nX-Forwarded-For: 203.0.113.9\r\nConnection: close\r\n\r\n",
    )
    .await;
    assert!(proxied.starts_with("HTTP/1.1 403"), "{proxied}");
    let big = "x".repeat(SimLimits::default().max_body_bytes + 1);
    let too_big = raw_http(
        address,
        &format!(
            "POST /v1/payment_intents HTTP/1.1\r\nHost: sim\r\nAuthorization: Bearer {KEY}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{big}",
            big.len()
        ),
    )
    .await;
    assert!(
        too_big.starts_with("HTTP/1.1 413"),
        "{}",
        &too_big[..too_big.len().min(300)]
    );
    assert!(too_big.contains("\"type\":\"invalid_request_error\""));
    server.abort();
}

#[tokio::test]
async fn bodies_over_the_limit_are_413s_and_change_nothing() {
    let harness = Harness::with_config(SimConfig {
        limits: SimLimits {
            max_body_bytes: 1000,
            ..SimLimits::default()
        },
        ..SimConfig::default()
    });
    let padding = "x".repeat(1000);
    let reply = harness
        .post(
            "/v1/payment_intents",
            &format!("amount=100&currency=usd&description={padding}"),
        )
        .await;
    assert_eq!(reply.status, 413);
    assert_eq!(reply.error()["type"], "invalid_request_error");
    assert_eq!(harness.simulator.payment_intent_count(), 0);
    harness.create_intent("amount=100&currency=usd").await;
    harness.finish();
}

#[tokio::test]
async fn thousands_of_intents_with_large_metadata_keep_the_state_bounded() {
    const MAX_OBJECTS: usize = 200;
    const LOG_BYTES: usize = 256 * 1024;
    const INTENTS: usize = 3_000;
    let harness = Harness::with_config(SimConfig {
        limits: SimLimits {
            max_objects: MAX_OBJECTS,
            request_log_bytes: LOG_BYTES,
            ..SimLimits::default()
        },
        ..SimConfig::default()
    });
    // The largest metadata Stripe allows: 50 keys of 40 characters with 500-character values.
    let metadata: String = (0..50)
        .map(|index| format!("metadata[{index:0>40}]={}", "m".repeat(500)))
        .collect::<Vec<_>>()
        .join("&");
    let metadata_bytes = 50 * (40 + 500);
    // Straight to the simulator: the harness would keep every response for its contract check.
    let simulator = harness.simulator.clone();
    let post = |path: &'static str, body: String, idempotency_key: Option<String>| {
        let simulator = simulator.clone();
        async move {
            let mut headers = HeaderMap::new();
            let auth = HeaderValue::from_str(&format!("Bearer {KEY}")).unwrap();
            headers.insert(http::header::AUTHORIZATION, auth);
            if let Some(key) = idempotency_key {
                headers.insert("idempotency-key", HeaderValue::from_str(&key).unwrap());
            }
            let response = simulator
                .handle(&Method::POST, path, None, &headers, Bytes::from(body))
                .await;
            assert_eq!(response.status(), 200, "{}", response.body());
            let object: Value = serde_json::from_str(response.body()).unwrap();
            object["id"].as_str().unwrap().to_string()
        }
    };
    let mut first = String::new();
    let mut last = String::new();
    for index in 0..INTENTS {
        let body = format!("amount=1000&currency=usd&{metadata}");
        let id = post("/v1/payment_intents", body, Some(format!("create-{index}"))).await;
        if index == 0 {
            first = id.clone();
        }
        last = id;
        // Readers and locations created by requests are bounded too.
        if index % 10 == 0 {
            let body = format!("display_name=L{index}&address[country]=US&{metadata}");
            let location = post("/v1/terminal/locations", body, None).await;
            let body = format!("registration_code=simulated-wpe&location={location}");
            post("/v1/terminal/readers", body, None).await;
        }
    }
    let state = harness.send(Method::GET, "/_sim/state", "", &[]).await.body;
    assert_eq!(state["payment_intents"], json!(INTENTS), "all were created");
    assert_eq!(state["payment_intents_stored"], json!(MAX_OBJECTS));
    assert_eq!(state["idempotent_results"], json!(MAX_OBJECTS));
    // 300 locations and readers were created: the bound holds, plus the seeded ones.
    assert_eq!(state["locations"], json!(MAX_OBJECTS + 1));
    assert_eq!(state["readers"], json!(MAX_OBJECTS + 1));
    let log_bytes = state["request_log_bytes"].as_u64().unwrap() as usize;
    assert!(log_bytes <= LOG_BYTES, "{log_bytes}");
    assert!(
        log_bytes > LOG_BYTES / 2,
        "the log is used up to its budget: {log_bytes}"
    );
    // What grows with client input: metadata and stored responses of at most MAX_OBJECTS
    // objects of each kind, and the log. Unbounded, 3,000 intents alone would hold
    // 3,000 x (27,000 bytes of metadata + a stored response of about as much) = 160 MB.
    // Here: intents' and locations' metadata, and stored responses (each about twice the
    // metadata, with the request's parameters), for MAX_OBJECTS of each.
    let retained = state["retained_bytes"].as_u64().unwrap() as usize;
    let bound = MAX_OBJECTS * (2 * metadata_bytes + 2 * 2 * metadata_bytes) + LOG_BYTES;
    assert!(retained <= bound, "{retained} > {bound}");
    let unbounded = INTENTS * 3 * metadata_bytes;
    assert!(
        retained * 5 < unbounded,
        "{retained} is not far below {unbounded}"
    );
    // Oldest first: the first intent is gone, the last is there; the seeded reader stays.
    harness
        .get(&format!("/v1/payment_intents/{first}"))
        .await
        .expect_error(404, Some("resource_missing"));
    assert_eq!(harness.intent(&last).await["id"], json!(last));
    let seeded = harness
        .get(&format!("/v1/terminal/readers?serial_number={SEED_SERIAL}"))
        .await
        .ok();
    assert_eq!(seeded["data"].as_array().unwrap().len(), 1);
    harness.get("/v1/terminal/locations?limit=1").await.ok();
}

#[tokio::test]
async fn accepted_keys_are_set_by_control_and_others_get_stripes_401() {
    let harness = Harness::new();
    let other = "sk_test_51OtherAccountKeyabcd";
    // No list: any well-formed test key works.
    let any = harness
        .send(
            Method::GET,
            "/v1/account",
            "",
            &[("authorization", &format!("Bearer {other}"))],
        )
        .await;
    assert_eq!(any.status, 200);

    let set = harness
        .send(
            Method::POST,
            "/_sim/keys",
            &json!({ "accepted": [KEY] }).to_string(),
            &[],
        )
        .await;
    assert_eq!(set.status, 200, "{}", set.body);
    assert_eq!(
        set.body,
        json!({ "accepted": ["sk_test_****p7dc"], "any_test_key": false })
    );
    assert!(
        !set.body.to_string().contains(KEY),
        "keys are shown masked only"
    );

    let refused = harness
        .send(
            Method::GET,
            "/v1/account",
            "",
            &[("authorization", &format!("Bearer {other}"))],
        )
        .await;
    assert_eq!(
        refused.header("www-authenticate"),
        Some("Basic realm=\"Stripe\"")
    );
    let error = refused.expect_error(401, None);
    assert_eq!(error["type"], "invalid_request_error");
    assert_eq!(
        error["message"],
        "Invalid API Key provided: sk_test_****abcd"
    );
    assert_eq!(
        refused.body,
        json!({ "error": {
            "message": "Invalid API Key provided: sk_test_****abcd",
            "type": "invalid_request_error",
        }})
    );
    harness.get("/v1/account").await.ok();

    // A key that could never authenticate is refused, and not echoed.
    let bad = harness
        .send(
            Method::POST,
            "/_sim/keys",
            r#"{"accepted":["sk_live_secretvalue1234"]}"#,
            &[],
        )
        .await;
    assert_eq!(bad.status, 400);
    assert!(
        !bad.body.to_string().contains("secretvalue"),
        "{}",
        bad.body
    );
    let listed = harness.send(Method::GET, "/_sim/keys", "", &[]).await;
    assert_eq!(listed.body["accepted"], json!(["sk_test_****p7dc"]));

    // An empty list accepts any test key again.
    harness
        .send(Method::POST, "/_sim/keys", r#"{"accepted":[]}"#, &[])
        .await;
    let again = harness
        .send(
            Method::GET,
            "/v1/account",
            "",
            &[("authorization", &format!("Bearer {other}"))],
        )
        .await;
    assert_eq!(again.status, 200);
    harness.finish();
}
