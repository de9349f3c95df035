//! Writing PolicyReports into the test API server: server-side apply under the `bulkhead`
//! field manager, nothing written when nothing changed, reports no longer produced deleted,
//! other tools' reports and namespaces outside the scan left alone.

use bulkhead_cluster::policyreports::{write_blocking, Scope, CONTENT_HASH_ANNOTATION};
use bulkhead_cluster::Target;
use bulkhead_test_apiserver::{Auth, Options, Server};
use serde_json::{json, Value};

fn report(kind: &str, namespace: Option<&str>, name: &str, hash: &str) -> Value {
    let mut metadata = json!({
        "name": name,
        "labels": {"app.kubernetes.io/managed-by": "bulkhead"},
        "annotations": {CONTENT_HASH_ANNOTATION: hash},
    });
    if let Some(ns) = namespace {
        metadata["namespace"] = json!(ns);
    }
    json!({
        "apiVersion": "wgpolicyk8s.io/v1alpha2",
        "kind": kind,
        "metadata": metadata,
        "results": [{"policy": "privileged-container", "rule": "BHW001", "result": "fail", "message": hash}],
        "summary": {"pass": 0, "fail": 1, "warn": 0, "error": 0, "skip": 0},
    })
}

struct Cluster {
    server: Server,
    _dir: tempfile::TempDir,
    target: Target,
}

fn cluster(objects: Vec<Value>, policy_reports: bool) -> Cluster {
    let mut options = Options::new(objects);
    options.policy_reports = policy_reports;
    let server = Server::start(options).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("config");
    std::fs::write(&path, server.kubeconfig(Auth::Token)).unwrap();
    Cluster {
        server,
        _dir: dir,
        target: Target {
            kubeconfig: Some(path),
            context: None,
        },
    }
}

/// `namespace/name` (or `name`) and the content hash of every report of `plural`.
fn stored(server: &Server, plural: &str) -> Vec<(String, String)> {
    server
        .objects("wgpolicyk8s.io", plural)
        .iter()
        .map(|o| {
            let m = &o["metadata"];
            let id = match m["namespace"].as_str() {
                Some(ns) => format!("{ns}/{}", m["name"].as_str().unwrap()),
                None => m["name"].as_str().unwrap().to_string(),
            };
            (
                id,
                m["annotations"][CONTENT_HASH_ANNOTATION]
                    .as_str()
                    .unwrap_or("")
                    .to_string(),
            )
        })
        .collect()
}

fn writes(server: &Server) -> Vec<(String, String, String)> {
    server
        .requests()
        .into_iter()
        .filter(|r| r.method == "PATCH" || r.method == "DELETE")
        .map(|r| (r.method, r.path, r.query))
        .collect()
}

