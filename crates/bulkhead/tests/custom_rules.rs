//! Custom rules in CEL and ValidatingAdmissionPolicies, end to end through `bulkhead scan`:
//! findings at the rule's field in every format, selection, suppressions, baselines,
//! frameworks, and rule files that do not compile.

use std::fs;
use std::path::Path;

use assert_cmd::Command;
use serde_json::Value;

const CONFIG: &str = r#"rules:
  - id: ACME001
    severity: high
    title: Deployments name an owning team
    match: {kinds: [Deployment]}
    expression: "has(object.metadata.labels) && 'team' in object.metadata.labels"
    message: "'Deployment ' + object.metadata.name + ' has no team label'"
    path: metadata.labels.team
    remediation: add a team label
    compliance: {cis: ["5.2.2"]}
"#;

const DEPLOYMENTS: &str = r#"apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: shop
  labels:
    app: web
spec:
  replicas: 2
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers: [{name: app, image: registry.example/web:1}]
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: owned
  namespace: shop
  labels: {app: api, team: payments}
spec:
  replicas: 2
  selector: {matchLabels: {app: api}}
  template:
    metadata: {labels: {app: api}}
    spec:
      containers: [{name: app, image: registry.example/api:1}]
"#;

fn dir_with(files: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for (name, text) in files {
        let path = dir.path().join(name);
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        fs::write(path, text).unwrap();
    }
    dir
}

