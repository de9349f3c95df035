//! The upstream Kubernetes NetworkPolicy e2e truth tables
//! (kubernetes/kubernetes `test/e2e/network/netpol/network_policy.go`), transcribed.
//!
//! The world is the e2e one: namespaces x, y, z (label `ns`), pods a, b, c (label `pod`),
//! serving 80 and 81 over TCP, UDP and SCTP (`tests/truthtables/pods.yaml`). Each case is a
//! static policy manifest; the expected reachability is written with the same calls the
//! upstream test makes (`ExpectPeer`, `ExpectAllIngress`, `ExpectAllEgress`, `Expect`) over a
//! default, and the computed 9x9 matrix is also a reviewed snapshot. Like upstream
//! (`ignoreLoopback = true`, kubernetes#95879), a pod to itself is not compared.

use std::path::Path;

use bulkhead_model::{load_text, Inventory, Limits};
use bulkhead_netpol::{Network, Options, Protocol};

const NAMESPACES: [&str; 3] = ["x", "y", "z"];
const PODS: [&str; 3] = ["a", "b", "c"];

fn names() -> Vec<String> {
    NAMESPACES
        .iter()
        .flat_map(|ns| PODS.iter().map(move |p| format!("{ns}/{p}")))
        .collect()
}

/// Upstream's `Reachability`: a 9x9 expectation, changed by peer patterns.
struct Reachability {
    expected: Vec<Vec<bool>>,
}

/// A peer pattern: `None` fields match everything (upstream's `&Peer{}`).
#[derive(Clone, Copy, Default)]
struct Peer {
    namespace: Option<&'static str>,
    pod: Option<&'static str>,
}

fn ns(namespace: &'static str) -> Peer {
    Peer {
        namespace: Some(namespace),
        pod: None,
    }
}

fn pod(namespace: &'static str, pod: &'static str) -> Peer {
    Peer {
        namespace: Some(namespace),
        pod: Some(pod),
    }
}

const ANY: Peer = Peer {
    namespace: None,
    pod: None,
};

impl Peer {
    fn matches(&self, name: &str) -> bool {
        let (n, p) = name.split_once('/').unwrap();
        self.namespace.is_none_or(|x| x == n) && self.pod.is_none_or(|x| x == p)
    }
}

impl Reachability {
    fn new(default: bool) -> Self {
        Reachability {
            expected: vec![vec![default; 9]; 9],
        }
    }

    fn expect_peer(mut self, from: Peer, to: Peer, allowed: bool) -> Self {
        let names = names();
        for (i, a) in names.iter().enumerate() {
            for (j, b) in names.iter().enumerate() {
                if from.matches(a) && to.matches(b) {
                    self.expected[i][j] = allowed;
                }
            }
        }
        self
    }

    fn expect_all_ingress(self, to: Peer, allowed: bool) -> Self {
        self.expect_peer(ANY, to, allowed)
    }

    fn expect_all_egress(self, from: Peer, allowed: bool) -> Self {
        self.expect_peer(from, ANY, allowed)
    }
}

fn load(case: &str) -> Inventory {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/truthtables");
    let pods = std::fs::read_to_string(dir.join("pods.yaml")).unwrap();
    let policies = std::fs::read_to_string(dir.join(format!("{case}.yaml"))).unwrap();
    let loaded = load_text(case, &format!("{pods}\n{policies}"), &Limits::default());
    assert!(loaded.errors.is_empty(), "{case}: {:?}", loaded.errors);
    Inventory::new(loaded.objects)
}

/// The computed matrix for one probe, as upstream prints it: `.` allowed, `X` denied.
fn computed(network: &Network<'_>, protocol: Protocol, port: u16) -> Vec<Vec<bool>> {
    let names = names();
    let index: Vec<usize> = names
        .iter()
        .map(|n| network.find_workload(n).unwrap_or_else(|| panic!("{n}")))
        .collect();
    index
        .iter()
        .map(|&s| {
            index
                .iter()
                .map(|&d| network.connections(s, d).contains(protocol, port))
                .collect()
        })
        .collect()
}

fn render(matrix: &[Vec<bool>]) -> String {
    let names = names();
    let mut out = format!("-\t{}\n", names.join("\t"));
    for (i, row) in matrix.iter().enumerate() {
        let cells: Vec<&str> = row.iter().map(|&b| if b { "." } else { "X" }).collect();
        out.push_str(&format!("{}\t{}\n", names[i], cells.join("\t")));
    }
    out
}

