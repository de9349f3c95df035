//! Roots and identities: what `kubectl apply` of each path argument would leave.

use std::sync::Arc;

use bulkhead_model::identity::assign_roots;
use bulkhead_model::{load_source, Inventory, Limits, Object, SourceFile};

fn objects(path: &str, text: &str) -> Vec<Object> {
    let file = Arc::new(SourceFile::new(path, text));
    load_source(file, &Limits::default()).objects
}

const ROLE: &str =
    "apiVersion: rbac.authorization.k8s.io/v1\nkind: Role\nmetadata: {name: r, namespace: a}\n";

#[test]
fn roots_follow_the_arguments_and_repeats_within_a_root_are_shadowed() {
    let mut all = objects("overlays/dev/role.yaml", ROLE);
    all.extend(objects("overlays/prod/role.yaml", ROLE));
    all.extend(objects("./other/role.yaml", ROLE));
    all.extend(objects("-", ROLE));
    assign_roots(
        &mut all,
        &["overlays/".into(), "./other".into(), "-".into()],
    );
    let roots: Vec<u32> = all.iter().map(|o| o.origin.root).collect();
    assert_eq!(roots, [0, 0, 1, 2]);

    let inventory = Inventory::new(all);
    let shadowed: Vec<bool> = inventory
        .objects()
        .iter()
        .map(|o| inventory.is_shadowed(o))
        .collect();
    assert_eq!(shadowed, [true, false, false, false]);
    let warnings = inventory.duplicate_warnings();
    assert_eq!(warnings.len(), 1, "{warnings:?}");
    assert_eq!(warnings[0].path, "overlays/prod/role.yaml");
    assert!(warnings[0]
        .message
        .contains("Role/a/r is defined more than once: first at overlays/dev/role.yaml:1:1"));
    // `get` answers with the last definition read.
    let got = inventory.get("Role", Some("a"), "r").unwrap();
    assert_eq!(got.origin.file.path, "-");
    // An object from elsewhere is not one of this inventory's.
    assert!(!inventory.is_shadowed(&objects("x.yaml", ROLE)[0]));
}

#[test]
fn generated_names_other_groups_and_namespaces_are_different_objects() {
    let text = "apiVersion: batch/v1\nkind: Job\nmetadata: {generateName: run-}\n---\napiVersion: batch/v1\nkind: Job\nmetadata: {generateName: run-}\n---\napiVersion: example.com/v1\nkind: Role\nmetadata: {name: r, namespace: a}\n---\n{}\n---\napiVersion: rbac.authorization.k8s.io/v1\nkind: Role\nmetadata: {name: r, namespace: b}\n---\napiVersion: rbac.authorization.k8s.io/v1\nkind: Role\nmetadata: {name: r}\n";
    let mut all = objects("one.yaml", text);
    all.extend(objects("one.yaml", ROLE));
    let inventory = Inventory::new(all);
    assert!(inventory.duplicate_warnings().is_empty());
    // Namespace-less objects of one root share a namespace; across roots they do not.
    let mut two = objects(
        "a/sa.yaml",
        "apiVersion: v1\nkind: ServiceAccount\nmetadata: {name: api}\n",
    );
    two.extend(objects(
        "b/sa.yaml",
        "apiVersion: v1\nkind: ServiceAccount\nmetadata: {name: api}\n",
    ));
    assert!(two[0].same_namespace(&two[1]));
    assign_roots(&mut two, &["a".into(), "b".into()]);
    assert!(!two[0].same_namespace(&two[1]));
    let inventory = Inventory::new(two);
    let near = &inventory.objects()[1];
    let found = inventory
        .find_beside("ServiceAccount", near, "api")
        .unwrap();
    assert_eq!(found.origin.file.path, "b/sa.yaml");
}
