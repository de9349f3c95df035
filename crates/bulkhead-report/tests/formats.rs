//! The SARIF, JUnit, Markdown and PolicyReport formats on the bundled examples plus a fixture
//! with suppressed findings, a baselined check, an unreadable input and names that need
//! escaping: structure, key values, validation against the official schemas (SARIF 2.1.0,
//! the PolicyReport CRDs), and snapshots of a small, stable selection.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use std::time::{Duration, UNIX_EPOCH};

use serde_json::{json, Value};

use bulkhead_checks::policy::{inline, Suppression, SuppressionKind};
use bulkhead_checks::{
    all_checks, docs, find_check, run_checks, Check, Finding, Options, Severity,
};
use bulkhead_model::{
    load_inputs, load_text, ErrorSeverity, Input, Inventory, Limits, LoadError, LoadStats, Node,
};
use bulkhead_report::{policyreport, render, sarif, Format, ScanResult};

const FIXTURE: &str = "tests/fixtures/suppressed.yaml";
const BROKEN: &str = "broken.yaml";
/// The check whose findings in `examples/helm-rendered.yaml` the tests' baseline accepts.
const BASELINED: &str = "BHI002";

/// A scan's outputs, owned, so that reports can borrow them.
struct Scan {
    findings: Vec<Finding>,
    errors: Vec<LoadError>,
    stats: LoadStats,
    objects: usize,
    checks: Vec<&'static Check>,
}

impl Scan {
    fn result(&self, show_suppressed: bool) -> ScanResult<'_> {
        ScanResult {
            findings: &self.findings,
            errors: &self.errors,
            stats: &self.stats,
            objects: self.objects,
            checks: &self.checks,
            elapsed: Duration::from_millis(12),
            fail_on: Severity::High,
            show_suppressed,
            config: None,
            framework: None,
            node: None,
            hidden: None,
        }
    }

    fn render(&self, format: Format, show_suppressed: bool) -> String {
        let mut out = Vec::new();
        render(&self.result(show_suppressed), format, false, &mut out).unwrap();
        String::from_utf8(out).unwrap()
    }

    fn finding(&self, check: &str, object: &str) -> &Finding {
        self.findings
            .iter()
            .find(|f| f.check.id == check && f.object.to_string() == object)
            .unwrap_or_else(|| panic!("no {check} finding on {object}"))
    }
}

fn manifest_dir() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// `examples/*` as the CLI names them from the repository root.
fn examples() -> Vec<Input> {
    let dir = manifest_dir().join("../../examples");
    let mut names: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
        .into_iter()
        .map(|name| Input::Text {
            text: std::fs::read_to_string(dir.join(&name)).unwrap(),
            name: format!("examples/{name}"),
        })
        .collect()
}

fn fixture() -> Input {
    Input::Text {
        name: FIXTURE.into(),
        text: std::fs::read_to_string(manifest_dir().join(FIXTURE)).unwrap(),
    }
}

fn broken() -> Input {
    Input::Text {
        name: BROKEN.into(),
        text: "apiVersion: v1\nkind: Pod\nmetadata: {name: [x\n".into(),
    }
}