fn check(case: &str, options: Options, probes: &[(Protocol, u16, Reachability)]) {
    let inventory = load(case);
    let network = Network::build(&inventory, options);
    let mut snapshot = String::new();
    for (protocol, port, expected) in probes {
        let got = computed(&network, *protocol, *port);
        let mut wrong = Vec::new();
        let names = names();
        for i in 0..9 {
            for j in 0..9 {
                if i != j && got[i][j] != expected.expected[i][j] {
                    wrong.push(format!(
                        "{} -> {}: expected {}, got {}",
                        names[i], names[j], expected.expected[i][j], got[i][j]
                    ));
                }
            }
        }
        assert!(
            wrong.is_empty(),
            "{case} {} {port}:\n{}\ncomputed:\n{}",
            protocol.name(),
            wrong.join("\n"),
            render(&got)
        );
        snapshot.push_str(&format!("{} {port}\n{}\n", protocol.name(), render(&got)));
    }
    insta::assert_snapshot!(case, snapshot);
}

fn opts() -> Options {
    Options::default()
}

const TCP: Protocol = Protocol::Tcp;
const UDP: Protocol = Protocol::Udp;

#[test]
fn default_deny_ingress() {
    // "should support a 'default-deny-ingress' policy"
    check(
        "default_deny_ingress",
        opts(),
        &[(
            TCP,
            80,
            Reachability::new(true).expect_peer(ANY, ns("x"), false),
        )],
    );
}

#[test]
fn default_deny_all() {
    // "should support a 'default-deny-all' policy"
    check(
        "default_deny_all",
        opts(),
        &[(
            TCP,
            80,
            Reachability::new(true)
                .expect_peer(ANY, ns("x"), false)
                .expect_peer(ns("x"), ANY, false),
        )],
    );
}

#[test]
fn allow_all() {
    // "should support allow-all policy"
    check(
        "allow_all",
        opts(),
        &[
            (TCP, 80, Reachability::new(true)),
            (TCP, 81, Reachability::new(true)),
        ],
    );
}

#[test]
fn pod_selector() {
    // "should enforce policy to allow traffic from pods within server namespace based on PodSelector"
    check(
        "pod_selector",
        opts(),
        &[(
            TCP,
            80,
            Reachability::new(true)
                .expect_all_ingress(pod("x", "a"), false)
                .expect_peer(pod("x", "b"), pod("x", "a"), true),
        )],
    );
}

#[test]
fn namespace_selector() {
    // "should enforce policy to allow traffic only from a different namespace, based on NamespaceSelector"
    check(
        "namespace_selector",
        opts(),
        &[(
            TCP,
            80,
            Reachability::new(true)
                .expect_peer(ns("x"), pod("x", "a"), false)
                .expect_peer(ns("z"), pod("x", "a"), false),
        )],
    );
}

#[test]
fn pod_and_namespace_selector_in_one_entry() {
    // "should enforce policy based on PodSelector and NamespaceSelector"
    check(
        "pod_and_namespace_one_entry",
        opts(),
        &[(
            TCP,
            80,
            Reachability::new(true)
                .expect_all_ingress(pod("x", "a"), false)
                .expect_peer(pod("y", "b"), pod("x", "a"), true)
                .expect_peer(pod("z", "b"), pod("x", "a"), true),
        )],
    );
}

#[test]
fn pod_or_namespace_selector_in_two_entries() {
    // "should enforce policy based on PodSelector or NamespaceSelector"
    check(
        "pod_or_namespace_two_entries",
        opts(),
        &[(
            TCP,
            80,
            Reachability::new(true)
                .expect_peer(pod("x", "a"), pod("x", "a"), false)
                .expect_peer(pod("x", "c"), pod("x", "a"), false),
        )],
    );
}

#[test]
fn named_port_ingress() {
    // "should allow ingress access on one named port"
    check(
        "named_port_ingress",
        opts(),
        &[
            (TCP, 81, Reachability::new(true)),
            (
                TCP,
                80,
                Reachability::new(true).expect_peer(ANY, ns("x"), false),
            ),
        ],
    );
}

#[test]
fn named_port_egress() {
    // "should allow egress access on one named port": resolved on the destination pods.
    check(
        "named_port_egress",
        opts(),
        &[
            (TCP, 80, Reachability::new(true)),
            (
                TCP,
                81,
                Reachability::new(true).expect_peer(ns("x"), ANY, false),
            ),
        ],
    );
}

#[test]
fn end_port_range() {
    // endPort (KEP-2079), written in the upstream style: x admits TCP 81-90 only.
    check(
        "end_port",
        opts(),
        &[
            (TCP, 81, Reachability::new(true)),
            (TCP, 90, Reachability::new(true)),
            (
                TCP,
                80,
                Reachability::new(true).expect_peer(ANY, ns("x"), false),
            ),
            (
                TCP,
                91,
                Reachability::new(true).expect_peer(ANY, ns("x"), false),
            ),
            (
                UDP,
                81,
                Reachability::new(true).expect_peer(ANY, ns("x"), false),
            ),
        ],
    );
}

#[test]
fn egress_deny_with_dns() {
    // "should deny egress from all pods in a namespace", with DNS (53/UDP, 53/TCP) kept open.
    check(
        "egress_deny_with_dns",
        opts(),
        &[
            (
                TCP,
                80,
                Reachability::new(true).expect_peer(ns("x"), ANY, false),
            ),
            (UDP, 53, Reachability::new(true)),
            (TCP, 53, Reachability::new(true)),
            (
                UDP,
                54,
                Reachability::new(true).expect_peer(ns("x"), ANY, false),
            ),
        ],
    );
}

