//! `bulkhead frameworks` and `scan --framework`, end to end.

use std::fs;
use std::path::Path;

use assert_cmd::Command;
use serde_json::Value;

fn bulkhead() -> Command {
    let mut cmd = Command::cargo_bin("bulkhead").unwrap();
    cmd.env_remove("NO_COLOR");
    cmd
}

fn examples() -> String {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../examples")
        .to_string_lossy()
        .into_owned()
}

fn run(args: &[&str]) -> (String, String, i32) {
    let out = bulkhead().args(args).output().unwrap();
    (
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8(out.stderr).unwrap(),
        out.status.code().unwrap(),
    )
}

fn json(args: &[&str]) -> (Value, i32) {
    let (stdout, _, code) = run(args);
    let value =
        serde_json::from_str(&stdout).unwrap_or_else(|e| panic!("not JSON ({e}): {stdout}"));
    (value, code)
}

/// The rows of the text report's framework table: (id, status).
fn table(text: &str) -> Vec<(String, String)> {
    let start = text
        .lines()
        .position(|l| l.starts_with("ID ") && l.contains("STATUS"))
        .unwrap_or_else(|| panic!("no framework table:\n{text}"));
    text.lines()
        .skip(start + 1)
        .take_while(|l| !l.is_empty() && !l.contains(" score: "))
        // Indented lines are a control's evidence, under its row.
        .filter(|l| !l.starts_with(' '))
        .map(|l| {
            let id = l.split_whitespace().next().unwrap().to_string();
            let rest = l[id.len()..].trim_start();
            let status = if rest.starts_with("NOT EVALUATED") {
                "NOT EVALUATED".to_string()
            } else {
                rest.split_whitespace().next().unwrap().to_string()
            };
            (id, status)
        })
        .collect()
}

fn status_of<'a>(rows: &'a [(String, String)], id: &str) -> &'a str {
    rows.iter()
        .find(|(i, _)| i == id)
        .map(|(_, s)| s.as_str())
        .unwrap_or_else(|| panic!("no row {id} in {rows:?}"))
}

fn control<'a>(report: &'a Value, id: &str) -> &'a Value {
    report["framework"]["controls"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["id"] == id)
        .unwrap_or_else(|| panic!("no control {id}"))
}

#[test]
fn frameworks_lists_every_framework_with_its_size() {
    let (text, _, code) = run(&["frameworks"]);
    assert_eq!(code, 0);
    let cis = text
        .lines()
        .find(|l| l.starts_with("cis-1.12 "))
        .unwrap_or_else(|| panic!("{text}"));
    let columns: Vec<&str> = cis.split_whitespace().collect();
    // id, name (3 words), version, controls, automated, manual, decided
    assert_eq!(&columns[4..8], ["v1.12", "131", "65", "66"], "{cis}");
    for id in [
        "pss-baseline",
        "pss-restricted",
        "nsa-cisa-1.2",
        "mitre-containers",
    ] {
        assert!(text.lines().any(|l| l.starts_with(id)), "{id}: {text}");
    }

    let (list, code) = json(&["frameworks", "--format", "json"]);
    assert_eq!(code, 0);
    let cis = list
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["id"] == "cis-1.12")
        .unwrap();
    assert_eq!(cis["controls"], 131);
    assert_eq!(cis["automated"], 65);
    assert_eq!(cis["manual"], 66);
    assert!(cis["decidedByChecks"].as_u64().unwrap() > 10);
}

#[test]
fn frameworks_id_lists_the_controls_with_checks_and_guidance() {
    let (text, _, code) = run(&["frameworks", "cis-1.12"]);
    assert_eq!(code, 0);
    assert!(text.contains("5.2.2  manifests     manual    Minimize the admission of privileged containers\n       = checks: BHW001\n"), "{text}");
    assert!(text.contains("= guidance: "), "{text}");
    let (controls, _) = json(&["frameworks", "CIS-1.12", "--format", "json"]);
    assert_eq!(controls["controls"].as_array().unwrap().len(), 131);
}

#[test]
fn scan_judges_the_cis_benchmark_over_the_examples() {
    let (text, _, code) = run(&["scan", "--framework", "cis-1.12", &examples()]);
    assert_eq!(code, 1, "the examples hold high findings");
    let rows = table(&text);
    assert_eq!(rows.len(), 131);
    // CIS marks 5.2.2 manual: its findings make it WARN, as in kube-bench.
    assert_eq!(status_of(&rows, "5.2.2"), "WARN");
    // Kubelet and node files: a manifest scan never holds them.
    for (id, status) in rows.iter().filter(|(id, _)| id.starts_with("4.")) {
        assert_eq!(status, "NOT EVALUATED", "{id}");
    }
    // No control-plane Pod among the examples.
    assert_eq!(status_of(&rows, "1.2.2"), "NOT EVALUATED");
    // Only a person can judge these.
    assert_eq!(status_of(&rows, "3.1.1"), "MANUAL");
    assert_eq!(status_of(&rows, "5.3.1"), "MANUAL");
    // In scope, but no check decides it.
    assert_eq!(status_of(&rows, "5.3.2"), "MANUAL");
    let failing = text
        .lines()
        .find(|l| l.starts_with("5.2.2 "))
        .unwrap()
        .split_whitespace()
        .nth(2)
        .unwrap()
        .parse::<usize>()
        .unwrap();
    assert!(failing >= 1);
    assert!(text.contains("cis-1.12 score: "), "{text}");
    // The table comes after the findings and before the summary.
    let table_at = text
        .find("CIS Kubernetes Benchmark v1.12 (cis-1.12)")
        .unwrap();
    assert!(text[..table_at].contains("BHW001"));
    assert!(text[table_at..].contains("Scanned "));
}

