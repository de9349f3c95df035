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
    assert!(
        checked > 200,
        "only {checked} findings: are the fixtures there?"
    );
    assert!(
        missing.is_empty(),
        "kinds checks read but the webhook lets through: {missing:?}"
    );
}

#[test]
fn checks_that_need_the_rest_of_the_cluster_do_not_run_in_a_review() {
    let by_id = |id: &str| all_checks().iter().find(|c| c.id == id).unwrap();
    // Object checks run; so do RBAC checks of one Role.
    assert!(judges_alone(by_id("BHW001")));
    assert!(judges_alone(by_id("BHR003")));
    // "No ResourceQuota in the namespace" and "no policy selects it" need the cluster.
    for id in [
        "BHQ006", "BHQ007", "BHN001", "BHN012", "BHW036", "BHR013", "BHF001",
    ] {
        assert!(!judges_alone(by_id(id)), "{id}");
    }
}

/// deploy/admission/webhook.yaml: what the API server sends is what the webhook judges, and
/// the configuration keeps the properties its comments promise.
#[test]
fn the_webhook_configuration_sends_only_judged_kinds() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../deploy/admission/webhook.yaml");
    let text = std::fs::read_to_string(path).unwrap();
    let loaded = load_text("webhook.yaml", &text, &Limits::default());
    assert!(loaded.errors.is_empty(), "{:?}", loaded.errors);
    let config = loaded.objects[0].root.to_json();
    let webhook = &config["webhooks"][0];
    assert_eq!(webhook["sideEffects"], "None");
    assert_eq!(
        webhook["admissionReviewVersions"],
        serde_json::json!(["v1"])
    );
    assert_eq!(webhook["failurePolicy"], "Fail");
    assert!(webhook["timeoutSeconds"].as_i64().unwrap() <= 10);
    let excluded = &webhook["namespaceSelector"]["matchExpressions"][0];
    assert_eq!(excluded["operator"], "NotIn");
    assert_eq!(
        excluded["values"],
        serde_json::json!(["kube-system", "bulkhead-admission"])
    );
    let kind_of = |plural: &str| -> String {
        let base = plural.split('/').next().unwrap();
        let special = [
            ("endpoints", "Endpoints"),
            ("ingresses", "Ingress"),
            ("networkpolicies", "NetworkPolicy"),
            ("poddisruptionbudgets", "PodDisruptionBudget"),
            ("horizontalpodautoscalers", "HorizontalPodAutoscaler"),
            ("replicationcontrollers", "ReplicationController"),
            ("podtemplates", "PodTemplate"),
            ("statefulsets", "StatefulSet"),
            ("daemonsets", "DaemonSet"),
            ("replicasets", "ReplicaSet"),
            ("cronjobs", "CronJob"),
            ("configmaps", "ConfigMap"),
            ("serviceaccounts", "ServiceAccount"),
            ("rolebindings", "RoleBinding"),
            ("clusterroles", "ClusterRole"),
            ("clusterrolebindings", "ClusterRoleBinding"),
        ];
        if let Some((_, kind)) = special.iter().find(|(p, _)| *p == base) {
            return kind.to_string();
        }
        let singular = base.strip_suffix('s').unwrap();
        let mut kind = singular[..1].to_uppercase();
        kind.push_str(&singular[1..]);
        kind
    };
    let mut sent = 0;
    for rule in webhook["rules"].as_array().unwrap() {
        assert_eq!(rule["operations"], serde_json::json!(["CREATE", "UPDATE"]));
        for resource in rule["resources"].as_array().unwrap() {
            let kind = kind_of(resource.as_str().unwrap());
            assert!(
                is_judged(&kind),
                "{resource} ({kind}) is sent but never judged"
            );
            sent += 1;
        }
    }
    assert!(sent >= 20, "{sent}");
}
