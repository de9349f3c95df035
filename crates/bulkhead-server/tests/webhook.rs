//! The audit webhook receiver over real HTTPS on loopback, driven by a load generator that
//! behaves like the API server's webhook backend (batches of events, retry after 429): every
//! event sent is judged exactly once, including while the queue is full.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::Request;
use hyper_util::rt::TokioIo;
use tokio::net::TcpStream;
use tokio_rustls::rustls::pki_types::{pem::PemObject, CertificateDer, ServerName};
use tokio_rustls::rustls::{ClientConfig, RootCertStore};
use tokio_rustls::TlsConnector;

use bulkhead_audit::detect::DetectorOptions;
use bulkhead_audit::{Alert, Detector, RuleOptions, RuleSet, Sink};
use bulkhead_server::audit_webhook::{start, Running, WebhookOptions, RETRY_AFTER_SECONDS};

fn tls_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/tls")
}

#[derive(Clone, Default)]
struct Collect(Arc<Mutex<Vec<Alert>>>);

impl Sink for Collect {
    fn alert(&mut self, alert: &Alert) {
        self.0.lock().unwrap().push(alert.clone());
    }
    fn unreadable(&mut self, origin: &str, line: u64, message: &str) {
        panic!("{origin}:{line}: {message}");
    }
}

async fn receiver(queue: usize, alerts: Collect) -> Running {
    let rules = RuleSet::builtin(&RuleOptions::default()).unwrap();
    let detector = Detector::new(
        rules,
        DetectorOptions {
            requests: None,
            ranges: Vec::new(),
            since: None,
            until: None,
        },
    );
    start(
        WebhookOptions {
            listen: "127.0.0.1:0".parse().unwrap(),
            tls_cert: tls_dir().join("server.crt"),
            tls_key: tls_dir().join("server.key"),
            queue,
            max_body_bytes: 1 << 20,
        },
        detector,
        Box::new(alerts),
    )
    .await
    .unwrap()
}

fn connector() -> TlsConnector {
    let mut roots = RootCertStore::empty();
    let ca = CertificateDer::from_pem_file(tls_dir().join("ca.crt")).unwrap();
    roots.add(ca).unwrap();
    #[allow(deprecated)] // ring, the one provider of the graph (see audit_webhook::start)
    let provider = Arc::new(tokio_rustls::rustls::crypto::ring::default_provider());
    let config = ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_root_certificates(roots)
        .with_no_client_auth();
    TlsConnector::from(Arc::new(config))
}

/// One HTTPS request on a new connection: (status, Retry-After, body).
async fn send(addr: SocketAddr, method: &str, body: Vec<u8>) -> (u16, Option<String>, String) {
    try_send(addr, method, body).await.unwrap()
}

/// As [`send`], with the client's error when the server ends the connection before the body
/// was written (as it may for a body over the limit, once it has answered).
async fn try_send(
    addr: SocketAddr,
    method: &str,
    body: Vec<u8>,
) -> Result<(u16, Option<String>, String), hyper::Error> {
    let tcp = TcpStream::connect(addr).await.unwrap();
    let tls = connector()
        .connect(ServerName::try_from("localhost").unwrap(), tcp)
        .await
        .unwrap();
    let (mut sender, connection) = hyper::client::conn::http1::handshake(TokioIo::new(tls))
        .await
        .unwrap();
    tokio::spawn(connection);
    let request = Request::builder()
        .method(method)
        .uri("/audit")
        .header("content-type", "application/json")
        .header("host", "localhost")
        .body(Full::new(Bytes::from(body)))
        .unwrap();
    let response = sender.send_request(request).await?;
    let status = response.status().as_u16();
    let retry = response
        .headers()
        .get("retry-after")
        .map(|v| v.to_str().unwrap().to_string());
    let text = response.into_body().collect().await?.to_bytes();
    Ok((status, retry, String::from_utf8_lossy(&text).into_owned()))
}

