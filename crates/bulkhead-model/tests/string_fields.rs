//! YAML 1.1 typing of fields Kubernetes reads as strings: `namespace: y` is a boolean to
//! kubectl (which then refuses the object) and the string "y" to Kustomize. The loader reports
//! it at the value and keeps the string, so the object lands where its author meant.

use bulkhead_model::{load_text, ErrorSeverity, Limits, Loaded, Value};

fn load(text: &str) -> Loaded {
    load_text("typed.yaml", text, &Limits::default())
}

/// (line, column, message) of every error.
fn errors(loaded: &Loaded) -> Vec<(u32, u32, String)> {
    loaded
        .errors
        .iter()
        .map(|e| {
            assert_eq!(e.severity, ErrorSeverity::Error, "{e:?}");
            (e.line.unwrap(), e.column.unwrap(), e.message.clone())
        })
        .collect()
}

#[test]
fn an_unquoted_boolean_namespace_is_an_error_and_the_string_is_kept() {
    let loaded = load(
        "apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: no\n  namespace: y\n  labels:\n    enabled: on\n    version: 1.10\n    ok: \"yes\"\n  annotations:\n    replicas: 3\n",
    );
    let object = &loaded.objects[0];
    assert_eq!(object.namespace.as_deref(), Some("y"));
    assert_eq!(object.name, "no");
    assert_eq!(object.label("enabled"), Some("on"));
    // `1.10` stays as written (a float would print 1.1).
    assert_eq!(object.label("version"), Some("1.10"));
    assert_eq!(object.label("ok"), Some("yes"));
    assert_eq!(object.annotation("replicas"), Some("3"));
    let namespace = object.root.path(&["metadata", "namespace"]).unwrap();
    assert_eq!(namespace.value, Value::Str("y".into()));

    let errors = errors(&loaded);
    assert_eq!(
        errors.iter().map(|e| (e.0, e.1)).collect::<Vec<_>>(),
        [(4, 9), (5, 14), (7, 14), (8, 14), (11, 15)],
        "{errors:?}"
    );
    assert!(
        errors[1]
            .2
            .contains("kubectl reads unquoted y as a boolean; quote it"),
        "{errors:?}"
    );
    assert!(errors[1].2.contains("metadata.namespace"), "{errors:?}");
    assert!(errors[3].2.contains("as a number"), "{errors:?}");
    assert!(
        errors[2].2.contains("metadata.labels.enabled"),
        "{errors:?}"
    );
}

#[test]
fn quoted_and_null_values_are_not_errors() {
    let loaded = load(
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: \"no\"\n  namespace: 'y'\n  labels: {a: !!str on}\n  annotations:\n",
    );
    assert!(loaded.errors.is_empty(), "{:?}", loaded.errors);
    assert_eq!(loaded.objects[0].namespace.as_deref(), Some("y"));
}

#[test]
fn container_and_config_strings_are_typed_too() {
    let loaded = load(
        "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web}\nspec:\n  template:\n    spec:\n      containers:\n      - name: app\n        image: nginx\n        args: [--port, 8080]\n        env:\n        - {name: DEBUG, value: true}\n---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: flags}\ndata:\n  enabled: yes\n",
    );
    let errors = errors(&loaded);
    assert_eq!(
        errors.iter().map(|e| (e.0, e.1)).collect::<Vec<_>>(),
        [(10, 24), (12, 32), (18, 12)],
        "{errors:?}"
    );
    let deployment = &loaded.objects[0].root;
    let container = &deployment
        .path(&["spec", "template", "spec", "containers"])
        .unwrap()
        .as_seq()[0];
    assert_eq!(
        container.get("args").unwrap().as_seq()[1].value,
        Value::Str("8080".into())
    );
    let config = &loaded.objects[1].root;
    assert_eq!(
        config.path(&["data", "enabled"]).unwrap().as_str(),
        Some("yes")
    );
}

#[test]
fn a_pod_is_typed_at_its_own_spec() {
    let loaded = load(
        "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  serviceAccountName: no\n  containers:\n  - name: app\n    image: nginx\n    command: [sleep, 10]\n",
    );
    let errors = errors(&loaded);
    assert_eq!(
        errors.iter().map(|e| (e.0, e.1)).collect::<Vec<_>>(),
        [(5, 23), (9, 22)],
        "{errors:?}"
    );
    assert!(errors[0]
        .2
        .starts_with("spec.serviceAccountName: kubectl reads unquoted no as a boolean"));
    assert!(errors[1].2.starts_with("spec.containers[0].command[1]:"));
}
