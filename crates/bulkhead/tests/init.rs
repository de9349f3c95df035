//! `bulkhead init`: a configuration the scan reads as written, and a baseline after which
//! only new findings fail.

use std::fs;
use std::path::Path;

use assert_cmd::Command;
use serde_json::Value;

fn bulkhead() -> Command {
    Command::cargo_bin("bulkhead").unwrap()
}

/// A repository holding copies of the bundled examples.
fn repository() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let examples = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples");
    for name in ["insecure-deployment.yaml", "hardened-deployment.yaml"] {
        fs::copy(examples.join(name), dir.path().join(name)).unwrap();
    }
    dir
}

fn scan_json(dir: &Path) -> (Value, i32) {
    let out = bulkhead()
        .current_dir(dir)
        .args(["scan", "-f", "json", "."])
        .output()
        .unwrap();
    (
        serde_json::from_slice(&out.stdout).unwrap(),
        out.status.code().unwrap(),
    )
}

#[test]
fn the_configuration_is_commented_and_read_as_written() {
    let repo = repository();
    let out = bulkhead()
        .args(["init", "--fail-on", "critical"])
        .arg(repo.path())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    let text = fs::read_to_string(repo.path().join(".bulkhead.yaml")).unwrap();
    assert!(text.lines().filter(|l| l.starts_with('#')).count() > 20);
    assert!(text.contains("fail-on: critical"));
    assert!(text.contains("# allowed-registries:"));
    let (report, code) = scan_json(repo.path());
    assert!(report["summary"]["config"]
        .as_str()
        .unwrap()
        .ends_with(".bulkhead.yaml"));
    assert_eq!(report["summary"]["failOn"], "critical");
    // The insecure example has critical findings.
    assert_eq!(code, 1);
}

#[test]
fn with_a_baseline_only_new_findings_fail() {
    let repo = repository();
    let (before, code) = scan_json(repo.path());
    assert_eq!(code, 1);
    let today = before["summary"]["findings"].as_u64().unwrap();
    assert!(today > 0);

    let out = bulkhead()
        .args(["init", "--baseline"])
        .arg(repo.path())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    let said = String::from_utf8(out.stdout).unwrap();
    assert!(said.contains(&format!("with {today} findings")), "{said}");
    assert!(repo.path().join(".bulkhead-baseline.json").is_file());

    let (after, code) = scan_json(repo.path());
    assert_eq!(code, 0, "{after}");
    assert_eq!(after["summary"]["findings"], 0);
    assert_eq!(after["summary"]["baselined"].as_u64().unwrap(), today);

    // A new privileged workload: only its findings count, and the scan fails again.
    let new = fs::read_to_string(repo.path().join("insecure-deployment.yaml"))
        .unwrap()
        .replace("payments-api", "payments-worker");
    fs::write(repo.path().join("worker.yaml"), new).unwrap();
    let (later, code) = scan_json(repo.path());
    assert_eq!(code, 1);
    let findings = later["findings"].as_array().unwrap();
    assert!(!findings.is_empty());
    assert!(findings.iter().all(|f| f["location"]["path"]
        .as_str()
        .unwrap()
        .ends_with("worker.yaml")));
}

#[test]
fn an_existing_configuration_is_kept_unless_forced() {
    let repo = repository();
    fs::write(repo.path().join(".bulkhead.yaml"), "fail-on: low\n").unwrap();
    let out = bulkhead().arg("init").arg(repo.path()).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--force"));
    assert_eq!(
        fs::read_to_string(repo.path().join(".bulkhead.yaml")).unwrap(),
        "fail-on: low\n"
    );
    let out = bulkhead()
        .args(["init", "--force"])
        .arg(repo.path())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert!(fs::read_to_string(repo.path().join(".bulkhead.yaml"))
        .unwrap()
        .contains("fail-on: high"));
}
