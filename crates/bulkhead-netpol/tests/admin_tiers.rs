//! AdminNetworkPolicy, BaselineAdminNetworkPolicy and ClusterNetworkPolicy tiers over the
//! e2e world of the truth tables (namespaces x, y, z labelled `ns`, pods a, b, c labelled
//! `pod`, serving 80 and 81 over TCP, UDP and SCTP; `tests/truthtables/pods.yaml`).
//!
//! Order: admin tier (by priority, rules in order; Allow, Deny, Pass) → NetworkPolicy →
//! baseline tier → default allow. A pod to itself is not compared (allowed by option).

use std::path::Path;

use bulkhead_model::{load_text, Inventory, Limits};
use bulkhead_netpol::{Network, Options, Protocol};

const NAMES: [&str; 9] = [
    "x/a", "x/b", "x/c", "y/a", "y/b", "y/c", "z/a", "z/b", "z/c",
];

fn load(policies: &str) -> Inventory {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/truthtables");
    let pods = std::fs::read_to_string(dir.join("pods.yaml")).unwrap();
    let loaded = load_text(
        "admin",
        &format!("{pods}\n---\n{policies}"),
        &Limits::default(),
    );
    assert!(loaded.errors.is_empty(), "{:?}", loaded.errors);
    Inventory::new(loaded.objects)
}

fn ns(name: &str) -> &str {
    name.split_once('/').unwrap().0
}

/// Checks the 9x9 matrix on one port against `expected(src, dst)`.
fn check(
    network: &Network<'_>,
    protocol: Protocol,
    port: u16,
    expected: impl Fn(&str, &str) -> bool,
) {
    let mut wrong = Vec::new();
    for s in NAMES {
        for d in NAMES {
            if s == d {
                continue;
            }
            let (si, di) = (
                network.find_workload(s).unwrap(),
                network.find_workload(d).unwrap(),
            );
            let got = network.connections(si, di).contains(protocol, port);
            // The explanation and the matrix agree.
            let (explained, _) = network.explain(si, di, Some((protocol, port)));
            assert_eq!(got, explained, "{s} -> {d}: matrix and explain disagree");
            if got != expected(s, d) {
                wrong.push(format!("{s} -> {d}: got {got}"));
            }
        }
    }
    assert!(
        wrong.is_empty(),
        "{} {port}:\n{}",
        protocol.name(),
        wrong.join("\n")
    );
}

fn explain(network: &Network<'_>, src: &str, dst: &str, port: u16) -> String {
    let (s, d) = (
        network.find_workload(src).unwrap(),
        network.find_workload(dst).unwrap(),
    );
    network.explain(s, d, Some((Protocol::Tcp, port))).1
}

const NP_ALLOW_ALL_INGRESS_X: &str = "
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: allow-all, namespace: x}
spec:
  podSelector: {}
  ingress: [{}]
";

const NP_DENY_INGRESS_X: &str = "
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: deny-ingress, namespace: x}
spec:
  podSelector: {}
  policyTypes: [Ingress]
";