/// Scans like `bulkhead scan`: load, validate the suppressions, run the checks, then the
/// baseline (here: every `BASELINED` finding in the Helm example).
fn scan(inputs: &[Input], checks: &[&'static Check]) -> Scan {
    let loaded = load_inputs(inputs, &Limits::default());
    let mut errors = loaded.errors;
    let inventory = Inventory::new(loaded.objects);
    errors.extend(inline::validate(&inventory));
    let mut findings = run_checks(&inventory, checks, &Options::default());
    for f in findings.iter_mut().filter(|f| {
        f.suppression.is_none()
            && f.check.id == BASELINED
            && f.location.path == "examples/helm-rendered.yaml"
    }) {
        f.suppression = Some(Suppression {
            kind: SuppressionKind::Baseline,
            reason: None,
            until: None,
            source: ".bulkhead-baseline.json".into(),
        });
    }
    Scan {
        findings,
        errors,
        stats: loaded.stats,
        objects: inventory.len(),
        checks: checks.to_vec(),
    }
}

/// Everything: the examples, the fixture and a broken input, with every check.
fn full_scan() -> Scan {
    let mut inputs = examples();
    inputs.push(fixture());
    inputs.push(broken());
    let scan = scan(&inputs, all_checks());
    assert!(
        scan.errors
            .iter()
            .any(|e| e.path == BROKEN && e.severity == ErrorSeverity::Error),
        "{:?}",
        scan.errors
    );
    let kinds: BTreeSet<_> = scan
        .findings
        .iter()
        .filter_map(|f| f.suppression.as_ref().map(|s| s.kind))
        .map(|k| format!("{k:?}"))
        .collect();
    assert_eq!(
        kinds,
        BTreeSet::from(["Annotation".into(), "Baseline".into(), "Comment".into()]),
        "the fixture suppresses findings in all three ways"
    );
    scan
}

/// A few long-standing checks on the fixture and a broken input: what the snapshots show.
fn small_scan() -> Scan {
    let checks: Vec<&'static Check> = ["BHW001", "BHW003", "BHW005"]
        .iter()
        .map(|id| find_check(id).unwrap())
        .collect();
    scan(&[fixture(), broken()], &checks)
}

fn hardened_scan() -> Scan {
    let hardened = examples()
        .into_iter()
        .filter(|i| matches!(i, Input::Text { name, .. } if name.contains("hardened")))
        .collect::<Vec<_>>();
    assert_eq!(hardened.len(), 1);
    let scan = scan(&hardened, all_checks());
    assert!(scan.findings.is_empty(), "the hardened example stays quiet");
    scan
}

fn at(f: &Finding) -> String {
    let p = &f.location.position;
    format!("{}:{}:{}", f.location.path, p.line, p.column)
}

// ---------------------------------------------------------------------------------------
// SARIF

fn sarif(scan: &Scan, show_suppressed: bool) -> Value {
    serde_json::from_str(&scan.render(Format::Sarif, show_suppressed)).unwrap()
}

fn schema_errors(validator: &jsonschema::Validator, instance: &Value) -> Vec<String> {
    validator
        .iter_errors(instance)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect()
}

#[test]
fn sarif_is_valid_against_the_oasis_schema() {
    let text =
        std::fs::read_to_string(manifest_dir().join("tests/schemas/sarif-schema-2.1.0.json"))
            .unwrap();
    let schema: Value = serde_json::from_str(&text).unwrap();
    let validator = jsonschema::options()
        .with_draft(jsonschema::Draft::Draft4)
        .should_validate_formats(true)
        .build(&schema)
        .unwrap();
    for (name, scan) in [("full", full_scan()), ("hardened", hardened_scan())] {
        for show_suppressed in [false, true] {
            let log = sarif(&scan, show_suppressed);
            let errors = schema_errors(&validator, &log);
            assert!(errors.is_empty(), "{name}: {errors:#?}");
        }
    }
    // The validator does catch what it should.
    let mut log = sarif(&small_scan(), false);
    log["runs"][0]["results"][0]["level"] = json!("fatal");
    log["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["region"]["startLine"] =
        json!(0);
    assert_eq!(schema_errors(&validator, &log).len(), 2);
}

#[test]
fn sarif_lists_every_check_as_a_rule_for_github_code_scanning() {
    let log = sarif(&full_scan(), false);
    assert_eq!(
        log["$schema"],
        "https://json.schemastore.org/sarif-2.1.0.json"
    );
    assert_eq!(log["version"], "2.1.0");
    let run = &log["runs"][0];
    assert_eq!(run["columnKind"], "unicodeCodePoints");
    let driver = &run["tool"]["driver"];
    assert_eq!(driver["name"], "bulkhead");
    assert_eq!(driver["version"], env!("CARGO_PKG_VERSION"));
    assert_eq!(
        driver["informationUri"],
        "https://github.com/bulkhead-dev/bulkhead"
    );
    let rules = driver["rules"].as_array().unwrap();
    let ids: Vec<&str> = rules.iter().map(|r| r["id"].as_str().unwrap()).collect();
    let expected: Vec<&str> = all_checks().iter().map(|c| c.id).collect();
    assert_eq!(ids, expected);

    let check = find_check("BHW001").unwrap();
    let rule = &rules[ids.iter().position(|id| *id == "BHW001").unwrap()];
    assert_eq!(rule["name"], "privileged-container");
    assert_eq!(rule["shortDescription"]["text"], check.title());
    assert!(rule["fullDescription"]["text"]
        .as_str()
        .unwrap()
        .contains("root in it is root on the node"));
    assert_eq!(rule["help"]["markdown"], docs::markdown(check));
    assert_eq!(rule["help"]["text"], docs::markdown(check));
    assert_eq!(
        rule["helpUri"],
        "https://github.com/bulkhead-dev/bulkhead/blob/main/docs/checks/BHW001.md"
    );
    assert_eq!(rule["defaultConfiguration"]["level"], "error");
    assert_eq!(rule["properties"]["security-severity"], "8.0");
    let tags: Vec<&str> = rule["properties"]["tags"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t.as_str().unwrap())
        .collect();
    for tag in [
        "security",
        "cis:5.2.2",
        "pss:baseline:privileged",
        "pss:restricted:privileged",
        "mitre:T1611",
    ] {
        assert!(tags.contains(&tag), "{tag} in {tags:?}");
    }
    // Levels and security severities follow the check's default severity.
    for (check, rule) in all_checks().iter().zip(rules) {
        let (level, score) = match check.severity {
            Severity::Critical => ("error", "9.5"),
            Severity::High => ("error", "8.0"),
            Severity::Medium => ("warning", "5.5"),
            Severity::Low => ("note", "3.0"),
            Severity::Info => ("note", "1.0"),
        };
        assert_eq!(rule["defaultConfiguration"]["level"], level, "{}", check.id);
        assert_eq!(
            rule["properties"]["security-severity"], score,
            "{}",
            check.id
        );
        assert!(score.parse::<f64>().is_ok());
        let tags = rule["properties"]["tags"].as_array().unwrap();
        assert!(tags.len() <= 20, "GitHub rejects more: {}", check.id);
    }
}

#[test]
fn sarif_results_point_at_the_findings() {
    let scan = full_scan();
    let log = sarif(&scan, false);
    let run = &log["runs"][0];
    let rules = run["tool"]["driver"]["rules"].as_array().unwrap();
    let results = run["results"].as_array().unwrap();
    assert_eq!(
        results.len(),
        scan.findings.len(),
        "every finding is a result, suppressed ones too, whatever --show-suppressed says"
    );
    let mut with_offsets = 0;
    for (f, r) in scan.findings.iter().zip(results) {
        let p = &f.location.position;
        assert_eq!(r["ruleId"], f.check.id);
        assert_eq!(
            rules[r["ruleIndex"].as_u64().unwrap() as usize]["id"],
            f.check.id
        );
        assert_eq!(r["message"]["text"], f.message.as_str());
        let level = match f.severity {
            Severity::Critical | Severity::High => "error",
            Severity::Medium => "warning",
            Severity::Low | Severity::Info => "note",
        };
        assert_eq!(r["level"], level);
        let location = &r["locations"][0];
        let physical = &location["physicalLocation"];
        assert_eq!(
            physical["artifactLocation"]["uri"],
            f.location.path.as_str()
        );
        assert_eq!(physical["artifactLocation"]["uriBaseId"], "%SRCROOT%");
        let region = &physical["region"];
        assert_eq!(
            (
                &region["startLine"],
                &region["startColumn"],
                &region["endLine"],
                &region["endColumn"]
            ),
            (
                &json!(p.line),
                &json!(p.column),
                &json!(p.end_line),
                &json!(p.end_column)
            ),
            "{}",
            at(f)
        );
        // Character offsets, where given, select exactly the finding's span.
        if let Some(offset) = region["charOffset"].as_u64() {
            with_offsets += 1;
            let length = region["charLength"].as_u64().unwrap() as usize;
            let selected: String = f
                .file
                .text
                .chars()
                .skip(offset as usize)
                .take(length)
                .collect();
            assert_eq!(selected, f.file.slice(f.location.span), "{}", at(f));
        }
        assert_eq!(
            location["logicalLocations"][0]["fullyQualifiedName"],
            f.object.to_string()
        );
        assert_eq!(location["logicalLocations"][0]["kind"], "resource");
        assert_eq!(
            r["partialFingerprints"]["bulkhead/v1"],
            f.fingerprint.as_str()
        );
        assert_eq!(r["properties"]["pointer"], f.location.pointer.as_str());
        assert_eq!(r["properties"]["object"], f.object.to_string());
        assert_eq!(
            r["properties"]["pss"].as_array().map_or(0, Vec::len),
            f.pss.len()
        );
    }
    assert!(with_offsets > 0);

    let privileged = results
        .iter()
        .find(|r| {
            r["ruleId"] == "BHW001"
                && r["properties"]["object"] == "Deployment/default/payments-api"
        })
        .unwrap();
    let region = &privileged["locations"][0]["physicalLocation"]["region"];
    assert_eq!(
        (&region["startLine"], &region["startColumn"]),
        (&json!(20), &json!(13))
    );
    assert_eq!(
        privileged["properties"]["pss"],
        json!(["baseline:privileged", "restricted:privileged"])
    );

    // After a character outside the BMP, UTF-16 and code point offsets differ: none is given.
    let after_emoji = results
        .iter()
        .find(|r| r["properties"]["object"] == "Deployment/unplaced")
        .unwrap();
    let region = &after_emoji["locations"][0]["physicalLocation"]["region"];
    assert!(
        region["startLine"].is_u64() && region.get("charOffset").is_none(),
        "{region}"
    );
}

#[test]
fn sarif_marks_suppressed_findings_with_their_kind_and_justification() {
    let scan = full_scan();
    let log = sarif(&scan, false);
    let results = log["runs"][0]["results"].as_array().unwrap();
    let result_for = |f: &Finding| {
        results
            .iter()
            .find(|r| r["partialFingerprints"]["bulkhead/v1"] == f.fingerprint.as_str())
            .unwrap()
            .clone()
    };
    let annotated = result_for(scan.finding("BHW001", "Pod/tenant-a/annotated"));
    assert_eq!(
        annotated["suppressions"],
        json!([{
            "kind": "inSource",
            "status": "accepted",
            "justification": "node agent, reviewed by the platform team",
            "properties": {"bulkhead": "annotation", "source": format!("{FIXTURE}:9")}
        }])
    );
    let commented = result_for(scan.finding("BHW003", "Pod/tenant-a/commented"));
    assert_eq!(commented["suppressions"][0]["kind"], "inSource");
    assert_eq!(
        commented["suppressions"][0]["justification"],
        "needs the node's network"
    );
    let baselined = result_for(scan.finding(BASELINED, "StatefulSet/cache/cache"));
    assert_eq!(baselined["suppressions"][0]["kind"], "external");
    assert!(baselined["suppressions"][0].get("justification").is_none());
    let active = result_for(scan.finding("BHW001", "Deployment/default/payments-api"));
    assert!(active.get("suppressions").is_none());
    let suppressed = results
        .iter()
        .filter(|r| r.get("suppressions").is_some())
        .count();
    assert_eq!(
        suppressed,
        scan.findings
            .iter()
            .filter(|f| f.suppression.is_some())
            .count()
    );
}

#[test]
fn sarif_reports_input_errors_as_tool_notifications() {
    let scan = full_scan();
    let log = sarif(&scan, false);
    let invocation = &log["runs"][0]["invocations"][0];
    assert_eq!(invocation["executionSuccessful"], false);
    let notifications = invocation["toolExecutionNotifications"].as_array().unwrap();
    assert_eq!(notifications.len(), scan.errors.len());
    let broken = notifications
        .iter()
        .find(|n| n["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == BROKEN)
        .unwrap();
    assert_eq!(broken["level"], "error");
    assert!(broken["message"]["text"]
        .as_str()
        .unwrap()
        .starts_with("invalid YAML"));
    assert_eq!(
        broken["locations"][0]["physicalLocation"]["region"]["startLine"],
        4
    );

    let clean = sarif(&hardened_scan(), false);
    assert_eq!(
        clean["runs"][0]["invocations"][0],
        json!({"executionSuccessful": true})
    );
    assert_eq!(clean["runs"][0]["results"], json!([]));
}

#[test]
fn sarif_snapshot() {
    let mut log = sarif(&small_scan(), false);
    let run = &mut log["runs"][0];
    // Rules and their indices follow the registry, which grows with every new check.
    run["tool"]["driver"]["rules"] = json!("[redacted]");
    run["tool"]["driver"]["version"] = json!("[version]");
    run["tool"]["driver"]["semanticVersion"] = json!("[version]");
    for r in run["results"].as_array_mut().unwrap() {
        r["ruleIndex"] = json!("[index]");
    }
    insta::assert_snapshot!(serde_json::to_string_pretty(&log).unwrap());
}

// ---------------------------------------------------------------------------------------
// JUnit

fn junit(scan: &Scan, show_suppressed: bool) -> String {
    scan.render(Format::Junit, show_suppressed)
}

fn count_attr(node: roxmltree::Node<'_, '_>, name: &str) -> usize {
    node.attribute(name)
        .unwrap_or_else(|| panic!("{name} on {node:?}"))
        .parse()
        .unwrap()
}

#[test]
fn junit_is_well_formed_and_its_counts_add_up() {
    let scan = full_scan();
    let xml = junit(&scan, false);
    let doc = roxmltree::Document::parse(&xml).unwrap_or_else(|e| panic!("{e}\n{xml}"));
    let root = doc.root_element();
    assert_eq!(root.tag_name().name(), "testsuites");
    let suites: Vec<_> = root.children().filter(|n| n.is_element()).collect();
    let (mut tests, mut failures, mut errors, mut skipped) = (0, 0, 0, 0);
    for suite in &suites {
        assert_eq!(suite.tag_name().name(), "testsuite");
        let cases: Vec<_> = suite.children().filter(|n| n.is_element()).collect();
        let with = |tag: &str| {
            cases
                .iter()
                .filter(|c| c.children().any(|n| n.has_tag_name(tag)))
                .count()
        };
        assert_eq!(count_attr(*suite, "tests"), cases.len());
        assert_eq!(count_attr(*suite, "failures"), with("failure"));
        assert_eq!(count_attr(*suite, "errors"), with("error"));
        assert_eq!(count_attr(*suite, "skipped"), with("skipped"));
        tests += cases.len();
        failures += with("failure");
        errors += with("error");
        skipped += with("skipped");
    }
    assert_eq!(
        (
            count_attr(root, "tests"),
            count_attr(root, "failures"),
            count_attr(root, "errors"),
            count_attr(root, "skipped")
        ),
        (tests, failures, errors, skipped)
    );

    // One failing case per (check, object) with unsuppressed findings; one passing case per
    // check with none listed; the inputs suite last.
    let active: Vec<&Finding> = scan
        .findings
        .iter()
        .filter(|f| f.suppression.is_none())
        .collect();
    let pairs: BTreeSet<(&str, String)> = active
        .iter()
        .map(|f| (f.check.id, f.object.to_string()))
        .collect();
    assert_eq!(failures, pairs.len());
    let failing_checks: BTreeSet<&str> = active.iter().map(|f| f.check.id).collect();
    assert_eq!(suites.len(), all_checks().len() + 1);
    assert_eq!(
        tests,
        pairs.len() + (all_checks().len() - failing_checks.len()) + scan.errors.len()
    );
    let inputs = suites.last().unwrap();
    assert_eq!(inputs.attribute("name"), Some("inputs"));
    assert_eq!(count_attr(*inputs, "errors"), 1);
    assert_eq!(errors, 1);
    assert_eq!(skipped, 0, "suppressed findings are not listed by default");

    let passing = suites
        .iter()
        .find(|s| s.attribute("name") == Some("BHK002 tiller"))
        .unwrap();
    let case = passing.first_element_child().unwrap();
    assert_eq!(case.attribute("name"), Some("BHK002 tiller"));
    assert!(case.first_element_child().is_none());
}

#[test]
fn junit_failures_list_each_finding_with_its_location() {
    let scan = full_scan();
    let xml = junit(&scan, false);
    let doc = roxmltree::Document::parse(&xml).unwrap();
    let suite = doc
        .descendants()
        .find(|n| n.attribute("name") == Some("BHW001 privileged-container"))
        .unwrap();
    let case = suite
        .children()
        .find(|n| n.attribute("name") == Some("Deployment/default/payments-api"))
        .unwrap();
    assert_eq!(
        case.attribute("classname"),
        Some("BHW001 privileged-container")
    );
    let failure = case.first_element_child().unwrap();
    assert_eq!(failure.tag_name().name(), "failure");
    assert_eq!(failure.attribute("type"), Some("high"));
    assert_eq!(
        failure.attribute("message"),
        Some("container \"api\" runs privileged")
    );
    let text = failure.text().unwrap();
    assert!(
        text.starts_with(
            "examples/insecure-deployment.yaml:20:13: [high] container \"api\" runs privileged\n"
        ),
        "{text}"
    );
    assert!(text.contains("help: set securityContext.privileged to false"));
    // The annotated pod's privileged container is suppressed: not a case by default.
    assert!(!suite
        .children()
        .any(|n| n.attribute("name") == Some("Pod/tenant-a/annotated")));
}

#[test]
fn junit_escapes_markup_quotes_and_control_characters() {
    let scan = full_scan();
    let xml = junit(&scan, false);
    let doc = roxmltree::Document::parse(&xml).unwrap();
    let f = scan.finding("BHQ001", "Pod/tenant-a/commented");
    assert!(
        f.message.contains("pipe|tick`<&>\"quote\u{1b}"),
        "{}",
        f.message
    );
    let failure = doc
        .descendants()
        .filter(|n| n.has_tag_name("testcase"))
        .find(|n| {
            n.attribute("name") == Some("Pod/tenant-a/commented")
                && n.attribute("classname").unwrap().starts_with("BHQ001")
        })
        .unwrap()
        .first_element_child()
        .unwrap();
    let shown = f.message.replace('\u{1b}', "\\u{1B}");
    assert_eq!(failure.attribute("message"), Some(shown.as_str()));
    assert!(failure.text().unwrap().contains(&shown));
}

#[test]
fn junit_shows_suppressed_cases_as_skipped_when_asked() {
    let scan = full_scan();
    let xml = junit(&scan, true);
    let doc = roxmltree::Document::parse(&xml).unwrap();
    let case = doc
        .descendants()
        .filter(|n| n.has_tag_name("testcase"))
        .find(|n| {
            n.attribute("name") == Some("Pod/tenant-a/annotated")
                && n.attribute("classname") == Some("BHW001 privileged-container")
        })
        .unwrap();
    let skipped = case.first_element_child().unwrap();
    assert_eq!(skipped.tag_name().name(), "skipped");
    assert_eq!(
        skipped.attribute("message"),
        Some("suppressed (annotation): node agent, reviewed by the platform team")
    );
}

#[test]
fn junit_after_a_selection_lists_the_checks_that_ran() {
    let scan = small_scan();
    let xml = junit(&scan, false);
    let doc = roxmltree::Document::parse(&xml).unwrap();
    let names: Vec<&str> = doc
        .root_element()
        .children()
        .filter_map(|n| n.attribute("name"))
        .collect();
    // BHW001 and BHW003 are suppressed on the tenant-a pods but BHW001 fires on the unplaced
    // deployment: every check that ran gets a suite, BHW003 a passing one; checks that did not
    // run get none.
    assert_eq!(
        names,
        [
            "BHW001 privileged-container",
            "BHW003 host-namespaces",
            "BHW005 run-as-root",
            "inputs"
        ]
    );
}

#[test]
fn junit_snapshot() {
    let xml = junit(&small_scan(), true);
    let xml = xml.replace("time=\"0.012\"", "time=\"[elapsed]\"");
    insta::assert_snapshot!(xml);
}

// ---------------------------------------------------------------------------------------
// Markdown

fn markdown(scan: &Scan, show_suppressed: bool) -> String {
    scan.render(Format::Markdown, show_suppressed)
}

/// The cells of a table row, split on the pipes that are not escaped.
fn cells(row: &str) -> Vec<String> {
    let mut cells = vec![String::new()];
    let mut chars = row.trim().trim_start_matches('|').chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' => {
                cells.last_mut().unwrap().push(c);
                if let Some(next) = chars.next() {
                    cells.last_mut().unwrap().push(next);
                }
            }
            '|' => cells.push(String::new()),
            c => cells.last_mut().unwrap().push(c),
        }
    }
    cells.pop(); // after the closing pipe
    cells.into_iter().map(|c| c.trim().to_string()).collect()
}

fn table_rows(md: &str) -> Vec<Vec<String>> {
    md.lines()
        .filter(|l| l.starts_with("| ") && !l.starts_with("| Severity") && !l.starts_with("| ---"))
        .map(cells)
        .collect()
}

#[test]
fn markdown_has_a_headline_a_row_per_finding_worst_first_and_a_section_per_check() {
    let scan = full_scan();
    let md = markdown(&scan, false);
    let active: Vec<&Finding> = scan
        .findings
        .iter()
        .filter(|f| f.suppression.is_none())
        .collect();
    let by = |s: Severity| active.iter().filter(|f| f.severity == s).count();
    let first = md.lines().next().unwrap();
    assert_eq!(
        first,
        format!("## Bulkhead: {} findings, 1 input error", active.len())
    );
    let counts = format!(
        "**{} critical · {} high · {} medium · {} low · {} info**",
        by(Severity::Critical),
        by(Severity::High),
        by(Severity::Medium),
        by(Severity::Low),
        by(Severity::Info)
    );
    assert!(md.contains(&counts), "{md}");
    let suppressed = scan
        .findings
        .iter()
        .filter(|f| {
            f.suppression
                .as_ref()
                .is_some_and(|s| s.kind != SuppressionKind::Baseline)
        })
        .count();
    let baselined = scan
        .findings
        .iter()
        .filter(|f| f.suppression.is_some())
        .count()
        - suppressed;
    assert!(md.contains(&format!(
        "Not counted: {suppressed} suppressed in the manifests, {baselined} in the baseline."
    )));

    let rows = table_rows(&md);
    assert_eq!(rows.len(), active.len().min(100));
    assert!(rows.iter().all(|r| r.len() == 5), "{rows:?}");
    let severities: Vec<Severity> = rows.iter().map(|r| r[0].parse().unwrap()).collect();
    assert!(severities.windows(2).all(|w| w[0] >= w[1]), "worst first");
    let privileged = rows
        .iter()
        .find(|r| r[2] == "`Deployment/default/payments-api`" && r[1].starts_with("[BHW001]"))
        .unwrap();
    assert_eq!(
        privileged,
        &[
            "high",
            "[BHW001](https://github.com/bulkhead-dev/bulkhead/blob/main/docs/checks/BHW001.md) privileged-container",
            "`Deployment/default/payments-api`",
            "`examples/insecure-deployment.yaml:20`",
            "container \"api\" runs privileged",
        ]
    );

    let checks: BTreeSet<&str> = active.iter().map(|f| f.check.id).collect();
    assert_eq!(md.matches("<details>").count(), checks.len());
    assert!(
        md.contains("<summary><b>BHW001</b> privileged-container: 2 findings, high</summary>\n\n")
    );
    assert!(md.contains("**How to fix:** set securityContext.privileged to false"));
    assert!(md.contains("### Input problems\n\n- **error (not evaluated)** `broken.yaml:4:"));
}

#[test]
fn markdown_escapes_pipes_backticks_and_markup_in_cells() {
    let md = markdown(&full_scan(), false);
    let row = table_rows(&md)
        .into_iter()
        .find(|r| r[2] == "`Pod/tenant-a/commented`" && r[1].starts_with("[BHQ001]"))
        .unwrap();
    assert_eq!(row.len(), 5);
    assert_eq!(
        row[4],
        "container \"pipe\\|tick\\`\\<\\&\\>\"quote \" has no memory or cpu limit"
    );
}

#[test]
fn markdown_says_so_when_there_is_nothing_to_report() {
    let md = markdown(&hardened_scan(), false);
    assert!(
        md.starts_with("## Bulkhead: no findings\n\nScanned "),
        "{md}"
    );
    assert!(md.contains(" objects in 1 file with "), "{md}");
    assert!(!md.contains('|'));
}

#[test]
fn markdown_stops_the_table_after_100_rows() {
    let mut text = String::new();
    for i in 0..60 {
        text.push_str(&format!(
            "---\napiVersion: v1\nkind: Pod\nmetadata: {{name: p{i}, namespace: ns}}\nspec:\n  hostPID: true\n  hostNetwork: true\n  containers: [{{name: c, image: a:1}}]\n"
        ));
    }
    let check = find_check("BHW003").unwrap();
    let scan = scan(
        &[Input::Text {
            name: "many.yaml".into(),
            text,
        }],
        &[check],
    );
    assert_eq!(scan.findings.len(), 120);
    let md = markdown(&scan, false);
    assert_eq!(table_rows(&md).len(), 100);
    assert!(md.contains(
        "_Showing the first 100 of 120 findings; the JSON and SARIF reports list them all._"
    ));
}

#[test]
fn markdown_lists_suppressed_findings_last_when_asked() {
    let scan = full_scan();
    let md = markdown(&small_scan(), true);
    let rows = table_rows(&md);
    let last = rows.last().unwrap();
    assert!(last[0].ends_with("(suppressed)"), "{rows:?}");
    assert!(md.contains("(listed below)"));
    // Without --show-suppressed they are only counted.
    assert!(!markdown(&scan, false).contains("(suppressed)"));
}

#[test]
fn markdown_snapshot() {
    insta::assert_snapshot!(markdown(&small_scan(), true));
}

// ---------------------------------------------------------------------------------------
// PolicyReport

fn policyreport(scan: &Scan, show_suppressed: bool) -> String {
    let mut out = Vec::new();
    let at = UNIX_EPOCH + Duration::new(1_700_000_000, 250);
    policyreport::render_at(&scan.result(show_suppressed), at, &mut out).unwrap();
    String::from_utf8(out).unwrap()
}

fn to_json(node: &Node) -> Value {
    node.to_json()
}

/// Reads a YAML stream the way Kubernetes does (Bulkhead's own loader: YAML 1.1 scalars,
/// duplicate keys reported) into JSON objects.
fn read_stream(name: &str, yaml: &str) -> Vec<Value> {
    let loaded = load_text(name, yaml, &Limits::default());
    assert!(loaded.errors.is_empty(), "{:?}", loaded.errors);
    assert_eq!(loaded.stats.skipped_documents, 0);
    loaded.objects.iter().map(|o| to_json(&o.root)).collect()
}

/// Closes every object schema that lists its properties, as strict field validation does.
fn strict(schema: &mut Value) {
    match schema {
        Value::Object(map) => {
            if map.contains_key("properties") && !map.contains_key("additionalProperties") {
                map.insert("additionalProperties".into(), Value::Bool(false));
            }
            for (key, value) in map.iter_mut() {
                if key != "enum" {
                    strict(value);
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(strict),
        _ => {}
    }
}

/// The `v1alpha2` schemas of both CRDs, by kind.
fn crd_validators() -> BTreeMap<String, jsonschema::Validator> {
    let mut validators = BTreeMap::new();
    for file in [
        "wgpolicyk8s.io_policyreports.yaml",
        "wgpolicyk8s.io_clusterpolicyreports.yaml",
    ] {
        let path = manifest_dir().join("tests/schemas").join(file);
        let crd = &read_stream(file, &std::fs::read_to_string(path).unwrap())[0];
        assert_eq!(crd["kind"], "CustomResourceDefinition");
        let kind = crd["spec"]["names"]["kind"].as_str().unwrap().to_string();
        let version = crd["spec"]["versions"]
            .as_array()
            .unwrap()
            .iter()
            .find(|v| v["name"] == "v1alpha2")
            .unwrap();
        let mut schema = version["schema"]["openAPIV3Schema"].clone();
        strict(&mut schema);
        validators.insert(kind, jsonschema::validator_for(&schema).unwrap());
    }
    validators
}

fn is_dns_subdomain(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= 253
        && s.split('.').all(|label| {
            !label.is_empty()
                && label
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
                && !label.starts_with('-')
                && !label.ends_with('-')
        })
}

#[test]
fn policyreports_are_valid_against_the_v1alpha2_crds() {
    let validators = crd_validators();
    for (name, scan) in [
        ("full", full_scan()),
        ("small", small_scan()),
        ("hardened", hardened_scan()),
    ] {
        let reports = read_stream(name, &policyreport(&scan, false));
        assert!(!reports.is_empty());
        for report in &reports {
            assert_eq!(report["apiVersion"], "wgpolicyk8s.io/v1alpha2");
            let kind = report["kind"].as_str().unwrap();
            let errors = schema_errors(&validators[kind], report);
            assert!(errors.is_empty(), "{name}: {errors:#?}\n{report:#}");
            assert!(is_dns_subdomain(
                report["metadata"]["name"].as_str().unwrap()
            ));
            let namespace = report["metadata"]["namespace"].as_str();
            assert_eq!(kind == "PolicyReport", namespace.is_some(), "{report:#}");
        }
    }
    // The strict schemas catch a misspelt field, and the enums a wrong value.
    let mut reports = read_stream("small", &policyreport(&small_scan(), false));
    reports[0]["results"][0]["serverity"] = json!("high");
    reports[0]["results"][1]["result"] = json!("failed");
    assert_eq!(
        schema_errors(&validators["ClusterPolicyReport"], &reports[0]).len(),
        2
    );
}

#[test]
fn policyreports_go_one_per_namespace_with_summaries_that_count_the_results() {
    let scan = full_scan();
    let reports = read_stream("full", &policyreport(&scan, false));
    let kinds: Vec<(&str, Option<&str>)> = reports
        .iter()
        .map(|r| {
            (
                r["kind"].as_str().unwrap(),
                r["metadata"]["namespace"].as_str(),
            )
        })
        .collect();
    assert_eq!(
        kinds,
        [
            ("ClusterPolicyReport", None),
            ("PolicyReport", Some("cache")),
            ("PolicyReport", Some("default")),
            ("PolicyReport", Some("monitoring")),
            ("PolicyReport", Some("tenant-a")),
        ]
    );
    for report in &reports {
        let namespace = report["metadata"]["namespace"].as_str();
        let mine: Vec<&Finding> = scan
            .findings
            .iter()
            .filter(|f| f.object.namespace.as_deref() == namespace)
            .collect();
        let results = report["results"].as_array().unwrap();
        let count = |outcome: &str| results.iter().filter(|r| r["result"] == outcome).count();
        let summary = &report["summary"];
        for outcome in ["pass", "fail", "warn", "error", "skip"] {
            assert_eq!(summary[outcome], count(outcome), "{namespace:?} {outcome}");
        }
        assert_eq!(
            count("fail"),
            mine.iter().filter(|f| f.suppression.is_none()).count()
        );
        assert_eq!(
            count("skip"),
            mine.iter().filter(|f| f.suppression.is_some()).count()
        );
        assert_eq!(summary["pass"], 0);
        let inputs = if namespace.is_none() {
            scan.errors.len()
        } else {
            0
        };
        assert_eq!(results.len(), mine.len() + inputs);
        for r in results.iter().filter(|r| r["policy"] != "input") {
            assert_eq!(r["source"], "bulkhead");
            assert_eq!(
                r["timestamp"],
                json!({"seconds": 1_700_000_000, "nanos": 250})
            );
            assert_eq!(r["resources"][0]["namespace"].as_str(), namespace);
        }
    }

    let f = scan.finding("BHW001", "Deployment/default/payments-api");
    let default = &reports[2];
    let result = default["results"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["properties"]["fingerprint"] == f.fingerprint.as_str())
        .unwrap();
    assert_eq!(result["policy"], "privileged-container");
    assert_eq!(result["rule"], "BHW001");
    assert_eq!(result["result"], "fail");
    assert_eq!(result["severity"], "high");
    assert_eq!(result["category"], "workload");
    assert_eq!(result["message"], "container \"api\" runs privileged");
    assert_eq!(
        result["resources"],
        json!([{"apiVersion": "apps/v1", "kind": "Deployment", "name": "payments-api", "namespace": "default"}])
    );
    assert_eq!(
        result["properties"]["location"],
        "examples/insecure-deployment.yaml:20:13"
    );
    assert_eq!(
        result["properties"]["pointer"],
        "/spec/template/spec/containers/0/securityContext/privileged"
    );
    assert_eq!(result["properties"]["cis"], "5.2.2");
    assert_eq!(
        result["properties"]["pss"],
        "baseline:privileged, restricted:privileged"
    );

    let tenant = &reports[4];
    let skipped = tenant["results"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["rule"] == "BHW001")
        .unwrap();
    assert_eq!(skipped["result"], "skip");
    assert_eq!(skipped["properties"]["suppressed"], "annotation");
    assert_eq!(
        skipped["properties"]["suppressionReason"],
        "node agent, reviewed by the platform team"
    );
    // Hostile text survives the YAML round trip exactly.
    let hostile = scan.finding("BHQ001", "Pod/tenant-a/commented");
    assert!(tenant["results"]
        .as_array()
        .unwrap()
        .iter()
        .any(|r| r["message"] == hostile.message.as_str()));

    let cluster = &reports[0];
    let input = cluster["results"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["policy"] == "input")
        .unwrap();
    assert_eq!(input["result"], "error");
    assert!(input["properties"]["location"]
        .as_str()
        .unwrap()
        .starts_with("broken.yaml:4:"));
    assert!(cluster["results"]
        .as_array()
        .unwrap()
        .iter()
        .any(|r| r["resources"][0]["name"] == "unplaced"
            && r["resources"][0].get("namespace").is_none()));
}

#[test]
fn a_clean_scan_is_one_empty_cluster_report() {
    let reports = read_stream("clean", &policyreport(&hardened_scan(), false));
    assert_eq!(reports.len(), 1);
    assert_eq!(reports[0]["kind"], "ClusterPolicyReport");
    assert_eq!(reports[0]["results"], json!([]));
    assert_eq!(
        reports[0]["summary"],
        json!({"pass": 0, "fail": 0, "warn": 0, "error": 0, "skip": 0})
    );
}

#[test]
fn policyreport_render_stamps_the_current_time() {
    let scan = small_scan();
    let mut out = Vec::new();
    render(&scan.result(false), Format::PolicyReport, false, &mut out).unwrap();
    let reports = read_stream("now", &String::from_utf8(out).unwrap());
    let seconds = reports[0]["results"][0]["timestamp"]["seconds"]
        .as_i64()
        .unwrap();
    let now = UNIX_EPOCH.elapsed().unwrap().as_secs() as i64;
    assert!((now - seconds).abs() < 600, "{seconds} vs {now}");
}

#[test]
fn policyreport_snapshot() {
    insta::assert_snapshot!(policyreport(&small_scan(), false));
}

/// The SARIF log `render_within` writes for `limits`, and what it kept.
fn sarif_within(scan: &Scan, limits: sarif::UploadLimits) -> (Value, sarif::Kept, usize) {
    let mut out = Vec::new();
    let kept = sarif::render_within(&scan.result(false), limits, &mut out).unwrap();
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    std::io::Write::write_all(&mut gz, &out).unwrap();
    let compressed = gz.finish().unwrap().len();
    (serde_json::from_slice(&out).unwrap(), kept, compressed)
}

fn rank(severity: &str) -> u8 {
    ["note", "warning", "error"]
        .iter()
        .position(|l| *l == severity)
        .unwrap() as u8
}

#[test]
fn sarif_within_upload_limits_keeps_the_most_severe_and_says_what_it_left_out() {
    let scan = full_scan();
    let total = scan.findings.len();
    let limit = total / 3;
    let limits = sarif::UploadLimits {
        name: "a test consumer",
        results_per_run: limit,
        gzip_bytes: usize::MAX,
    };
    let (log, kept, _) = sarif_within(&scan, limits);
    let run = &log["runs"][0];
    let results = run["results"].as_array().unwrap();
    assert_eq!(results.len(), limit);
    assert_eq!((kept.kept, kept.total), (limit, total));
    assert_eq!(run["properties"]["omittedResults"], json!(total - limit));
    assert_eq!(run["properties"]["totalResults"], json!(total));
    // Unsuppressed before suppressed, then by severity: whatever was left out is no more
    // severe than the least severe unsuppressed result kept.
    let kept_keys: BTreeSet<String> = results
        .iter()
        .map(|r| r["partialFingerprints"][sarif::FINGERPRINT_KEY].to_string())
        .collect();
    let least_kept = scan
        .findings
        .iter()
        .filter(|f| kept_keys.contains(&json!(f.fingerprint).to_string()))
        .filter(|f| f.suppression.is_none())
        .map(|f| f.severity)
        .min()
        .unwrap();
    for f in scan
        .findings
        .iter()
        .filter(|f| !kept_keys.contains(&json!(f.fingerprint).to_string()))
    {
        assert!(
            f.suppression.is_some() || f.severity <= least_kept,
            "{} left out",
            at(f)
        );
    }
    // The kept results stay in the scan's order.
    let levels: Vec<u8> = results
        .iter()
        .map(|r| rank(r["level"].as_str().unwrap()))
        .collect();
    assert!(levels.iter().any(|&l| l > 0));
    // Nothing over the limit: the whole log fits.
    let everything = sarif::UploadLimits {
        results_per_run: total,
        ..limits
    };
    let (log, kept, _) = sarif_within(&scan, everything);
    assert_eq!(kept.kept, total);
    assert!(log["runs"][0].get("properties").is_none());
}

#[test]
fn sarif_within_a_compressed_size_shrinks_until_it_fits() {
    let scan = full_scan();
    let (_, _, whole) = sarif_within(
        &scan,
        sarif::UploadLimits {
            results_per_run: usize::MAX,
            ..sarif::UploadLimits::GITHUB
        },
    );
    // A bound between the rules alone and the whole log.
    let bound = whole - whole / 20;
    let (log, kept, compressed) = sarif_within(
        &scan,
        sarif::UploadLimits {
            name: "a small consumer",
            results_per_run: usize::MAX,
            gzip_bytes: bound,
        },
    );
    assert!(compressed <= bound, "{compressed} > {bound}");
    assert!(kept.kept < kept.total && kept.kept > 0, "{kept:?}");
    assert_eq!(
        log["runs"][0]["results"].as_array().unwrap().len(),
        kept.kept
    );
}
