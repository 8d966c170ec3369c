// Keep-alive connections of the Stripe client, included by `tests.rs` once per
// transport after `client_cases.rs` (whose helpers it uses).

/// A server that keeps connections open: answers every request of a connection with
/// a keep-alive 200, closing it after `per_connection` answers; counts connections.
async fn serve_keep_alive(per_connection: usize) -> (String, Arc<Mutex<usize>>, Arc<Mutex<Vec<Seen>>>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let connections = Arc::new(Mutex::new(0));
    let seen = Arc::new(Mutex::new(Vec::new()));
    let (count, log) = (connections.clone(), seen.clone());
    tokio::spawn(async move {
        while let Ok((mut stream, _)) = listener.accept().await {
            *count.lock().unwrap() += 1;
            let log = log.clone();
            tokio::spawn(async move {
                for _ in 0..per_connection {
                    let Some(req) = read_request(&mut stream).await else {
                        return;
                    };
                    log.lock().unwrap().push(req);
                    let body = json!({"id": "pi_1", "object": "payment_intent"}).to_string();
                    let out = format!(
                        "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n\
                         Content-Length: {}\r\n\r\n{body}",
                        body.len()
                    );
                    if stream.write_all(out.as_bytes()).await.is_err() {
                        return;
                    }
                }
                // Closed without a word, as a server whose idle timeout ran out.
                let _ = stream.shutdown().await;
            });
        }
    });
    (format!("http://{addr}"), connections, seen)
}

#[tokio::test]
async fn keep_alive_connections_are_reused() {
    let (base_url, connections, seen) = serve_keep_alive(usize::MAX).await;
    let c = StripeClient::new(config(&base_url)).unwrap();
    for _ in 0..3 {
        let r = c.retrieve_payment_intent(&key(), "pi_1").await.unwrap();
        assert_eq!(r["id"], "pi_1");
    }
    assert_eq!(*connections.lock().unwrap(), 1, "one connection for three calls");
    assert_eq!(seen.lock().unwrap().len(), 3);
}

#[tokio::test]
async fn a_connection_the_server_closed_while_idle_is_replaced() {
    let (base_url, connections, seen) = serve_keep_alive(1).await;
    let c = StripeClient::new(config(&base_url)).unwrap();
    for _ in 0..3 {
        c.retrieve_payment_intent(&key(), "pi_1").await.unwrap();
        // The server's close reaches the client before its next call.
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert_eq!(*connections.lock().unwrap(), 3);
    assert_eq!(seen.lock().unwrap().len(), 3, "each call sent once");
}
