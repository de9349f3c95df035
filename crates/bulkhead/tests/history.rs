//! `scan --store` and `bulkhead history` end to end on a SQLite store: two scans of a
//! repository that changed in between, a live cluster read (the test API server) recorded
//! under its context, and a cluster that refused the credentials recorded as failed.

use std::path::Path;

use assert_cmd::Command;
use bulkhead_test_apiserver::{objects_from_paths, Auth, Options, Server};

fn bulkhead(args: &[&str], kubeconfig: Option<&Path>) -> (String, String, i32) {
    let mut cmd = Command::cargo_bin("bulkhead").unwrap();
    cmd.env_remove("KUBECONFIG")
        .env("HOME", "/nonexistent")
        .env_remove("KUBERNETES_SERVICE_HOST");
    if let Some(path) = kubeconfig {
        cmd.env("KUBECONFIG", path);
    }
    let out = cmd.args(args).output().unwrap();
    (
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8(out.stderr).unwrap(),
        out.status.code().unwrap(),
    )
}

const PRIVILEGED: &str = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\n  namespace: shop\nspec:\n  containers:\n    - name: web\n      image: nginx:1.27\n      securityContext:\n        privileged: true\n";
/// The check that reports `hostNetwork: true`.
const HOST_NAMESPACES: &str = "BHW003";
const HOST_NETWORK: &str = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\n  namespace: shop\nspec:\n  hostNetwork: true\n  containers:\n    - name: web\n      image: nginx:1.27\n";

fn table_row<'a>(table: &'a str, scan: &str) -> &'a str {
    table
        .lines()
        .find(|l| l.split_whitespace().next() == Some(scan))
        .unwrap_or_else(|| panic!("no row for scan {scan}:\n{table}"))
}

#[test]
fn two_scans_of_a_changed_repository_show_new_and_resolved_findings() {
    let dir = tempfile::tempdir().unwrap();
    let store = dir.path().join("history.db");
    let store = store.to_str().unwrap();
    let manifest = dir.path().join("pod.yaml");
    let manifest_arg = manifest.to_str().unwrap();

    std::fs::write(&manifest, PRIVILEGED).unwrap();
    let (_, stderr, code) = bulkhead(
        &[
            "scan",
            "--no-config",
            "--exit-zero",
            "-f",
            "concise",
            "--store",
            store,
            manifest_arg,
        ],
        None,
    );
    assert_eq!(code, 0, "{stderr}");
    assert!(stderr.contains("recorded as scan 1 of local"), "{stderr}");

    std::fs::write(&manifest, HOST_NETWORK).unwrap();
    let (_, stderr, code) = bulkhead(
        &[
            "scan",
            "--no-config",
            "--exit-zero",
            "-f",
            "concise",
            "--store",
            store,
            manifest_arg,
        ],
        None,
    );
    assert_eq!(code, 0, "{stderr}");
    assert!(stderr.contains("recorded as scan 2 of local"), "{stderr}");
    let (_, stderr, code) = bulkhead(
        &[
            "scan",
            "--no-config",
            "--exit-zero",
            "-f",
            "concise",
            "--store",
            store,
            "--store-cluster",
            "repo",
            manifest_arg,
        ],
        None,
    );
    assert_eq!(code, 0, "{stderr}");
    assert!(stderr.contains("recorded as scan 3 of repo"), "{stderr}");

    let (trend, stderr, code) = bulkhead(&["history", "--store", store], None);
    assert_eq!(code, 0, "{stderr}");
    let header = trend.lines().next().unwrap();
    assert!(
        header.starts_with("SCAN") && header.contains("CRITICAL"),
        "{trend}"
    );
    // Newest first; each row names its cluster and status.
    let rows: Vec<&str> = trend.lines().skip(1).map(str::trim_start).collect();
    assert_eq!(rows.len(), 3, "{trend}");
    assert!(
        rows[0].starts_with("3 ") && rows[0].contains(" repo ") && rows[0].contains(" ok "),
        "{trend}"
    );
    assert!(
        rows[1].starts_with("2 ") && rows[1].contains(" local "),
        "{trend}"
    );
    assert!(
        rows[2].starts_with("1 ") && rows[2].contains(" local "),
        "{trend}"
    );
    let (only_repo, _, _) = bulkhead(&["history", "--store", store, "--cluster", "repo"], None);
    assert_eq!(only_repo.lines().count(), 2, "{only_repo}");

    let (diff, stderr, code) = bulkhead(
        &["history", "--store", store, "diff", "1", "2", "--all"],
        None,
    );
    assert_eq!(code, 0, "{stderr}");
    let new = diff.split("\nResolved").next().unwrap();
    let resolved = diff
        .split("\nResolved")
        .nth(1)
        .unwrap_or_else(|| panic!("{diff}"));
    let (resolved, still_open) = resolved
        .split_once("\nStill open")
        .unwrap_or_else(|| panic!("{diff}"));
    assert!(
        still_open.contains("first seen in scan 1, last in scan 2"),
        "{diff}"
    );
    // The privileged container is gone, the host network is new; the rest stays open.
    assert!(
        diff.starts_with("scan 1 (local, ") && diff.contains(" -> scan 2 (local, "),
        "{diff}"
    );
    assert!(!new.contains("BHW001 ["), "{diff}");
    assert!(
        resolved.contains("BHW001 [") && resolved.contains("Pod/shop/web"),
        "{diff}"
    );
    assert!(new.contains(&format!("{HOST_NAMESPACES} [")), "{diff}");
    assert!(
        new.contains("New (") && new.contains("first seen in scan 2, last in scan 2"),
        "{diff}"
    );
    assert!(
        !resolved.contains(&format!("{HOST_NAMESPACES} [")),
        "{diff}"
    );

    let (score, stderr, code) = bulkhead(
        &["history", "--store", store, "score", "pss-baseline"],
        None,
    );
    assert_eq!(code, 0, "{stderr}");
    for scan in ["1", "2", "3"] {
        assert!(table_row(&score, scan).contains('%'), "{score}");
    }
    let (_, stderr, code) = bulkhead(
        &["history", "--store", store, "score", "no-such-framework"],
        None,
    );
    assert_eq!(code, 2);
    assert!(stderr.contains("unknown framework"), "{stderr}");
}