fn ipblock_on() -> Options {
    Options {
        ipblock_matches_pods: true,
        ..Options::default()
    }
}

#[test]
fn egress_to_cidr() {
    // "should allow egress access to server in CIDR block" (ipBlock matching pod IPs: option).
    check(
        "ipblock_cidr",
        ipblock_on(),
        &[(
            TCP,
            80,
            Reachability::new(true)
                .expect_all_egress(pod("x", "a"), false)
                .expect_peer(pod("x", "a"), pod("y", "b"), true),
        )],
    );
}

#[test]
fn egress_to_cidr_with_except() {
    // "should enforce except clause while egress access to server in CIDR block"
    check(
        "ipblock_except",
        ipblock_on(),
        &[(
            TCP,
            80,
            Reachability::new(true).expect_peer(pod("x", "a"), pod("x", "b"), false),
        )],
    );
}

#[test]
fn ipblock_does_not_match_pods_by_default() {
    let inventory = load("ipblock_cidr");
    let network = Network::build(&inventory, Options::default());
    let got = computed(&network, TCP, 80);
    // x/a is egress-isolated and its only peer is an ipBlock: no pod is reachable.
    assert!(got[0].iter().enumerate().all(|(j, &b)| j == 0 || !b));
}

#[test]
fn protocol_only() {
    // "should enforce ingress policy allowing any port traffic to a server on a specific protocol"
    check(
        "protocol_only",
        opts(),
        &[
            (TCP, 80, Reachability::new(true)),
            (
                UDP,
                80,
                Reachability::new(true).expect_peer(ANY, pod("x", "a"), false),
            ),
        ],
    );
}

#[test]
fn sctp_is_not_tcp() {
    // "should not mistakenly treat 'protocol: SCTP' as 'protocol: TCP'"
    check(
        "sctp_is_not_tcp",
        opts(),
        &[(
            TCP,
            81,
            Reachability::new(true).expect_peer(ANY, ns("x"), false),
        )],
    );
}

#[test]
fn egress_denied_on_client_side() {
    // "should support denying of egress traffic on the client side (even if the server
    // explicitly allows this traffic)"
    check(
        "egress_denied_on_client_side",
        opts(),
        &[(
            TCP,
            80,
            Reachability::new(true)
                .expect_peer(pod("x", "a"), ANY, false)
                .expect_peer(ANY, pod("y", "a"), false)
                .expect_peer(pod("x", "a"), pod("y", "a"), true)
                .expect_peer(ANY, pod("y", "b"), false),
        )],
    );
}

#[test]
fn self_traffic_is_an_option() {
    let inventory = load("default_deny_ingress");
    let on = Network::build(&inventory, Options::default());
    let xa = on.find_workload("x/a").unwrap();
    assert!(on.connections(xa, xa).is_all());
    let off = Network::build(
        &inventory,
        Options {
            allow_self: false,
            ..Options::default()
        },
    );
    assert!(off.connections(xa, xa).is_empty());
}

#[test]
fn explanations_name_the_policies_and_rules() {
    let inventory = load("pod_selector");
    let network = Network::build(&inventory, Options::default());
    let (xa, xb, xc) = (
        network.find_workload("x/a").unwrap(),
        network.find_workload("x/b").unwrap(),
        network.find_workload("x/c").unwrap(),
    );
    let (allowed, text) = network.explain(xb, xa, Some((TCP, 80)));
    assert!(allowed, "{text}");
    assert!(
        text.contains("allowed by x/x-a-allows-x-b spec.ingress[0]"),
        "{text}"
    );
    let (allowed, text) = network.explain(xc, xa, Some((TCP, 80)));
    assert!(!allowed, "{text}");
    assert!(text.contains("isolated by x/x-a-allows-x-b"), "{text}");
    assert!(
        text.contains("no ingress rule of these policies allows from x/c"),
        "{text}"
    );
}

#[test]
fn effective_policy_types_when_omitted() {
    // Ingress always; Egress only when the policy has egress rules (an empty list is none).
    let text = "apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: p, namespace: x}\nspec:\n  podSelector: {}\n  egress: [{}]\n---\napiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: q, namespace: x}\nspec:\n  podSelector: {}\n  egress: []\n";
    let loaded = load_text("p.yaml", text, &Limits::default());
    let objects = loaded.objects;
    let p = bulkhead_netpol::read_policy(&objects[0]);
    assert!(p.isolates(bulkhead_netpol::Direction::Ingress));
    assert!(p.isolates(bulkhead_netpol::Direction::Egress));
    let q = bulkhead_netpol::read_policy(&objects[1]);
    assert!(q.isolates(bulkhead_netpol::Direction::Ingress));
    assert!(!q.isolates(bulkhead_netpol::Direction::Egress));
}
