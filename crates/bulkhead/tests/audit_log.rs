//! `bulkhead audit-log` end to end: inputs (gzip, standard input), formats (text, JSON lines
//! valid against docs/audit-alert.schema.json), the summary, and exit codes.

use std::io::Write;
use std::path::{Path, PathBuf};

use assert_cmd::Command;

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../bulkhead-audit/tests/fixtures/rules")
}

fn fixture(name: &str) -> String {
    std::fs::read_to_string(fixtures().join(name)).unwrap()
}

fn bulkhead() -> Command {
    Command::cargo_bin("bulkhead").unwrap()
}

#[test]
fn json_alerts_follow_the_documented_schema() {
    let schema: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(
            Path::new(env!("CARGO_MANIFEST_DIR")).join("../../docs/audit-alert.schema.json"),
        )
        .unwrap(),
    )
    .unwrap();
    let validator = jsonschema::validator_for(&schema).unwrap();
    let mut all = String::new();
    for entry in std::fs::read_dir(fixtures()).unwrap() {
        let path = entry.unwrap().path();
        if path.to_string_lossy().ends_with(".fires.jsonl") {
            all.push_str(&std::fs::read_to_string(path).unwrap());
        }
    }
    let out = bulkhead()
        .args(["audit-log", "--format", "json", "--exit-zero", "-"])
        .write_stdin(all)
        .output()
        .unwrap();
    assert!(out.status.success());
    let stdout = String::from_utf8(out.stdout).unwrap();
    let mut sources = std::collections::BTreeSet::new();
    for line in stdout.lines() {
        let alert: serde_json::Value = serde_json::from_str(line).unwrap();
        let errors: Vec<String> = validator
            .iter_errors(&alert)
            .map(|e| e.to_string())
            .collect();
        assert!(errors.is_empty(), "{line}\n{errors:?}");
        sources.insert(alert["source"].as_str().unwrap().to_string());
    }
    assert_eq!(sources.into_iter().collect::<Vec<_>>(), ["check", "rule"]);
    assert!(stdout.lines().count() > 30);
}

#[test]
fn gzip_files_text_alerts_summary_and_exit_codes() {
    let dir = tempfile::tempdir().unwrap();
    let gz = dir.path().join("audit-2024-05-01T12-00-00.000.log.gz");
    let mut enc = flate2::write::GzEncoder::new(
        std::fs::File::create(&gz).unwrap(),
        flate2::Compression::fast(),
    );
    enc.write_all(fixture("BHA006.fires.jsonl").as_bytes())
        .unwrap();
    enc.finish().unwrap();
    let out = bulkhead().arg("audit-log").arg(&gz).output().unwrap();
    assert_eq!(
        out.status.code(),
        Some(1),
        "a critical alert fails at the default threshold (high)"
    );
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert!(stdout.contains(" BHA006 [critical] alice@example.com created privileged pod default/priv  | user=alice@example.com verb=create object=pods default/priv"), "{stdout}");
    assert!(stdout.contains(" BHW001 [high] user alice@example.com created Pod default/priv: container \"app\" runs privileged (BHW001)"), "{stdout}");
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(
        stderr.contains("1 events, ")
            && stderr.contains("by rule:")
            && stderr.contains("by identity:"),
        "{stderr}"
    );

    // Only medium alerts: below --fail-on high.
    let out = bulkhead()
        .args(["audit-log", "-"])
        .write_stdin(fixture("BHA003.fires.jsonl"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let out = bulkhead()
        .args(["audit-log", "--fail-on", "medium", "-"])
        .write_stdin(fixture("BHA003.fires.jsonl"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));

    // A line that is not an event: reported with its number, the rest judged, exit 2.
    let input = format!("{}garbage\n", fixture("BHA003.fires.jsonl"));
    let out = bulkhead()
        .args(["audit-log", "-"])
        .write_stdin(input)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("bulkhead: -:2: not an audit event"));
    assert!(String::from_utf8_lossy(&out.stdout).contains("BHA003"));
}

#[test]
fn options_are_checked() {
    let out = bulkhead()
        .args(["audit-log", "--follow", "a.log", "b.log"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--follow takes one file"));
    let out = bulkhead()
        .args(["audit-log", "--window", "BHA003=1m", "-"])
        .write_stdin("")
        .output()
        .unwrap();
    assert!(String::from_utf8_lossy(&out.stderr).contains("BHA003 is not a window rule"));
    let out = bulkhead()
        .args(["audit-log", "--since", "yesterday", "-"])
        .write_stdin("")
        .output()
        .unwrap();
    assert!(String::from_utf8_lossy(&out.stderr).contains("invalid time \"yesterday\""));
    let out = bulkhead()
        .args([
            "audit-log",
            "--list",
            "disallowed_users=alice@example.com",
            "--fail-on",
            "high",
            "-",
        ])
        .write_stdin(fixture("BHA003.fires.jsonl"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stdout).contains("BHA002"));
}
