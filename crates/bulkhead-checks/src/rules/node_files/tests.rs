//! The file checks against the CIS catalogue: each recommendation of 1.1 and 4.1 has its
//! check, and each check judges exactly the files its control needs, so that a scan holding
//! such a file decides the control (FAIL or WARN when the file is open, PASS when it is not).

use bulkhead_model::{load_text, Inventory, Limits};

use crate::frameworks::catalogue::find_framework;
use crate::frameworks::{Coverage, Status};
use crate::rules::node_files::CHECKS;
use crate::{run_checks, Check, Options};

/// A `File` of one role with the given mode and owner names, on a node that runs the API
/// server and the kubelet (so that control-plane and node controls are in the scan's scope).
fn file(role: &str, mode: &str, user: &str, group: &str) -> Inventory {
    let id = if user == "root" { 0 } else { 65534 };
    let text = format!(
        "apiVersion: node.bulkhead.dev/v1\nkind: File\nmetadata:\n  name: /x\nspec:\n  path: /x\n  type: file\n  mode: \"{mode}\"\n  user: {user}\n  group: {group}\n  uid: {id}\n  gid: {id}\n  roles: [\"{role}\"]\n{PROCESSES}"
    );
    let loaded = load_text("stat:/x", &text, &Limits::default());
    assert!(loaded.errors.is_empty(), "{:?}", loaded.errors);
    Inventory::new(loaded.objects)
}

const PROCESSES: &str = "---\napiVersion: node.bulkhead.dev/v1\nkind: Process\nmetadata:\n  name: kube-apiserver\nspec:\n  pid: 10\n  command: [kube-apiserver]\n---\napiVersion: node.bulkhead.dev/v1\nkind: Process\nmetadata:\n  name: kubelet\nspec:\n  pid: 11\n  command: [kubelet]\n";

/// The CIS file controls (1.1.x, 4.1.x): id, whether CIS marks it automated, and the roles
/// its `needs` name.
fn file_controls() -> Vec<(String, bool, Vec<String>)> {
    let cis = find_framework("cis-1.12").expect("the CIS catalogue");
    cis.controls
        .iter()
        .filter(|c| c.id.starts_with("1.1.") || c.id.starts_with("4.1."))
        .map(|c| {
            let roles = c
                .needs
                .iter()
                .filter_map(|n| n.strip_prefix("file:"))
                .map(str::to_string)
                .collect();
            (c.id.clone(), c.automated, roles)
        })
        .collect()
}

fn checks_citing(control: &str) -> Vec<&'static Check> {
    CHECKS
        .iter()
        .copied()
        .filter(|c| c.compliance.cis.contains(&control))
        .collect()
}

fn status(inventory: &Inventory, control: &str) -> Status {
    let cis = find_framework("cis-1.12").unwrap();
    let findings = run_checks(inventory, CHECKS, &Options::default());
    let report = cis.evaluate_with(&findings, Coverage::of(inventory), CHECKS);
    report
        .controls
        .iter()
        .find(|r| r.control.id == control)
        .map(|r| r.status)
        .unwrap()
}

#[test]
fn every_file_recommendation_has_one_check_of_this_family() {
    let controls = file_controls();
    assert_eq!(controls.len(), 31);
    for (control, _, roles) in &controls {
        assert_eq!(checks_citing(control).len(), 1, "CIS {control}");
        assert!(!roles.is_empty(), "CIS {control} needs no file");
    }
}

#[test]
fn an_open_file_of_the_needed_role_fails_the_control_and_a_closed_one_does_not() {
    for (control, automated, roles) in file_controls() {
        let check = checks_citing(&control)[0];
        for role in &roles {
            let open = file(role, "7777", "nobody", "nogroup");
            let findings = run_checks(&open, &[check], &Options::default());
            assert!(!findings.is_empty(), "{} on a {role} file", check.id);
            // CIS marks some file recommendations manual: a finding is then a WARN.
            let expected = if automated {
                Status::Fail
            } else {
                Status::Warn
            };
            assert_eq!(status(&open, &control), expected, "CIS {control}");
            let closed = file(role, "0400", "root", "root");
            assert!(
                run_checks(&closed, CHECKS, &Options::default()).is_empty(),
                "a closed {role} file"
            );
            // A manual recommendation is never passed: a person judges it with the evidence.
            let expected = if automated {
                Status::Pass
            } else {
                Status::Manual
            };
            assert_eq!(status(&closed, &control), expected, "CIS {control}");
        }
    }
}
