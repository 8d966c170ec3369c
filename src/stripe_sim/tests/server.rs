//! The standalone HTTP server.

use super::*;

#[tokio::test]
async fn serve_answers_http_and_drops_connections_on_drop_faults() {
    let config = SimConfig {
        readers: vec![SimReaderSeed {
            serial_number: "SIM-1".into(),
            label: "Counter".into(),
            device_type: "simulated_wisepos_e".into(),
        }],
        ..SimConfig::default()
    };
    let simulator = Simulator::new(config);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    let server = tokio::spawn(simulator.clone().serve(listener));

    let body = "amount=1250&currency=usd";
    let request = format!(
        "POST /v1/payment_intents HTTP/1.1\r\nHost: sim\r\nAuthorization: Bearer {KEY}\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    let response = raw_http(address, &request).await;
    assert!(response.starts_with("HTTP/1.1 200"), "{response}");
    assert!(response.to_ascii_lowercase().contains("request-id: req_"));
    assert!(response.contains("\"object\":\"payment_intent\""));
    assert_eq!(simulator.payment_intent_count(), 1);

    let list = raw_http(
        address,
        &format!("GET /v1/terminal/readers?serial_number=SIM-1 HTTP/1.1\r\nHost: sim\r\nAuthorization: Bearer {KEY}\r\nConnection: close\r\n\r\n"),
    )
    .await;
    assert!(list.contains("\"label\":\"Counter\""), "{list}");

    simulator.inject_fault(FaultKind::Drop, 1);
    let response = raw_http(address, &request).await;
    assert_eq!(
        response, "",
        "a drop fault closes the connection without a response"
    );
    assert_eq!(simulator.payment_intent_count(), 1);
    server.abort();
}
