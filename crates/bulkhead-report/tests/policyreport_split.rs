//! PolicyReports of a large scan: split per namespace and into numbered parts so that no
//! object exceeds the bound, serialized as YAML or as JSON, and no result lost or repeated.

use std::collections::BTreeMap;
use std::time::{Duration, UNIX_EPOCH};

use bulkhead_checks::{all_checks, run_checks, Options, Severity};
use bulkhead_model::{load_inputs, load_text, Input, Inventory, Limits};
use bulkhead_report::policyreport::{
    self, Report, CONTENT_HASH_ANNOTATION, MAX_REPORT_BYTES, PARTS_LABEL, PART_LABEL,
};
use bulkhead_report::ScanResult;
use serde_json::Value;

/// `count` insecure Deployments in `namespace` (plus one broken document), as one file.
fn deployments(namespace: &str, count: usize) -> String {
    let mut yaml = String::new();
    for i in 0..count {
        yaml.push_str(&format!(
            "---\napiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: app-{i}\n  namespace: {namespace}\n\
             spec:\n  selector: {{matchLabels: {{app: a{i}}}}}\n  template:\n    metadata: {{labels: {{app: a{i}}}}}\n\
             \x20   spec:\n      hostNetwork: true\n      containers:\n        - name: c\n          image: nginx\n\
             \x20         securityContext: {{privileged: true}}\n        - name: d\n          image: busybox:latest\n"
        ));
    }
    yaml
}

struct Scan {
    findings: Vec<bulkhead_checks::Finding>,
    errors: Vec<bulkhead_model::LoadError>,
    stats: bulkhead_model::LoadStats,
    objects: usize,
}

fn scan(inputs: &[Input]) -> Scan {
    let loaded = load_inputs(inputs, &Limits::default());
    let inventory = Inventory::new(loaded.objects);
    let findings = run_checks(&inventory, all_checks(), &Options::default());
    Scan {
        findings,
        errors: loaded.errors,
        stats: loaded.stats,
        objects: inventory.len(),
    }
}

fn result(scan: &Scan) -> ScanResult<'_> {
    ScanResult {
        findings: &scan.findings,
        errors: &scan.errors,
        stats: &scan.stats,
        objects: scan.objects,
        checks: all_checks(),
        elapsed: Duration::ZERO,
        fail_on: Severity::High,
        show_suppressed: false,
        config: None,
        framework: None,
        node: None,
        hidden: None,
    }
}

/// Scanned once for all the tests of this file.
fn large_scan() -> &'static Scan {
    static SCAN: std::sync::OnceLock<Scan> = std::sync::OnceLock::new();
    SCAN.get_or_init(|| {
        scan(&[
            Input::Text {
                name: "big.yaml".into(),
                text: deployments("big", 600),
            },
            Input::Text {
                name: "small.yaml".into(),
                text: deployments("small", 3),
            },
            Input::Text {
                name: "broken.yaml".into(),
                text: "apiVersion: v1\nkind: Pod\nmetadata: {name: [x\n".into(),
            },
        ])
    })
}

/// Every part within `max`, every result in exactly one part, parts numbered in order.
fn assert_split(scan: &Scan, reports: &[Report], max: usize) {
    let mut fingerprints: BTreeMap<String, usize> = BTreeMap::new();
    let mut input_results = 0;
    let mut parts: BTreeMap<(&str, Option<&str>), Vec<&Report>> = BTreeMap::new();
    for report in reports {
        let yaml = report.yaml();
        let object = report.json();
        let json = serde_json::to_vec(&object).unwrap();
        assert!(
            yaml.len() <= max,
            "{} {:?} {}: {} bytes of YAML",
            report.kind,
            report.namespace,
            report.name,
            yaml.len()
        );
        assert!(
            json.len() <= max,
            "{} {:?} {}: {} bytes of JSON",
            report.kind,
            report.namespace,
            report.name,
            json.len()
        );
        let results = object["results"].as_array().unwrap();
        assert_eq!(results.len(), report.results);
        let summary = &object["summary"];
        let count = |r: &str| results.iter().filter(|x| x["result"] == r).count() as u64;
        for outcome in ["fail", "skip", "error", "warn"] {
            assert_eq!(summary[outcome].as_u64(), Some(count(outcome)), "{outcome}");
        }
        for r in results {
            match r["properties"]["fingerprint"].as_str() {
                Some(fp) => *fingerprints.entry(fp.to_string()).or_default() += 1,
                None => input_results += 1,
            }
            let ns = r["resources"][0]["namespace"].as_str();
            assert_eq!(
                ns,
                report.namespace.as_deref(),
                "a result in its namespace's report"
            );
        }
        assert_eq!(
            object["metadata"]["annotations"][CONTENT_HASH_ANNOTATION],
            Value::String(report.content_hash.clone())
        );
        parts
            .entry((report.kind, report.namespace.as_deref()))
            .or_default()
            .push(report);
    }
    for ((kind, ns), list) in &parts {
        for (i, report) in list.iter().enumerate() {
            let name = if i == 0 {
                "bulkhead".to_string()
            } else {
                format!("bulkhead-{}", i + 1)
            };
            assert_eq!(report.name, name, "{kind} {ns:?}");
            let labels = &report.json()["metadata"]["labels"];
            assert_eq!(labels[PART_LABEL], Value::String((i + 1).to_string()));
            assert_eq!(labels[PARTS_LABEL], Value::String(list.len().to_string()));
        }
    }
    // No finding lost, none twice.
    assert_eq!(fingerprints.len(), scan.findings.len());
    assert!(fingerprints.values().all(|n| *n == 1));
    assert!(scan
        .findings
        .iter()
        .all(|f| fingerprints.contains_key(f.fingerprint.as_str())));
    assert_eq!(input_results, scan.errors.len());
}