#[test]
fn scan_json_carries_the_framework_with_indexes_into_its_findings() {
    let (report, _) = json(&["scan", "-f", "json", "--framework", "cis-1.12", &examples()]);
    let framework = &report["framework"];
    assert_eq!(framework["id"], "cis-1.12");
    assert_eq!(framework["counts"]["controls"], 131);
    let findings = report["findings"].as_array().unwrap();
    let c = control(&report, "5.2.2");
    assert_eq!(c["status"], "warn");
    assert_eq!(c["checks"], serde_json::json!(["BHW001"]));
    for c in framework["controls"].as_array().unwrap() {
        let checks = c["checks"].as_array().unwrap();
        for i in c["findings"].as_array().unwrap() {
            let f = &findings[i.as_u64().unwrap() as usize];
            assert!(checks.contains(&f["check"]), "{} -> {f}", c["id"]);
        }
        if c["scope"] == "node" {
            assert_ne!(c["status"], "pass", "{}", c["id"]);
        }
    }
    let counts = &framework["counts"];
    let total: u64 = ["pass", "fail", "warn", "manual", "notEvaluated"]
        .iter()
        .map(|k| counts[k].as_u64().unwrap())
        .sum();
    assert_eq!(total, 131);
    // Without --framework, no framework field.
    let (plain, _) = json(&["scan", "-f", "json", &examples()]);
    assert!(plain.get("framework").is_none());
}

#[test]
fn indexes_skip_suppressed_findings_that_are_not_listed() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(
        dir.path().join("a.yaml"),
        "apiVersion: v1
kind: Pod
metadata: {name: a, namespace: team}
spec:
  hostPID: true   # bulkhead:ignore BHW003 -- a node agent
  containers: [{name: c, image: registry.example/a:1}]
---
apiVersion: v1
kind: Pod
metadata: {name: b, namespace: team}
spec:
  containers:
    - name: c
      image: registry.example/b:1
      securityContext: {privileged: true}
",
    )
    .unwrap();
    let path = dir.path().to_string_lossy().into_owned();
    for extra in [&[][..], &["--show-suppressed"][..]] {
        let mut args = vec![
            "scan",
            "--no-config",
            "-f",
            "json",
            "--framework",
            "cis-1.12",
        ];
        args.extend_from_slice(extra);
        args.push(&path);
        let (report, _) = json(&args);
        let findings = report["findings"].as_array().unwrap();
        let c = control(&report, "5.2.2");
        let indexes = c["findings"].as_array().unwrap();
        assert_eq!(indexes.len(), 1, "{extra:?}");
        let f = &findings[indexes[0].as_u64().unwrap() as usize];
        assert_eq!(f["check"], "BHW001", "{extra:?}");
        assert_eq!(f["object"]["name"], "b");
        // The suppressed hostPID finding fails nothing; 5.2.3 is manual, never passed, and
        // its evidence counts the suppressed finding.
        let c = control(&report, "5.2.3");
        assert_eq!(c["status"], "manual", "{extra:?}");
        assert_eq!(c["evidence"]["suppressed"], 1, "{extra:?}");
    }
}

/// CIS marks 66 recommendations Manual (5.2.x judges the cluster's admission policy, 5.4.2
/// an organisation's secret storage): one hardened Deployment passes none of them. They are
/// MANUAL with the evidence of their related checks, and the score counts none of them.
#[test]
fn manual_cis_controls_are_never_passed_on_a_hardened_deployment() {
    let hardened = format!("{}/hardened-deployment.yaml", examples());
    let (report, _) = json(&["scan", "-f", "json", "--framework", "cis-1.12", &hardened]);
    let framework = &report["framework"];
    let mut manual = 0;
    for c in framework["controls"].as_array().unwrap() {
        if c["manual"] == true {
            manual += 1;
            assert_ne!(c["status"], "pass", "{}", c["id"]);
        }
    }
    assert_eq!(manual, 66);
    let c = control(&report, "5.2.2");
    assert_eq!(c["status"], "manual");
    assert_eq!(c["evidence"]["ran"], serde_json::json!(["BHW001"]));
    assert_eq!(c["evidence"]["findings"], 0);
    assert!(c["evidence"]["over"]
        .as_array()
        .unwrap()
        .iter()
        .any(|o| o.as_str().is_some_and(|o| o.ends_with(" Deployment"))));
    assert_eq!(framework["counts"]["pass"], 0);
    assert_eq!(framework["counts"]["scored"], 0);
    assert!(framework["score"].is_null());

    let (text, _, _) = run(&["scan", "--framework", "cis-1.12", &hardened]);
    let rows = table(&text);
    assert_eq!(status_of(&rows, "5.2.2"), "MANUAL");
    assert!(!rows.iter().any(|(_, s)| s == "PASS"), "{text}");
    assert!(
        text.contains("evidence: BHW001 ran over"),
        "the text report shows the evidence:\n{text}"
    );
}

