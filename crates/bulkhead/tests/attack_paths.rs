//! `bulkhead attack-paths` end to end: the chain of the BHT001 fixture in each format, the
//! exit codes, starts and targets other than the defaults, and bad arguments.

use std::path::Path;

use assert_cmd::Command;
use serde_json::Value;

fn fixture(name: &str) -> String {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../bulkhead-checks/tests/fixtures/BHT001")
        .join(name)
        .to_string_lossy()
        .into_owned()
}

fn run(args: &[&str]) -> (String, String, i32) {
    let out = Command::cargo_bin("bulkhead")
        .unwrap()
        .arg("attack-paths")
        .args(args)
        .output()
        .unwrap();
    (
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
        out.status.code().unwrap(),
    )
}

#[test]
fn text_numbers_the_steps_with_their_evidence_and_exits_1() {
    let (out, _, code) = run(&[&fixture("insecure.yaml"), "--to", "cluster-admin"]);
    assert_eq!(code, 1, "{out}");
    assert!(
        out.starts_with("1 attack path from internet to cluster-admin"),
        "{out}"
    );
    for line in [
        "  1. entry internet → deployment:shop/web",
        "  2. lateral deployment:shop/web → deployment:shop/metrics: connects to shop/metrics on TCP 9100",
        "  3. escape deployment:shop/metrics → node:*",
        "BHW001: container \"exporter\" runs privileged  at ",
        "insecure.yaml:54:13",
        "  4. node node:* → sa:kube-system:log-agent",
        "  5. identity sa:kube-system:log-agent → cluster-admin",
        "what breaks it:",
    ] {
        assert!(out.contains(line), "missing {line:?} in\n{out}");
    }
}

#[test]
fn json_and_dot_carry_the_same_path() {
    let (out, _, code) = run(&[&fixture("insecure.yaml"), "-f", "json"]);
    assert_eq!(code, 1);
    let v: Value = serde_json::from_str(&out).unwrap_or_else(|e| panic!("{e}: {out}"));
    assert_eq!(v["schemaVersion"], 1);
    let targets: Vec<&str> = v["paths"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["target"].as_str().unwrap())
        .collect();
    assert_eq!(targets, ["cluster-admin", "node", "cloud-metadata"]);
    let first = &v["paths"][0];
    assert_eq!(first["entry"], "deployment:shop/web");
    assert_eq!(first["length"], 5);
    assert_eq!(first["steps"][2]["evidence"][0]["check"], "BHW001");
    assert_eq!(first["steps"][2]["evidence"][0]["location"]["line"], 54);
    assert!(!v["fixes"].as_array().unwrap().is_empty());

    let (dot, _, code) = run(&[&fixture("insecure.yaml"), "-f", "dot"]);
    assert_eq!(code, 1);
    assert!(dot.starts_with("digraph attack_paths {"), "{dot}");
    assert!(
        dot.contains("\"deployment:shop/metrics\" -> \"node:*\" [label=\"escape\"];"),
        "{dot}"
    );
}

#[test]
fn no_path_exits_0() {
    let (out, _, code) = run(&[&fixture("secure.yaml"), "--to", "cluster-admin"]);
    assert_eq!(code, 0, "{out}");
    assert!(
        out.starts_with("no attack path from internet to cluster-admin"),
        "{out}"
    );
}

#[test]
fn other_starts_and_targets() {
    let (out, _, code) = run(&[
        &fixture("insecure.yaml"),
        "--from",
        "pod:shop/metrics",
        "--to",
        "node",
    ]);
    assert_eq!(code, 1, "{out}");
    assert!(
        out.contains("escape deployment:shop/metrics → node:*"),
        "{out}"
    );
    let (out, _, code) = run(&[
        &fixture("insecure.yaml"),
        "--from",
        "sa:kube-system:log-agent",
        "--to",
        "namespace:shop",
    ]);
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("→ ns:shop"), "{out}");
}

#[test]
fn bad_arguments_exit_2_with_a_reason() {
    let (_, err, code) = run(&[&fixture("insecure.yaml"), "--from", "pod:nowhere"]);
    assert_eq!(code, 2);
    assert!(err.contains("expected pod:NAMESPACE/NAME"), "{err}");
    let (_, err, code) = run(&[&fixture("insecure.yaml"), "--from", "pod:shop/ghost"]);
    assert_eq!(code, 2);
    assert!(err.contains("no such workload"), "{err}");
    let (_, err, code) = run(&[&fixture("insecure.yaml"), "--to", "everything"]);
    assert_eq!(code, 2);
    assert!(err.contains("expected cluster-admin"), "{err}");
}

/// Each path as its route (`from → to` of every step) with its target.
fn routes(report: &Value) -> Vec<String> {
    report["paths"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            let steps: Vec<String> = p["steps"]
                .as_array()
                .unwrap()
                .iter()
                .map(|s| {
                    format!(
                        "{} {}",
                        s["kind"].as_str().unwrap(),
                        s["to"].as_str().unwrap()
                    )
                })
                .collect();
            format!("{}: {}", p["target"].as_str().unwrap(), steps.join(", "))
        })
        .collect()
}

#[test]
fn the_live_cluster_gives_the_paths_of_the_same_objects_as_files() {
    use bulkhead_test_apiserver::{objects_from_paths, Auth, Options, Server};

    let file = fixture("insecure.yaml");
    let server = Server::start(Options::new(objects_from_paths(std::slice::from_ref(
        &file,
    ))))
    .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("config");
    std::fs::write(&config, server.kubeconfig(Auth::Certificate)).unwrap();
    let out = Command::cargo_bin("bulkhead")
        .unwrap()
        .env_remove("KUBERNETES_SERVICE_HOST")
        .env("HOME", "/nonexistent")
        .env("KUBECONFIG", &config)
        .args(["attack-paths", "--cluster", "-f", "json"])
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(
        out.status.code(),
        Some(1),
        "{stdout}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let live: Value = serde_json::from_str(&stdout).unwrap_or_else(|e| panic!("{e}: {stdout}"));
    let (files, _, code) = run(&[&file, "-f", "json"]);
    assert_eq!(code, 1);
    let files: Value = serde_json::from_str(&files).unwrap();
    assert_eq!(routes(&live), routes(&files));
    assert!(
        routes(&live)[0].starts_with("cluster-admin: entry deployment:shop/web, lateral"),
        "{:?}",
        routes(&live)
    );
    // Evidence points into the snapshot of the cluster, not at a file of the inputs.
    let escape = &live["paths"][0]["steps"][2]["evidence"][0];
    assert_eq!(escape["check"], "BHW001");
    assert!(escape["location"]["line"].as_u64().is_some(), "{escape}");
}
