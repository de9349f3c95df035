//! `bulkhead netpol`: matrix formats, explanations, exposure and diff scenarios.

use std::path::Path;

use assert_cmd::Command;
use serde_json::Value;

fn fixture(name: &str) -> String {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/netpol")
        .join(name)
        .to_string_lossy()
        .into_owned()
}

fn run(args: &[&str]) -> (String, i32) {
    let out = Command::cargo_bin("bulkhead")
        .unwrap()
        .arg("netpol")
        .args(args)
        .output()
        .unwrap();
    (
        String::from_utf8(out.stdout).unwrap(),
        out.status.code().unwrap(),
    )
}

#[test]
fn matrix_text_marks_partial_connections_and_lists_them() {
    let (out, code) = run(&["matrix", &fixture("shop.yaml")]);
    assert_eq!(code, 0);
    assert!(out.contains("shop/web -> shop/api: TCP 9000"), "{out}");
    assert!(out.contains("shop/api -> shop/db: TCP 5432"), "{out}");
    assert!(!out.contains("shop/web -> shop/db"), "{out}");
}

#[test]
fn matrix_csv_and_port_probe() {
    let (out, _) = run(&[
        "matrix",
        &fixture("shop.yaml"),
        "--format",
        "csv",
        "--port",
        "5432",
    ]);
    assert!(out.starts_with("source,destination,allowed\n"), "{out}");
    assert!(out.contains("shop/api,shop/db,\".\""), "{out}");
    assert!(out.contains("shop/web,shop/db,\"X\""), "{out}");
}

#[test]
fn matrix_json_names_isolating_policies() {
    let (out, _) = run(&["matrix", &fixture("shop.yaml"), "--format", "json"]);
    let doc: Value = serde_json::from_str(&out).unwrap();
    let web = doc["workloads"]
        .as_array()
        .unwrap()
        .iter()
        .find(|w| w["id"] == "shop/web")
        .unwrap();
    assert_eq!(
        web["ingressIsolatedBy"],
        serde_json::json!(["shop/default-deny", "shop/web"])
    );
    let conn = doc["connections"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["source"] == "shop/web" && c["destination"] == "shop/api")
        .unwrap();
    assert_eq!(conn["allowed"], "TCP 9000");
}

#[test]
fn matrix_md_and_dot() {
    let (md, _) = run(&["matrix", &fixture("shop.yaml"), "--format", "md"]);
    assert!(
        md.starts_with("| from \\ to | shop/web | shop/api |"),
        "{md}"
    );
    let (dot, _) = run(&["matrix", &fixture("shop.yaml"), "--format", "dot"]);
    assert!(
        dot.contains("\"shop/web\" -> \"shop/api\" [label=\"TCP 9000\"];"),
        "{dot}"
    );
}

#[test]
fn explain_allowed_and_denied() {
    let (out, code) = run(&[
        "explain",
        "shop/web",
        "shop/api:9000",
        &fixture("shop.yaml"),
    ]);
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("ALLOWED"), "{out}");
    assert!(
        out.contains("allowed by shop/api spec.ingress[0]: TCP 9000"),
        "{out}"
    );
    let (out, code) = run(&["explain", "shop/web", "shop/db:5432", &fixture("shop.yaml")]);
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("DENIED"), "{out}");
    assert!(
        out.contains("no egress rule of these policies allows to shop/db TCP 5432"),
        "{out}"
    );
    let (_, code) = run(&["explain", "shop/nope", "shop/db", &fixture("shop.yaml")]);
    assert_eq!(code, 2);
}

#[test]
fn exposure_maps_entry_points_to_workloads_and_their_policies() {
    let (out, code) = run(&["exposure", &fixture("shop.yaml")]);
    assert_eq!(code, 0);
    assert!(
        out.contains("EXPOSED   Service/shop/web (LoadBalancer) -> shop/web  ports: TCP 8080  allowed by policy: TCP 8080"),
        "{out}"
    );
    // The NodePort is there, but the API's policy admits only the web pods.
    assert!(
        out.contains("blocked   Service/shop/api (NodePort) -> shop/api  ports: TCP 9000  allowed by policy: none"),
        "{out}"
    );
    assert!(
        out.contains("hostNetwork -> monitoring/node-agent"),
        "{out}"
    );
}

#[test]
fn diff_reports_a_widened_database_policy() {
    let (out, code) = run(&["diff", &fixture("old"), &fixture("new")]);
    assert_eq!(code, 0);
    assert_eq!(out, "+ monitoring/node-agent -> shop/db: TCP 5432\n");
    let (out, _) = run(&["diff", &fixture("new"), &fixture("old")]);
    assert_eq!(out, "- monitoring/node-agent -> shop/db: TCP 5432\n");
    let (out, _) = run(&["diff", &fixture("old"), &fixture("old")]);
    assert_eq!(out, "no change in reachability\n");
}

#[test]
fn a_pod_dump_keeps_its_pods_and_says_how_they_were_grouped() {
    // `kubectl get pods -A -o yaml`: every pod's controller is absent from the file.
    let (out, code) = run(&["matrix", &fixture("pod_dump.yaml"), "--format", "summary"]);
    assert_eq!(code, 0);
    assert!(out.contains("workloads: 4\n"), "{out}");
    assert!(
        out.contains("pods grouped under an absent owner: 5 pods in 3 workloads\n"),
        "{out}"
    );
    assert!(
        out.contains("  shop/web: pods of the absent ReplicaSet web-7c9d5, named by its pod-template-hash as Deployment web (2 pods)\n"),
        "{out}"
    );
    let (out, _) = run(&["matrix", &fixture("pod_dump.yaml"), "--format", "csv"]);
    assert!(out.contains("shop/web,shop/db,\"all\""), "{out}");
}

