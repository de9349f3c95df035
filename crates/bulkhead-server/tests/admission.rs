//! The admission webhook over real HTTPS on loopback, sent AdmissionReview requests shaped as
//! the API server sends them, in every mode — allowed, denied with a message, warnings, dry
//! run, suppressed, update with oldObject — and hostile requests: none crashes it, none is
//! allowed by accident where the namespace enforces.

mod common;

use std::collections::HashMap;
use std::net::SocketAddr;
use std::time::Duration;

use serde_json::{json, Value};
use tokio::io::AsyncWriteExt;
use tokio::net::TcpStream;
use tokio_rustls::rustls::pki_types::ServerName;

use bulkhead_engine::{settings, ConfigChoice, Flags};
use bulkhead_server::admission::mode::{AUDIT_LABEL, ENFORCE_LABEL, WARN_LABEL};
use bulkhead_server::admission::{start, AdmissionOptions, Defaults, Mode, Running};
use common::{request, test_ca, tls_dir};

const MAX_BODY: usize = 256 * 1024;
const READ_TIMEOUT: Duration = Duration::from_millis(400);

/// A webhook whose namespaces are: `prod` enforcing from high (warning from low), `staging`
/// warning, `logs` audited, `shop` unlabelled (the default mode: `default`).
async fn webhook(default: Mode) -> Running {
    let labels = |pairs: &[(&str, &str)]| {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    };
    let mut options = AdmissionOptions::new(
        "127.0.0.1:0".parse().unwrap(),
        tls_dir().join("server.crt"),
        tls_dir().join("server.key"),
    );
    options.defaults = Defaults {
        mode: default,
        ..Defaults::default()
    };
    options.max_body_bytes = MAX_BODY;
    options.read_timeout = READ_TIMEOUT;
    options.tls.header_timeout = READ_TIMEOUT;
    options.namespace_labels = HashMap::from([
        (
            "prod".to_string(),
            labels(&[(ENFORCE_LABEL, "high"), (WARN_LABEL, "low")]),
        ),
        ("staging".to_string(), labels(&[(WARN_LABEL, "")])),
        ("logs".to_string(), labels(&[(AUDIT_LABEL, "low")])),
    ]);
    let settings = settings::resolve(&Flags::default(), &ConfigChoice::Ignore, &[]).unwrap();
    start(options, settings, std::future::pending())
        .await
        .unwrap()
}

/// The real-shaped CREATE of a Deployment whose container runs privileged.
fn review() -> Value {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/admission/deployment-create.json");
    serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap()
}

fn in_namespace(mut review: Value, namespace: &str) -> Value {
    review["request"]["namespace"] = json!(namespace);
    review["request"]["object"]["metadata"]["namespace"] = json!(namespace);
    review
}

/// The same Deployment without the privileged container (medium and low findings only).
fn unprivileged(mut review: Value) -> Value {
    review["request"]["object"]["spec"]["template"]["spec"]["containers"][0]
        .as_object_mut()
        .unwrap()
        .remove("securityContext");
    review
}

/// The response of a review answered 200.
async fn answer(addr: SocketAddr, review: &Value) -> Value {
    let (status, body) = request(
        &test_ca(),
        addr,
        "POST",
        "/validate",
        review.to_string().into_bytes(),
    )
    .await
    .unwrap();
    assert_eq!(status, 200, "{body}");
    let answer: Value = serde_json::from_str(&body).unwrap();
    assert_eq!(answer["apiVersion"], "admission.k8s.io/v1");
    assert_eq!(answer["kind"], "AdmissionReview");
    assert_eq!(answer["response"]["uid"], review["request"]["uid"]);
    answer["response"].clone()
}

fn warnings(response: &Value) -> Vec<String> {
    response["warnings"]
        .as_array()
        .map(|w| w.iter().map(|s| s.as_str().unwrap().to_string()).collect())
        .unwrap_or_default()
}

