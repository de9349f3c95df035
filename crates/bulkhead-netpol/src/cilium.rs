//! CiliumNetworkPolicy and CiliumClusterwideNetworkPolicy (`cilium.io/v2`), L3/L4, read
//! into the [`Policy`] shape the engine evaluates.
//!
//! Each rule set (`spec`, or every entry of `specs`) is one policy:
//! - `endpointSelector` selects pods of the policy's namespace (CiliumNetworkPolicy) or of
//!   every namespace (CiliumClusterwideNetworkPolicy). Label keys may carry a source prefix
//!   (`k8s:`, `any:`); `io.kubernetes.pod.namespace` tests the namespace's name and
//!   `io.cilium.k8s.namespace.labels.<key>` a label of the namespace.
//! - `fromEndpoints`/`toEndpoints` select pods the same way; in a CiliumNetworkPolicy they
//!   are limited to the policy's namespace unless they test the namespace.
//! - `fromCIDR`/`toCIDR` and `fromCIDRSet`/`toCIDRSet` (with `except`) are addresses outside
//!   the cluster, like `ipBlock`.
//! - Entities: `world` is every address outside the cluster (`0.0.0.0/0` and `::/0`),
//!   `cluster` every pod, `all` both. Other entities (`host`, `remote-node`,
//!   `kube-apiserver`, `health`, `init`, `ingress`, `unmanaged`) name nothing the
//!   inputs hold, and match nothing here.
//! - `toPorts`: ports with `protocol` TCP, UDP, SCTP or ANY (the default: all three),
//!   `endPort`, port `0` for every port. A rule with ports and no peer field admits every
//!   peer on those ports; a rule with neither (`{}`) admits nothing.
//! - Default deny: a policy with rules (allow or deny) in a direction isolates the pods it
//!   selects in that direction, unless `enableDefaultDeny` says `false` for it.
//! - `ingressDeny`/`egressDeny`: what they match is denied whatever any policy allows.
//!
//! Not modelled (reported in [`Policy::problems`]): L7 rules (`toPorts[].rules`: HTTP,
//! Kafka, DNS; the port is counted as allowed), `toFQDNs`, `toServices`, `fromRequires`/
//! `toRequires`, `fromGroups`/`toGroups`, `fromNodes`/`toNodes`, `icmps`, CIDR group
//! references, `nodeSelector` (host policies), the service-account label
//! `io.cilium.k8s.policy.serviceaccount`, and allow rules of a policy whose
//! `enableDefaultDeny` is false for their direction (they count only when another policy
//! isolates the pod; here they are left out).

use bulkhead_model::selector::{Operator, Requirement};
use bulkhead_model::{LabelSelector, Node, Object};

use crate::cidr::Cidr;
use crate::connset::Protocol;
use crate::model::{
    namespace_of, Direction, Peer, Policy, PortSpec, PortValue, Rule, NAMESPACE_NAME_LABEL,
};

/// The label Cilium gives every pod with its namespace's name.
const NAMESPACE_KEY: &str = "io.kubernetes.pod.namespace";
/// The prefix of the labels Cilium copies from a pod's namespace.
const NAMESPACE_LABELS_PREFIX: &str = "io.cilium.k8s.namespace.labels.";

/// Whether an object is a CiliumNetworkPolicy or CiliumClusterwideNetworkPolicy.
pub fn is_cilium_policy(object: &Object) -> bool {
    object.group() == "cilium.io"
        && matches!(
            object.kind.as_str(),
            "CiliumNetworkPolicy" | "CiliumClusterwideNetworkPolicy"
        )
}

/// A Cilium selector split into what it asks of the pod and of its namespace (`None` when
/// it does not test the namespace).
fn split_selector(
    node: &Node,
    problems: &mut Vec<String>,
) -> Option<(LabelSelector, Option<LabelSelector>)> {
    let selector = match LabelSelector::from_node(node) {
        Ok(s) => s,
        Err(e) => {
            problems.push(format!("selector: {e}"));
            return None;
        }
    };
    let mut pod = Vec::new();
    let mut namespace = Vec::new();
    for r in selector.requirements {
        let key = r
            .key
            .strip_prefix("k8s:")
            .or_else(|| r.key.strip_prefix("any:"))
            .unwrap_or(&r.key)
            .to_string();
        if key.starts_with("reserved:") {
            problems.push(format!("reserved label {key} not modelled"));
            return None;
        }
        if key == NAMESPACE_KEY {
            namespace.push(Requirement {
                key: NAMESPACE_NAME_LABEL.into(),
                ..r
            });
        } else if let Some(label) = key.strip_prefix(NAMESPACE_LABELS_PREFIX) {
            namespace.push(Requirement {
                key: label.to_string(),
                ..r
            });
        } else {
            pod.push(Requirement { key, ..r });
        }
    }
    let namespace = (!namespace.is_empty()).then_some(LabelSelector {
        requirements: namespace,
    });
    Some((LabelSelector { requirements: pod }, namespace))
}

