//! Custom rule files: what they declare, which objects they select, their verdicts, and
//! errors at the line and column of the rule file.

use bulkhead_cel::rules::{field_pointer, read_text};
use bulkhead_cel::value::to_cel;
use bulkhead_cel::Verdict;
use bulkhead_model::{load_text, Limits, SourceFile};

fn errors(text: &str) -> Vec<String> {
    read_text(&SourceFile::new("rules.yaml", text)).unwrap_err()
}

const RULES: &str = r#"rules:
  - id: ACME001
    severity: high
    title: Deployments name an owning team
    match:
      kinds: [Deployment]
      namespaces: [prod]
      labelSelector: {matchLabels: {tier: web}}
    expression: "has(object.metadata.labels) && 'team' in object.metadata.labels"
    message: "'Deployment ' + object.metadata.name + ' has no team label'"
    path: metadata.labels.team
    compliance: {nsa: ["Appendix A"]}
  - id: ACME002
    title: Replicas are set
    expression: object.spec.replicas >= 2
"#;

#[test]
fn rules_select_objects_and_judge_them() {
    let rules = read_text(&SourceFile::new("rules.yaml", RULES)).unwrap();
    assert_eq!(rules.len(), 2);
    let (owner, replicas) = (&rules[0], &rules[1]);
    assert_eq!(owner.pointer, "/metadata/labels/team");
    assert_eq!(owner.severity, "high");
    assert_eq!(replicas.severity, "medium");
    assert_eq!(owner.declared_at, "rules.yaml:2:5");
    let objects = load_text(
        "d.yaml",
        r#"
apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: prod, labels: {tier: web}}
spec: {replicas: 3}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: api, namespace: prod, labels: {tier: api}}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: owned, namespace: prod, labels: {tier: web, team: payments}}
spec: {replicas: "two"}
"#,
        &Limits::default(),
    )
    .objects;
    let verdicts: Vec<(bool, Verdict)> = objects
        .iter()
        .flat_map(|o| {
            let value = to_cel(&o.root);
            rules
                .iter()
                .filter(|r| r.applies(o))
                .map(|r| (r.id == "ACME001", r.judge(&value)))
                .collect::<Vec<_>>()
        })
        .collect();
    assert_eq!(verdicts.len(), 5, "{verdicts:?}");
    assert_eq!(
        verdicts[0],
        (
            true,
            Verdict::Fail("Deployment web has no team label".into())
        )
    );
    assert_eq!(verdicts[1], (false, Verdict::Pass));
    // api: not selected by ACME001 (tier: api); ACME002 reads a missing field.
    assert!(
        matches!(&verdicts[2], (false, Verdict::Error(e)) if e.contains("spec")),
        "{verdicts:?}"
    );
    assert_eq!(verdicts[3], (true, Verdict::Pass));
    // A string compared with an int is an error, never a pass.
    assert!(
        matches!(&verdicts[4], (false, Verdict::Error(_))),
        "{verdicts:?}"
    );
}

#[test]
fn a_rule_that_does_not_compile_is_an_error_at_its_line_and_column() {
    // Plain scalar: the column of the expression plus the parser's column.
    let got = errors("- id: X1\n  title: t\n  expression: object.spec.replicas >\n");
    assert_eq!(got.len(), 1, "{got:?}");
    assert!(got[0].starts_with("rules.yaml:3:"), "{got:?}");
    // Quoted: one further for the quote.
    let got = errors("- id: X1\n  title: t\n  expression: \"object.spec.frob()\"\n");
    assert_eq!(got, ["rules.yaml:3:28: function \"frob\" is not supported; see docs/custom-rules.md for the supported libraries"]);
    // Block scalar: the expression's own line inside the block.
    let got = errors(
        "- id: X1\n  title: t\n  expression: |\n    has(object.spec) &&\n      params.max > 1\n",
    );
    assert_eq!(got.len(), 1, "{got:?}");
    assert!(
        got[0].starts_with("rules.yaml:5:7: undeclared reference to \"params\""),
        "{got:?}"
    );
}

#[test]
fn mistakes_in_a_rule_file_are_errors_with_their_location() {
    let got = errors(
        "- id: BH999\n  title: t\n  severity: urgent\n  expression: 'true'\n  colour: red\n- title: no id\n  expression: 'true'\n",
    );
    assert_eq!(
        got,
        [
            "rules.yaml:5:3: unknown key \"colour\" (known: id, severity, title, description, remediation, match, expression, message, path, compliance)",
            "rules.yaml:1:7: id: \"BH999\": ids starting with BH are Bulkhead's own",
            "rules.yaml:3:13: severity: unknown severity \"urgent\" (critical, high, medium, low, info)",
            "rules.yaml:6:3: rule: missing \"id\"",
        ]
    );
    let got = errors(
        "- {id: A, title: t, expression: 'true'}\n- {id: A, title: t, expression: 'true'}\n",
    );
    assert_eq!(got, ["rules.yaml:2:3: duplicate rule id \"A\""]);
}

#[test]
fn field_paths_become_json_pointers() {
    assert_eq!(field_pointer("spec.replicas"), "/spec/replicas");
    assert_eq!(
        field_pointer("object.spec.template.spec.containers[0].image"),
        "/spec/template/spec/containers/0/image"
    );
    assert_eq!(
        field_pointer("metadata.annotations['a~b/c']"),
        "/metadata/annotations/a~0b~1c"
    );
    assert_eq!(field_pointer("/spec/replicas"), "/spec/replicas");
}
