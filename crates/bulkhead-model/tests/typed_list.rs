//! A typed list as the API returns it (`kubectl get --raw /api/v1/pods`): the items carry no
//! `kind` or `apiVersion`; they take the list's.

use bulkhead_model::{load_text, Limits};

#[test]
fn items_of_a_typed_list_take_their_kind_and_api_version_from_the_list() {
    let text = r#"{
  "kind": "PodList",
  "apiVersion": "v1",
  "metadata": {"resourceVersion": "42"},
  "items": [
    {"metadata": {"name": "web", "namespace": "shop"}, "spec": {"containers": [{"name": "app", "image": "nginx"}]}},
    {"metadata": {"name": "db", "namespace": "shop"}, "spec": {"containers": [{"name": "pg", "image": "postgres"}]}}
  ]
}"#;
    let loaded = load_text("pods.json", text, &Limits::default());
    assert!(loaded.errors.is_empty(), "{:?}", loaded.errors);
    assert_eq!(loaded.stats.skipped_documents, 0);
    let objects: Vec<_> = loaded
        .objects
        .iter()
        .map(|o| (o.api_version.as_str(), o.kind.as_str(), o.name.as_str()))
        .collect();
    assert_eq!(objects, [("v1", "Pod", "web"), ("v1", "Pod", "db")]);
    assert_eq!(loaded.objects[1].origin.pointer, "/items/1");
}

#[test]
fn a_group_list_and_items_that_name_their_own_kind() {
    let text = "apiVersion: apps/v1\nkind: DeploymentList\nitems:\n- metadata: {name: web}\n  spec: {}\n- apiVersion: v1\n  kind: Service\n  metadata: {name: svc}\n---\napiVersion: v1\nkind: List\nitems:\n- metadata: {name: nameless}\n";
    let loaded = load_text("list.yaml", text, &Limits::default());
    let objects: Vec<_> = loaded
        .objects
        .iter()
        .map(|o| (o.api_version.as_str(), o.kind.as_str(), o.name.as_str()))
        .collect();
    assert_eq!(
        objects,
        [("apps/v1", "Deployment", "web"), ("v1", "Service", "svc")]
    );
    // A plain `List` says nothing of its items' kind: an item without one is not an object.
    assert_eq!(loaded.stats.skipped_documents, 1);
}