/// The value of one sample of `/metrics` (0 when absent).
async fn metric(addr: SocketAddr, sample: &str) -> f64 {
    let (status, text) = request(&test_ca(), addr, "GET", "/metrics", Vec::new())
        .await
        .unwrap();
    assert_eq!(status, 200);
    text.lines()
        .find_map(|l| l.strip_prefix(sample).and_then(|v| v.strip_prefix(' ')))
        .map_or(0.0, |v| v.trim().parse().unwrap())
}

const DENIED_ENFORCE: &str =
    "bulkhead_admission_reviews_total{outcome=\"denied\",mode=\"enforce\"}";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn enforce_denies_with_the_failing_checks_and_their_field_paths() {
    let webhook = webhook(Mode::Warn).await;
    let response = answer(webhook.addr, &in_namespace(review(), "prod")).await;
    assert_eq!(response["allowed"], false, "{response}");
    assert_eq!(response["status"]["code"], 403);
    let message = response["status"]["message"].as_str().unwrap();
    assert!(
        message.starts_with("bulkhead: Deployment prod/web has 1 finding at or above high:"),
        "{message}"
    );
    assert!(
        message.contains("- BHW001 [high] container \"web\" runs privileged (at spec.template.spec.containers[0].securityContext.privileged)"),
        "{message}"
    );
    // Below the enforce threshold, the warn label still tells the user.
    let warned = warnings(&response);
    assert!(
        warned
            .iter()
            .any(|w| w.starts_with("bulkhead: BHW005 [medium]")),
        "{warned:?}"
    );
    assert!(!warned.iter().any(|w| w.contains("BHW001")), "{warned:?}");
    assert_eq!(metric(webhook.addr, DENIED_ENFORCE).await, 1.0);
    assert_eq!(
        metric(
            webhook.addr,
            "bulkhead_admission_findings_total{severity=\"high\",mode=\"enforce\"}"
        )
        .await,
        1.0
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn enforce_allows_what_is_below_its_threshold() {
    let webhook = webhook(Mode::Warn).await;
    let response = answer(webhook.addr, &unprivileged(in_namespace(review(), "prod"))).await;
    assert_eq!(response["allowed"], true, "{response}");
    assert!(response.get("status").is_none());
    assert!(!warnings(&response).is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn warn_allows_with_a_warning_per_finding() {
    let webhook = webhook(Mode::Audit).await;
    let response = answer(webhook.addr, &in_namespace(review(), "staging")).await;
    assert_eq!(response["allowed"], true, "{response}");
    let warned = warnings(&response);
    assert!(
        warned.contains(&"bulkhead: BHW001 [high] container \"web\" runs privileged (at spec.template.spec.containers[0].securityContext.privileged)".to_string()),
        "{warned:?}"
    );
    // From low up: no info findings.
    assert!(warned.iter().all(|w| !w.contains("[info]")), "{warned:?}");
    assert!(warned.len() > 5, "{warned:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn audit_allows_silently_and_counts() {
    let webhook = webhook(Mode::Warn).await;
    let response = answer(webhook.addr, &in_namespace(review(), "logs")).await;
    assert_eq!(response["allowed"], true, "{response}");
    assert!(warnings(&response).is_empty(), "{response}");
    assert_eq!(
        metric(
            webhook.addr,
            "bulkhead_admission_reviews_total{outcome=\"allowed\",mode=\"audit\"}"
        )
        .await,
        1.0
    );
    assert_eq!(
        metric(
            webhook.addr,
            "bulkhead_admission_findings_total{severity=\"high\",mode=\"audit\"}"
        )
        .await,
        1.0
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unlabelled_namespace_gets_the_default_mode() {
    let enforcing = webhook(Mode::Enforce).await;
    let response = answer(enforcing.addr, &review()).await;
    assert_eq!(response["allowed"], false, "{response}");
    let warning = webhook(Mode::Warn).await;
    let response = answer(warning.addr, &review()).await;
    assert_eq!(response["allowed"], true, "{response}");
    assert!(!warnings(&response).is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_dry_run_is_answered_but_not_counted() {
    let webhook = webhook(Mode::Warn).await;
    let mut dry = in_namespace(review(), "prod");
    dry["request"]["dryRun"] = json!(true);
    let response = answer(webhook.addr, &dry).await;
    assert_eq!(response["allowed"], false, "{response}");
    assert_eq!(metric(webhook.addr, DENIED_ENFORCE).await, 0.0);
    assert_eq!(
        metric(
            webhook.addr,
            "bulkhead_admission_review_duration_seconds_count"
        )
        .await,
        0.0
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn suppressed_findings_neither_deny_nor_warn() {
    let webhook = webhook(Mode::Warn).await;
    let mut suppressed = in_namespace(review(), "prod");
    let annotations = &mut suppressed["request"]["object"]["metadata"]["annotations"];
    annotations["bulkhead.dev/ignore"] = json!("BHW001");
    annotations["bulkhead.dev/ignore-reason"] = json!("the CNI agent needs host devices");
    let response = answer(webhook.addr, &suppressed).await;
    assert_eq!(response["allowed"], true, "{response}");
    assert!(
        !warnings(&response).iter().any(|w| w.contains("BHW001")),
        "{response}"
    );
    assert_eq!(
        metric(webhook.addr, "bulkhead_admission_suppressed_findings_total").await,
        1.0
    );
}

/// An UPDATE of `old` to `new` in `prod`.
fn update(old: Value, new: Value) -> Value {
    let mut review = new;
    review["request"]["operation"] = json!("UPDATE");
    review["request"]["oldObject"] = old["request"]["object"].clone();
    review["request"]["options"] = json!({"kind": "UpdateOptions", "apiVersion": "meta.k8s.io/v1"});
    review
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_update_is_denied_only_for_what_it_brings() {
    let webhook = webhook(Mode::Warn).await;
    let privileged = in_namespace(review(), "prod");
    let clean = unprivileged(privileged.clone());

    // Scaling a Deployment that was privileged before: allowed, the old finding told.
    let mut scaled = privileged.clone();
    scaled["request"]["object"]["spec"]["replicas"] = json!(5);
    let response = answer(webhook.addr, &update(privileged.clone(), scaled)).await;
    assert_eq!(response["allowed"], true, "{response}");
    let warned = warnings(&response);
    assert!(
        warned
            .iter()
            .any(|w| w.starts_with("bulkhead: BHW001 [high]")
                && w.ends_with("(present before this update)")),
        "{warned:?}"
    );

    // Making a clean Deployment privileged: denied.
    let response = answer(webhook.addr, &update(clean, privileged)).await;
    assert_eq!(response["allowed"], false, "{response}");
    assert!(response["status"]["message"]
        .as_str()
        .unwrap()
        .contains("BHW001"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn kinds_no_check_reads_and_deletions_are_allowed_at_once() {
    let webhook = webhook(Mode::Enforce).await;
    let mut lease = review();
    lease["request"]["kind"] =
        json!({"group": "coordination.k8s.io", "version": "v1", "kind": "Lease"});
    lease["request"]["object"] = json!({"apiVersion": "coordination.k8s.io/v1", "kind": "Lease", "metadata": {"name": "x", "namespace": "shop"}, "spec": {"holderIdentity": "a"}});
    let response = answer(webhook.addr, &lease).await;
    assert_eq!(response["allowed"], true, "{response}");
    assert!(warnings(&response).is_empty());

    let mut deletion = review();
    deletion["request"]["operation"] = json!("DELETE");
    deletion["request"]["oldObject"] = deletion["request"]["object"].take();
    deletion["request"]["object"] = Value::Null;
    let response = answer(webhook.addr, &deletion).await;
    assert_eq!(response["allowed"], true, "{response}");
    assert_eq!(
        metric(
            webhook.addr,
            "bulkhead_admission_reviews_total{outcome=\"skipped\",mode=\"enforce\"}"
        )
        .await,
        2.0
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_object_that_cannot_be_read_is_denied_where_the_namespace_enforces() {
    let webhook = webhook(Mode::Warn).await;
    for object in [
        json!("a string, not an object"),
        json!([1, 2]),
        json!({"metadata": {"name": "web"}}),
    ] {
        let mut broken = in_namespace(review(), "prod");
        broken["request"]["object"] = object.clone();
        let response = answer(webhook.addr, &broken).await;
        assert_eq!(response["allowed"], false, "{object}: {response}");
        let message = response["status"]["message"].as_str().unwrap();
        assert!(
            message.starts_with("bulkhead could not judge Deployment prod/web: "),
            "{message}"
        );
        assert!(
            message.ends_with("objects that cannot be judged are denied"),
            "{message}"
        );

        // Where the namespace only warns, it is allowed with the reason as a warning.
        let mut broken = in_namespace(review(), "staging");
        broken["request"]["object"] = object.clone();
        let response = answer(webhook.addr, &broken).await;
        assert_eq!(response["allowed"], true, "{object}: {response}");
        assert!(
            warnings(&response)[0].starts_with("bulkhead could not judge"),
            "{response}"
        );
    }
    // A request whose fields are not what the API server sends, but with a uid: answered.
    let mut garbled = in_namespace(review(), "prod");
    garbled["request"]["kind"] = json!("Deployment");
    let response = answer(webhook.addr, &garbled).await;
    assert_eq!(response["allowed"], false, "{response}");
    assert!(response["status"]["message"]
        .as_str()
        .unwrap()
        .contains("cannot be read"));
}

/// Sends `body` and expects an HTTP error with a reason.
async fn refused(addr: SocketAddr, body: &[u8]) -> (u16, String) {
    let (status, text) = request(&test_ca(), addr, "POST", "/validate", body.to_vec())
        .await
        .unwrap();
    assert_ne!(status, 200, "{text}");
    (status, text)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hostile_requests_get_a_clear_error_and_the_webhook_keeps_serving() {
    let webhook = webhook(Mode::Enforce).await;
    let addr = webhook.addr;

    let (status, text) = refused(
        addr,
        b"{\"apiVersion\": \"admission.k8s.io/v1\", \"kind\": ",
    )
    .await;
    assert_eq!(status, 400);
    assert!(
        text.starts_with("the body is not an AdmissionReview: EOF while parsing"),
        "{text}"
    );

    let mut old = review();
    old["apiVersion"] = json!("admission.k8s.io/v1beta1");
    let (status, text) = refused(addr, old.to_string().as_bytes()).await;
    assert_eq!(status, 400);
    assert!(
        text.contains("got apiVersion \"admission.k8s.io/v1beta1\""),
        "{text}"
    );

    let mut other = review();
    other["kind"] = json!("TokenReview");
    let (_, text) = refused(addr, other.to_string().as_bytes()).await;
    assert!(text.contains("kind \"TokenReview\""), "{text}");

    let mut no_request = review();
    no_request.as_object_mut().unwrap().remove("request");
    let (_, text) = refused(addr, no_request.to_string().as_bytes()).await;
    assert_eq!(text.trim(), "the AdmissionReview has no request");

    let mut no_uid = review();
    no_uid["request"].as_object_mut().unwrap().remove("uid");
    let (_, text) = refused(addr, no_uid.to_string().as_bytes()).await;
    assert_eq!(text.trim(), "the request has no uid");

    let mut huge = review();
    huge["request"]["object"]["metadata"]["annotations"]["padding"] = json!("x".repeat(MAX_BODY));
    // Refused from its declared length: the server may answer and close before the client
    // has finished writing, so a connection closed mid-body is the other correct outcome.
    match request(
        &test_ca(),
        addr,
        "POST",
        "/validate",
        huge.to_string().into_bytes(),
    )
    .await
    {
        Ok((status, text)) => {
            assert_eq!(status, 413, "{text}");
            assert_eq!(
                text.trim(),
                format!("the review is larger than {MAX_BODY} bytes (--max-body-bytes)")
            );
        }
        Err(e) => assert!(e.contains("writing a body"), "{e}"),
    }

    assert_eq!(
        metric(
            addr,
            "bulkhead_admission_rejected_requests_total{reason=\"malformed\"}"
        )
        .await,
        5.0
    );
    // Still serving, and still judging.
    let (status, text) = request(&test_ca(), addr, "GET", "/healthz", Vec::new())
        .await
        .unwrap();
    assert_eq!((status, text.as_str()), (200, "ok\n"));
    assert_eq!(answer(addr, &review()).await["allowed"], false);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_client_that_stops_sending_its_body_is_answered_408() {
    let webhook = webhook(Mode::Enforce).await;
    let tcp = TcpStream::connect(webhook.addr).await.unwrap();
    let mut tls = test_ca()
        .connect(ServerName::try_from("localhost").unwrap(), tcp)
        .await
        .unwrap();
    let body = review().to_string();
    let head = format!(
        "POST /validate HTTP/1.1\r\nhost: localhost\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\r\n",
        body.len()
    );
    tls.write_all(head.as_bytes()).await.unwrap();
    tls.write_all(&body.as_bytes()[..100]).await.unwrap();
    tls.flush().await.unwrap();
    let started = std::time::Instant::now();
    let mut answer = Vec::new();
    let _ = tokio::time::timeout(Duration::from_secs(10), async {
        use tokio::io::AsyncReadExt;
        let mut buffer = [0u8; 1024];
        while let Ok(n) = tls.read(&mut buffer).await {
            if n == 0 {
                break;
            }
            answer.extend_from_slice(&buffer[..n]);
            if answer.windows(4).any(|w| w == b"\r\n\r\n") && answer.ends_with(b"\n") {
                break;
            }
        }
    })
    .await;
    let answer = String::from_utf8_lossy(&answer);
    assert!(answer.starts_with("HTTP/1.1 408"), "{answer}");
    assert!(
        answer.contains("the request body did not arrive within 400 ms"),
        "{answer}"
    );
    assert!(started.elapsed() < Duration::from_secs(5));
    assert_eq!(
        metric(
            webhook.addr,
            "bulkhead_admission_rejected_requests_total{reason=\"timeout\"}"
        )
        .await,
        1.0
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_client_that_trickles_its_headers_is_disconnected() {
    let webhook = webhook(Mode::Enforce).await;
    let tcp = TcpStream::connect(webhook.addr).await.unwrap();
    let mut tls = test_ca()
        .connect(ServerName::try_from("localhost").unwrap(), tcp)
        .await
        .unwrap();
    tls.write_all(b"POST /validate HTTP/1.1\r\nhost: loc")
        .await
        .unwrap();
    tls.flush().await.unwrap();
    let started = std::time::Instant::now();
    let closed = tokio::time::timeout(Duration::from_secs(5), async {
        use tokio::io::AsyncReadExt;
        let mut buffer = [0u8; 256];
        loop {
            match tls.read(&mut buffer).await {
                Ok(0) | Err(_) => return,
                Ok(_) => {}
            }
        }
    })
    .await;
    assert!(closed.is_ok(), "the connection stayed open");
    assert!(
        started.elapsed() >= READ_TIMEOUT / 2,
        "{:?}",
        started.elapsed()
    );
    let (status, _) = request(&test_ca(), webhook.addr, "GET", "/healthz", Vec::new())
        .await
        .unwrap();
    assert_eq!(status, 200);
}
