//! Every detection rule fires on the real-shaped events of `fixtures/rules/ID.fires.jsonl`
//! and stays quiet on the near misses of `ID.quiet.jsonl` (made by
//! `fixtures/make-rule-fixtures.py`). The messages of every firing are a snapshot.

use std::path::Path;

use bulkhead_audit::detect::DetectorOptions;
use bulkhead_audit::output::text_line;
use bulkhead_audit::requests::RequestStats;
use bulkhead_audit::{Alert, Detector, Event, RuleOptions, RuleSet};

fn detector() -> Detector {
    let rules = RuleSet::builtin(&RuleOptions::default()).expect("built-in rules compile");
    Detector::new(
        rules,
        DetectorOptions {
            requests: None,
            ranges: bulkhead_audit::cidr::default_ranges(),
            since: None,
            until: None,
        },
    )
}

fn judge(detector: &Detector, line: &str) -> Vec<Alert> {
    let event: Event<'_> = serde_json::from_str(line).expect("fixture events are JSON");
    let mut out = Vec::new();
    detector.judge(&event, &mut RequestStats::default(), &mut out);
    out
}

fn fixture(name: &str) -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/rules")
        .join(name);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

#[test]
fn every_rule_fires_on_its_events_and_not_on_near_misses() {
    let rules = RuleSet::builtin(&RuleOptions::default()).unwrap();
    let detector = detector();
    let mut snapshot = String::new();
    assert!(rules.rules.len() >= 26, "{} rules", rules.rules.len());
    for rule in &rules.rules {
        let id = &rule.meta.id;
        let fires = fixture(&format!("{id}.fires.jsonl"));
        let quiet = fixture(&format!("{id}.quiet.jsonl"));
        assert!(
            fires.lines().count() > 0 && quiet.lines().count() > 0,
            "{id}: empty fixture"
        );
        for (n, line) in fires.lines().enumerate() {
            let alerts = judge(&detector, line);
            let mine: Vec<&Alert> = alerts.iter().filter(|a| &a.rule == id).collect();
            assert_eq!(
                mine.len(),
                1,
                "{id}: event {} of fires.jsonl gave {alerts:#?}",
                n + 1
            );
            snapshot.push_str(&text_line(mine[0]));
            snapshot.push('\n');
        }
        for (n, line) in quiet.lines().enumerate() {
            let alerts = judge(&detector, line);
            assert!(
                alerts.iter().all(|a| &a.rule != id),
                "{id}: event {} of quiet.jsonl fired: {alerts:#?}",
                n + 1
            );
        }
    }
    insta::assert_snapshot!(snapshot);
}

#[test]
fn lists_can_be_replaced() {
    let options = RuleOptions {
        lists: vec![("disallowed_users".into(), vec!["alice@example.com".into()])],
        windows: Vec::new(),
    };
    let rules = RuleSet::builtin(&options).unwrap();
    let detector = Detector::new(
        rules,
        DetectorOptions {
            requests: None,
            ranges: Vec::new(),
            since: None,
            until: None,
        },
    );
    let quiet = fixture("BHA002.quiet.jsonl");
    let alerts = judge(&detector, quiet.lines().next().unwrap());
    assert!(alerts.iter().any(|a| a.rule == "BHA002"), "{alerts:#?}");
    let unknown = RuleOptions {
        lists: vec![("no_such_list".into(), vec![])],
        windows: Vec::new(),
    };
    assert!(RuleSet::builtin(&unknown)
        .unwrap_err()
        .contains("unknown list"));
}

#[test]
fn rule_errors_name_file_line_and_column() {
    let bad = "id: BHA900\nslug: x\ntitle: x\nseverity: high\nmitre: T1\nmessage: m\ndescription: d\nresponse: [r]\ncondition:\n  field: user.name\n  equals: x\n";
    let err = RuleSet::compile(
        [("BHA900-x.yaml".to_string(), bad.to_string())],
        &RuleOptions::default(),
    )
    .unwrap_err();
    assert!(
        err.starts_with("rules/BHA900-x.yaml:10:10: unknown field \"user.name\""),
        "{err}"
    );
    let two_ops = bad
        .replace("user.name", "verb")
        .replace("equals: x", "equals: x\n  prefix: y");
    let err = RuleSet::compile(
        [("BHA900-x.yaml".to_string(), two_ops)],
        &RuleOptions::default(),
    )
    .unwrap_err();
    assert!(err.contains("exactly one operator"), "{err}");
    let loop_macro = "lists: {}\nmacros:\n  a:\n    macro: a\n";
    let err = RuleSet::compile(
        [
            ("lists.yaml".to_string(), loop_macro.to_string()),
            (
                "BHA900-x.yaml".to_string(),
                bad.replace("field: user.name\n  equals: x", "macro: a"),
            ),
        ],
        &RuleOptions::default(),
    )
    .unwrap_err();
    assert!(err.contains("nest too deeply"), "{err}");
}