#[test]
fn a_missing_store_is_an_error_not_an_empty_history() {
    let dir = tempfile::tempdir().unwrap();
    let store = dir.path().join("typo.db");
    let (_, stderr, code) = bulkhead(&["history", "--store", store.to_str().unwrap()], None);
    assert_eq!(code, 2);
    assert!(stderr.contains("no history store at"), "{stderr}");
    assert!(!store.exists(), "reading must not create the store");
}

#[test]
fn live_scans_are_recorded_under_their_context_and_refusals_as_failed() {
    let root =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/insecure-deployment.yaml");
    let server = Server::start(Options::new(objects_from_paths(&[root
        .to_string_lossy()
        .into_owned()])))
    .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let store = dir.path().join("history.db");
    let store = store.to_str().unwrap();
    let good = dir.path().join("good");
    std::fs::write(&good, server.kubeconfig(Auth::Token)).unwrap();
    let bad = dir.path().join("bad");
    std::fs::write(&bad, server.kubeconfig(Auth::BadToken)).unwrap();

    let (_, stderr, code) = bulkhead(
        &[
            "scan",
            "--cluster",
            "-q",
            "--no-config",
            "--exit-zero",
            "-f",
            "concise",
            "--store",
            store,
        ],
        Some(&good),
    );
    assert_eq!(code, 0, "{stderr}");
    assert!(stderr.contains("of test in the history"), "{stderr}");
    let (_, stderr, code) = bulkhead(
        &[
            "scan",
            "--cluster",
            "-q",
            "--no-config",
            "-f",
            "concise",
            "--store",
            store,
        ],
        Some(&bad),
    );
    assert_eq!(code, 2, "{stderr}");

    let (trend, _, _) = bulkhead(&["history", "--store", store, "--cluster", "test"], None);
    let ok = table_row(&trend, "1");
    assert!(ok.contains(" ok "), "{trend}");
    let failed = table_row(&trend, "2");
    assert!(
        failed.contains("failed: ") && failed.contains("401"),
        "{trend}"
    );
    // A failed scan has nothing to compare.
    let (_, stderr, code) = bulkhead(&["history", "--store", store, "diff", "1", "2"], None);
    assert_eq!(code, 2);
    assert!(stderr.contains("scan 2 failed"), "{stderr}");
}

#[test]
fn a_live_scan_writes_its_policyreports_into_the_cluster() {
    let root =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/insecure-deployment.yaml");
    let mut options = Options::new(objects_from_paths(&[root.to_string_lossy().into_owned()]));
    options.policy_reports = true;
    let server = Server::start(options).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("config");
    std::fs::write(&config, server.kubeconfig(Auth::Token)).unwrap();
    let args = [
        "scan",
        "--cluster",
        "-q",
        "--no-config",
        "--exit-zero",
        "-f",
        "concise",
        "--write-policyreports",
    ];

    let (_, stderr, code) = bulkhead(&args, Some(&config));
    assert_eq!(code, 0, "{stderr}");
    let cluster_reports = server.objects("wgpolicyk8s.io", "clusterpolicyreports");
    let reports = server.objects("wgpolicyk8s.io", "policyreports");
    assert_eq!(cluster_reports.len(), 1);
    assert!(
        !reports.is_empty(),
        "the insecure example's namespace has findings"
    );
    let applied = 1 + reports.len();
    assert!(
        stderr.contains(&format!(
            "PolicyReports: {applied} applied, 0 unchanged, 0 deleted"
        )),
        "{stderr}"
    );
    for r in &reports {
        assert_eq!(r["metadata"]["managedFields"][0]["manager"], "bulkhead");
        assert!(!r["results"].as_array().unwrap().is_empty());
    }

    // The same cluster again: the same findings, nothing rewritten.
    let (_, stderr, code) = bulkhead(&args, Some(&config));
    assert_eq!(code, 0, "{stderr}");
    assert!(
        stderr.contains(&format!(
            "PolicyReports: 0 applied, {applied} unchanged, 0 deleted"
        )),
        "{stderr}"
    );

    let (_, stderr, code) = bulkhead(&["scan", "--no-config", "--write-policyreports", "."], None);
    assert_eq!(code, 2);
    assert!(stderr.contains("add --cluster"), "{stderr}");
}