#[test]
fn a_namespace_over_the_bound_is_split_into_numbered_parts() {
    let scan = large_scan();
    let at = UNIX_EPOCH + Duration::from_secs(1_700_000_000);
    let reports = policyreport::reports_at(&result(scan), at, MAX_REPORT_BYTES);
    // The big namespace alone is several MiB: it must have been split.
    let big: Vec<&Report> = reports
        .iter()
        .filter(|r| r.namespace.as_deref() == Some("big"))
        .collect();
    let total: usize = big.iter().map(|r| r.yaml().len()).sum();
    assert!(
        total > 2 * MAX_REPORT_BYTES,
        "{total} bytes: the test input is too small"
    );
    assert!(big.len() >= 3, "{} parts", big.len());
    // The small namespace and the cluster report stay whole.
    assert_eq!(
        reports
            .iter()
            .filter(|r| r.namespace.as_deref() == Some("small"))
            .count(),
        1
    );
    assert_eq!(reports[0].kind, "ClusterPolicyReport");
    assert_split(scan, &reports, MAX_REPORT_BYTES);
}

#[test]
fn any_bound_holds_even_a_small_one() {
    let scan = large_scan();
    for max in [64 * 1024, 300_000] {
        let reports = policyreport::reports_at(&result(scan), UNIX_EPOCH, max);
        assert_split(scan, &reports, max);
    }
}

#[test]
fn the_stream_reads_back_as_every_part() {
    let scan = large_scan();
    let mut out = Vec::new();
    policyreport::render_at(&result(scan), UNIX_EPOCH, &mut out).unwrap();
    let text = String::from_utf8(out).unwrap();
    let reports = policyreport::reports_at(&result(scan), UNIX_EPOCH, MAX_REPORT_BYTES);
    let loaded = load_text(
        "reports.yaml",
        &text,
        &Limits {
            max_document_bytes: MAX_REPORT_BYTES,
            ..Limits::default()
        },
    );
    assert!(loaded.errors.is_empty(), "{:?}", loaded.errors);
    assert_eq!(loaded.objects.len(), reports.len());
    for (object, report) in loaded.objects.iter().zip(&reports) {
        assert_eq!(object.root.to_json(), report.json());
    }
}

#[test]
fn the_content_hash_ignores_the_time_and_follows_the_findings() {
    let scan = large_scan();
    let early = policyreport::reports_at(&result(scan), UNIX_EPOCH, MAX_REPORT_BYTES);
    let late = policyreport::reports_at(
        &result(scan),
        UNIX_EPOCH + Duration::from_secs(3600),
        MAX_REPORT_BYTES,
    );
    for (a, b) in early.iter().zip(&late) {
        assert_ne!(a.yaml(), b.yaml());
        assert_eq!(a.content_hash, b.content_hash);
    }
    let fewer = scan_of_small(2);
    let more = scan_of_small(3);
    let hash = |s: &Scan| {
        policyreport::reports_at(&result(s), UNIX_EPOCH, MAX_REPORT_BYTES)
            .into_iter()
            .find(|r| r.namespace.as_deref() == Some("small"))
            .unwrap()
            .content_hash
    };
    assert_ne!(hash(&fewer), hash(&more));
}

fn scan_of_small(count: usize) -> Scan {
    scan(&[Input::Text {
        name: "small.yaml".into(),
        text: deployments("small", count),
    }])
}
