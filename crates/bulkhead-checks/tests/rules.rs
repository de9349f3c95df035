//! Every check against its fixtures: the insecure one must raise it, the secure one must not,
//! and the findings (with line:column ranges and pointers) are snapshots reviewed in the diff.

use std::path::Path;

use bulkhead_checks::{all_checks, run_checks, Check, Finding, Options};
use bulkhead_model::{load_text, Inventory, Limits};

/// The day every fixture is judged on (certificate expiry, end of life), so that snapshots do
/// not change with the calendar. Set once, before any check reads `Date::today()`.
fn pin_today() {
    static PIN: std::sync::Once = std::sync::Once::new();
    PIN.call_once(|| std::env::set_var("BULKHEAD_TODAY", "2026-11-27"));
}

fn scan(check: &'static Check, fixture: &str) -> Vec<Finding> {
    pin_today();
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(check.id)
        .join(fixture);
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("{} needs the fixture {}: {e}", check.id, path.display()));
    let loaded = load_text(
        &format!("{}/{fixture}", check.id),
        &text,
        &Limits::default(),
    );
    assert!(loaded.errors.is_empty(), "{fixture}: {:?}", loaded.errors);
    let inventory = Inventory::new(loaded.objects);
    run_checks(&inventory, &[check], &fixture_options(check))
}

/// Options for a check's fixtures, from an optional `options.txt` beside them
/// (`allowed-registry=...`, `pss-version=v1.N`, `kubernetes-version=1.N`, `rules=FILE` of
/// custom rules, one per line).
fn fixture_options(check: &Check) -> Options {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(check.id)
        .join("options.txt");
    let mut options = Options::default();
    let Ok(text) = std::fs::read_to_string(path) else {
        return options;
    };
    for line in text
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
    {
        let (key, value) = line.split_once('=').expect("key=value");
        match key {
            "allowed-registry" => options.allowed_registries.push(value.to_string()),
            "pss-version" => options.pss_version = value.parse().unwrap(),
            "kubernetes-version" => {
                let (major, minor) = value.split_once('.').expect("major.minor");
                options.kubernetes_version = Some((major.parse().unwrap(), minor.parse().unwrap()));
            }
            "rules" => {
                let file = Path::new(env!("CARGO_MANIFEST_DIR"))
                    .join("tests/fixtures")
                    .join(check.id)
                    .join(value);
                // Named relative to the fixtures, so that snapshots hold no machine path.
                let text = std::fs::read_to_string(&file).expect("the rules file");
                let source = bulkhead_model::SourceFile::new(format!("{}/{value}", check.id), text);
                let rules = bulkhead_cel::rules::read_text(&source).expect("valid rules");
                options.custom_rules = std::sync::Arc::new(bulkhead_checks::CustomRules::new(
                    rules.into_iter().map(std::sync::Arc::new),
                ));
            }
            other => panic!("{}: unknown option {other}", check.id),
        }
    }
    options
}

fn render(findings: &[Finding]) -> String {
    findings
        .iter()
        .map(|f| {
            let p = &f.location.position;
            format!(
                "{}:{}:{}-{}:{} {} [{}] {}\n    object: {}  pointer: {}{}\n    source: {}{}",
                f.location.path,
                p.line,
                p.column,
                p.end_line,
                p.end_column,
                f.check.id,
                f.severity,
                f.message,
                f.object,
                f.location.pointer,
                if f.location.exact {
                    ""
                } else {
                    "  (not set; nearest parent)"
                },
                f.file.line_text(p.line).trim(),
                if f.pss.is_empty() {
                    String::new()
                } else {
                    format!("\n    pss: {}", f.pss.join(", "))
                },
            )
        })
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn insecure_fixtures_raise_the_check_and_match_their_snapshots() {
    for check in all_checks() {
        let findings = scan(check, "insecure.yaml");
        assert!(
            !findings.is_empty(),
            "{} found nothing in its insecure fixture",
            check.id
        );
        assert!(findings.iter().all(|f| f.check.id == check.id));
        insta::assert_snapshot!(check.id, render(&findings));
    }
}

#[test]
fn secure_fixtures_stay_quiet() {
    for check in all_checks() {
        let findings = scan(check, "secure.yaml");
        assert!(
            findings.is_empty(),
            "{} reported its secure fixture:\n{}",
            check.id,
            render(&findings)
        );
    }
}

#[test]
fn secure_fixtures_are_quiet_for_every_check() {
    // The hardened fixtures are the example to copy, so no check may fire on any of them.
    pin_today();
    let checks: Vec<&'static Check> = all_checks().to_vec();
    for check in all_checks() {
        let path = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/fixtures")
            .join(check.id)
            .join("secure.yaml");
        let text = std::fs::read_to_string(&path).unwrap();
        let loaded = load_text("secure.yaml", &text, &Limits::default());
        let inventory = Inventory::new(loaded.objects);
        let findings = run_checks(&inventory, &checks, &Options::default());
        assert!(
            findings.is_empty(),
            "{}/secure.yaml:\n{}",
            check.id,
            render(&findings)
        );
    }
}

#[test]
fn fingerprints_survive_reformatting_and_reordering() {
    pin_today();
    let a = "apiVersion: v1\nkind: Pod\nmetadata: {name: p, namespace: ns}\nspec:\n  containers:\n  - name: web\n    image: a:1\n  - name: db\n    image: b:1\n    securityContext: {privileged: true}\n";
    let b = "# a comment that moves every line\napiVersion: v1\nkind: Pod\nmetadata:\n  namespace: ns\n  name: p\nspec:\n  containers:\n    - name: db\n      securityContext:\n        privileged: true\n      image: b:1\n    - name: web\n      image: a:1\n";
    let fingerprint = |text: &str| {
        let loaded = load_text("p.yaml", text, &Limits::default());
        let inventory = Inventory::new(loaded.objects);
        let check = bulkhead_checks::find_check("BHW001").unwrap();
        let findings = run_checks(&inventory, &[check], &Options::default());
        assert_eq!(findings.len(), 1);
        (findings[0].fingerprint, findings[0].location.position.line)
    };
    let (fa, la) = fingerprint(a);
    let (fb, lb) = fingerprint(b);
    assert_eq!(fa, fb);
    assert_ne!(la, lb);
}
