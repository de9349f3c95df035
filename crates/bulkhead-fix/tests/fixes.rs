//! Every fix, round-tripped: the input under `tests/fixes/NAME.yaml` (or `.json`) is fixed
//! with only its check selected; the diff is a reviewed snapshot; a re-scan no longer
//! reports the check; every line the fix did not add keeps its bytes (a changed line keeps
//! its key: only the value changed); and a second run changes nothing.

use std::path::Path;

use bulkhead_engine::{ConfigChoice, Flags, Request, Settings, Sources};
use bulkhead_fix::{Defaults, Options, Outcome};

mod common;
use common::assert_only_fixed_lines_changed;

fn settings(check: &str) -> Settings {
    let flags = Flags {
        select: vec![check.to_string()],
        ..Flags::default()
    };
    bulkhead_engine::settings::resolve(&flags, &ConfigChoice::Ignore, &[]).unwrap()
}

fn options(unsafe_fixes: bool) -> Options {
    let pairs = |list: &[(&str, &str)]| {
        list.iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    };
    Options {
        unsafe_fixes,
        defaults: Defaults {
            requests: pairs(&[("cpu", "100m"), ("memory", "128Mi")]),
            limits: pairs(&[
                ("cpu", "500m"),
                ("memory", "256Mi"),
                ("ephemeral-storage", "1Gi"),
            ]),
        },
        only_line: None,
    }
}

/// Copies the case into a temporary directory and plans its fixes.
fn fix(case: &str, check: &str, unsafe_fixes: bool) -> (Outcome, tempfile::TempDir, String) {
    let source = Path::new("tests/fixes").join(case);
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(case);
    std::fs::copy(&source, &path).unwrap();
    let path = path.to_string_lossy().into_owned();
    let outcome = bulkhead_fix::plan(
        std::slice::from_ref(&path),
        &settings(check),
        &options(unsafe_fixes),
    )
    .unwrap();
    (outcome, dir, path)
}

fn findings_of(path: &str, check: &str) -> usize {
    let settings = settings(check);
    let outcome =
        bulkhead_engine::run(Request::new(Sources::Paths(vec![path.into()]), &settings)).unwrap();
    assert!(
        outcome
            .errors
            .iter()
            .all(|e| e.severity != bulkhead_model::ErrorSeverity::Error),
        "{path}: {:?}",
        outcome.errors
    );
    outcome.findings.len()
}

fn round_trip(case: &str, check: &str, unsafe_fixes: bool) {
    let (outcome, _dir, path) = fix(case, check, unsafe_fixes);
    assert!(outcome.errors.is_empty(), "{case}: {:?}", outcome.errors);
    assert!(
        outcome.not_fixed.is_empty(),
        "{case}: {:?}",
        outcome.not_fixed
    );
    assert_eq!(outcome.files.len(), 1, "{case}: nothing fixed");
    assert!(
        findings_of(&path, check) > 0,
        "{case}: the case has no {check} finding"
    );
    let file = &outcome.files[0];
    assert_only_fixed_lines_changed(&file.before, &file.after);
    let diff = bulkhead_fix::diff(file);
    let diff = diff.replace(&*file.path, case);
    insta::assert_snapshot!(case.replace('.', "_"), diff);
    bulkhead_fix::write(&outcome.files).unwrap();
    assert_eq!(
        findings_of(&path, check),
        0,
        "{case}: still reported after the fix"
    );
    let (again, _dir2, _) = {
        let again = bulkhead_fix::plan(
            std::slice::from_ref(&path),
            &settings(check),
            &options(unsafe_fixes),
        )
        .unwrap();
        (again, (), ())
    };
    assert!(
        again.files.is_empty(),
        "{case}: a second run changed {:?}",
        again.files
    );
}

macro_rules! cases {
    ($($name:ident: $case:literal, $check:literal, $unsafe:literal;)*) => {
        $(
            #[test]
            fn $name() {
                round_trip($case, $check, $unsafe);
            }
        )*
    };
}

