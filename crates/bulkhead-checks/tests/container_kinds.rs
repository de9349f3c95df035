//! Every container check covers init, regular and ephemeral containers alike.
//!
//! One container doing everything wrong is placed, in turn, among a Pod's `containers`, its
//! `initContainers` and its `ephemeralContainers` (beside a hardened container). A check that
//! reports on the offending regular container is a container check; it must then report on
//! the same container as an init container and as an ephemeral container. The list of
//! container checks is derived, not written down, so a new check is held to this at once.

use std::collections::BTreeSet;

use bulkhead_checks::{all_checks, run_checks, Options};
use bulkhead_model::{load_text, Inventory, Limits};

/// A container that breaks every container rule, including its secrets (in `env`, `command`
/// and `args`). Indented for a list item under a pod spec's container list.
const OFFENDING: &str = r#"
    - name: bad
      image: nginx
      imagePullPolicy: IfNotPresent
      command: ["/app", "--github-token=ghp_R2VuZXJhdGVkRm9yQVRlc3RPbmx5MDEyMzQ1"]
      args: ["--db-password=hunter2-hunter2"]
      env:
        - name: DB_PASSWORD
          value: hunter2-hunter2
        - name: DATABASE_URL
          value: postgres://app:s3cr3t-v4lue@db:5432/app
      ports:
        - containerPort: 80
          hostPort: 80
      livenessProbe:
        httpGet: {host: 10.0.0.1, port: 80, path: /}
      securityContext:
        privileged: true
        allowPrivilegeEscalation: true
        readOnlyRootFilesystem: false
        runAsNonRoot: false
        runAsUser: 0
        runAsGroup: 0
        procMount: Unmasked
        capabilities:
          add: ["SYS_ADMIN", "CHOWN"]
        seLinuxOptions: {type: spc_t}
        seccompProfile: {type: Unconfined}
        appArmorProfile: {type: Unconfined}
        windowsOptions: {hostProcess: true}
"#;

/// A container no check reports.
const HARDENED: &str = r#"
    - name: app
      image: registry.example/app:1.4.2@sha256:0a399eb16751829e1af26fea27b20c3ec28d7ab1fb72182879dcae1cca21206a
      livenessProbe:
        exec: {command: ["/healthcheck"]}
      securityContext:
        privileged: false
        allowPrivilegeEscalation: false
        readOnlyRootFilesystem: true
        capabilities:
          drop: ["ALL"]
      resources:
        requests: {cpu: 100m, memory: 128Mi, ephemeral-storage: 256Mi}
        limits: {cpu: 500m, memory: 256Mi, ephemeral-storage: 1Gi}
"#;

/// Checks that, by the API's own rules, cannot apply to some kinds of container, with why.
/// Ephemeral containers may not declare `resources`, `ports` or probes ("Resources are not
/// allowed for ephemeral containers", PodSpec API reference); only regular containers have
/// liveness and readiness probes that the kubelet acts on for the pod's lifetime.
const NOT_APPLICABLE: &[(&str, &str, &str)] = &[
    ("BHQ001", "ephemeral", "resources are not allowed"),
    ("BHQ002", "ephemeral", "resources are not allowed"),
    ("BHQ003", "init", "probes of regular containers only"),
    ("BHQ003", "ephemeral", "probes are not allowed"),
    ("BHQ004", "init", "probes of regular containers only"),
    ("BHQ004", "ephemeral", "probes are not allowed"),
    ("BHQ005", "ephemeral", "resources are not allowed"),
];

fn pod(list: &str) -> String {
    let mut text = String::from(
        "apiVersion: v1\nkind: Pod\nmetadata:\n  name: api\n  namespace: payments\nspec:\n  automountServiceAccountToken: false\n  serviceAccountName: api\n  securityContext:\n    runAsNonRoot: true\n    runAsUser: 10001\n    seccompProfile: {type: RuntimeDefault}\n  containers:\n",
    );
    text.push_str(HARDENED.trim_start_matches('\n'));
    if list == "containers" {
        text.push_str(OFFENDING.trim_start_matches('\n'));
    } else {
        text.push_str(&format!("  {list}:\n"));
        text.push_str(OFFENDING.trim_start_matches('\n'));
    }
    text
}

/// The checks that report on the offending container when it sits in `list` at `pointer`.
fn reporting(list: &str, pointer: &str) -> BTreeSet<&'static str> {
    std::env::set_var("BULKHEAD_TODAY", "2026-11-27");
    let loaded = load_text("pod.yaml", &pod(list), &Limits::default());
    assert!(loaded.errors.is_empty(), "{:?}", loaded.errors);
    let inventory = Inventory::new(loaded.objects);
    let options = Options {
        allowed_registries: vec!["registry.example".to_string()],
        ..Options::default()
    };
    run_checks(&inventory, all_checks(), &options)
        .iter()
        .filter(|f| f.location.pointer.starts_with(pointer))
        .map(|f| f.check.id)
        .collect()
}

#[test]
fn every_container_check_covers_init_and_ephemeral_containers() {
    let container_checks = reporting("containers", "/spec/containers/1");
    assert!(
        container_checks.len() >= 20,
        "the offending container should raise most container checks: {container_checks:?}"
    );
    let mut missed = Vec::new();
    for (list, kind, pointer) in [
        ("initContainers", "init", "/spec/initContainers/0"),
        (
            "ephemeralContainers",
            "ephemeral",
            "/spec/ephemeralContainers/0",
        ),
    ] {
        let found = reporting(list, pointer);
        for id in &container_checks {
            let exempt = NOT_APPLICABLE
                .iter()
                .any(|(check, k, _)| check == id && *k == kind);
            match (found.contains(id), exempt) {
                (false, false) => missed.push(format!("{id} misses the {kind} container")),
                (true, true) => missed.push(format!(
                    "{id} is listed as not applicable to {kind} containers but reports one"
                )),
                _ => {}
            }
        }
    }
    assert!(
        missed.is_empty(),
        "{missed:#?}\n(container checks: {container_checks:?})"
    );
}