#[test]
fn reports_are_applied_only_when_changed_and_deleted_when_no_longer_produced() {
    let foreign = json!({
        "apiVersion": "wgpolicyk8s.io/v1alpha2",
        "kind": "PolicyReport",
        "metadata": {"name": "kyverno-polr", "namespace": "b", "labels": {"app.kubernetes.io/managed-by": "kyverno"}},
        "results": [],
    });
    let c = cluster(vec![foreign], true);
    let first = vec![
        report("ClusterPolicyReport", None, "bulkhead", "h0"),
        report("PolicyReport", Some("a"), "bulkhead", "h1"),
        report("PolicyReport", Some("a"), "bulkhead-2", "h2"),
        report("PolicyReport", Some("b"), "bulkhead", "h3"),
    ];
    let written = write_blocking(&c.target, &first, &Scope::Cluster).unwrap();
    assert_eq!(written.applied.len(), 4, "{written:?}");
    assert!(written.unchanged.is_empty() && written.deleted.is_empty());
    assert_eq!(
        stored(&c.server, "policyreports"),
        [
            ("a/bulkhead".to_string(), "h1".to_string()),
            ("a/bulkhead-2".into(), "h2".into()),
            ("b/bulkhead".into(), "h3".into()),
            ("b/kyverno-polr".into(), "".into()),
        ]
    );
    assert_eq!(
        stored(&c.server, "clusterpolicyreports"),
        [("bulkhead".to_string(), "h0".to_string())]
    );
    let patches = writes(&c.server);
    assert_eq!(patches.len(), 4);
    for (method, path, query) in &patches {
        assert_eq!(method, "PATCH");
        assert!(path.starts_with("/apis/wgpolicyk8s.io/v1alpha2/"), "{path}");
        assert!(
            query.contains("fieldManager=bulkhead") && query.contains("force=true"),
            "{query}"
        );
    }
    let applied = &c.server.objects("wgpolicyk8s.io", "policyreports")[0];
    assert_eq!(
        applied["metadata"]["managedFields"][0]["manager"],
        "bulkhead"
    );
    assert_eq!(
        applied["metadata"]["managedFields"][0]["operation"],
        "Apply"
    );

    // The same reports again: nothing is written.
    let before = c.server.requests().len();
    let again = write_blocking(&c.target, &first, &Scope::Cluster).unwrap();
    assert_eq!(again.unchanged.len(), 4, "{again:?}");
    assert!(again.applied.is_empty() && again.deleted.is_empty());
    assert!(c.server.requests()[before..]
        .iter()
        .all(|r| r.method == "GET"));

    // Namespace b is clean now and a's findings fit in one part; the cluster's changed.
    let second = vec![
        report("ClusterPolicyReport", None, "bulkhead", "h0-changed"),
        report("PolicyReport", Some("a"), "bulkhead", "h1"),
    ];
    let before = c.server.requests().len();
    let third = write_blocking(&c.target, &second, &Scope::Cluster).unwrap();
    assert_eq!(third.applied, ["ClusterPolicyReport bulkhead"]);
    assert_eq!(third.unchanged, ["PolicyReport a/bulkhead"]);
    assert_eq!(
        third.deleted,
        ["PolicyReport a/bulkhead-2", "PolicyReport b/bulkhead"]
    );
    assert_eq!(
        stored(&c.server, "policyreports"),
        [
            ("a/bulkhead".to_string(), "h1".to_string()),
            ("b/kyverno-polr".into(), "".into())
        ],
        "another tool's report stays"
    );
    assert_eq!(stored(&c.server, "clusterpolicyreports")[0].1, "h0-changed");
    let requests = c.server.requests();
    let deletes = requests[before..]
        .iter()
        .filter(|r| r.method == "DELETE")
        .count();
    assert_eq!(deletes, 2);
}

#[test]
fn a_scan_of_some_namespaces_deletes_nothing_outside_them() {
    let c = cluster(Vec::new(), true);
    let all = vec![
        report("ClusterPolicyReport", None, "bulkhead", "c"),
        report("PolicyReport", Some("a"), "bulkhead", "a"),
        report("PolicyReport", Some("b"), "bulkhead", "b"),
    ];
    write_blocking(&c.target, &all, &Scope::Cluster).unwrap();
    // A scan of namespace a only: a is clean now, b was not looked at.
    let only_a = vec![report("ClusterPolicyReport", None, "bulkhead", "c")];
    let written = write_blocking(&c.target, &only_a, &Scope::Namespaces(vec!["a".into()])).unwrap();
    assert_eq!(written.deleted, ["PolicyReport a/bulkhead"]);
    assert_eq!(
        stored(&c.server, "policyreports"),
        [("b/bulkhead".to_string(), "b".to_string())]
    );
}

#[test]
fn without_the_crds_the_error_says_so() {
    let c = cluster(Vec::new(), false);
    let err = write_blocking(
        &c.target,
        &[report("ClusterPolicyReport", None, "bulkhead", "x")],
        &Scope::Cluster,
    )
    .unwrap_err();
    assert!(err.contains("PolicyReport CRDs"), "{err}");
}

#[test]
fn a_report_of_another_kind_is_refused_before_anything_is_written() {
    let c = cluster(Vec::new(), true);
    let mut wrong = report("PolicyReport", Some("a"), "bulkhead", "x");
    wrong["kind"] = json!("ConfigMap");
    let err = write_blocking(&c.target, &[wrong], &Scope::Cluster).unwrap_err();
    assert!(err.contains("ConfigMap"), "{err}");
    assert!(writes(&c.server).is_empty());
}
