//! Addresses outside the cluster as peers: the disjoint ranges that the policies' ipBlocks
//! (CIDRs and their excepts, IPv4 and IPv6) tell apart, with the rest of each family as one
//! range, and what each workload may exchange with each range.

use std::path::Path;

use bulkhead_model::{load_text, Inventory, Limits};
use bulkhead_netpol::{ConnSet, Network, Options, Protocol};

fn load() -> Inventory {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/inputs/external.yaml");
    let text = std::fs::read_to_string(path).unwrap();
    let loaded = load_text("external.yaml", &text, &Limits::default());
    assert!(loaded.errors.is_empty(), "{:?}", loaded.errors);
    Inventory::new(loaded.objects)
}

#[test]
fn external_ranges_are_the_disjoint_blocks_policies_distinguish() {
    let inventory = load();
    let network = Network::build(&inventory, Options::default());
    let ids: Vec<String> = network.externals.iter().map(|e| e.id()).collect();
    assert_eq!(
        ids,
        [
            "0.0.0.0/0 except 10.0.0.0/8, 203.0.113.0/24",
            "10.0.0.0/8 except 10.20.0.0/16",
            "10.20.0.0/16",
            "203.0.113.0/24",
            "::/0 except 2001:db8::/32",
            "2001:db8::/32",
        ]
    );
    let find = |ip: &str| network.external_of_ip(ip.parse().unwrap()).unwrap();
    assert_eq!(find("8.8.8.8"), 0);
    assert_eq!(find("10.1.1.1"), 1);
    assert_eq!(find("10.20.3.4"), 2);
    assert_eq!(find("2001:db8::1"), 5);
    assert!(network.externals[0].is_public());
    assert!(!network.externals[1].is_public());
}

#[test]
fn workloads_and_external_ranges_in_both_directions() {
    let inventory = load();
    let network = Network::build(&inventory, Options::default());
    let web = network.find_workload("shop/web").unwrap();
    let db = network.find_workload("shop/db").unwrap();
    let tcp = |p| ConnSet::port(Protocol::Tcp, p);
    let egress: Vec<ConnSet> = (0..network.externals.len())
        .map(|e| network.to_external(web, e))
        .collect();
    assert_eq!(
        egress,
        [
            tcp(443),
            ConnSet::none(),
            tcp(5432),
            tcp(443),
            ConnSet::none(),
            ConnSet::all()
        ]
    );
    let ingress: Vec<ConnSet> = (0..network.externals.len())
        .map(|e| network.from_external(e, web))
        .collect();
    assert_eq!(
        ingress,
        [
            ConnSet::none(),
            ConnSet::none(),
            ConnSet::none(),
            tcp(8080),
            ConnSet::none(),
            ConnSet::none()
        ]
    );
    // A workload no policy selects exchanges everything with every range.
    assert!((0..6)
        .all(|e| network.to_external(db, e).is_all() && network.from_external(e, db).is_all()));
    let (allowed, text) = network.explain_external_egress(web, 0, Some((Protocol::Tcp, 443)));
    assert!(allowed, "{text}");
    assert!(
        text.contains("allowed by shop/web spec.egress[0]: TCP 443"),
        "{text}"
    );
    let (allowed, text) = network.explain_external_ingress(1, web, Some((Protocol::Tcp, 8080)));
    assert!(!allowed, "{text}");
    assert!(text.contains("DENIED"), "{text}");
}

#[test]
fn without_ipblocks_each_family_is_one_range() {
    let text = "apiVersion: v1\nkind: Pod\nmetadata: {name: p, namespace: a}\nspec: {containers: [{name: c, image: i:1}]}\n";
    let loaded = load_text("p.yaml", text, &Limits::default());
    let inventory = Inventory::new(loaded.objects);
    let network = Network::build(&inventory, Options::default());
    let ids: Vec<String> = network.externals.iter().map(|e| e.id()).collect();
    assert_eq!(ids, ["0.0.0.0/0", "::/0"]);
}