/// A batch as the webhook backend sends it: `n` events, the first an exec into a pod.
fn batch(client: usize, number: usize, n: usize) -> Vec<u8> {
    let items: Vec<serde_json::Value> = (0..n)
        .map(|i| {
            let exec = i == 0;
            serde_json::json!({
                "kind": "Event", "apiVersion": "audit.k8s.io/v1", "level": "Metadata",
                "auditID": format!("{client:04}-{number:06}-{i:04}"),
                "stage": "ResponseComplete",
                "requestURI": if exec { "/api/v1/namespaces/default/pods/web-0/exec?command=sh" } else { "/api/v1/namespaces/default/pods" },
                "verb": if exec { "create" } else { "list" },
                "user": {"username": format!("user-{client}"), "groups": ["system:authenticated"]},
                "sourceIPs": ["10.0.0.9"], "userAgent": "kubectl/v1.30.1",
                "objectRef": if exec {
                    serde_json::json!({"resource": "pods", "subresource": "exec", "namespace": "default", "name": "web-0", "apiVersion": "v1"})
                } else {
                    serde_json::json!({"resource": "pods", "namespace": "default", "apiVersion": "v1"})
                },
                "responseStatus": {"metadata": {}, "code": if exec { 101 } else { 200 }},
                "requestReceivedTimestamp": "2024-05-01T12:00:00.000000Z",
                "stageTimestamp": "2024-05-01T12:00:00.001000Z"
            })
        })
        .collect();
    serde_json::to_vec(&serde_json::json!({"kind": "EventList", "apiVersion": "audit.k8s.io/v1", "metadata": {}, "items": items})).unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_event_is_judged_once_even_when_the_queue_fills() {
    const CLIENTS: usize = 4;
    const BATCHES: usize = 10;
    const EVENTS: usize = 25;
    let alerts = Collect::default();
    let running = receiver(1, alerts.clone()).await;
    let addr = running.addr;
    // The detector is held: one batch waits in it, one in the queue, the rest are refused
    // until it is released, and the senders retry them after Retry-After.
    running.hold();
    let refused = Arc::new(AtomicU64::new(0));
    let mut clients = Vec::new();
    for client in 0..CLIENTS {
        let refused = Arc::clone(&refused);
        clients.push(tokio::spawn(async move {
            for number in 0..BATCHES {
                loop {
                    let (status, retry, body) =
                        send(addr, "POST", batch(client, number, EVENTS)).await;
                    match status {
                        200 => break,
                        429 => {
                            assert_eq!(
                                retry.as_deref(),
                                Some(RETRY_AFTER_SECONDS.to_string().as_str()),
                                "{body}"
                            );
                            refused.fetch_add(1, Ordering::Relaxed);
                            tokio::time::sleep(Duration::from_secs(RETRY_AFTER_SECONDS)).await;
                        }
                        other => panic!("status {other}: {body}"),
                    }
                }
            }
        }));
    }
    while refused.load(Ordering::Relaxed) < CLIENTS as u64 {
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    running.release();
    for c in clients {
        c.await.unwrap();
    }
    let counters = Arc::clone(&running.counters);
    let detector = running.shutdown().await.unwrap();
    let sent = (CLIENTS * BATCHES * EVENTS) as u64;
    assert_eq!(counters.events_accepted.load(Ordering::Relaxed), sent);
    assert_eq!(counters.events_processed.load(Ordering::Relaxed), sent);
    assert_eq!(detector.stats.events, sent);
    assert_eq!(
        counters.batches_refused_full.load(Ordering::Relaxed),
        refused.load(Ordering::Relaxed)
    );
    assert!(refused.load(Ordering::Relaxed) >= CLIENTS as u64);
    let alerts = alerts.0.lock().unwrap();
    let exec: Vec<&Alert> = alerts.iter().filter(|a| a.rule == "BHA003").collect();
    assert_eq!(exec.len(), CLIENTS * BATCHES, "one exec per batch");
    let mut ids: Vec<&str> = exec.iter().map(|a| a.audit_id.as_str()).collect();
    ids.sort_unstable();
    ids.dedup();
    assert_eq!(ids.len(), CLIENTS * BATCHES, "no batch judged twice");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hostile_requests_are_refused_and_counted() {
    let alerts = Collect::default();
    let running = receiver(4, alerts.clone()).await;
    let addr = running.addr;
    let (status, _, body) = send(addr, "POST", b"not json".to_vec()).await;
    assert_eq!(status, 400, "{body}");
    assert!(body.contains("not JSON"), "{body}");
    let (status, _, body) = send(addr, "POST", br#"{"kind":"ConfigMap","data":{}}"#.to_vec()).await;
    assert_eq!(status, 400, "{body}");
    let (status, _, _) = send(addr, "GET", Vec::new()).await;
    assert_eq!(status, 405);
    // The server refuses the body from its declared length and closes the connection: the
    // client sees 413, or, when it was still writing, a closed connection.
    match try_send(addr, "POST", vec![b' '; 2 << 20]).await {
        Ok((status, _, _)) => assert_eq!(status, 413),
        Err(e) => assert!(
            e.is_closed() || e.is_incomplete_message() || format!("{e:?}").contains("BodyWrite"),
            "{e:?}"
        ),
    }
    // And it is still serving.
    let (status, _, _) = send(addr, "GET", Vec::new()).await;
    assert_eq!(status, 405);
    let counters = Arc::clone(&running.counters);
    let detector = running.shutdown().await.unwrap();
    assert_eq!(counters.bad_requests.load(Ordering::Relaxed), 2);
    assert_eq!(detector.stats.events, 0);
    assert!(alerts.0.lock().unwrap().is_empty());
}
