//! CiliumNetworkPolicy and CiliumClusterwideNetworkPolicy, L3/L4: endpoint selectors with
//! namespace labels, CIDR sets with excepts, entities, ports, default deny per direction,
//! and deny rules that win over allows.

use std::path::Path;

use bulkhead_model::{load_text, Inventory, Limits};
use bulkhead_netpol::{ConnSet, Direction, Network, Options, Protocol};

fn network_of(inventory: &Inventory) -> Network<'_> {
    Network::build(inventory, Options::default())
}

fn load(text: &str) -> Inventory {
    let loaded = load_text("cilium.yaml", text, &Limits::default());
    assert!(loaded.errors.is_empty(), "{:?}", loaded.errors);
    Inventory::new(loaded.objects)
}

fn fixture() -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/inputs/cilium.yaml");
    std::fs::read_to_string(path).unwrap()
}

#[test]
fn cilium_policies_decide_reachability() {
    let inventory = load(&fixture());
    let network = network_of(&inventory);
    let w = |id| network.find_workload(id).unwrap();
    let (web, db, client) = (w("shop/web"), w("shop/db"), w("other/client"));
    let tcp = |p| ConnSet::port(Protocol::Tcp, p);
    assert_eq!(network.connections(web, db), tcp(5432));
    // No protocol: Cilium's default is ANY.
    let any_5432 = tcp(5432)
        .union(&ConnSet::port(Protocol::Udp, 5432))
        .union(&ConnSet::port(Protocol::Sctp, 5432));
    assert_eq!(network.connections(client, db), any_5432);
    // The cluster-wide deny wins, though client's egress is not default-deny.
    assert_eq!(network.connections(client, web), ConnSet::none());
    assert!(network.isolated_by(client, Direction::Egress).is_empty());
    // web is egress-isolated: its endpoint rule reaches db in its own namespace only.
    assert_eq!(network.connections(web, client), ConnSet::none());
    assert_eq!(network.connections(db, web), ConnSet::all());
    let names: Vec<String> = network
        .isolated_by(db, Direction::Ingress)
        .iter()
        .map(|&p| network.policies[p].id())
        .collect();
    assert_eq!(names, ["CiliumNetworkPolicy/shop/db"]);
    // CIDR sets: the internet on 443, not 10/8.
    let internet = network.external_of_ip("8.8.8.8".parse().unwrap()).unwrap();
    let private = network.external_of_ip("10.1.2.3".parse().unwrap()).unwrap();
    assert_eq!(network.to_external(web, internet), tcp(443));
    assert_eq!(network.to_external(web, private), ConnSet::none());
    let (allowed, text) = network.explain(client, web, Some((Protocol::Tcp, 80)));
    assert!(!allowed);
    assert!(
        text.contains(
            "denied by CiliumClusterwideNetworkPolicy/keep-other-from-web spec.egressDeny[0]"
        ),
        "{text}"
    );
}

#[test]
fn entities_and_l4_only_rules() {
    let text = format!(
        "{}\n---\n{}",
        fixture()
            .split("apiVersion: cilium.io/v2")
            .next()
            .unwrap()
            .trim_end()
            .trim_end_matches("---"),
        r#"apiVersion: cilium.io/v2
kind: CiliumNetworkPolicy
metadata: {name: web, namespace: shop}
spec:
  endpointSelector: {matchLabels: {app: web}}
  ingress:
  - fromEntities: [cluster]
    toPorts: [{ports: [{port: "8080", protocol: ANY}]}]
  - fromEntities: [world]
    toPorts: [{ports: [{port: "443", protocol: TCP}]}]
  egress:
  - toPorts: [{ports: [{port: "53", protocol: UDP}]}]
---
apiVersion: cilium.io/v2
kind: CiliumNetworkPolicy
metadata: {name: deny-all, namespace: other}
spec:
  endpointSelector: {}
  ingress:
  - {}
"#
    );
    let inventory = load(&text);
    let network = network_of(&inventory);
    let w = |id| network.find_workload(id).unwrap();
    let (web, db, client) = (w("shop/web"), w("shop/db"), w("other/client"));
    let any_8080 = ConnSet::port(Protocol::Tcp, 8080)
        .union(&ConnSet::port(Protocol::Udp, 8080))
        .union(&ConnSet::port(Protocol::Sctp, 8080));
    // cluster: every pod, on 8080 over any protocol; world: outside only.
    assert_eq!(network.connections(client, web), any_8080);
    let internet = network.external_of_ip("8.8.8.8".parse().unwrap()).unwrap();
    assert_eq!(
        network.from_external(internet, web),
        ConnSet::port(Protocol::Tcp, 443)
    );
    // A ports-only rule admits every peer on those ports.
    assert_eq!(
        network.connections(web, db),
        ConnSet::port(Protocol::Udp, 53)
    );
    assert_eq!(
        network.to_external(web, internet),
        ConnSet::port(Protocol::Udp, 53)
    );
    // An empty rule admits nothing but isolates: Cilium's default deny.
    assert_eq!(network.connections(db, client), ConnSet::none());
    assert!(network.selected_by_any(client));
}

#[test]
fn what_is_not_modelled_is_recorded() {
    let text = r#"
apiVersion: cilium.io/v2
kind: CiliumNetworkPolicy
metadata: {name: out, namespace: shop}
spec:
  endpointSelector: {matchLabels: {app: web}}
  egress:
  - toFQDNs: [{matchName: api.example.com}]
    toPorts: [{ports: [{port: "443"}], rules: {http: [{method: GET}]}}]
  - toEntities: [kube-apiserver]
"#;
    let inventory = load(text);
    let network = network_of(&inventory);
    let mut problems = network.policies[0].problems.clone();
    problems.sort();
    assert_eq!(
        problems,
        [
            "L7 rules not modelled: their ports count as allowed",
            "entity kube-apiserver not modelled (matches nothing)",
            "toFQDNs not modelled (matches nothing)",
        ]
    );
    // An FQDN rule with ports is not a ports-only rule: it admits no address it cannot name.
    let rule = &network.policies[0].egress[0];
    assert!(rule.peers.as_ref().is_some_and(Vec::is_empty));
}
