//! Unknown is not denied: a namespaceSelector that tests labels of a namespace the inputs hold
//! no Namespace object for (only `kubernetes.io/metadata.name` is known) gives a verdict that
//! depends on those labels, never a plain DENIED.

use std::path::Path;

use bulkhead_model::{load_text, Inventory, Limits};
use bulkhead_netpol::{ConnSet, Network, Options, Protocol};

fn load() -> Inventory {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/inputs/unknown_namespace.yaml");
    let text = std::fs::read_to_string(path).unwrap();
    let loaded = load_text("unknown_namespace.yaml", &text, &Limits::default());
    assert!(loaded.errors.is_empty(), "{:?}", loaded.errors);
    Inventory::new(loaded.objects)
}

#[test]
fn a_selector_on_unknown_labels_makes_the_pair_possibly_allowed() {
    let inventory = load();
    let network = Network::build(&inventory, Options::default());
    let job = network.find_workload("batch/job").unwrap();
    let db = network.find_workload("shop/db").unwrap();
    // Nothing is proven allowed: batch's labels are unknown.
    assert!(network.connections(job, db).is_empty());
    // But batch may carry team=shop: TCP 5432 is possibly allowed.
    let unsure = network
        .uncertainty(job, db)
        .expect("depends on batch's labels");
    assert_eq!(unsure.possible, ConnSet::port(Protocol::Tcp, 5432));
    assert_eq!(unsure.namespaces, ["batch"]);
    let (allowed, text) = network.explain(job, db, Some((Protocol::Tcp, 5432)));
    assert!(!allowed);
    assert!(!text.contains("DENIED"), "{text}");
    assert!(
        text.contains(
            "batch/job -> shop/db (TCP 5432): UNKNOWN, depends on the labels of namespace batch"
        ),
        "{text}"
    );
    assert!(
        text.contains("possibly allowed by shop/db spec.ingress[0] if namespace batch has the labels its namespaceSelector asks for"),
        "{text}"
    );
}

#[test]
fn what_the_name_label_decides_stays_decided() {
    let inventory = load();
    let network = Network::build(&inventory, Options::default());
    let agent = network.find_workload("ops/agent").unwrap();
    let db = network.find_workload("shop/db").unwrap();
    let job = network.find_workload("batch/job").unwrap();
    // ops is unknown too, and may carry team=shop: unsure.
    assert!(network.uncertainty(agent, db).is_some());
    // Another port than 5432 is denied whatever batch's labels are: rule 1 admits only the
    // namespace named "nowhere", which batch is not.
    let (allowed, text) = network.explain(job, db, Some((Protocol::Tcp, 80)));
    assert!(!allowed);
    assert!(text.contains("DENIED"), "{text}");
    // Known labels decide: shop's own pods are admitted, nothing is unsure.
    assert!(network.uncertainty(db, db).is_none());
}
