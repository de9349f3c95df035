//! `fix` on the real-world manifests kept in the repository (upstream projects' files, see
//! `crates/bulkhead/tests/fixtures/real-world/SOURCES.md`), every fix allowed: the fixed
//! findings are gone on a re-scan, what is left is exactly what `fix` said it could not
//! fix, the files still load, no line the fixes did not write changed, and a second run
//! changes nothing. (`bench/fix-real-world.sh` does the same over the whole corpus.)

mod common;

use std::collections::BTreeMap;

use bulkhead_engine::{ConfigChoice, Flags, Request, Settings, Sources};
use bulkhead_fix::{Defaults, Options};
use bulkhead_model::ErrorSeverity;

const CORPUS: &str = "../bulkhead/tests/fixtures/real-world";

fn settings() -> Settings {
    bulkhead_engine::settings::resolve(&Flags::default(), &ConfigChoice::Ignore, &[]).unwrap()
}

fn options() -> Options {
    let pairs = |list: &[(&str, &str)]| {
        list.iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    };
    Options {
        unsafe_fixes: true,
        defaults: Defaults {
            requests: pairs(&[("cpu", "100m"), ("memory", "128Mi")]),
            limits: pairs(&[
                ("cpu", "1"),
                ("memory", "512Mi"),
                ("ephemeral-storage", "1Gi"),
            ]),
        },
        only_line: None,
    }
}

/// Fixable findings by check, and the load errors.
fn scan(dir: &str) -> (BTreeMap<&'static str, usize>, usize) {
    let settings = settings();
    let outcome =
        bulkhead_engine::run(Request::new(Sources::Paths(vec![dir.into()]), &settings)).unwrap();
    let mut by_check = BTreeMap::new();
    for f in &outcome.findings {
        if bulkhead_fix::fixes::for_check(f.check.id).is_some() && f.suppression.is_none() {
            *by_check.entry(f.check.id).or_default() += 1;
        }
    }
    let errors = outcome
        .errors
        .iter()
        .filter(|e| e.severity == ErrorSeverity::Error)
        .count();
    (by_check, errors)
}

#[test]
fn fixing_the_real_world_corpus() {
    let dir = tempfile::tempdir().unwrap();
    for entry in std::fs::read_dir(CORPUS).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "yaml") {
            std::fs::copy(&path, dir.path().join(path.file_name().unwrap())).unwrap();
        }
    }
    let root = dir.path().to_string_lossy().into_owned();
    let (before, errors_before) = scan(&root);

    let outcome = bulkhead_fix::plan(std::slice::from_ref(&root), &settings(), &options()).unwrap();
    assert!(outcome.errors.is_empty(), "{:?}", outcome.errors);
    let applied: usize = outcome.files.iter().map(|f| f.applied.len()).sum();
    assert!(applied >= 100, "only {applied} fixes applied");
    for file in &outcome.files {
        common::assert_only_fixed_lines_changed(&file.before, &file.after);
    }
    bulkhead_fix::write(&outcome.files).unwrap();

    let (after, errors_after) = scan(&root);
    assert_eq!(
        errors_after, errors_before,
        "the fixed files load differently"
    );
    let left: usize = after.values().sum();
    assert_eq!(
        left,
        outcome.not_fixed.len(),
        "left {after:?}; not fixed {:#?}",
        outcome.not_fixed
    );
    let fixed_before: usize = before.values().sum();
    assert!(left < fixed_before / 10, "{before:?} -> {after:?}");

    let again = bulkhead_fix::plan(std::slice::from_ref(&root), &settings(), &options()).unwrap();
    assert!(
        again.files.is_empty(),
        "a second run changed {} files",
        again.files.len()
    );
}