#[test]
fn anp_deny_overrides_network_policy_allow() {
    let inventory = load(&format!(
        "{NP_ALLOW_ALL_INGRESS_X}---
apiVersion: policy.networking.k8s.io/v1alpha1
kind: AdminNetworkPolicy
metadata: {{name: deny-from-y}}
spec:
  priority: 10
  subject:
    namespaces: {{matchLabels: {{ns: x}}}}
  ingress:
    - name: deny-y
      action: Deny
      from:
        - namespaces: {{matchLabels: {{ns: \"y\"}}}}
"
    ));
    let network = Network::build(&inventory, Options::default());
    assert_eq!(network.admin.len(), 1);
    check(&network, Protocol::Tcp, 80, |s, d| {
        !(ns(s) == "y" && ns(d) == "x")
    });
    let text = explain(&network, "y/a", "x/b", 80);
    assert!(text.starts_with("y/a -> x/b (TCP 80): DENIED\n"), "{text}");
    assert!(
        text.contains("  ingress of x/b: isolated by x/allow-all\n"),
        "{text}"
    );
    assert!(
        text.contains(
            "    admin tier: Deny by AdminNetworkPolicy/deny-from-y priority 10 spec.ingress[0] (deny-y): TCP 80\n"
        ),
        "{text}"
    );
}

#[test]
fn anp_allow_overrides_network_policy_isolation() {
    let inventory = load(&format!(
        "{NP_DENY_INGRESS_X}---
apiVersion: policy.networking.k8s.io/v1alpha1
kind: AdminNetworkPolicy
metadata: {{name: allow-zc}}
spec:
  priority: 3
  subject:
    pods:
      namespaceSelector: {{matchLabels: {{ns: x}}}}
      podSelector: {{}}
  ingress:
    - name: from-zc
      action: Allow
      from:
        - pods:
            namespaceSelector: {{matchLabels: {{ns: z}}}}
            podSelector: {{matchLabels: {{pod: c}}}}
      ports:
        - portNumber: {{protocol: TCP, port: 80}}
"
    ));
    let network = Network::build(&inventory, Options::default());
    check(&network, Protocol::Tcp, 80, |s, d| {
        ns(d) != "x" || s == "z/c"
    });
    check(&network, Protocol::Tcp, 81, |_, d| ns(d) != "x");
    check(&network, Protocol::Udp, 80, |_, d| ns(d) != "x");
    let text = explain(&network, "z/c", "x/a", 80);
    assert!(text.starts_with("z/c -> x/a (TCP 80): ALLOWED\n"), "{text}");
    assert!(
        text.contains("    admin tier: Allow by AdminNetworkPolicy/allow-zc priority 3 spec.ingress[0] (from-zc): TCP 80\n"),
        "{text}"
    );
    assert!(
        text.contains("    after all tiers this side allows: TCP 80\n"),
        "{text}"
    );
}

#[test]
fn pass_delegates_to_network_policy() {
    let inventory = load(
        "
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: allow-ya, namespace: x}
spec:
  podSelector: {}
  ingress:
    - from:
        - namespaceSelector: {matchLabels: {ns: \"y\"}}
          podSelector: {matchLabels: {pod: a}}
---
apiVersion: policy.networking.k8s.io/v1alpha1
kind: AdminNetworkPolicy
metadata: {name: pass-y}
spec:
  priority: 5
  subject:
    namespaces: {matchLabels: {ns: x}}
  ingress:
    - name: pass-y
      action: Pass
      from:
        - namespaces: {matchLabels: {ns: \"y\"}}
---
apiVersion: policy.networking.k8s.io/v1alpha1
kind: AdminNetworkPolicy
metadata: {name: deny-all}
spec:
  priority: 10
  subject:
    namespaces: {matchLabels: {ns: x}}
  ingress:
    - name: deny-everyone
      action: Deny
      from:
        - namespaces: {}
",
    );
    let network = Network::build(&inventory, Options::default());
    // y was passed to the NetworkPolicy tier, which allows only y/a; everyone else is
    // denied by the lower-priority ANP.
    check(&network, Protocol::Tcp, 80, |s, d| {
        ns(d) != "x" || s == "y/a"
    });
    let text = explain(&network, "y/b", "x/a", 80);
    assert!(text.contains("admin tier: Pass by AdminNetworkPolicy/pass-y priority 5 spec.ingress[0] (pass-y): TCP 80 (to the NetworkPolicy tier)\n"), "{text}");
    assert!(!text.contains("deny-all"), "{text}");
    let text = explain(&network, "z/b", "x/a", 80);
    assert!(text.contains("admin tier: Deny by AdminNetworkPolicy/deny-all priority 10 spec.ingress[0] (deny-everyone)"), "{text}");
}

#[test]
fn lower_priority_number_wins() {
    // Names sort the other way round, so only the priority can give this result.
    let inventory = load(
        "
apiVersion: policy.networking.k8s.io/v1alpha1
kind: AdminNetworkPolicy
metadata: {name: a-deny}
spec:
  priority: 20
  subject:
    namespaces: {matchLabels: {ns: x}}
  ingress:
    - action: Deny
      from: [{namespaces: {}}]
---
apiVersion: policy.networking.k8s.io/v1alpha1
kind: AdminNetworkPolicy
metadata: {name: z-allow}
spec:
  priority: 3
  subject:
    namespaces: {matchLabels: {ns: x}}
  ingress:
    - action: Allow
      from: [{namespaces: {matchLabels: {ns: \"y\"}}}]
",
    );
    let network = Network::build(&inventory, Options::default());
    check(&network, Protocol::Tcp, 80, |s, d| {
        ns(d) != "x" || ns(s) == "y"
    });
    let text = explain(&network, "y/a", "x/a", 81);
    assert!(
        text.contains(
            "admin tier: Allow by AdminNetworkPolicy/z-allow priority 3 spec.ingress[0]: TCP 81\n"
        ),
        "{text}"
    );
}

#[test]
fn banp_deny_applies_only_without_network_policy_isolation() {
    let inventory = load(
        "
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: allow-z, namespace: x}
spec:
  podSelector: {}
  ingress:
    - from: [{namespaceSelector: {matchLabels: {ns: z}}}]
---
apiVersion: policy.networking.k8s.io/v1alpha1
kind: BaselineAdminNetworkPolicy
metadata: {name: default}
spec:
  subject:
    namespaces: {matchExpressions: [{key: ns, operator: In, values: [x, \"y\"]}]}
  ingress:
    - name: deny-all
      action: Deny
      from: [{namespaces: {}}]
",
    );
    let network = Network::build(&inventory, Options::default());
    // x is isolated by its NetworkPolicy (z allowed, the rest denied by isolation); y is not
    // isolated, so the baseline denies everything; z has neither.
    check(&network, Protocol::Tcp, 80, |s, d| match ns(d) {
        "x" => ns(s) == "z",
        "y" => false,
        _ => true,
    });
    let text = explain(&network, "z/a", "y/a", 80);
    assert!(
        text.contains(
            "  ingress of y/a: not isolated by NetworkPolicy (no policy with Ingress selects it)\n"
        ),
        "{text}"
    );
    assert!(text.contains("    baseline tier: Deny by BaselineAdminNetworkPolicy/default spec.ingress[0] (deny-all): TCP 80\n"), "{text}");
    let text = explain(&network, "z/a", "x/a", 80);
    assert!(text.contains("ALLOWED"), "{text}");
    assert!(!text.contains("baseline tier"), "{text}");
}

#[test]
fn banp_allow_before_deny() {
    let inventory = load(&format!(
        "{NP_DENY_INGRESS_X}---
apiVersion: policy.networking.k8s.io/v1alpha1
kind: BaselineAdminNetworkPolicy
metadata: {{name: default}}
spec:
  subject:
    namespaces: {{}}
  ingress:
    - name: allow-y
      action: Allow
      from: [{{namespaces: {{matchLabels: {{ns: \"y\"}}}}}}]
    - name: deny-rest
      action: Deny
      from: [{{namespaces: {{}}}}]
---
apiVersion: policy.networking.k8s.io/v1alpha1
kind: BaselineAdminNetworkPolicy
metadata: {{name: not-default}}
spec:
  subject:
    namespaces: {{}}
  ingress:
    - action: Deny
      from: [{{namespaces: {{matchLabels: {{ns: \"y\"}}}}}}]
"
    ));
    let network = Network::build(&inventory, Options::default());
    // Only the BANP named `default` counts; x is isolated by its NetworkPolicy.
    assert_eq!(network.admin.len(), 1);
    check(&network, Protocol::Tcp, 80, |s, d| {
        ns(d) != "x" && ns(s) == "y"
    });
    let text = explain(&network, "y/a", "z/a", 80);
    assert!(text.contains("    baseline tier: Allow by BaselineAdminNetworkPolicy/default spec.ingress[0] (allow-y): TCP 80\n"), "{text}");
}

#[test]
fn anp_egress_named_port_and_range() {
    let inventory = load(
        "
apiVersion: policy.networking.k8s.io/v1alpha1
kind: AdminNetworkPolicy
metadata: {name: egress}
spec:
  priority: 1
  subject:
    pods:
      namespaceSelector: {matchLabels: {ns: x}}
      podSelector: {matchLabels: {pod: a}}
  egress:
    - name: no-81-tcp-to-z
      action: Deny
      to: [{namespaces: {matchLabels: {ns: z}}}]
      ports:
        - namedPort: serve-81-tcp
    - name: no-udp-to-y
      action: Deny
      to:
        - namespaces: {matchLabels: {ns: \"y\"}}
        - networks: [0.0.0.0/0]
      ports:
        - portRange: {protocol: UDP, start: 70, end: 90}
",
    );
    let network = Network::build(&inventory, Options::default());
    check(&network, Protocol::Tcp, 80, |_, _| true);
    check(&network, Protocol::Tcp, 81, |s, d| {
        !(s == "x/a" && ns(d) == "z")
    });
    check(&network, Protocol::Udp, 81, |s, d| {
        !(s == "x/a" && ns(d) == "y")
    });
    check(&network, Protocol::Udp, 80, |s, d| {
        !(s == "x/a" && ns(d) == "y")
    });
    check(&network, Protocol::Sctp, 80, |_, _| true);
}

#[test]
fn cluster_network_policy_tiers() {
    let inventory = load(&format!(
        "{NP_ALLOW_ALL_INGRESS_X}---
apiVersion: policy.networking.k8s.io/v1alpha2
kind: ClusterNetworkPolicy
metadata: {{name: admin-deny-z}}
spec:
  tier: Admin
  priority: 10
  subject:
    namespaces: {{matchLabels: {{ns: x}}}}
  ingress:
    - name: deny-z-80
      action: Deny
      from: [{{namespaces: {{matchLabels: {{ns: z}}}}}}]
      protocols:
        - tcp:
            destinationPort: {{number: 80}}
---
apiVersion: policy.networking.k8s.io/v1alpha2
kind: ClusterNetworkPolicy
metadata: {{name: baseline}}
spec:
  tier: Baseline
  priority: 0
  subject:
    namespaces: {{}}
  ingress:
    - name: accept-x
      action: Accept
      from: [{{namespaces: {{matchLabels: {{ns: x}}}}}}]
    - name: deny-rest
      action: Deny
      from: [{{namespaces: {{}}}}]
"
    ));
    let network = Network::build(&inventory, Options::default());
    assert_eq!(network.admin.len(), 2);
    // Into x: NetworkPolicy allows all, except z on TCP 80 (admin). Elsewhere the
    // baseline accepts x only.
    check(&network, Protocol::Tcp, 80, |s, d| match ns(d) {
        "x" => ns(s) != "z",
        _ => ns(s) == "x",
    });
    check(&network, Protocol::Tcp, 81, |s, d| {
        ns(d) == "x" || ns(s) == "x"
    });
    let text = explain(&network, "z/a", "x/a", 80);
    assert!(text.contains("    admin tier: Deny by ClusterNetworkPolicy/admin-deny-z priority 10 spec.ingress[0] (deny-z-80): TCP 80\n"), "{text}");
}

#[test]
fn network_policy_only_explanations_unchanged() {
    let inventory = load(NP_DENY_INGRESS_X);
    let network = Network::build(&inventory, Options::default());
    assert!(network.admin.is_empty());
    let text = explain(&network, "y/a", "x/a", 80);
    assert_eq!(
        text,
        "y/a -> x/a (TCP 80): DENIED
  egress of y/a: not isolated (no policy with Egress selects it): everything allowed
  ingress of x/a: isolated by x/deny-ingress
    no ingress rule of these policies allows from y/a TCP 80
  allowed connections: none
"
    );
}