#[test]
fn pss_restricted_passes_the_hardened_example() {
    let hardened = format!("{}/hardened-deployment.yaml", examples());
    let (text, _, code) = run(&["scan", "--framework", "pss-restricted", &hardened]);
    assert_eq!(code, 0, "{text}");
    let rows = table(&text);
    assert!(!rows.is_empty());
    for (id, status) in &rows {
        assert_eq!(status, "PASS", "{id}");
    }
    assert!(text.contains("pss-restricted score: 100.0%"), "{text}");

    // The insecure example fails restricted controls.
    let insecure = format!("{}/insecure-deployment.yaml", examples());
    let (report, _) = json(&[
        "scan",
        "-f",
        "json",
        "--framework",
        "pss-restricted",
        &insecure,
    ]);
    assert_eq!(control(&report, "privileged")["status"], "fail");
}

#[test]
fn controls_whose_checks_did_not_run_are_not_passed() {
    let hardened = format!("{}/hardened-deployment.yaml", examples());
    let (report, _) = json(&[
        "scan",
        "-f",
        "json",
        "--select",
        "BHW001",
        "--framework",
        "cis-1.12",
        &hardened,
    ]);
    // Both manual in CIS: never passed; the evidence says which related checks did not run.
    assert_eq!(control(&report, "5.2.2")["status"], "manual");
    assert_eq!(
        control(&report, "5.2.2")["evidence"]["ran"],
        serde_json::json!(["BHW001"])
    );
    let c = control(&report, "5.2.7");
    assert_eq!(c["status"], "manual");
    assert!(!c["evidence"]["notRun"].as_array().unwrap().is_empty());

    // At --pss-level baseline, restricted-only findings are dropped: no restricted pass.
    let insecure = format!("{}/insecure-deployment.yaml", examples());
    let (report, _) = json(&[
        "scan",
        "-f",
        "json",
        "--pss-level",
        "baseline",
        "--framework",
        "pss-restricted",
        &insecure,
    ]);
    for c in report["framework"]["controls"].as_array().unwrap() {
        assert_ne!(c["status"], "pass", "{}", c["id"]);
    }
}

#[test]
fn a_control_plane_pod_brings_control_plane_controls_into_scope() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(
        dir.path().join("kube-apiserver.yaml"),
        "apiVersion: v1
kind: Pod
metadata:
  name: kube-apiserver
  namespace: kube-system
  labels: {component: kube-apiserver, tier: control-plane}
spec:
  containers:
    - name: kube-apiserver
      image: registry.k8s.io/kube-apiserver:v1.33.0
      command: [kube-apiserver, --authorization-mode=Node,RBAC]
",
    )
    .unwrap();
    let path = dir.path().to_string_lossy().into_owned();
    let (report, _) = json(&[
        "scan",
        "--no-config",
        "-f",
        "json",
        "--framework",
        "cis-1.12",
        &path,
    ]);
    // In scope: the API server's flag checks ran over its command line (no --token-auth-file).
    assert_eq!(control(&report, "1.2.2")["status"], "pass");
    // A control no check decides stays for a person to judge.
    assert_eq!(control(&report, "1.2.20")["status"], "manual");
    assert_eq!(control(&report, "4.2.1")["status"], "not-evaluated");
    for c in report["framework"]["controls"].as_array().unwrap() {
        if c["checks"].as_array().unwrap().is_empty() {
            assert_ne!(c["status"], "pass", "{}", c["id"]);
        }
    }
}

#[test]
fn an_unknown_framework_is_an_error_that_names_the_known_ones() {
    let (_, stderr, code) = run(&["scan", "--framework", "cis-9", &examples()]);
    assert_eq!(code, 2);
    assert!(stderr.contains("unknown framework \"cis-9\""), "{stderr}");
    assert!(
        stderr.contains("cis-1.12") && stderr.contains("mitre-containers"),
        "{stderr}"
    );
    let (_, stderr, code) = run(&["frameworks", "cis-9"]);
    assert_eq!(code, 2);
    assert!(stderr.contains("pss-restricted"), "{stderr}");
}