/// Every namespace.
fn all_namespaces() -> Option<LabelSelector> {
    Some(LabelSelector {
        requirements: vec![Requirement {
            key: NAMESPACE_NAME_LABEL.into(),
            operator: Operator::Exists,
            values: Vec::new(),
        }],
    })
}

fn everything_outside() -> Vec<Peer> {
    ["0.0.0.0/0", "::/0"]
        .iter()
        .filter_map(|c| Cidr::parse(c))
        .map(|cidr| Peer::IpBlock {
            cidr,
            except: Vec::new(),
        })
        .collect()
}

fn read_ports(rule: &Node, problems: &mut Vec<String>) -> Option<Vec<PortSpec>> {
    let entries = rule.get("toPorts").map(Node::as_seq).unwrap_or(&[]);
    if entries.is_empty() {
        return None;
    }
    let mut out = Vec::new();
    for entry in entries {
        if entry.get("rules").is_some() {
            problems.push("L7 rules not modelled: their ports count as allowed".into());
        }
        for p in entry.get("ports").map(Node::as_seq).unwrap_or(&[]) {
            let protocol = p.get("protocol").and_then(Node::as_str).unwrap_or("ANY");
            let protocols: Vec<Protocol> = match protocol {
                "ANY" => Protocol::ALL.to_vec(),
                other => match Protocol::parse(other) {
                    Some(p) => vec![p],
                    None => {
                        problems.push(format!("protocol {other} not modelled"));
                        continue;
                    }
                },
            };
            let port = p.get("port").and_then(Node::scalar_text);
            for protocol in protocols {
                let spec = match port.as_deref() {
                    None | Some("") | Some("0") => Some(PortSpec {
                        protocol,
                        port: None,
                        end_port: None,
                    }),
                    Some(text) => match text.parse::<u16>() {
                        Ok(n) => Some(PortSpec {
                            protocol,
                            port: Some(PortValue::Number(n)),
                            end_port: p
                                .get("endPort")
                                .and_then(Node::as_i64)
                                .and_then(|e| u16::try_from(e).ok())
                                .filter(|&e| e >= n),
                        }),
                        Err(_) if text.parse::<i64>().is_ok() => {
                            problems.push(format!("port {text} out of range"));
                            None
                        }
                        Err(_) => Some(PortSpec {
                            protocol,
                            port: Some(PortValue::Named(text.to_string())),
                            end_port: None,
                        }),
                    },
                };
                out.extend(spec);
            }
        }
    }
    Some(out)
}

fn read_cidrs(list: Option<&Node>, with_except: bool, problems: &mut Vec<String>) -> Vec<Peer> {
    let mut out = Vec::new();
    for entry in list.map(Node::as_seq).unwrap_or(&[]) {
        let (text, except) = if with_except {
            if entry.get("cidrGroupRef").is_some() || entry.get("cidrGroupSelector").is_some() {
                problems.push("CIDR group references not modelled".into());
                continue;
            }
            (
                entry.get("cidr").and_then(Node::as_str),
                entry
                    .get("except")
                    .map(Node::as_seq)
                    .unwrap_or(&[])
                    .iter()
                    .filter_map(|e| e.as_str().and_then(Cidr::parse))
                    .collect(),
            )
        } else {
            (entry.as_str(), Vec::new())
        };
        match text.and_then(Cidr::parse) {
            Some(cidr) => out.push(Peer::IpBlock { cidr, except }),
            None => problems.push("invalid CIDR".into()),
        }
    }
    out
}

