//! `serve` against the in-repo test API server on loopback: readiness after the first good
//! scan, `POST /scan`, failed scans (credentials rejected, `/version` refused with 403, the
//! API server gone) recorded without losing the last good result, the metrics checked by
//! the real `promtool`, alerts delivered to a real HTTP receiver that is down for a while,
//! and the audit receiver on the same listener.

use std::net::SocketAddr;
use std::path::Path;
use std::process::Command;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::body::Bytes;
use axum::extract::State;
use axum::http::StatusCode;
use axum::Router;
use serde_json::{json, Value};

use bulkhead_audit::detect::DetectorOptions;
use bulkhead_audit::{Alert, Detector, RuleOptions, RuleSet, Sink};
use bulkhead_checks::Severity;
use bulkhead_server::serve::alerts::{AlertOptions, Backoff, Format};
use bulkhead_server::serve::{start, AuditOptions, Serving};
use bulkhead_test_apiserver::{Auth, Denial, Options as ApiOptions, Server};

mod serve_support;

use serve_support::{
    api, get, http, options, post_scan, privileged_pod, ready, sample, Kubeconfig,
};

/// `promtool check metrics` on the exposition: nothing to say, exit 0. Without promtool
/// the check is skipped with a message, or fails when `CI` is set (`.ci/run` installs it).
fn promtool_accepts(metrics: &str) {
    use std::io::Write;
    let child = Command::new("promtool")
        .args(["check", "metrics"])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn();
    let mut child = match child {
        Ok(child) => child,
        Err(e) => {
            assert!(
                std::env::var_os("CI").is_none(),
                "promtool is required in CI: {e}"
            );
            eprintln!("skipping promtool check: {e} (install the Debian package prometheus)");
            return;
        }
    };
    child
        .stdin
        .take()
        .unwrap()
        .write_all(metrics.as_bytes())
        .unwrap();
    let output = child.wait_with_output().unwrap();
    assert!(
        output.status.success(),
        "promtool check metrics:\n{}{}\n---\n{metrics}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ready_after_the_first_good_scan_with_metrics_promtool_accepts() {
    let server = api(vec![privileged_pod("web"), privileged_pod("api")]);
    let kubeconfig = Kubeconfig::of(&server, Auth::Certificate);
    let serving = start(options(&kubeconfig.path)).await.unwrap();
    let addr = serving.addr;
    assert_eq!(get(addr, "/healthz").await.0, 200);
    ready(addr).await;

    let (status, scan) = post_scan(addr).await;
    assert_eq!(status, 200, "{scan}");
    assert_eq!(scan["sequence"], 2);
    assert_eq!(scan["succeeded"], true);
    let high = scan["findings"]["high"].as_u64().unwrap();
    assert!(high >= 2, "two privileged containers: {scan}");

    let (status, content_type, metrics) = http(addr, "GET", "/metrics", "*/*", Vec::new()).await;
    assert_eq!(status, 200);
    assert!(
        content_type.starts_with("text/plain; version=0.0.4"),
        "{content_type}"
    );
    promtool_accepts(&metrics);
    assert_eq!(
        sample(&metrics, "bulkhead_scans_total{result=\"success\"}"),
        Some(2.0)
    );
    assert_eq!(
        sample(&metrics, "bulkhead_scans_total{result=\"failure\"}"),
        Some(0.0)
    );
    assert_eq!(
        sample(&metrics, "bulkhead_findings{severity=\"high\"}"),
        Some(high as f64)
    );
    // The privileged-container check once per Pod, in the Pods' namespace.
    assert_eq!(
        sample(
            &metrics,
            "bulkhead_findings_by_check{check=\"BHW001\",severity=\"high\"}"
        ),
        Some(2.0),
        "{metrics}"
    );
    assert!(metrics.contains("bulkhead_findings_by_namespace{namespace=\"shop\""));
    assert!(
        metrics.contains("bulkhead_framework_controls{framework=\"pss-baseline\",status=\"fail\"}")
    );
    assert!(sample(
        &metrics,
        "bulkhead_framework_score_ratio{framework=\"pss-baseline\"}"
    )
    .is_some());
    assert_eq!(sample(&metrics, "bulkhead_objects_read"), Some(2.0));
    assert_eq!(
        sample(&metrics, "bulkhead_scan_duration_seconds_count"),
        Some(2.0)
    );

    // Prometheus asks for OpenMetrics and gets it.
    let (_, content_type, open) = http(
        addr,
        "GET",
        "/metrics",
        "application/openmetrics-text;version=1.0.0",
        Vec::new(),
    )
    .await;
    assert!(content_type.starts_with("application/openmetrics-text"));
    assert!(open.ends_with("# EOF\n"));
    assert!(open.contains("# TYPE bulkhead_scans counter\n"));

    serving.shutdown().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_failed_scan_is_recorded_and_never_replaces_the_last_good_one() {
    let server = api(vec![privileged_pod("web")]);
    let kubeconfig = Kubeconfig::of(&server, Auth::Certificate);
    let serving = start(options(&kubeconfig.path)).await.unwrap();
    let addr = serving.addr;
    ready(addr).await;
    let (_, before) = get(addr, "/metrics").await;
    let good_high = sample(&before, "bulkhead_findings{severity=\"high\"}").unwrap();

    // Credentials rejected (401).
    kubeconfig.point_at(&server, Auth::BadToken);
    let (status, scan) = post_scan(addr).await;
    assert_eq!(status, 502, "{scan}");
    assert_eq!(scan["failure"]["kind"], "credentials", "{scan}");
    assert!(scan["failure"]["reason"].as_str().unwrap().contains("401"));

    // `/version` refused (403): nothing can be read.
    let mut refusing = ApiOptions::new(vec![privileged_pod("web")]);
    refusing.denials = vec![Denial {
        user: None,
        group: String::new(),
        resource: "version".into(),
        code: 403,
    }];
    let refusing = Server::start(refusing).unwrap();
    kubeconfig.point_at(&refusing, Auth::Certificate);
    let (status, scan) = post_scan(addr).await;
    assert_eq!(status, 502, "{scan}");
    assert_eq!(scan["failure"]["kind"], "server", "{scan}");
    assert!(
        scan["failure"]["reason"].as_str().unwrap().contains("403"),
        "{scan}"
    );

    // The API server gone.
    drop(refusing);
    let (status, scan) = post_scan(addr).await;
    assert_eq!(status, 502, "{scan}");
    assert_eq!(scan["failure"]["kind"], "unreachable", "{scan}");

    // Still ready, still showing scan 1.
    let (status, text) = get(addr, "/readyz").await;
    assert_eq!((status, text.as_str()), (200, "ready: scan 1 succeeded\n"));
    let (_, status_json) = get(addr, "/status").await;
    let status_json: Value = serde_json::from_str(&status_json).unwrap();
    assert_eq!(status_json["latestGood"]["sequence"], 1);
    assert_eq!(status_json["lastAttempt"]["sequence"], 4);
    assert_eq!(status_json["lastAttempt"]["succeeded"], false);
    let (_, after) = get(addr, "/metrics").await;
    promtool_accepts(&after);
    assert_eq!(
        sample(&after, "bulkhead_findings{severity=\"high\"}"),
        Some(good_high)
    );
    assert_eq!(
        sample(&after, "bulkhead_scans_total{result=\"failure\"}"),
        Some(3.0)
    );
    for kind in ["credentials", "server", "unreachable"] {
        assert_eq!(
            sample(
                &after,
                &format!("bulkhead_scan_failures_total{{kind=\"{kind}\"}}")
            ),
            Some(1.0),
            "{kind}"
        );
    }
    assert_eq!(sample(&after, "bulkhead_last_scan_failed"), Some(1.0));
    let (_, page) = get(addr, "/").await;
    assert!(
        page.contains("The latest scan failed"),
        "the dashboard says so"
    );

    // Back up: the next scan replaces the result.
    kubeconfig.point_at(&server, Auth::Certificate);
    let (status, scan) = post_scan(addr).await;
    assert_eq!((status, scan["sequence"].as_u64()), (200, Some(5)));
    serving.shutdown().await.unwrap();
}

/// Calls of the memory release hook (only the test below installs it).
static RELEASES: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);

fn count_release() {
    RELEASES.fetch_add(1, Ordering::SeqCst);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn memory_is_released_on_every_pool_thread_once_a_result_is_replaced() {
    let server = api(vec![privileged_pod("web")]);
    let kubeconfig = Kubeconfig::of(&server, Auth::Certificate);
    let mut serve = options(&kubeconfig.path);
    serve.release_memory = Some(count_release);
    let serving = start(serve).await.unwrap();
    ready(serving.addr).await;
    // The first result replaced nothing.
    assert_eq!(RELEASES.load(Ordering::SeqCst), 0);
    kubeconfig.point_at(&server, Auth::BadToken);
    assert_eq!(post_scan(serving.addr).await.0, 502);
    // A failed scan replaces nothing either.
    assert_eq!(RELEASES.load(Ordering::SeqCst), 0);
    kubeconfig.point_at(&server, Auth::Certificate);
    assert_eq!(post_scan(serving.addr).await.0, 200);
    // Each thread of the check pool, and the thread that dropped the result.
    let expected = rayon::current_num_threads() + 1;
    eventually("released on every pool thread", || {
        RELEASES.load(Ordering::SeqCst) == expected
    })
    .await;
    serving.shutdown().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn resources_the_api_refuses_are_counted_as_api_errors() {
    let mut denied = ApiOptions::new(vec![privileged_pod("web")]);
    denied.denials = vec![Denial {
        user: None,
        group: String::new(),
        resource: "pods".into(),
        code: 403,
    }];
    let server = Server::start(denied).unwrap();
    let kubeconfig = Kubeconfig::of(&server, Auth::Certificate);
    let serving = start(options(&kubeconfig.path)).await.unwrap();
    ready(serving.addr).await;
    let (_, metrics) = get(serving.addr, "/metrics").await;
    assert_eq!(sample(&metrics, "bulkhead_api_errors"), Some(1.0));
    assert_eq!(sample(&metrics, "bulkhead_objects_read"), Some(0.0));
    serving.shutdown().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn before_any_good_scan_it_is_not_ready_and_says_why() {
    let server = api(vec![]);
    let kubeconfig = Kubeconfig::of(&server, Auth::BadToken);
    let serving = start(options(&kubeconfig.path)).await.unwrap();
    let (status, scan) = post_scan(serving.addr).await;
    assert_eq!(status, 502);
    let (status, text) = get(serving.addr, "/readyz").await;
    assert_eq!(status, 503);
    assert!(text.starts_with("not ready: scan "), "{text}");
    assert!(text.contains("401"), "{text}");
    let (status, page) = get(serving.addr, "/").await;
    assert_eq!(status, 200);
    assert!(page.contains("No successful scan yet"), "{page}");
    assert!(scan["failure"]["reason"].is_string());
    serving.shutdown().await.unwrap();
}

/// A real HTTP receiver on loopback that answers 503 while down and records what it
/// accepts.
#[derive(Clone, Default)]
struct Receiver {
    up: Arc<AtomicBool>,
    accepted: Arc<Mutex<Vec<Value>>>,
    refused: Arc<Mutex<usize>>,
}

async fn receive(State(r): State<Receiver>, body: Bytes) -> StatusCode {
    if !r.up.load(Ordering::SeqCst) {
        *r.refused.lock().unwrap() += 1;
        return StatusCode::SERVICE_UNAVAILABLE;
    }
    r.accepted
        .lock()
        .unwrap()
        .push(serde_json::from_slice(&body).unwrap());
    StatusCode::OK
}

async fn start_receiver() -> (Receiver, SocketAddr) {
    let receiver = Receiver::default();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let app = Router::new()
        .route("/hook", axum::routing::post(receive))
        .with_state(receiver.clone());
    tokio::spawn(async move { axum::serve(listener, app).await });
    (receiver, addr)
}

async fn eventually(what: &str, mut done: impl FnMut() -> bool) {
    for _ in 0..600 {
        if done() {
            return;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("{what}: not within 30s");
}

fn alerts(url: String, format: Format, queue: usize) -> AlertOptions {
    AlertOptions {
        url,
        min_severity: Severity::High,
        format,
        queue,
        backoff: Backoff {
            first: Duration::from_millis(50),
            max: Duration::from_millis(200),
        },
    }
}

fn fingerprints(message: &Value) -> Vec<String> {
    message["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["fingerprint"].as_str().unwrap().to_string())
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn alerts_wait_for_a_down_endpoint_are_deduplicated_and_the_bound_is_counted() {
    let (receiver, hook) = start_receiver().await;
    let first = api(vec![privileged_pod("web")]);
    let kubeconfig = Kubeconfig::of(&first, Auth::Certificate);
    let mut opts = options(&kubeconfig.path);
    opts.alerts = Some(alerts(format!("http://{hook}/hook"), Format::Json, 1));
    let serving = start(opts).await.unwrap();
    let addr = serving.addr;
    ready(addr).await;

    // The endpoint is down: the message waits and is retried.
    eventually("retries", || *receiver.refused.lock().unwrap() >= 3).await;
    let (_, metrics) = get(addr, "/metrics").await;
    assert_eq!(sample(&metrics, "bulkhead_alert_queue_messages"), Some(1.0));
    assert!(sample(&metrics, "bulkhead_alert_delivery_failures_total").unwrap() >= 3.0);
    assert_eq!(sample(&metrics, "bulkhead_alerts_sent_total"), Some(0.0));

    // A second Pod appears while the queue (one message) is full: that message is dropped
    // and counted, its findings are not forgotten.
    let second = api(vec![privileged_pod("web"), privileged_pod("api")]);
    kubeconfig.point_at(&second, Auth::Certificate);
    assert_eq!(post_scan(addr).await.0, 200);
    let (_, metrics) = get(addr, "/metrics").await;
    assert_eq!(sample(&metrics, "bulkhead_alerts_dropped_total"), Some(1.0));
    promtool_accepts(&metrics);

    // The endpoint comes back: the waiting message goes out once.
    receiver.up.store(true, Ordering::SeqCst);
    eventually("delivery", || receiver.accepted.lock().unwrap().len() == 1).await;
    // The next scan offers the dropped findings again, and only those.
    assert_eq!(post_scan(addr).await.0, 200);
    eventually("second delivery", || {
        receiver.accepted.lock().unwrap().len() == 2
    })
    .await;
    // Nothing new: nothing sent.
    assert_eq!(post_scan(addr).await.0, 200);
    tokio::time::sleep(Duration::from_millis(500)).await;
    let accepted = receiver.accepted.lock().unwrap().clone();
    assert_eq!(accepted.len(), 2, "{accepted:#?}");

    let one = fingerprints(&accepted[0]);
    let two = fingerprints(&accepted[1]);
    assert!(
        one.iter().all(|f| !two.contains(f)),
        "deduplicated by fingerprint"
    );
    assert_eq!(accepted[0]["source"], "bulkhead");
    assert_eq!(accepted[0]["cluster"], "test");
    assert_eq!(accepted[0]["minSeverity"], "high");
    let names = |m: &Value| -> Vec<String> {
        m["findings"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| f["object"]["name"].as_str().unwrap().to_string())
            .collect()
    };
    assert!(names(&accepted[0]).iter().all(|n| n == "web"));
    assert!(names(&accepted[1]).iter().all(|n| n == "api"));
    assert!(accepted.iter().all(|m| m["findings"]
        .as_array()
        .unwrap()
        .iter()
        .all(|f| f["severity"] == "high" || f["severity"] == "critical")));
    assert_eq!(accepted[0]["count"], one.len());

    let (_, metrics) = get(addr, "/metrics").await;
    assert_eq!(sample(&metrics, "bulkhead_alerts_sent_total"), Some(2.0));
    assert_eq!(sample(&metrics, "bulkhead_alert_queue_messages"), Some(0.0));
    assert_eq!(
        sample(&metrics, "bulkhead_alert_findings_sent_total"),
        Some((one.len() + two.len()) as f64)
    );
    let stopped = serving.shutdown().await.unwrap();
    assert_eq!(stopped.alerts_undelivered, 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn slack_alerts_carry_one_text() {
    let (receiver, hook) = start_receiver().await;
    receiver.up.store(true, Ordering::SeqCst);
    let server = api(vec![privileged_pod("<web>")]);
    let kubeconfig = Kubeconfig::of(&server, Auth::Certificate);
    let mut opts = options(&kubeconfig.path);
    opts.alerts = Some(alerts(format!("http://{hook}/hook"), Format::Slack, 10));
    let serving = start(opts).await.unwrap();
    eventually("delivery", || receiver.accepted.lock().unwrap().len() == 1).await;
    let message = receiver.accepted.lock().unwrap()[0].clone();
    let object = message.as_object().unwrap();
    assert_eq!(object.keys().collect::<Vec<_>>(), ["text"]);
    let text = object["text"].as_str().unwrap();
    assert!(text.starts_with("*Bulkhead*: "), "{text}");
    assert!(text.contains("in cluster `test`"), "{text}");
    assert!(
        text.contains("BHW001 Pod/shop/&lt;web&gt;"),
        "mrkdwn escaped: {text}"
    );
    serving.shutdown().await.unwrap();
}

/// An `EventList` with one `kubectl exec` into a Pod, which a built-in rule reports.
fn exec_event_list() -> Vec<u8> {
    let exec = json!({"kind": "EventList", "apiVersion": "audit.k8s.io/v1", "metadata": {}, "items": [{
        "kind": "Event", "apiVersion": "audit.k8s.io/v1", "level": "Metadata",
        "auditID": "0001", "stage": "ResponseComplete",
        "requestURI": "/api/v1/namespaces/default/pods/web-0/exec?command=sh",
        "verb": "create",
        "user": {"username": "mallory", "groups": ["system:authenticated"]},
        "sourceIPs": ["10.0.0.9"], "userAgent": "kubectl/v1.30.1",
        "objectRef": {"resource": "pods", "subresource": "exec", "namespace": "default", "name": "web-0", "apiVersion": "v1"},
        "responseStatus": {"metadata": {}, "code": 101},
        "requestReceivedTimestamp": "2024-05-01T12:00:00.000000Z",
        "stageTimestamp": "2024-05-01T12:00:00.001000Z"
    }]});
    serde_json::to_vec(&exec).unwrap()
}

#[derive(Clone, Default)]
struct Collect(Arc<Mutex<Vec<Alert>>>);

impl Sink for Collect {
    fn alert(&mut self, alert: &Alert) {
        self.0.lock().unwrap().push(alert.clone());
    }
    fn unreadable(&mut self, _origin: &str, _line: u64, _message: &str) {}
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_audit_receiver_runs_on_the_same_listener_and_its_alerts_are_counted() {
    let server = api(vec![]);
    let kubeconfig = Kubeconfig::of(&server, Auth::Certificate);
    let collected = Collect::default();
    let mut opts = options(&kubeconfig.path);
    opts.audit = Some(AuditOptions {
        detector: Detector::new(
            RuleSet::builtin(&RuleOptions::default()).unwrap(),
            DetectorOptions {
                requests: None,
                ranges: Vec::new(),
                since: None,
                until: None,
            },
        ),
        sink: Box::new(collected.clone()),
        queue: 8,
        max_body_bytes: 1 << 20,
    });
    let serving: Serving = start(opts).await.unwrap();
    let (status, _, _) = http(serving.addr, "POST", "/audit", "*/*", exec_event_list()).await;
    assert_eq!(status, 200);
    let (status, _, _) = http(
        serving.addr,
        "POST",
        "/audit",
        "*/*",
        b"not an event list".to_vec(),
    )
    .await;
    assert_eq!(status, 400);
    eventually("judged", || !collected.0.lock().unwrap().is_empty()).await;
    let rule = collected.0.lock().unwrap()[0].rule.clone();
    let severity = collected.0.lock().unwrap()[0].severity;
    let (_, metrics) = get(serving.addr, "/metrics").await;
    promtool_accepts(&metrics);
    assert_eq!(
        sample(&metrics, "bulkhead_audit_batches_accepted_total"),
        Some(1.0)
    );
    assert_eq!(
        sample(&metrics, "bulkhead_audit_bad_requests_total"),
        Some(1.0)
    );
    let alerts = metrics
        .lines()
        .find(|l| {
            l.starts_with("bulkhead_audit_alerts_total{") && l.contains(&format!("rule=\"{rule}\""))
        })
        .unwrap_or_else(|| panic!("{metrics}"));
    assert!(
        alerts.contains(&format!("severity=\"{severity}\"")),
        "{alerts}"
    );
    assert!(alerts.ends_with(" 1"), "{alerts}");
    let stopped = serving.shutdown().await.unwrap();
    assert_eq!(stopped.audit.unwrap().stats.events, 1);
}

/// The metric names an exposition declares (`# HELP` lines), with a histogram's series.
fn declared(metrics: &str) -> Vec<String> {
    let mut names = Vec::new();
    for line in metrics.lines() {
        if let Some(rest) = line.strip_prefix("# TYPE ") {
            let mut parts = rest.split(' ');
            let (Some(name), Some(kind)) = (parts.next(), parts.next()) else {
                continue;
            };
            if kind == "histogram" {
                for suffix in ["_bucket", "_sum", "_count"] {
                    names.push(format!("{name}{suffix}"));
                }
            } else {
                names.push(name.to_string());
            }
        }
    }
    names
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_grafana_dashboard_queries_metrics_serve_exports_in_valid_promql() {
    let server = api(vec![privileged_pod("web")]);
    let kubeconfig = Kubeconfig::of(&server, Auth::Certificate);
    let (receiver, hook) = start_receiver().await;
    receiver.up.store(true, Ordering::SeqCst);
    let mut opts = options(&kubeconfig.path);
    opts.alerts = Some(alerts(format!("http://{hook}/hook"), Format::Json, 1));
    let collected = Collect::default();
    opts.audit = Some(AuditOptions {
        detector: Detector::new(
            RuleSet::builtin(&RuleOptions::default()).unwrap(),
            DetectorOptions {
                requests: None,
                ranges: Vec::new(),
                since: None,
                until: None,
            },
        ),
        sink: Box::new(collected.clone()),
        queue: 8,
        max_body_bytes: 1 << 20,
    });
    let serving = start(opts).await.unwrap();
    ready(serving.addr).await;
    // One detection, so that the audit alerts' family has a series.
    let (status, _, _) = http(serving.addr, "POST", "/audit", "*/*", exec_event_list()).await;
    assert_eq!(status, 200);
    eventually("judged", || !collected.0.lock().unwrap().is_empty()).await;
    let (_, metrics) = get(serving.addr, "/metrics").await;
    serving.shutdown().await.unwrap();
    let declared = declared(&metrics);

    let path =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../../deploy/serve/grafana-dashboard.json");
    let dashboard: Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    let mut expressions = Vec::new();
    for panel in dashboard["panels"].as_array().unwrap() {
        for target in panel["targets"].as_array().unwrap() {
            expressions.push(target["expr"].as_str().unwrap().to_string());
        }
    }
    assert!(expressions.len() >= 10);
    let mut used = 0;
    for expr in &expressions {
        let mut rest = expr.as_str();
        while let Some(at) = rest.find("bulkhead_") {
            let name: String = rest[at..]
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                .collect();
            assert!(
                declared.contains(&name),
                "{name} (in {expr}) is not exported: {declared:?}"
            );
            used += 1;
            rest = &rest[at + name.len()..];
        }
    }
    assert!(used >= expressions.len());

    // Every expression parses as PromQL: promtool checks them as recording rules.
    let rules: Vec<Value> = expressions
        .iter()
        .enumerate()
        .map(|(i, e)| json!({"record": format!("bulkhead:dashboard_{i}"), "expr": e.replace("$framework", "cis-1.12")}))
        .collect();
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("dashboard-rules.json");
    // JSON is YAML: promtool reads it as a rules file.
    std::fs::write(
        &file,
        serde_json::to_string(&json!({"groups": [{"name": "dashboard", "rules": rules}]})).unwrap(),
    )
    .unwrap();
    match Command::new("promtool")
        .arg("check")
        .arg("rules")
        .arg(&file)
        .output()
    {
        Ok(output) => assert!(
            output.status.success(),
            "promtool check rules: {}{}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        ),
        Err(e) => {
            assert!(
                std::env::var_os("CI").is_none(),
                "promtool is required in CI: {e}"
            );
            eprintln!("skipping promtool check rules: {e}");
        }
    }
}
