//! Drift between the fixture manifests (`tests/fixtures/desired`) and a live snapshot as
//! `kubectl get -o yaml` prints it (`tests/fixtures/live/cluster.yaml`): server-defaulted
//! fields everywhere, a privileged flag and a new image set live, an RBAC rule added, a
//! NetworkPolicy deleted, a Service turned into a NodePort, an unmanaged
//! ClusterRoleBinding, a CronJob never applied. Paths are relative to the crate, as the
//! report prints them.

use bulkhead_drift::{compare, render, Op, Options};
use bulkhead_model::{discover, load_inputs, load_text, Limits, Object};

fn load(path: &str) -> Vec<Object> {
    let discovery = discover(&[path.to_string()]);
    assert!(discovery.errors.is_empty(), "{:?}", discovery.errors);
    let loaded = load_inputs(&discovery.inputs, &Limits::default());
    assert!(loaded.errors.is_empty(), "{:?}", loaded.errors);
    loaded.objects
}

fn fixture_report(options: &Options) -> bulkhead_drift::DriftReport {
    compare(
        &load("tests/fixtures/desired"),
        &load("tests/fixtures/live/cluster.yaml"),
        options,
    )
}

#[test]
fn fixture_drift_text() {
    let report = fixture_report(&Options::default());
    insta::assert_snapshot!(render::text(&report));
}

#[test]
fn fixture_drift_json() {
    let report = fixture_report(&Options::default());
    insta::assert_snapshot!(render::json(&report));
}

#[test]
fn all_kinds_lists_unmanaged_configmaps_without_making_them_security_drift() {
    let report = fixture_report(&Options {
        all_kinds: true,
        ..Options::default()
    });
    let unmanaged: Vec<String> = report
        .unmanaged
        .iter()
        .map(|o| o.object.to_string())
        .collect();
    assert_eq!(
        unmanaged,
        [
            "ClusterRoleBinding/debug-admin",
            "ConfigMap/shop/feature-flags"
        ]
    );
    let flags = &report.unmanaged[1];
    assert!(!flags.security_relevant);
    assert_eq!(report.summary.other_kinds_hidden, 0);
}

fn objects(name: &str, text: &str) -> Vec<Object> {
    let loaded = load_text(name, text, &Limits::default());
    assert!(loaded.errors.is_empty(), "{:?}", loaded.errors);
    loaded.objects
}

const DESIRED_POD: &str = "apiVersion: v1
kind: Pod
metadata:
  name: p
spec:
  containers:
    - name: app
      image: app:1
";

#[test]
fn identical_sets_have_no_drift() {
    let desired = objects("d.yaml", DESIRED_POD);
    let report = compare(&desired, &desired, &Options::default());
    assert_eq!(report.differences.len(), 0);
    assert!(!report.summary.security_drift);
    assert_eq!(report.summary.compared, 1);
}

#[test]
fn namespace_less_manifest_matches_the_given_namespace_only() {
    let desired = objects("d.yaml", DESIRED_POD);
    let live = objects(
        "l.yaml",
        &DESIRED_POD.replace("name: p\n", "name: p\n  namespace: team\n"),
    );
    let in_default = compare(&desired, &live, &Options::default());
    assert_eq!(in_default.summary.compared, 0);
    assert_eq!(in_default.not_applied.len(), 1);
    assert_eq!(in_default.unmanaged.len(), 1);
    let in_team = compare(
        &desired,
        &live,
        &Options {
            default_namespace: "team".into(),
            ..Options::default()
        },
    );
    assert_eq!(in_team.summary.compared, 1);
    assert!(!in_team.summary.security_drift);
}

#[test]
fn container_added_live_reports_its_security_fields_at_the_list() {
    let desired = objects("d.yaml", DESIRED_POD);
    let live = objects(
        "l.yaml",
        &format!(
            "{DESIRED_POD}    - name: debug\n      image: nicolaka/netshoot\n      securityContext:\n        privileged: true\n"
        ),
    );
    let report = compare(&desired, &live, &Options::default());
    let fields: Vec<(Op, &str, u32)> = report
        .differences
        .iter()
        .map(|d| (d.op, d.field.as_str(), d.desired.location.position.line))
        .collect();
    // The image's default pull policy (`Always` for an untagged image) is not drift.
    assert_eq!(
        fields,
        [
            (Op::Added, "spec.containers[debug].image", 6),
            (
                Op::Added,
                "spec.containers[debug].securityContext.privileged",
                6
            ),
        ]
    );
    assert!(report.differences.iter().all(|d| !d.desired.exact));
    assert_eq!(report.differences[1].live.location.position.line, 12);
}

