//! Objects that share an identity, and objects without a namespace, as `kubectl apply` of the
//! inputs would see them: per-object checks judge every definition; the RBAC graph and other
//! one-object-per-identity analyses take the last definition of each root; duplicates are
//! warnings naming both places; namespace-less objects of one root are one namespace.

use std::fs;
use std::path::Path;

use bulkhead_engine::{run, ConfigChoice, Flags, Outcome, Settings, Sources};
use bulkhead_model::ErrorSeverity;
use bulkhead_rbac::{QueryOptions, Rbac, Request};

fn settings(paths: &[String]) -> Settings {
    bulkhead_engine::settings::resolve(&Flags::default(), &ConfigChoice::Ignore, paths).unwrap()
}

fn scan(paths: &[String]) -> Outcome {
    let settings = settings(paths);
    run(bulkhead_engine::Request::new(
        Sources::Paths(paths.to_vec()),
        &settings,
    ))
    .unwrap()
}

fn write(dir: &Path, name: &str, text: &str) -> String {
    let path = dir.join(name);
    fs::create_dir_all(path.parent().unwrap()).unwrap();
    fs::write(&path, text).unwrap();
    path.to_string_lossy().into_owned()
}

/// (check, object name, path, line) of the findings of `check`.
fn findings(outcome: &Outcome, check: &str) -> Vec<(String, String, u32)> {
    let mut found: Vec<_> = outcome
        .findings
        .iter()
        .filter(|f| f.check.id == check)
        .map(|f| {
            let path = f.location.path.rsplit('/').take(2).collect::<Vec<_>>();
            (
                f.object.name.clone(),
                format!("{}/{}", path[1], path[0]),
                f.location.position.line,
            )
        })
        .collect();
    found.sort();
    found
}

const HARMLESS: &str = "apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: ops}
rules:
- {apiGroups: [\"\"], resources: [pods], verbs: [get]}
";

const WILDCARD: &str = "apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: ops}
rules:
- {apiGroups: [\"*\"], resources: [\"*\"], verbs: [\"*\"]}
";

const BINDING: &str = "apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: ops}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: ops}
subjects:
- {kind: ServiceAccount, name: runner, namespace: ci}
";

#[test]
fn every_definition_of_a_repeated_role_is_checked_and_the_duplicate_is_a_warning() {
    let dir = tempfile::tempdir().unwrap();
    let file = write(
        dir.path(),
        "rbac/roles.yaml",
        &format!("{HARMLESS}---\n{WILDCARD}"),
    );
    let outcome = scan(&[file]);
    // The wildcard is the second definition; it is reported.
    assert_eq!(
        findings(&outcome, "BHR003"),
        [("ops".into(), "rbac/roles.yaml".into(), 11)]
    );
    let duplicates: Vec<_> = outcome
        .errors
        .iter()
        .filter(|e| e.message.contains("defined more than once"))
        .collect();
    assert_eq!(duplicates.len(), 1, "{:?}", outcome.errors);
    let warning = duplicates[0];
    assert_eq!(warning.severity, ErrorSeverity::Warning);
    assert_eq!(warning.line, Some(7));
    assert!(
        warning.message.contains("ClusterRole/ops") && warning.message.contains("roles.yaml:1:1"),
        "{warning:?}"
    );
}

#[test]
fn the_rbac_graph_follows_the_last_definition_of_each_root_and_keeps_roots_apart() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("overlays");
    // One root: prod (harmless) is read before dev (wildcard); the last one is what
    // `kubectl apply -R -f overlays` leaves, so the binding grants everything.
    write(&root, "dev/role.yaml", WILDCARD);
    write(&root, "prod/role.yaml", HARMLESS);
    write(&root, "prod/binding.yaml", BINDING);
    let one_root = scan(&[root.to_string_lossy().into_owned()]);
    // Who may read secrets: the runner only through a role that grants it.
    let granted = |outcome: &Outcome| {
        let rbac = Rbac::load(&outcome.inventory);
        let request = Request::parse("get", "secrets", Some("ci"), None).unwrap();
        rbac.who_can(&request, QueryOptions::default())
            .iter()
            .filter(|g| g.subject.to_string().contains("runner"))
            .count()
    };
    // dev/ sorts first, so prod's harmless role is the last definition: no grant of secrets.
    assert_eq!(granted(&one_root), 0, "{:#?}", one_root.findings);
    assert_eq!(
        findings(&one_root, "BHR003"),
        [("ops".into(), "dev/role.yaml".into(), 5)]
    );
    assert!(one_root
        .errors
        .iter()
        .any(|e| e.message.contains("defined more than once")));

    // Two roots: each is its own apply; no duplicate, and dev's binding sees dev's role.
    let dev = write(dir.path(), "dev2/role.yaml", WILDCARD);
    write(dir.path(), "dev2/binding.yaml", BINDING);
    let prod = write(dir.path(), "prod2/role.yaml", HARMLESS);
    let two_roots = scan(&[dir.path().join("dev2").to_string_lossy().into_owned(), prod]);
    assert!(
        !two_roots
            .errors
            .iter()
            .any(|e| e.message.contains("defined more than once")),
        "{:?}",
        two_roots.errors
    );
    assert!(dev.ends_with("role.yaml"));
    assert!(granted(&two_roots) > 0, "{:#?}", two_roots.findings);
}

#[test]
fn namespace_less_objects_of_one_file_are_one_namespace() {
    let dir = tempfile::tempdir().unwrap();
    let file = write(
        dir.path(),
        "app/all.yaml",
        "apiVersion: v1
kind: ServiceAccount
metadata: {name: api}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      serviceAccountName: api-server
      containers:
      - {name: app, image: nginx}
",
    );
    let outcome = scan(&[file]);
    assert_eq!(
        findings(&outcome, "BHW036"),
        [("web".into(), "app/all.yaml".into(), 13)]
    );
}
