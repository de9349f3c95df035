//! The kinds the webhook lets through unjudged must be kinds no check reads: every check the
//! webhook runs is run over its own insecure fixture, and every API kind it reports on must
//! be in `JUDGED_KINDS`. A new check over a new kind fails here until the list names it.

use std::collections::BTreeSet;
use std::path::Path;

use bulkhead_checks::{all_checks, run_checks, Options};
use bulkhead_model::{load_text, Inventory, Limits};
use bulkhead_server::admission::kinds::{is_judged, judges_alone};

/// Configuration files and node facts: read from disk, never sent to an admission webhook.
fn never_admitted(api_version: &str) -> bool {
    let group = api_version.split_once('/').map_or("", |(g, _)| g);
    group.ends_with("config.k8s.io") || group == "audit.k8s.io" || group.ends_with("bulkhead.dev")
}

#[test]
fn every_fixture_kind_with_a_finding_is_judged() {
    let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("../bulkhead-checks/tests/fixtures");
    let mut missing = BTreeSet::new();
    let mut checked = 0;
    for check in all_checks().iter().filter(|c| judges_alone(c)) {
        let path = fixtures.join(check.id).join("insecure.yaml");
        let Ok(text) = std::fs::read_to_string(&path) else {
            continue;
        };
        let loaded = load_text(check.id, &text, &Limits::default());
        let inventory = Inventory::new(loaded.objects);
        for finding in run_checks(&inventory, &[check], &Options::default()) {
            checked += 1;
            if !never_admitted(&finding.object.api_version) && !is_judged(&finding.object.kind) {
                missing.insert(format!("{} ({})", finding.object.kind, check.id));
            }
        }
    }
    assert!(checked > 200, "only {checked} findings: are the fixtures there?");
    assert!(missing.is_empty(), "kinds checks read but the webhook lets through: {missing:?}");
}

#[test]
fn checks_that_need_the_rest_of_the_cluster_do_not_run_in_a_review() {
    let by_id = |id: &str| all_checks().iter().find(|c| c.id == id).unwrap();
    // Object checks run; so do RBAC checks of one Role.
    assert!(judges_alone(by_id("BHW001")));
    assert!(judges_alone(by_id("BHR003")));
    // "No ResourceQuota in the namespace" and "no policy selects it" need the cluster.
    for id in ["BHQ006", "BHQ007", "BHN001", "BHN012", "BHW036", "BHR013", "BHF001"] {
        assert!(!judges_alone(by_id(id)), "{id}");
    }
}
