//! Suppressions, configuration and baselines, end to end.

use std::fs;
use std::path::Path;

use assert_cmd::Command;
use serde_json::Value;

const PRIVILEGED: &str = "apiVersion: v1
kind: Pod
metadata:
  name: p
  namespace: ns
ANNOTATIONS
spec:
  containers:
    - name: c
      image: a:1
      securityContext:
        privileged: true COMMENT
";

fn pod(annotations: &str, comment: &str) -> String {
    PRIVILEGED
        .replace("ANNOTATIONS\n", annotations)
        .replace(" COMMENT", comment)
}

fn scan(dir: &Path, extra: &[&str]) -> (Value, i32, String) {
    let out = Command::cargo_bin("bulkhead")
        .unwrap()
        .env("BULKHEAD_TODAY", "2026-11-27")
        .current_dir(dir)
        .args(["scan", "--select", "BHW001", "--format", "json"])
        .args(extra)
        .arg(".")
        .output()
        .unwrap();
    let report = serde_json::from_slice(&out.stdout).unwrap_or(Value::Null);
    (
        report,
        out.status.code().unwrap(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn dir_with(files: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for (name, text) in files {
        fs::write(dir.path().join(name), text).unwrap();
    }
    dir
}

#[test]
fn annotation_suppresses_with_its_reason_and_stays_visible_on_request() {
    let annotations = "  annotations:\n    bulkhead.dev/ignore: \"BHW001\"\n    bulkhead.dev/ignore-reason: CNI plugin needs it\n";
    let dir = dir_with(&[("pod.yaml", &pod(annotations, ""))]);
    let (report, code, _) = scan(dir.path(), &[]);
    assert_eq!(code, 0);
    assert_eq!(report["summary"]["findings"], 0);
    assert_eq!(report["summary"]["suppressed"], 1);
    assert!(report["findings"].as_array().unwrap().is_empty());
    let (report, code, _) = scan(dir.path(), &["--show-suppressed"]);
    assert_eq!(code, 0, "suppressed findings never fail the scan");
    let suppression = &report["findings"][0]["suppression"];
    assert_eq!(suppression["kind"], "annotation");
    assert_eq!(suppression["reason"], "CNI plugin needs it");
}

#[test]
fn comments_on_the_line_above_it_or_on_the_object_suppress() {
    for (name, text) in [
        ("trailing", pod("", " # bulkhead:ignore BHW001 -- needs devices")),
        (
            "above",
            PRIVILEGED
                .replace("ANNOTATIONS\n", "")
                .replace("        privileged: true COMMENT", "        # bulkhead:ignore privileged-container -- needs devices\n        privileged: true"),
        ),
        ("object", format!("# bulkhead:ignore BHW001 -- whole pod\n{}", pod("", ""))),
    ] {
        let dir = dir_with(&[("pod.yaml", &text)]);
        let (report, code, stderr) = scan(dir.path(), &["--show-suppressed"]);
        assert_eq!(code, 0, "{name}: {stderr}");
        assert_eq!(report["findings"][0]["suppression"]["kind"], "comment", "{name}");
    }
}

#[test]
fn an_expired_suppression_stops_suppressing_and_says_so() {
    let annotations = "  annotations:\n    bulkhead.dev/ignore: BHW001\n    bulkhead.dev/ignore-until: \"2026-01-31\"\n";
    let dir = dir_with(&[("pod.yaml", &pod(annotations, ""))]);
    let (report, code, _) = scan(dir.path(), &[]);
    assert_eq!(code, 1);
    assert_eq!(report["summary"]["suppressed"], 0);
    let note = report["findings"][0]["notes"][0].as_str().unwrap();
    assert!(note.contains("expired on 2026-01-31"), "{note}");
    // Not yet expired:
    let dir = dir_with(&[(
        "pod.yaml",
        &pod(&annotations.replace("2026-01-31", "2027-01-31"), ""),
    )]);
    assert_eq!(scan(dir.path(), &[]).1, 0);
}

#[test]
fn unknown_ids_in_suppressions_are_errors_with_their_location() {
    let dir = dir_with(&[("pod.yaml", &pod("", " # bulkhead:ignore BHW999 -- typo"))]);
    let (report, code, _) = scan(dir.path(), &[]);
    assert_eq!(code, 2);
    let error = &report["errors"][0];
    assert_eq!(
        (error["line"].as_u64(), error["column"].as_u64()),
        (Some(11), Some(28))
    );
    assert!(error["message"]
        .as_str()
        .unwrap()
        .contains("\"BHW999\", which is not a check"));

    let annotations = "  annotations:\n    bulkhead.dev/ignore: BHW001,nope\n";
    let dir = dir_with(&[("pod.yaml", &pod(annotations, ""))]);
    let (report, code, _) = scan(dir.path(), &[]);
    assert_eq!(code, 2);
    assert_eq!(report["errors"][0]["line"], 7);
}

#[test]
fn configuration_is_found_upward_and_applied() {
    let dir = dir_with(&[
        (".bulkhead.yaml", "fail-on: critical\nseverity:\n  BHW001: critical\nexclude:\n  paths: [\"vendor/**\"]\n  namespaces: [skipped]\n"),
        ("pod.yaml", &pod("", "")),
    ]);
    fs::create_dir(dir.path().join("vendor")).unwrap();
    fs::write(dir.path().join("vendor/other.yaml"), pod("", "")).unwrap();
    fs::write(
        dir.path().join("skipped.yaml"),
        pod("", "").replace("namespace: ns", "namespace: skipped"),
    )
    .unwrap();
    let (report, code, _) = scan(dir.path(), &[]);
    assert_eq!(report["summary"]["files"], 2, "vendor/ excluded");
    assert_eq!(report["summary"]["objects"], 1, "namespace excluded");
    assert_eq!(report["findings"][0]["severity"], "critical");
    assert_eq!(code, 1);
    assert!(report["summary"]["config"]
        .as_str()
        .unwrap()
        .ends_with(".bulkhead.yaml"));
    // Without the configuration: high, three files.
    let (report, _, _) = scan(dir.path(), &["--no-config"]);
    assert_eq!(report["summary"]["files"], 3);
    assert_eq!(report["findings"][0]["severity"], "high");
}

#[test]
fn unknown_configuration_keys_and_checks_are_errors() {
    let dir = dir_with(&[
        (
            ".bulkhead.yaml",
            "fail-on: high\nexclude:\n  path: [x]\nselect: [BHW001, BHW999]\nseverty: {}\n",
        ),
        ("pod.yaml", &pod("", "")),
    ]);
    let (_, code, stderr) = scan(dir.path(), &[]);
    assert_eq!(code, 2);
    assert!(
        stderr.contains(".bulkhead.yaml:3:3: unknown key \"exclude.path\""),
        "{stderr}"
    );
    assert!(
        stderr.contains(".bulkhead.yaml:4:18: select: \"BHW999\" names no check"),
        "{stderr}"
    );
    assert!(
        stderr.contains(".bulkhead.yaml:5:1: unknown key \"severty\""),
        "{stderr}"
    );
}

#[test]
fn baselines_hide_known_findings_and_report_new_ones() {
    let dir = dir_with(&[("pod.yaml", &pod("", ""))]);
    let baseline = dir.path().join("baseline.json");
    let (_, code, _) = scan(
        dir.path(),
        &["--write-baseline", baseline.to_str().unwrap()],
    );
    assert_eq!(code, 1);
    let (report, code, _) = scan(dir.path(), &["--baseline", baseline.to_str().unwrap()]);
    assert_eq!(code, 0);
    assert_eq!(report["summary"]["baselined"], 1);
    // A new privileged container is new, even though the old one moved lines.
    let two = pod("", "").replace(
        "  containers:\n",
        "  containers:\n    - name: new\n      image: b:1\n      securityContext: {privileged: true}\n",
    );
    fs::write(dir.path().join("pod.yaml"), two).unwrap();
    let (report, code, _) = scan(dir.path(), &["--baseline", baseline.to_str().unwrap()]);
    assert_eq!(code, 1);
    assert_eq!(report["summary"]["baselined"], 1);
    assert_eq!(report["findings"].as_array().unwrap().len(), 1);
    assert!(report["findings"][0]["message"]
        .as_str()
        .unwrap()
        .contains("\"new\""));
}

#[test]
fn the_configuration_can_name_a_framework() {
    let dir = dir_with(&[
        (".bulkhead.yaml", "framework: cis-1.12\n"),
        ("pod.yaml", &pod("", "")),
    ]);
    let (report, _, _) = scan(dir.path(), &[]);
    assert_eq!(report["framework"]["id"], "cis-1.12");
    let dir = dir_with(&[
        (".bulkhead.yaml", "framework: cis-9\n"),
        ("pod.yaml", &pod("", "")),
    ]);
    let (_, code, stderr) = scan(dir.path(), &[]);
    assert_eq!(code, 2);
    assert!(
        stderr.contains(".bulkhead.yaml:1:12: framework: unknown framework \"cis-9\""),
        "{stderr}"
    );
}
