//! The SARIF, JUnit, Markdown and PolicyReport formats through the command line. Their
//! content is tested in `bulkhead-report/tests/formats.rs`; here, that the CLI wires them.

use std::fs;
use std::path::Path;

use assert_cmd::Command;
use serde_json::Value;

fn bulkhead() -> Command {
    Command::cargo_bin("bulkhead").unwrap()
}

fn examples() -> String {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../examples")
        .to_string_lossy()
        .into_owned()
}

#[test]
fn every_format_renders_from_the_command_line() {
    for format in ["sarif", "junit", "markdown", "md", "policyreport"] {
        let out = bulkhead()
            .args(["scan", "--format", format, &examples()])
            .output()
            .unwrap();
        let text = String::from_utf8(out.stdout).unwrap();
        assert_eq!(
            out.status.code(),
            Some(1),
            "{format}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        match format {
            "sarif" => {
                let log: Value = serde_json::from_str(&text).unwrap();
                assert_eq!(log["version"], "2.1.0");
                let result = &log["runs"][0]["results"][0];
                let uri = result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
                    .as_str()
                    .unwrap();
                assert!(uri.starts_with("file:///"), "absolute paths: {uri}");
            }
            "junit" => {
                assert!(text.starts_with("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites"));
                assert!(text.contains("<testsuite name=\"BHW001 privileged-container\""));
            }
            "markdown" | "md" => assert!(text.starts_with("## Bulkhead: "), "{text}"),
            _ => assert!(
                text.starts_with(
                    "---\napiVersion: wgpolicyk8s.io/v1alpha2\nkind: ClusterPolicyReport\n"
                ),
                "{text}"
            ),
        }
    }
}

#[test]
fn sarif_marks_baselined_findings_as_external_suppressions() {
    let dir = tempfile::tempdir().unwrap();
    let baseline = dir.path().join("baseline.json");
    let sarif = dir.path().join("report.sarif");
    let helm = format!("{}/helm-rendered.yaml", examples());
    let out = bulkhead()
        .args(["scan", "--exit-zero", "--write-baseline"])
        .arg(&baseline)
        .arg(&helm)
        .output()
        .unwrap();
    assert!(out.status.success());
    let out = bulkhead()
        .args(["scan", "-f", "sarif", "-o"])
        .arg(&sarif)
        .arg("--baseline")
        .arg(&baseline)
        .arg(&helm)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "everything is in the baseline");
    let log: Value = serde_json::from_str(&fs::read_to_string(&sarif).unwrap()).unwrap();
    let results = log["runs"][0]["results"].as_array().unwrap();
    assert!(
        !results.is_empty(),
        "baselined findings stay in the SARIF log"
    );
    for r in results {
        assert_eq!(r["suppressions"][0]["kind"], "external", "{r}");
    }
}