#[test]
fn reordered_rbac_rules_and_verbs_are_not_drift_but_a_changed_verb_is() {
    let role = |rules: &str| {
        format!(
            "apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nmetadata:\n  name: r\nrules:\n{rules}"
        )
    };
    let a = "- apiGroups: ['']\n  resources: [pods]\n  verbs: [get, list]\n- apiGroups: [apps]\n  resources: [deployments]\n  verbs: [get]\n";
    let b = "- apiGroups: [apps]\n  resources: [deployments]\n  verbs: [get]\n- apiGroups: ['']\n  resources: [pods]\n  verbs: [list, get]\n";
    let c = "- apiGroups: [apps]\n  resources: [deployments]\n  verbs: [get]\n- apiGroups: ['']\n  resources: [pods]\n  verbs: [list, delete]\n";
    let desired = objects("d.yaml", &role(a));
    let same = compare(&desired, &objects("l.yaml", &role(b)), &Options::default());
    assert_eq!(same.differences.len(), 0);
    let changed = compare(&desired, &objects("l.yaml", &role(c)), &Options::default());
    let fields: Vec<(Op, &str)> = changed
        .differences
        .iter()
        .map(|d| (d.op, d.field.as_str()))
        .collect();
    assert_eq!(fields, [(Op::Changed, "rules[0].verbs[0]")]);
    assert_eq!(changed.differences[0].desired.value, Some("get".into()));
    assert_eq!(changed.differences[0].live.value, Some("delete".into()));
}

#[test]
fn aggregated_cluster_role_rules_are_the_controllers() {
    let role = |rules: &str| {
        format!(
            "apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nmetadata:\n  name: r\naggregationRule:\n  clusterRoleSelectors:\n  - matchLabels: {{x: y}}\nrules: {rules}\n"
        )
    };
    let report = compare(
        &objects("d.yaml", &role("[]")),
        &objects(
            "l.yaml",
            &role("[{apiGroups: [''], resources: [pods], verbs: [get]}]"),
        ),
        &Options::default(),
    );
    assert_eq!(report.differences.len(), 0);
}

#[test]
fn a_node_port_written_in_the_manifest_must_match() {
    let service = |node_port: &str| {
        format!(
            "apiVersion: v1\nkind: Service\nmetadata:\n  name: s\nspec:\n  type: NodePort\n  ports:\n  - port: 80\n{node_port}"
        )
    };
    let live = objects("l.yaml", &service("    nodePort: 31000\n"));
    let unset = compare(&objects("d.yaml", &service("")), &live, &Options::default());
    assert_eq!(
        unset.differences.len(),
        0,
        "an allocated nodePort is not drift"
    );
    let pinned = compare(
        &objects("d.yaml", &service("    nodePort: 30080\n")),
        &live,
        &Options::default(),
    );
    assert_eq!(pinned.differences.len(), 1);
    assert_eq!(pinned.differences[0].field, "spec.ports[80/TCP].nodePort");
}

#[test]
fn pull_policy_defaulted_from_either_image_is_not_drift() {
    let desired = objects("d.yaml", DESIRED_POD);
    for policy in ["Always", "IfNotPresent"] {
        let live = objects(
            "l.yaml",
            &DESIRED_POD.replace(
                "image: app:1\n",
                &format!("image: app\n      imagePullPolicy: {policy}\n"),
            ),
        );
        let report = compare(&desired, &live, &Options::default());
        let fields: Vec<&str> = report
            .differences
            .iter()
            .map(|d| d.field.as_str())
            .collect();
        assert_eq!(fields, ["spec.containers[app].image"], "{policy}");
    }
    let never = objects(
        "l.yaml",
        &DESIRED_POD.replace(
            "image: app:1\n",
            "image: app:1\n      imagePullPolicy: Never\n",
        ),
    );
    let report = compare(&desired, &never, &Options::default());
    assert_eq!(
        report.differences[0].field,
        "spec.containers[app].imagePullPolicy"
    );
}

