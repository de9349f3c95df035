//! Pod Security Standards conformance: every upstream fixture, at every version, as a Pod and
//! wrapped in a Deployment, a Job and a CronJob.
//!
//! A `fail/` pod must yield a finding whose PSS entries include `<level>:<control>` for the
//! control its file names (or the control that overrides it at that level and version); a
//! `pass/` pod must yield no entry at that level. The bar is 100%; the test prints the
//! agreement table.

use std::collections::BTreeMap;
use std::fs;
use std::path::Path;

use bulkhead_checks::pss::{self, Level, Version, CONTROLS};
use bulkhead_checks::rules::workload::PSS_CHECKS;
use bulkhead_checks::{run_checks, Options};
use bulkhead_model::{load_text, Inventory, Limits, Node, Value};

/// JSON text of a value tree, to rebuild the pod inside other kinds.
fn to_json(node: &Node) -> String {
    match &node.value {
        Value::Null => "null".into(),
        Value::Bool(b) => b.to_string(),
        Value::Int(i) => i.to_string(),
        Value::Float(f) => f.to_string(),
        Value::Str(s) => format!("{s:?}"),
        Value::Seq(items) => format!(
            "[{}]",
            items.iter().map(to_json).collect::<Vec<_>>().join(",")
        ),
        Value::Map(entries) => format!(
            "{{{}}}",
            entries
                .iter()
                .map(|e| format!("{:?}:{}", &*e.key, to_json(&e.value)))
                .collect::<Vec<_>>()
                .join(",")
        ),
    }
}

fn wrappers(pod: &Node) -> Vec<(&'static str, String)> {
    let meta = pod
        .get("metadata")
        .map(to_json)
        .unwrap_or_else(|| "{}".into());
    let spec = pod.get("spec").map(to_json).unwrap_or_else(|| "{}".into());
    let template = format!(r#"{{"metadata":{meta},"spec":{spec}}}"#);
    vec![
        ("Pod", to_json(pod)),
        (
            "Deployment",
            format!(
                r#"{{"apiVersion":"apps/v1","kind":"Deployment","metadata":{{"name":"w"}},"spec":{{"template":{template}}}}}"#
            ),
        ),
        (
            "Job",
            format!(
                r#"{{"apiVersion":"batch/v1","kind":"Job","metadata":{{"name":"w"}},"spec":{{"template":{template}}}}}"#
            ),
        ),
        (
            "CronJob",
            format!(
                r#"{{"apiVersion":"batch/v1","kind":"CronJob","metadata":{{"name":"w"}},"spec":{{"schedule":"* * * * *","jobTemplate":{{"spec":{{"template":{template}}}}}}}}}"#
            ),
        ),
    ]
}

/// The PSS entries at `level` of every finding on `text`.
fn entries(text: &str, version: Version, level: Level) -> Vec<String> {
    let loaded = load_text("fixture.json", text, &Limits::default());
    assert!(loaded.errors.is_empty(), "{:?}", loaded.errors);
    assert_eq!(loaded.objects.len(), 1);
    let options = Options {
        pss_version: version,
        ..Options::default()
    };
    let inventory = Inventory::new(loaded.objects);
    let prefix = format!("{}:", level.as_str());
    run_checks(&inventory, PSS_CHECKS, &options)
        .into_iter()
        .flat_map(|f| f.pss)
        .filter(|e| e.starts_with(&prefix))
        .collect()
}

#[derive(Default)]
struct Tally {
    agree: usize,
    total: usize,
}

#[test]
fn every_upstream_fixture_agrees_at_every_version() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/pss-conformance");
    let mut table: BTreeMap<(String, String), Tally> = BTreeMap::new();
    let mut disagreements = Vec::new();
    let mut pods = 0;
    for level in [Level::Baseline, Level::Restricted] {
        let level_dir = root.join(level.as_str());
        let mut versions: Vec<_> = fs::read_dir(&level_dir)
            .unwrap()
            .map(|e| e.unwrap().path())
            .collect();
        versions.sort();
        for version_dir in versions {
            let version: Version = version_dir
                .file_name()
                .unwrap()
                .to_str()
                .unwrap()
                .parse()
                .unwrap();
            for outcome in ["pass", "fail"] {
                let Ok(files) = fs::read_dir(version_dir.join(outcome)) else {
                    continue;
                };
                for file in files {
                    let path = file.unwrap().path();
                    let stem = path.file_stem().unwrap().to_str().unwrap();
                    let named = stem.trim_end_matches(|c: char| c.is_ascii_digit());
                    // `base.yaml` is the level's minimal passing pod; every other file names a control.
                    let control = CONTROLS.iter().find(|c| c.id.eq_ignore_ascii_case(named));
                    assert!(
                        control.is_some() || (named.starts_with("base") && outcome == "pass"),
                        "{}: no control {named}",
                        path.display()
                    );
                    let control_id = control.map_or(named, |c| c.id);
                    let text = fs::read_to_string(&path).unwrap();
                    let pod = load_text("pod.yaml", &text, &Limits::default())
                        .objects
                        .remove(0);
                    pods += 1;
                    let expected = control
                        .and_then(|c| pss::attribution(c.id, level, version))
                        .map(|c| format!("{}:{c}", level.as_str()));
                    for (kind, wrapped) in wrappers(&pod.root) {
                        let found = entries(&wrapped, version, level);
                        let ok = match outcome {
                            "pass" => found.is_empty(),
                            _ => expected.as_ref().is_some_and(|e| found.contains(e)),
                        };
                        let tally = table
                            .entry((
                                level.as_str().to_string(),
                                format!("{outcome}/{control_id}"),
                            ))
                            .or_default();
                        tally.total += 1;
                        if ok {
                            tally.agree += 1;
                        } else {
                            disagreements.push(format!(
                                "{} as {kind} at {version}: expected {}, found {found:?}",
                                path.strip_prefix(&root).unwrap().display(),
                                if outcome == "pass" {
                                    "nothing".to_string()
                                } else {
                                    format!("{expected:?}")
                                },
                            ));
                        }
                    }
                }
            }
        }
    }
    println!("\nPod Security Standards conformance ({pods} fixture pods, each as Pod, Deployment, Job, CronJob)");
    println!(
        "{:<11} {:<40} {:>7} {:>7}",
        "level", "outcome/control", "agree", "total"
    );
    let (mut agree, mut total) = (0, 0);
    for ((level, key), t) in &table {
        println!("{level:<11} {key:<40} {:>7} {:>7}", t.agree, t.total);
        agree += t.agree;
        total += t.total;
    }
    println!(
        "{:<11} {:<40} {agree:>7} {total:>7}  ({:.2}%)",
        "all",
        "",
        100.0 * agree as f64 / total as f64
    );
    assert!(pods >= 4537, "only {pods} fixtures found");
    assert!(
        disagreements.is_empty(),
        "{} disagreements, first ones:\n{}",
        disagreements.len(),
        disagreements
            .iter()
            .take(40)
            .cloned()
            .collect::<Vec<_>>()
            .join("\n")
    );
}
