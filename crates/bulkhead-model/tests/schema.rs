//! Objects the API server would reject: wrong types, unknown fields, missing required fields,
//! checked against the shipped OpenAPI schema, each at its line and column.

use bulkhead_model::schema::validate;
use bulkhead_model::{load_text, ErrorSeverity, Limits, Value};

/// (line, column, severity, message) of each violation in `text`, for `target`.
fn violations(text: &str, target: Option<(u32, u32)>) -> Vec<(u32, u32, ErrorSeverity, String)> {
    let mut loaded = load_text("api.yaml", text, &Limits::default());
    assert!(loaded.errors.is_empty(), "{:?}", loaded.errors);
    validate(&mut loaded.objects, target)
        .into_iter()
        .map(|e| (e.line.unwrap(), e.column.unwrap(), e.severity, e.message))
        .collect()
}

const POD: &str = "apiVersion: v1
kind: Pod
metadata:
  name: web
spec:
  securityContext: restricted
  containers:
  - name: app
    image: nginx
    imagePullPolicy: Always
    securityContext:
      runAsUser: username
      privileged: \"true\"
      allowPrivilegeEscalaton: false
    ports:
    - containerPort: 80.0
      name: http
    - name: metrics
    resources:
      limits: {cpu: 500m, memory: 1Gi, nvidia.com/gpu: 1}
";

#[test]
fn wrong_types_unknown_fields_and_missing_required_fields_are_reported_where_they_are() {
    let found = violations(POD, None);
    let short: Vec<_> = found.iter().map(|v| (v.0, v.1, v.2)).collect();
    use ErrorSeverity::{Error, Warning};
    assert_eq!(
        short,
        [
            (6, 20, Error),
            (12, 18, Error),
            (13, 19, Error),
            (14, 7, Warning),
            (18, 7, Error),
        ],
        "{found:#?}"
    );
    assert!(
        found[0]
            .3
            .contains("spec.securityContext: must be a mapping, not the string \"restricted\""),
        "{found:#?}"
    );
    assert!(
        found[1]
            .3
            .contains("spec.containers[0].securityContext.runAsUser: must be an integer, not the string \"username\""),
        "{found:#?}"
    );
    assert!(found[2].3.contains("must be a boolean"), "{found:#?}");
    assert!(
        found[3]
            .3
            .contains("unknown field \"allowPrivilegeEscalaton\""),
        "{found:#?}"
    );
    assert!(
        found[4].3.contains(
            "spec.containers[0].ports[1]: the required field \"containerPort\" is missing"
        ),
        "{found:#?}"
    );
}

#[test]
fn a_spec_that_is_a_list_and_an_object_without_its_required_parts() {
    let found = violations(
        "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web}\nspec:\n- replicas: 2\n---\napiVersion: v1\nkind: Pod\nmetadata: {name: empty}\nspec: {}\n",
        None,
    );
    let short: Vec<_> = found.iter().map(|v| (v.0, v.1)).collect();
    assert_eq!(short, [(5, 1), (10, 1)], "{found:#?}");
    assert!(found[0].3.contains("spec: must be a mapping, not a list"));
    assert!(found[1]
        .3
        .contains("spec: the required field \"containers\" is missing"));
}

#[test]
fn a_string_field_typed_by_yaml_is_kept_as_written() {
    let mut loaded = load_text(
        "svc.yaml",
        "apiVersion: v1\nkind: Service\nmetadata: {name: web}\nspec:\n  type: ClusterIP\n  externalName: yes\n  ports:\n  - port: 80\n    targetPort: http\n",
        &Limits::default(),
    );
    let errors = validate(&mut loaded.objects, None);
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert_eq!((errors[0].line, errors[0].column), (Some(6), Some(17)));
    assert!(errors[0]
        .message
        .contains("spec.externalName: kubectl reads unquoted yes as a boolean; quote it"));
    let value = &loaded.objects[0]
        .root
        .path(&["spec", "externalName"])
        .unwrap()
        .value;
    assert_eq!(*value, Value::Str("yes".into()));
}

#[test]
fn secret_data_must_be_base64_and_custom_kinds_are_left_alone() {
    let found = violations(
        "apiVersion: v1\nkind: Secret\nmetadata: {name: s}\ndata:\n  good: aHVudGVyMg==\n  bad: hunter2\nstringData:\n  plain: hunter2\n---\napiVersion: example.com/v1\nkind: Widget\nmetadata: {name: w}\nspec: [anything, goes]\n",
        None,
    );
    let short: Vec<_> = found.iter().map(|v| (v.0, v.1, v.2)).collect();
    assert_eq!(short, [(6, 8, ErrorSeverity::Error)], "{found:#?}");
    assert!(found[0].3.contains("data.bad: not valid base64"));
}

#[test]
fn the_target_version_decides_which_fields_exist() {
    // Pod-level `resources` arrived in the 1.32 API; the 1.30 schema does not know it.
    let pod = "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  resources: {limits: {cpu: 1}}\n  containers:\n  - name: app\n    image: nginx\n";
    assert_eq!(violations(pod, Some((1, 33))), []);
    assert_eq!(violations(pod, None), []);
    let old = violations(pod, Some((1, 30)));
    assert_eq!(old.len(), 1, "{old:?}");
    assert_eq!(
        (old[0].0, old[0].1, old[0].2),
        (5, 3, ErrorSeverity::Warning)
    );
    assert!(
        old[0].3.contains("spec: unknown field \"resources\""),
        "{old:?}"
    );
    // A release before the oldest shipped schema is checked against the oldest.
    assert_eq!(violations(pod, Some((1, 25))), old);
    let schemas = bulkhead_model::schema::versions();
    assert_eq!(schemas.first(), Some(&(1, 30)));
    assert_eq!(schemas.last(), Some(&(1, 37)));
}