#[test]
fn the_same_object_twice_is_a_warning_and_the_first_is_compared() {
    let desired = objects(
        "d.yaml",
        &format!(
            "{DESIRED_POD}---\n{}",
            DESIRED_POD.replace("app:1", "app:2")
        ),
    );
    let live = objects("l.yaml", DESIRED_POD);
    let report = compare(&desired, &live, &Options::default());
    assert_eq!(report.differences.len(), 0);
    assert_eq!(report.warnings.len(), 1);
    let text = render::text(&report);
    assert!(
        text.contains("d.yaml:13:3: warning: Pod/default/p appears twice in the manifests; the first, at d.yaml:4, is compared"),
        "{text}"
    );
}

fn fields_of(report: &bulkhead_drift::DriftReport) -> Vec<(Op, String)> {
    report
        .differences
        .iter()
        .map(|d| (d.op, d.field.clone()))
        .collect()
}

#[test]
fn host_path_volume_added_live_is_reported_whole_but_the_token_volume_is_not() {
    let desired = objects("d.yaml", DESIRED_POD);
    let live = objects(
        "l.yaml",
        &format!(
            "{DESIRED_POD}  volumes:\n  - name: host\n    hostPath: {{path: /}}\n  - name: kube-api-access-abcde\n    projected: {{sources: []}}\n"
        ),
    );
    let report = compare(&desired, &live, &Options::default());
    assert_eq!(
        fields_of(&report),
        [(Op::Added, "spec.volumes[host]".to_string())]
    );
    assert_eq!(
        report.differences[0].live.value,
        Some(serde_json::json!({"name": "host", "hostPath": {"path": "/"}}))
    );
}

#[test]
fn service_and_ingress_exposure_changes_are_drift() {
    let service = "apiVersion: v1\nkind: Service\nmetadata:\n  name: s\nspec:\n  type: LoadBalancer\n  loadBalancerSourceRanges: [10.0.0.0/8]\n  ports:\n  - port: 443\n";
    let opened = service.replace("[10.0.0.0/8]", "[0.0.0.0/0]") + "  externalIPs: [203.0.113.7]\n";
    let report = compare(
        &objects("d.yaml", service),
        &objects("l.yaml", &opened),
        &Options::default(),
    );
    assert_eq!(
        fields_of(&report),
        [
            (Op::Changed, "spec.loadBalancerSourceRanges[0]".to_string()),
            (Op::Added, "spec.externalIPs[0]".to_string()),
        ]
    );
    let ingress = "apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata:\n  name: i\nspec:\n  tls:\n  - hosts: [shop.example.com]\n    secretName: shop-tls\n  rules:\n  - host: shop.example.com\n";
    let plain = ingress.replace(
        "  tls:\n  - hosts: [shop.example.com]\n    secretName: shop-tls\n",
        "",
    );
    let report = compare(
        &objects("d.yaml", ingress),
        &objects("l.yaml", &plain),
        &Options::default(),
    );
    assert_eq!(
        fields_of(&report),
        [(Op::Removed, "spec.tls[0]".to_string())]
    );
    assert!(
        !report.differences[0].live.exact,
        "the live side points at spec"
    );
    assert_eq!(report.differences[0].live.location.pointer, "/spec");
}

#[test]
fn a_widened_network_policy_peer_is_drift() {
    // `podSelector: {}` selects every pod: the label that narrowed it is gone.
    let policy = |peer: &str| {
        format!(
            "apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata:\n  name: db\n  namespace: shop\nspec:\n  podSelector: {{matchLabels: {{app: db}}}}\n  ingress:\n  - from:\n    - {peer}\n"
        )
    };
    let report = compare(
        &objects("d.yaml", &policy("podSelector: {matchLabels: {app: api}}")),
        &objects("l.yaml", &policy("podSelector: {}")),
        &Options::default(),
    );
    assert_eq!(
        fields_of(&report),
        [(
            Op::Removed,
            "spec.ingress[0].from[0].podSelector.matchLabels.app".to_string()
        )]
    );
}