fn run(dir: &Path, args: &[&str]) -> (String, i32, String) {
    let out = Command::cargo_bin("bulkhead")
        .unwrap()
        .env("BULKHEAD_TODAY", "2026-11-27")
        .current_dir(dir)
        .args(args)
        .output()
        .unwrap();
    (
        String::from_utf8_lossy(&out.stdout).into_owned(),
        out.status.code().unwrap(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn json(dir: &Path, extra: &[&str]) -> (Value, i32) {
    let mut args = vec!["scan", "--format", "json"];
    args.extend(extra);
    args.push(".");
    let (out, code, err) = run(dir, &args);
    (
        serde_json::from_str(&out).unwrap_or_else(|e| panic!("{e}: {out}\n{err}")),
        code,
    )
}

#[test]
fn a_rule_in_the_configuration_reports_at_its_field_in_every_format() {
    let dir = dir_with(&[(".bulkhead.yaml", CONFIG), ("deploy.yaml", DEPLOYMENTS)]);
    let (report, code) = json(dir.path(), &["--select", "ACME001"]);
    assert_eq!(code, 1, "a high finding fails the scan");
    let findings = report["findings"].as_array().unwrap();
    assert_eq!(findings.len(), 1, "{report}");
    let f = &findings[0];
    assert_eq!(f["check"], "ACME001");
    assert_eq!(f["severity"], "high");
    assert_eq!(f["message"], "Deployment web has no team label");
    assert_eq!(f["remediation"], "add a team label");
    // metadata.labels.team is missing: the nearest parent, `labels:` on line 6.
    assert_eq!(f["location"]["line"], 6);
    assert_eq!(f["location"]["column"], 3);
    assert_eq!(f["location"]["pointer"], "/metadata/labels/team");

    let (text, _, _) = run(
        dir.path(),
        &["scan", "-f", "concise", "--select", "ACME001", "."],
    );
    assert!(
        text.contains("deploy.yaml:6:3: ACME001 [high] Deployment web has no team label"),
        "{text}"
    );
    let (sarif, _, _) = run(
        dir.path(),
        &["scan", "-f", "sarif", "--select", "ACME001", "."],
    );
    let sarif: Value = serde_json::from_str(&sarif).unwrap();
    let rules = sarif["runs"][0]["tool"]["driver"]["rules"]
        .as_array()
        .unwrap();
    assert!(rules.iter().any(|r| r["id"] == "ACME001"), "{sarif}");
    assert_eq!(sarif["runs"][0]["results"][0]["ruleId"], "ACME001");
}

#[test]
fn rules_are_suppressed_baselined_and_counted_in_frameworks() {
    let suppressed = DEPLOYMENTS.replace(
        "  labels:\n    app: web\n",
        "  labels:\n    app: web\n  annotations:\n    bulkhead.dev/ignore: ACME001\n",
    );
    let dir = dir_with(&[(".bulkhead.yaml", CONFIG), ("deploy.yaml", &suppressed)]);
    let (report, code) = json(dir.path(), &["--select", "ACME001"]);
    assert_eq!(code, 0, "{report}");
    assert_eq!(report["summary"]["suppressed"], 1);
    assert_eq!(
        report["summary"]["errors"], 0,
        "the custom id is known: {report}"
    );

    let dir = dir_with(&[(".bulkhead.yaml", CONFIG), ("deploy.yaml", DEPLOYMENTS)]);
    let (_, code, err) = run(
        dir.path(),
        &[
            "scan",
            "--select",
            "ACME001",
            "--write-baseline",
            "b.json",
            ".",
        ],
    );
    assert_eq!(code, 1, "{err}");
    let (report, code) = json(dir.path(), &["--select", "ACME001", "--baseline", "b.json"]);
    assert_eq!(code, 0, "{report}");
    assert_eq!(report["summary"]["baselined"], 1);

    let (report, _) = json(
        dir.path(),
        &["--select", "ACME001", "--framework", "cis-1.12"],
    );
    let control = report["framework"]["controls"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["id"] == "5.2.2")
        .unwrap();
    assert!(
        control["checks"]
            .as_array()
            .unwrap()
            .iter()
            .any(|c| c == "ACME001"),
        "{control}"
    );
    assert_eq!(
        control["findings"].as_array().unwrap().len(),
        1,
        "{control}"
    );
    assert_ne!(control["status"], "pass");
}

#[test]
fn rules_from_a_directory_run_and_ignore_turns_them_off() {
    let dir = dir_with(&[
        ("rules/owner.yaml", CONFIG),
        ("deploy/deploy.yaml", DEPLOYMENTS),
    ]);
    let (out, code, err) = run(
        dir.path(),
        &[
            "scan",
            "--no-config",
            "-f",
            "concise",
            "--select",
            "policy",
            "--rules",
            "rules",
            "deploy",
        ],
    );
    assert_eq!(code, 1, "{out}{err}");
    assert!(out.contains("ACME001 [high]"), "{out}");
    let (out, code, err) = run(
        dir.path(),
        &[
            "scan",
            "--no-config",
            "-f",
            "concise",
            "--select",
            "policy",
            "--ignore",
            "acme001",
            "--rules",
            "rules",
            "deploy",
        ],
    );
    assert_eq!(code, 0, "{out}{err}");
    assert!(!out.contains("ACME001"), "{out}");
}

#[test]
fn a_rule_that_does_not_compile_is_an_error_at_its_line_and_column() {
    let broken = CONFIG.replace(
        "'team' in object.metadata.labels\"",
        "object.metadata.labels.exists(l, l.frob())\"",
    );
    let dir = dir_with(&[("rules/owner.yaml", &broken), ("deploy.yaml", DEPLOYMENTS)]);
    let (out, code, err) = run(
        dir.path(),
        &["scan", "--no-config", "--rules", "rules", "deploy.yaml"],
    );
    assert_eq!(code, 2, "{out}");
    assert!(
        err.contains("owner.yaml:6:") && err.contains("function \"frob\" is not supported"),
        "{err}"
    );
    let line = err.lines().find(|l| l.contains("frob")).unwrap();
    let column: usize = line.split(':').nth(2).unwrap().parse().unwrap();
    let source = broken.lines().nth(5).unwrap();
    assert_eq!(&source[column - 1..column + 3], "frob", "{line}");
}

#[test]
fn an_error_on_an_object_is_reported_never_passed() {
    let config = CONFIG.replace(
        "\"has(object.metadata.labels) && 'team' in object.metadata.labels\"",
        "object.spec.template.spec.hostNetwork == false",
    );
    let dir = dir_with(&[(".bulkhead.yaml", &config), ("deploy.yaml", DEPLOYMENTS)]);
    let (report, _) = json(dir.path(), &["--select", "ACME001"]);
    let findings = report["findings"].as_array().unwrap();
    assert_eq!(findings.len(), 2, "{report}");
    assert!(findings.iter().all(|f| f["check"] == "BHY003"), "{report}");
    let message = findings[0]["message"].as_str().unwrap();
    assert!(
        message.starts_with("custom rule ACME001 (")
            && message.contains(".bulkhead.yaml:2:5) could not be evaluated on Deployment \"web\""),
        "{message}"
    );
}

#[test]
fn an_admission_policy_in_the_inputs_judges_the_deployments() {
    let policy = r#"apiVersion: admissionregistration.k8s.io/v1
kind: ValidatingAdmissionPolicy
metadata:
  name: replica-limit
spec:
  matchConstraints:
    resourceRules:
      - {apiGroups: [apps], apiVersions: [v1], operations: [CREATE, UPDATE], resources: [deployments]}
  validations:
    - expression: "object.spec.replicas <= 1"
      messageExpression: "'at most 1 replica, not ' + string(object.spec.replicas)"
---
apiVersion: admissionregistration.k8s.io/v1
kind: ValidatingAdmissionPolicyBinding
metadata:
  name: replica-limit
spec:
  policyName: replica-limit
  validationActions: [Deny]
"#;
    let dir = dir_with(&[
        ("admission/policy.yaml", policy),
        ("deploy.yaml", DEPLOYMENTS),
    ]);
    let (out, code, err) = run(
        dir.path(),
        &[
            "scan",
            "--no-config",
            "-f",
            "concise",
            "--select",
            "BHY",
            ".",
        ],
    );
    assert_eq!(code, 1, "{out}{err}");
    let lines: Vec<&str> = out.lines().filter(|l| l.contains("BHY001")).collect();
    assert_eq!(lines.len(), 2, "{out}");
    assert!(
        lines[0].starts_with("deploy.yaml:4:3: BHY001 [high] Deployment \"web\" would be denied by ValidatingAdmissionPolicy \"replica-limit\" (binding \"replica-limit\"): at most 1 replica, not 2"),
        "{out}"
    );
}
