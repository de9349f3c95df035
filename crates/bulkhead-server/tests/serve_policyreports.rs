//! `serve` with `write_policyreports`: after each good scan, its PolicyReports are applied
//! into the cluster it read (the in-repo test API server, which serves the wgpolicyk8s.io
//! kinds), only when they changed, and the reports a scan no longer produces are deleted;
//! a failed scan leaves them alone. What is in the cluster is read back with the real
//! `kubectl`.
//!
//! With CI set, a missing `kubectl` fails the test (`.ci/run` installs it); elsewhere the
//! test says it was skipped.

mod serve_support;

use std::process::Command;

use bulkhead_server::serve::start;
use bulkhead_test_apiserver::{Auth, Options as ApiOptions, Server};
use serde_json::{json, Value};
use serve_support::{get, options, post_scan, ready, sample, Kubeconfig};

fn kubectl_available() -> bool {
    let found = Command::new("kubectl")
        .args(["version", "--client"])
        .output()
        .is_ok_and(|o| o.status.success());
    if !found {
        assert!(
            std::env::var_os("CI").is_none(),
            "kubectl is missing: .ci/run installs it"
        );
        eprintln!("skipped: kubectl is not installed");
    }
    found
}

/// `kubectl get KIND -A -l app.kubernetes.io/managed-by=bulkhead -o json`: the items.
fn bulkhead_reports(server: &Server, kind: &str) -> Vec<Value> {
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("kubeconfig");
    std::fs::write(&config, server.kubeconfig(Auth::Token)).unwrap();
    let out = Command::new("kubectl")
        .arg("--kubeconfig")
        .arg(&config)
        .arg("--cache-dir")
        .arg(dir.path().join("cache"))
        .args(["--request-timeout", "20s", "get", kind, "-A", "-l"])
        .args(["app.kubernetes.io/managed-by=bulkhead", "-o", "json"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "kubectl get {kind}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let list: Value = serde_json::from_slice(&out.stdout).unwrap();
    list["items"].as_array().cloned().unwrap_or_default()
}

fn privileged_pod(namespace: &str, name: &str) -> Value {
    json!({
        "apiVersion": "v1", "kind": "Pod",
        "metadata": {"name": name, "namespace": namespace},
        "spec": {"containers": [{
            "name": "app", "image": "registry.example/app:1.0",
            "securityContext": {"privileged": true}
        }]}
    })
}

fn namespaces_of(reports: &[Value]) -> Vec<String> {
    let mut namespaces: Vec<String> = reports
        .iter()
        .map(|r| r["metadata"]["namespace"].as_str().unwrap().to_string())
        .collect();
    namespaces.sort();
    namespaces
}

fn fingerprints(report: &Value) -> Vec<String> {
    let mut all: Vec<String> = report["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["properties"]["fingerprint"].as_str().unwrap().to_string())
        .collect();
    all.sort();
    all
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn each_good_scan_writes_what_changed_and_deletes_what_is_gone() {
    if !kubectl_available() {
        return;
    }
    let mut api = ApiOptions::new(vec![
        privileged_pod("shop", "web"),
        privileged_pod("pay", "ledger"),
    ]);
    api.policy_reports = true;
    let server = Server::start(api).unwrap();
    let kubeconfig = Kubeconfig::of(&server, Auth::Certificate);
    let mut serve = options(&kubeconfig.path);
    serve.write_policyreports = true;
    let serving = start(serve).await.unwrap();
    let addr = serving.addr;
    ready(addr).await;
    // Answered once scan 2 went through every sink, scan 1's writes included.
    let (status, scan) = post_scan(addr).await;
    assert_eq!(status, 200, "{scan}");

    let reports = bulkhead_reports(&server, "policyreports");
    assert_eq!(namespaces_of(&reports), ["pay", "shop"]);
    let shop = reports
        .iter()
        .find(|r| r["metadata"]["namespace"] == "shop")
        .unwrap();
    let privileged = shop["results"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["rule"] == "BHW001")
        .expect("the privileged container is reported");
    assert_eq!(privileged["result"], "fail");
    assert_eq!(privileged["resources"][0]["name"], "web");
    // Scan 2 found what scan 1 found: nothing was applied again.
    for report in &reports {
        assert_eq!(
            report["metadata"]["generation"], 1,
            "{}",
            report["metadata"]
        );
    }
    assert_eq!(bulkhead_reports(&server, "clusterpolicyreports").len(), 1);

    // The Pod in `pay` goes: its namespace's report is deleted, `shop`'s keeps its findings.
    server
        .delete(privileged_pod("pay", "ledger"))
        .expect("delete the Pod");
    let (status, scan) = post_scan(addr).await;
    assert_eq!(status, 200, "{scan}");
    let reports = bulkhead_reports(&server, "policyreports");
    assert_eq!(namespaces_of(&reports), ["shop"]);
    // The same findings in `shop` (their locations in the snapshot moved, so it was applied).
    assert_eq!(fingerprints(&reports[0]), fingerprints(shop));

    // A failed scan writes nothing and deletes nothing.
    kubeconfig.point_at(&server, Auth::BadToken);
    let (status, scan) = post_scan(addr).await;
    assert_eq!(status, 502, "{scan}");
    assert_eq!(
        namespaces_of(&bulkhead_reports(&server, "policyreports")),
        ["shop"]
    );
    let (_, metrics) = get(addr, "/metrics").await;
    assert_eq!(
        sample(
            &metrics,
            "bulkhead_sink_failures_total{sink=\"policyreports\"}"
        )
        .unwrap_or(0.0),
        0.0
    );
    serving.shutdown().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_cluster_without_the_policyreport_kinds_counts_a_sink_failure() {
    // The API server does not serve wgpolicyk8s.io (the CRDs are not installed).
    let server = Server::start(ApiOptions::new(vec![privileged_pod("shop", "web")])).unwrap();
    let kubeconfig = Kubeconfig::of(&server, Auth::Certificate);
    let mut serve = options(&kubeconfig.path);
    serve.write_policyreports = true;
    let serving = start(serve).await.unwrap();
    ready(serving.addr).await;
    let (status, scan) = post_scan(serving.addr).await;
    assert_eq!(status, 200, "the scan itself succeeded: {scan}");
    let (_, metrics) = get(serving.addr, "/metrics").await;
    assert_eq!(
        sample(
            &metrics,
            "bulkhead_sink_failures_total{sink=\"policyreports\"}"
        ),
        Some(2.0)
    );
    serving.shutdown().await.unwrap();
}
