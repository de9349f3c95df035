//! Pods whose controller is not in the inputs (a `kubectl get pods -A -o yaml` dump): each
//! group of such pods stands for its owner, by the owner's name, and nothing is dropped.

use std::path::Path;

use bulkhead_model::{load_text, Inventory, Limits};
use bulkhead_netpol::{Network, Options, Protocol};

fn load(files: &[&str]) -> Inventory {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/inputs");
    let mut objects = Vec::new();
    for f in files {
        let text = std::fs::read_to_string(dir.join(f)).unwrap();
        let loaded = load_text(f, &text, &Limits::default());
        assert!(loaded.errors.is_empty(), "{f}: {:?}", loaded.errors);
        objects.extend(loaded.objects);
    }
    Inventory::new(objects)
}

fn listing(network: &Network<'_>) -> Vec<String> {
    network
        .workloads
        .iter()
        .map(|w| format!("{} {} pods={}", w.kind, w.id(), w.pods.len().max(1)))
        .collect()
}

#[test]
fn pods_of_absent_owners_stand_for_their_owner() {
    let inventory = load(&["pod_dump.yaml"]);
    let network = Network::build(&inventory, Options::default());
    let mut got = listing(&network);
    got.sort();
    assert_eq!(
        got,
        [
            "DaemonSet kube-system/agent pods=1",
            "Deployment shop/web pods=2",
            "Pod shop/debug pods=1",
            "StatefulSet shop/db pods=2",
        ]
    );
    let web = network.find_workload("shop/web").unwrap();
    assert_eq!(
        network.workloads[web].grouping.as_deref(),
        Some("pods of the absent ReplicaSet web-7c9d5, named by its pod-template-hash as Deployment web")
    );
    // Both replicas' addresses count for ipBlock matching.
    assert_eq!(network.workloads[web].ips.len(), 2);
}

#[test]
fn grouped_pods_take_part_in_reachability() {
    let inventory = load(&["pod_dump.yaml", "pod_dump_policy.yaml"]);
    let network = Network::build(&inventory, Options::default());
    let web = network.find_workload("shop/web").unwrap();
    let db = network.find_workload("shop/db").unwrap();
    let debug = network.find_workload("shop/debug").unwrap();
    assert!(network.connections(web, db).contains(Protocol::Tcp, 5432));
    assert!(network.connections(debug, db).is_empty());
    assert_eq!(
        network.connections(db, web),
        bulkhead_netpol::ConnSet::all()
    );
}

#[test]
fn pods_an_owner_cannot_stand_for_stand_for_themselves() {
    // Two pods of one absent ReplicaSet that a policy can tell apart (different labels):
    // one name would hide the difference, so each pod is its own workload.
    let text = r#"
apiVersion: v1
kind: Pod
metadata:
  name: api-5d-a
  namespace: shop
  labels: {app: api, tier: blue, pod-template-hash: 5d}
  ownerReferences: [{apiVersion: apps/v1, kind: ReplicaSet, name: api-5d, uid: u, controller: true}]
spec: {containers: [{name: c, image: i:1}]}
---
apiVersion: v1
kind: Pod
metadata:
  name: api-5d-b
  namespace: shop
  labels: {app: api, tier: green, pod-template-hash: 5d}
  ownerReferences: [{apiVersion: apps/v1, kind: ReplicaSet, name: api-5d, uid: u, controller: true}]
spec: {containers: [{name: c, image: i:1}]}
"#;
    let loaded = load_text("t.yaml", text, &Limits::default());
    let inventory = Inventory::new(loaded.objects);
    let network = Network::build(&inventory, Options::default());
    let mut got = listing(&network);
    got.sort();
    assert_eq!(
        got,
        ["Pod shop/api-5d-a pods=1", "Pod shop/api-5d-b pods=1"]
    );
    assert!(network.workloads[0]
        .grouping
        .as_deref()
        .is_some_and(|g| g.contains("differ")));
}

#[test]
fn pods_of_an_owner_in_the_inputs_are_left_to_it() {
    let text = r#"
apiVersion: apps/v1
kind: ReplicaSet
metadata: {name: web-7c9d5, namespace: shop}
spec:
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec: {containers: [{name: c, image: i:1}]}
---
apiVersion: v1
kind: Pod
metadata:
  name: web-7c9d5-abcde
  namespace: shop
  labels: {app: web, pod-template-hash: 7c9d5}
  ownerReferences: [{apiVersion: apps/v1, kind: ReplicaSet, name: web-7c9d5, uid: u, controller: true}]
spec: {containers: [{name: c, image: i:1}]}
"#;
    let loaded = load_text("t.yaml", text, &Limits::default());
    let inventory = Inventory::new(loaded.objects);
    let network = Network::build(&inventory, Options::default());
    assert_eq!(listing(&network), ["ReplicaSet shop/web-7c9d5 pods=1"]);
}

#[test]
fn replicas_with_their_own_addresses_share_a_class() {
    // Pod addresses tell pods apart only when ipBlocks match pods (an option): the replicas
    // of a dump, each with its own podIP, are one class for policies otherwise.
    let inventory = load(&["pod_dump.yaml"]);
    let network = Network::build(&inventory, Options::default());
    let web = network.find_workload("shop/web").unwrap();
    let db = network.find_workload("shop/db").unwrap();
    assert_eq!(network.workloads[web].ips.len(), 2);
    // web (two addresses) and debug (none) differ in labels and ports; db has no address.
    let text = "apiVersion: v1\nkind: Pod\nmetadata: {name: a, namespace: n, labels: {app: x}}\nspec: {containers: [{name: c, image: i:1}]}\nstatus: {podIP: 10.0.0.1}\n---\napiVersion: v1\nkind: Pod\nmetadata: {name: b, namespace: n, labels: {app: x}}\nspec: {containers: [{name: c, image: i:1}]}\nstatus: {podIP: 10.0.0.2}\n";
    let loaded = load_text("two.yaml", text, &Limits::default());
    let two = Inventory::new(loaded.objects);
    let network_two = Network::build(&two, Options::default());
    assert_eq!(network_two.classes.len(), 1);
    let by_ip = Options {
        ipblock_matches_pods: true,
        ..Options::default()
    };
    assert_eq!(Network::build(&two, by_ip).classes.len(), 2);
    assert_ne!(network.workloads[web].class, network.workloads[db].class);
}
