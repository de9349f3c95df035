//! `serve_tls` with certificate reload: a real TLS client sees the new certificate once the
//! files are replaced, and a broken replacement leaves the old one served.

mod common;

use std::time::Duration;

use axum::routing::get;
use axum::Router;
use bulkhead_server::tls::{serve_tls, TlsOptions};
use bulkhead_test_apiserver::Authority;
use common::{connector, request};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_replaced_certificate_is_served_to_new_connections() {
    let first = Authority::new("first-ca").unwrap();
    let second = Authority::new("second-ca").unwrap();
    let dir = tempfile::tempdir().unwrap();
    let (cert, key) = (dir.path().join("tls.crt"), dir.path().join("tls.key"));
    let issued = first.server().unwrap();
    std::fs::write(&cert, &issued.cert).unwrap();
    std::fs::write(&key, &issued.key).unwrap();

    let router = Router::new().route("/healthz", get(|| async { "ok" }));
    let options = TlsOptions {
        reload_every: Duration::from_millis(100),
        ..TlsOptions::default()
    };
    let server = serve_tls(
        router,
        "127.0.0.1:0".parse().unwrap(),
        cert.clone(),
        key.clone(),
        std::future::pending(),
        options,
    )
    .await
    .unwrap();
    let trusts_first = connector(first.ca.cert.as_bytes());
    let trusts_second = connector(second.ca.cert.as_bytes());
    let get = |tls| {
        let addr = server.addr;
        async move { request(&tls, addr, "GET", "/healthz", Vec::new()).await }
    };
    assert_eq!(get(trusts_first.clone()).await, Ok((200, "ok".to_string())));
    let refused = get(trusts_second.clone()).await.unwrap_err();
    assert!(refused.starts_with("handshake: "), "{refused}");

    // A half-written replacement (a key that does not match) is not taken.
    let renewed = second.server().unwrap();
    std::fs::write(&cert, &renewed.cert).unwrap();
    tokio::time::sleep(Duration::from_millis(400)).await;
    assert_eq!(get(trusts_first.clone()).await, Ok((200, "ok".to_string())));

    // The matching key arrives: new connections get the second certificate.
    std::fs::write(&key, &renewed.key).unwrap();
    let mut served = Err(String::new());
    for _ in 0..50 {
        tokio::time::sleep(Duration::from_millis(100)).await;
        served = get(trusts_second.clone()).await;
        if served.is_ok() {
            break;
        }
    }
    assert_eq!(served, Ok((200, "ok".to_string())));
    let refused = get(trusts_first).await.unwrap_err();
    assert!(refused.starts_with("handshake: "), "{refused}");
    server.shutdown(Duration::from_secs(1)).await.unwrap();
}