#[test]
fn unknown_namespace_labels_are_not_denied() {
    // Namespace "batch" has no Namespace object: whether its pods carry team=shop is unknown.
    let f = fixture("unknown_namespace.yaml");
    let (out, code) = run(&["explain", "batch/job", "shop/db:5432", &f]);
    assert_eq!(code, 0, "possibly allowed is not denied: {out}");
    assert!(
        out.contains("UNKNOWN, depends on the labels of namespace batch"),
        "{out}"
    );
    let (out, _) = run(&["matrix", &f]);
    assert!(
        out.contains("batch/job -> shop/db: none; possibly TCP 5432 (depends on the labels of namespace batch)"),
        "{out}"
    );
    let (out, _) = run(&["matrix", &f, "--format", "csv", "--port", "5432"]);
    assert!(
        out.contains(
            "batch/job,shop/db,\"X; possibly . (depends on the labels of namespace batch)\""
        ),
        "{out}"
    );
    let (out, _) = run(&["matrix", &f, "--format", "json"]);
    let doc: Value = serde_json::from_str(&out).unwrap();
    let conn = doc["connections"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["source"] == "batch/job" && c["destination"] == "shop/db")
        .unwrap();
    assert_eq!(conn["allowed"], "none");
    assert_eq!(conn["possiblyAllowed"], "TCP 5432");
    assert_eq!(conn["dependsOnNamespaces"], serde_json::json!(["batch"]));
    let (out, _) = run(&["matrix", &f, "--format", "summary"]);
    assert!(
        out.contains("  depending on unknown namespace labels: 2\n"),
        "{out}"
    );
}

#[test]
fn external_ranges_are_peers_in_every_matrix_format() {
    let f = fixture("external.yaml");
    let (out, _) = run(&["matrix", &f, "--format", "csv"]);
    assert!(
        out.contains("shop/web,0.0.0.0/0 except 10.0.0.0/8, 203.0.113.0/24,\"TCP 443\""),
        "{out}"
    );
    assert!(
        out.contains("203.0.113.0/24,shop/web,\"TCP 8080\""),
        "{out}"
    );
    assert!(out.contains("shop/web,2001:db8::/32,\"all\""), "{out}");
    let (out, _) = run(&["matrix", &f]);
    assert!(out.contains("shop/web -> 10.20.0.0/16: TCP 5432"), "{out}");
    let (out, _) = run(&["matrix", &f, "--format", "md"]);
    assert!(out.contains("| 10.20.0.0/16 |"), "{out}");
    let (out, _) = run(&["matrix", &f, "--format", "dot"]);
    assert!(
        out.contains("\"shop/web\" -> \"10.20.0.0/16\" [label=\"TCP 5432\"];"),
        "{out}"
    );
    let (out, _) = run(&["matrix", &f, "--format", "json"]);
    let doc: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(doc["externals"][2]["id"], "10.20.0.0/16");
    assert_eq!(doc["externals"][2]["public"], false);
    let (out, _) = run(&["matrix", &f, "--format", "summary"]);
    assert!(out.contains("external address ranges: 6\n"), "{out}");
}

#[test]
fn explain_accepts_addresses_and_blocks() {
    let f = fixture("external.yaml");
    let (out, code) = run(&["explain", "shop/web", "8.8.8.8:443", &f]);
    assert_eq!(code, 0, "{out}");
    assert!(
        out.starts_with("shop/web -> 8.8.8.8 (in 0.0.0.0/0 except 10.0.0.0/8, 203.0.113.0/24) (TCP 443): ALLOWED"),
        "{out}"
    );
    let (out, code) = run(&["explain", "10.1.2.3", "shop/web:8080", &f]);
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("DENIED"), "{out}");
    // A block across ranges: each range is explained, allowed only if all are.
    let (out, code) = run(&["explain", "shop/web", "10.0.0.0/8:5432", &f]);
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("-> 10.20.0.0/16 (TCP 5432): ALLOWED"), "{out}");
    assert!(
        out.contains("-> 10.0.0.0/8 except 10.20.0.0/16 (TCP 5432): DENIED"),
        "{out}"
    );
    let (out, code) = run(&["explain", "2001:db8::1", "shop/db", &f]);
    assert_eq!(code, 0, "{out}");
}

#[test]
fn exposure_reports_egress_to_public_addresses() {
    let (out, _) = run(&["exposure", &fixture("external.yaml")]);
    assert!(
        out.contains(
            "PUBLIC EGRESS  shop/web -> 0.0.0.0/0 except 10.0.0.0/8, 203.0.113.0/24: TCP 443"
        ),
        "{out}"
    );
    assert!(
        out.contains("PUBLIC EGRESS  shop/db -> ::/0 except 2001:db8::/32: all"),
        "{out}"
    );
    assert!(
        !out.contains("shop/web -> 10.20.0.0/16"),
        "not public: {out}"
    );
    let (out, _) = run(&["exposure", &fixture("external.yaml"), "--format", "json"]);
    let doc: Value = serde_json::from_str(&out).unwrap();
    let web = doc["publicEgress"]
        .as_array()
        .unwrap()
        .iter()
        .find(|w| w["workload"] == "shop/web")
        .unwrap();
    assert_eq!(
        web["ranges"][0]["range"],
        "0.0.0.0/0 except 10.0.0.0/8, 203.0.113.0/24"
    );
    assert_eq!(web["ranges"][0]["allowed"], "TCP 443");
}