fn read_rule(
    node: &Node,
    index: usize,
    direction: Direction,
    cluster_wide: bool,
    problems: &mut Vec<String>,
) -> Rule {
    let side = match direction {
        Direction::Ingress => "from",
        Direction::Egress => "to",
    };
    let field = |name: &str| node.get(&format!("{side}{name}"));
    let mut peers = Vec::new();
    let mut has_peer_field = false;
    if let Some(list) = field("Endpoints") {
        has_peer_field = true;
        for sel in list.as_seq() {
            if let Some((pod, namespace)) = split_selector(sel, problems) {
                let namespace = namespace.or_else(|| cluster_wide.then(all_namespaces).flatten());
                peers.push(Peer::Pods {
                    pod: Some(pod),
                    namespace,
                });
            }
        }
    }
    for (name, with_except) in [("CIDR", false), ("CIDRSet", true)] {
        if let Some(list) = field(name) {
            has_peer_field = true;
            peers.extend(read_cidrs(Some(list), with_except, problems));
        }
    }
    if let Some(list) = field("Entities") {
        has_peer_field = true;
        for entity in list.as_seq().iter().filter_map(Node::as_str) {
            match entity {
                "world" => peers.extend(everything_outside()),
                "cluster" => peers.push(Peer::Pods {
                    pod: None,
                    namespace: all_namespaces(),
                }),
                "all" => {
                    peers.extend(everything_outside());
                    peers.push(Peer::Pods {
                        pod: None,
                        namespace: all_namespaces(),
                    });
                }
                other => problems.push(format!("entity {other} not modelled (matches nothing)")),
            }
        }
    }
    for name in ["FQDNs", "Services", "Requires", "Groups", "Nodes"] {
        if field(name).is_some() {
            has_peer_field = true;
            problems.push(format!("{side}{name} not modelled (matches nothing)"));
        }
    }
    if node.get("icmps").is_some() {
        problems.push("icmps not modelled".into());
    }
    let ports = read_ports(node, problems);
    let peers = match (has_peer_field, &ports) {
        // Ports alone: every peer on those ports.
        (false, Some(_)) => None,
        // `{}`: nothing.
        (false, None) => Some(Vec::new()),
        (true, _) => Some(peers),
    };
    Rule {
        index,
        peers,
        ports,
    }
}

fn read_rules(
    spec: &Node,
    field: &str,
    direction: Direction,
    cluster_wide: bool,
    problems: &mut Vec<String>,
) -> Vec<Rule> {
    spec.get(field)
        .map(Node::as_seq)
        .unwrap_or(&[])
        .iter()
        .enumerate()
        .map(|(i, r)| read_rule(r, i, direction, cluster_wide, problems))
        .collect()
}

fn read_spec<'a>(object: &'a Object, spec: &Node, spec_path: String) -> Policy<'a> {
    let cluster_wide = object.kind == "CiliumClusterwideNetworkPolicy";
    let mut problems = Vec::new();
    if spec.get("nodeSelector").is_some() {
        problems.push("host policies (nodeSelector) not modelled".into());
    }
    let (pod_selector, subject_namespaces) = match spec.get("endpointSelector") {
        Some(node) => match split_selector(node, &mut problems) {
            Some((pod, ns)) => (
                Some(pod),
                ns.or_else(|| cluster_wide.then(all_namespaces).flatten()),
            ),
            None => (None, None),
        },
        None => (None, None),
    };
    let ingress = read_rules(
        spec,
        "ingress",
        Direction::Ingress,
        cluster_wide,
        &mut problems,
    );
    let egress = read_rules(
        spec,
        "egress",
        Direction::Egress,
        cluster_wide,
        &mut problems,
    );
    let ingress_deny = read_rules(
        spec,
        "ingressDeny",
        Direction::Ingress,
        cluster_wide,
        &mut problems,
    );
    let egress_deny = read_rules(
        spec,
        "egressDeny",
        Direction::Egress,
        cluster_wide,
        &mut problems,
    );
    let default_deny = |name: &str, has_rules: bool| {
        spec.path(&["enableDefaultDeny", name])
            .and_then(Node::as_bool)
            .unwrap_or(has_rules)
            && has_rules
    };
    let has = |field: &str| spec.get(field).is_some();
    let isolates = [
        default_deny("ingress", has("ingress") || has("ingressDeny")),
        default_deny("egress", has("egress") || has("egressDeny")),
    ];
    Policy {
        object,
        namespace: if cluster_wide {
            String::new()
        } else {
            namespace_of(object)
        },
        name: object.name.clone(),
        pod_selector,
        subject_namespaces,
        isolates,
        ingress,
        egress,
        ingress_deny,
        egress_deny,
        spec_path,
        problems,
    }
}

/// The policies of a Cilium policy object: its `spec` and each entry of its `specs`.
pub fn read_cilium_policy(object: &Object) -> Vec<Policy<'_>> {
    let mut out = Vec::new();
    if let Some(spec) = object.root.get("spec") {
        out.push(read_spec(object, spec, "spec".into()));
    }
    for (i, spec) in object
        .root
        .get("specs")
        .map(Node::as_seq)
        .unwrap_or(&[])
        .iter()
        .enumerate()
    {
        out.push(read_spec(object, spec, format!("specs[{i}]")));
    }
    out
}