cases! {
    privileged_becomes_false_and_the_comment_stays: "privileged.yaml", "BHW001", true;
    allow_privilege_escalation_in_a_block_context: "escalation-block.yaml", "BHW002", false;
    allow_privilege_escalation_without_a_context: "escalation-missing.yaml", "BHW002", false;
    allow_privilege_escalation_in_a_flow_context: "escalation-flow.yaml", "BHW002", false;
    allow_privilege_escalation_in_an_empty_context: "escalation-empty.yaml", "BHW002", false;
    allow_privilege_escalation_under_a_null_context: "escalation-null.yaml", "BHW002", false;
    allow_privilege_escalation_in_json: "escalation.json", "BHW002", false;
    host_namespaces_become_false: "host-namespaces.yaml", "BHW003", true;
    run_as_non_root: "run-as-root.yaml", "BHW005", true;
    read_only_root_filesystem: "writable-root.yaml", "BHW006", true;
    drop_all_added_to_a_flow_list: "drop-flow.yaml", "BHW008", true;
    drop_all_added_to_a_block_list: "drop-block.yaml", "BHW008", true;
    drop_all_spelled_as_admission_wants_and_chown_removed: "drop-misspelled.yaml", "BHW008", true;
    dangerous_capabilities_removed: "capabilities-added.yaml", "BHW007", true;
    automount_service_account_token: "automount.yaml", "BHW009", true;
    apparmor_runtime_default: "apparmor.yaml", "BHW011", true;
    proc_mount_default: "proc-mount.yaml", "BHW013", true;
    seccomp_runtime_default_added: "seccomp-missing.yaml", "BHW014", false;
    seccomp_unconfined_replaced_keeping_quotes: "seccomp-unconfined.yaml", "BHW014", false;
    windows_host_process: "host-process.yaml", "BHW016", true;
    host_users: "host-users.yaml", "BHW034", true;
    service_account_renamed: "service-account.yaml", "BHW040", false;
    image_pull_policy_replaced: "pull-policy.yaml", "BHI003", false;
    resource_limits_from_defaults: "limits.yaml", "BHQ001", false;
    resource_requests_from_defaults: "requests.yaml", "BHQ002", false;
    ephemeral_storage_limit_from_defaults: "ephemeral.yaml", "BHQ005", false;
}

#[test]
fn unsafe_fixes_wait_for_the_flag() {
    let (outcome, _dir, _) = fix("writable-root.yaml", "BHW006", false);
    assert!(outcome.files.is_empty());
    assert_eq!(outcome.not_fixed.len(), 1);
    assert!(
        outcome.not_fixed[0].reason.contains("--unsafe"),
        "{:?}",
        outcome.not_fixed
    );
}

#[test]
fn a_field_inside_template_logic_is_refused_with_the_reason() {
    let (outcome, _dir, _) = fix("helm-template.yaml", "BHW002", false);
    assert!(outcome.files.is_empty(), "{:?}", outcome.files);
    let reasons: Vec<&str> = outcome
        .not_fixed
        .iter()
        .map(|n| n.reason.as_str())
        .collect();
    assert!(
        !reasons.is_empty() && reasons.iter().all(|r| r.contains("Helm template logic")),
        "{reasons:?}"
    );
}

#[test]
fn a_template_that_is_not_yaml_is_named() {
    let (outcome, _dir, _) = fix("helm-directives.yaml", "BHW002", false);
    assert!(outcome.files.is_empty());
    assert_eq!(outcome.errors.len(), 1, "{:?}", outcome.errors);
    assert!(
        outcome.errors[0].message.contains("helm template"),
        "{:?}",
        outcome.errors
    );
    assert_eq!(
        outcome.errors[0].severity,
        bulkhead_model::ErrorSeverity::Warning
    );
}

#[test]
fn literal_yaml_in_a_helm_template_is_fixed() {
    round_trip("helm-literal.yaml", "BHW002", false);
}

#[test]
fn missing_defaults_are_named() {
    let (outcome, _dir, path) = fix("limits.yaml", "BHQ001", false);
    drop(outcome);
    let none = Options::default();
    let outcome = bulkhead_fix::plan(&[path], &settings("BHQ001"), &none).unwrap();
    assert!(outcome.files.is_empty());
    assert!(
        outcome.not_fixed[0]
            .reason
            .contains("--default-limit memory=AMOUNT"),
        "{:?}",
        outcome.not_fixed
    );
}

#[test]
#[should_panic(expected = "line 2 changed or deleted")]
fn the_line_check_catches_an_unrelated_change() {
    assert_only_fixed_lines_changed("a: 1\nb: 2\nc: 3\n", "a: 1\nb2: 3\nc: 3\nd: 4\n");
}

#[test]
#[should_panic(expected = "line 1 changed or deleted")]
fn the_line_check_catches_a_deleted_field() {
    assert_only_fixed_lines_changed("a: 1\n- x\n", "- x\n");
}

#[test]
fn the_line_check_accepts_what_fixes_write() {
    assert_only_fixed_lines_changed(
        "a: true  # why\nb: [X]\n- all\nc: 1",
        "a: false  # why\nb: [X, ALL]\n- ALL\nc: 1\nd: 2\n",
    );
}
