//! The text styles a person reads (`concise`, `grouped`, `--statistics`, the orienting end of
//! the full report) and the severity filters, on the bundled examples. Each style is checked
//! against the JSON report of the same scan, so that no finding is lost in the telling.

use std::collections::BTreeMap;
use std::path::Path;

use assert_cmd::Command;
use serde_json::Value;

fn examples() -> String {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../examples")
        .to_string_lossy()
        .into_owned()
}

/// Runs `bulkhead scan ARGS examples/` and returns standard output and the exit code.
fn scan(args: &[&str]) -> (String, i32) {
    let out = Command::cargo_bin("bulkhead")
        .unwrap()
        .env("NO_COLOR", "1")
        .arg("scan")
        .args(args)
        .arg(examples())
        .output()
        .unwrap();
    (
        String::from_utf8(out.stdout).unwrap(),
        out.status.code().unwrap(),
    )
}

fn json(args: &[&str]) -> Value {
    let mut all = vec!["-f", "json"];
    all.extend_from_slice(args);
    serde_json::from_str(&scan(&all).0).unwrap()
}

/// `path:line:col ID severity` of every finding in the JSON report.
fn json_keys(report: &Value) -> Vec<String> {
    let mut keys: Vec<String> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            let l = &f["location"];
            format!(
                "{}:{}:{} {} {}",
                l["path"].as_str().unwrap(),
                l["line"],
                l["column"],
                f["check"].as_str().unwrap(),
                f["severity"].as_str().unwrap()
            )
        })
        .collect();
    keys.sort();
    keys
}

#[test]
fn concise_is_one_line_per_finding_in_the_editor_shape() {
    let (text, code) = scan(&["-f", "concise"]);
    assert_eq!(code, 1);
    let mut keys = Vec::new();
    for line in text.lines().filter(|l| l.contains(": BH")) {
        // path:line:col: ID [severity] message
        let (location, rest) = line.split_once(": ").unwrap();
        let mut parts = location.rsplitn(3, ':');
        let column: u32 = parts.next().unwrap().parse().unwrap();
        let row: u32 = parts.next().unwrap().parse().unwrap();
        let path = parts.next().unwrap();
        let mut words = rest.splitn(3, ' ');
        let id = words.next().unwrap();
        let severity = words.next().unwrap();
        assert!(
            severity.starts_with('[') && severity.ends_with(']'),
            "{line}"
        );
        assert!(!words.next().unwrap().is_empty(), "no message: {line}");
        keys.push(format!(
            "{path}:{row}:{column} {id} {}",
            severity.trim_matches(['[', ']'])
        ));
    }
    keys.sort();
    assert_eq!(keys, json_keys(&json(&[])));
    // No snippets, no carets.
    assert!(!text.contains(" | "), "{text}");
    assert!(text.contains("findings:"), "the summary ends the report");
}

#[test]
fn grouped_counts_match_the_rows_under_each_object() {
    let (text, _) = scan(&["-f", "grouped"]);
    let mut current: Option<(String, usize)> = None;
    let mut rows = 0;
    let mut objects = 0;
    let close = |current: &Option<(String, usize)>, rows: usize| {
        if let Some((object, expected)) = current {
            assert_eq!(rows, *expected, "{object}");
        }
    };
    for line in text.lines() {
        if let Some(rest) = line.strip_prefix("  ").filter(|l| !l.starts_with(' ')) {
            close(&current, rows);
            let (object, counts) = rest.split_once(" (").unwrap();
            let n: usize = counts.split(' ').next().unwrap().parse().unwrap();
            current = Some((object.to_string(), n));
            rows = 0;
            objects += 1;
        } else if line.starts_with("    ") {
            rows += 1;
        }
    }
    close(&current, rows);
    let report = json(&[]);
    let distinct: std::collections::BTreeSet<String> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            format!(
                "{} {}",
                f["location"]["path"].as_str().unwrap(),
                f["object"]["name"].as_str().unwrap()
            )
        })
        .collect();
    assert_eq!(objects, distinct.len(), "{text}");
}

#[test]
fn statistics_counts_every_check_most_first() {
    let (text, code) = scan(&["--statistics"]);
    assert_eq!(code, 1, "the exit code is the scan's");
    let mut counts: BTreeMap<String, usize> = BTreeMap::new();
    let mut order = Vec::new();
    for line in text.lines().skip(1).take_while(|l| !l.is_empty()) {
        let words: Vec<&str> = line.split_whitespace().collect();
        let n: usize = words[0].parse().unwrap();
        counts.insert(words[1].to_string(), n);
        order.push(n);
    }
    let mut expected: BTreeMap<String, usize> = BTreeMap::new();
    for f in json(&[])["findings"].as_array().unwrap() {
        *expected
            .entry(f["check"].as_str().unwrap().to_string())
            .or_default() += 1;
    }
    assert_eq!(counts, expected);
    assert!(order.windows(2).all(|w| w[0] >= w[1]), "{text}");
    // The same table with `-f statistics`, and beside a JSON report written to a file.
    let timeless = |t: &str| -> String {
        t.lines()
            .filter(|l| !l.starts_with("Scanned "))
            .collect::<Vec<_>>()
            .join("\n")
    };
    assert_eq!(timeless(&scan(&["-f", "statistics"]).0), timeless(&text));
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("r.json");
    let (beside, _) = scan(&["--statistics", "-f", "json", "-o", path.to_str().unwrap()]);
    assert_eq!(timeless(&beside), timeless(&text));
    assert!(std::fs::read_to_string(&path)
        .unwrap()
        .contains("\"findings\""));
}

#[test]
fn min_severity_hides_counts_and_decides_the_exit_code() {
    let all = json(&[]);
    let total = all["summary"]["findings"].as_u64().unwrap();
    let high = json(&["--min-severity", "high"]);
    let shown = high["findings"].as_array().unwrap();
    assert!(!shown.is_empty());
    assert!(shown
        .iter()
        .all(|f| matches!(f["severity"].as_str(), Some("high" | "critical"))));
    assert_eq!(
        high["summary"]["hidden"].as_u64().unwrap(),
        total - shown.len() as u64
    );
    let (text, _) = scan(&["--min-severity", "high"]);
    assert!(text.contains("Hidden: "), "{text}");
    assert!(text.contains("--min-severity high"), "{text}");
    // Only low findings shown: none reaches the failure threshold (high).
    let (_, code) = scan(&["--severity", "low", "-f", "concise"]);
    assert_eq!(code, 0);
    let low = json(&["--severity", "low,info"]);
    assert!(low["findings"]
        .as_array()
        .unwrap()
        .iter()
        .all(|f| matches!(f["severity"].as_str(), Some("low" | "info"))));
    let (_, code) = scan(&["--min-severity", "severe"]);
    assert_eq!(code, 2, "an unknown severity is a usage error");
}

#[test]
fn the_full_report_ends_with_what_fires_most_and_how_to_see_more() {
    let (text, _) = scan(&[]);
    let end = text.split("Checks that fire most:").nth(1).unwrap();
    assert!(end.contains("Objects with the most findings:"), "{end}");
    assert!(end.contains("--statistics"), "{end}");
    let (quiet, _) = scan(&["--select", "BHW001"]);
    assert!(
        !quiet.contains("Checks that fire most:"),
        "a short report needs no orientation: {quiet}"
    );
}
