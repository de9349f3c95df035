//! Cluster-scoped policy tiers (`policy.networking.k8s.io`): v1alpha1 AdminNetworkPolicy
//! (ANP) and BaselineAdminNetworkPolicy (BANP), and v1alpha2 ClusterNetworkPolicy (CNP,
//! `tier: Admin|Baseline`), read into one shape.
//!
//! Evaluation order, per direction and per port: the admin tier (ANPs and Admin CNPs by
//! ascending `priority`, then name; rules in order; the first matching rule decides: Allow,
//! Deny, or Pass to the NetworkPolicy tier) → NetworkPolicy v1 → the baseline tier (the BANP
//! named `default`, then Baseline CNPs by priority; Allow or Deny) → default allow.
//!
//! Not modelled: egress peers `networks` and `nodes` (cluster-external CIDRs and nodes; the
//! engine only decides pod-to-pod traffic, so such peers match no pod), and the `domainNames`
//! peer of v1alpha2. Equal priorities are undefined upstream; here ties go by name.
//! `hostNetwork` pods follow `Options::isolate_host_network` as with NetworkPolicy (not
//! subjects by default). Ingress peers are pods only, so traffic from outside the cluster
//! (`Network::external_ingress`, exposure) is left to NetworkPolicy. Read problems are kept
//! in `AdminPolicy::problems` but not reported by any check yet.

use bulkhead_model::{LabelSelector, Node, Object};

use crate::connset::{ConnSet, Protocol};
use crate::model::{ContainerPort, Direction};

pub const GROUP: &str = "policy.networking.k8s.io";

/// Which tier a cluster-scoped policy belongs to.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Tier {
    /// AdminNetworkPolicy, ClusterNetworkPolicy `tier: Admin`: before NetworkPolicy.
    Admin,
    /// BaselineAdminNetworkPolicy, ClusterNetworkPolicy `tier: Baseline`: after NetworkPolicy.
    Baseline,
}

impl Tier {
    pub fn name(self) -> &'static str {
        match self {
            Tier::Admin => "admin",
            Tier::Baseline => "baseline",
        }
    }
}

/// A rule action (v1alpha2 `Accept` is read as `Allow`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Action {
    Allow,
    Deny,
    Pass,
}

impl Action {
    pub fn name(self) -> &'static str {
        match self {
            Action::Allow => "Allow",
            Action::Deny => "Deny",
            Action::Pass => "Pass",
        }
    }
}

/// Pods selected by a `subject` or a `namespaces`/`pods` peer.
#[derive(Clone, Debug)]
pub struct PodsSelector {
    pub namespace: LabelSelector,
    /// `None`: every pod of the matching namespaces.
    pub pod: Option<LabelSelector>,
}

/// One `ports` entry.
#[derive(Clone, Debug)]
pub enum AdminPort {
    /// `portNumber` and `portRange` (inclusive).
    Range(Protocol, u16, u16),
    /// `namedPort`: a container port name on the destination, any protocol.
    Named(String),
}

#[derive(Clone, Debug)]
pub struct AdminRule {
    pub index: usize,
    pub name: Option<String>,
    pub action: Action,
    /// Pod peers (`namespaces`, `pods`); empty matches no pod.
    pub peers: Vec<PodsSelector>,
    /// `None`: every port and protocol.
    pub ports: Option<Vec<AdminPort>>,
}

/// An ANP, BANP or CNP.
#[derive(Clone, Debug)]
pub struct AdminPolicy<'a> {
    pub object: &'a Object,
    pub tier: Tier,
    pub priority: i64,
    /// `None` when invalid (selects nothing).
    pub subject: Option<PodsSelector>,
    pub ingress: Vec<AdminRule>,
    pub egress: Vec<AdminRule>,
    pub problems: Vec<String>,
}

impl AdminPolicy<'_> {
    /// `Kind/name`, e.g. `AdminNetworkPolicy/deny-x`.
    pub fn id(&self) -> String {
        format!("{}/{}", self.object.kind, self.object.name)
    }

    pub fn rules(&self, direction: Direction) -> &[AdminRule] {
        match direction {
            Direction::Ingress => &self.ingress,
            Direction::Egress => &self.egress,
        }
    }

    /// `Kind/name spec.ingress[0] "name"`, for explanations.
    pub fn rule_id(&self, direction: Direction, rule: usize) -> String {
        let name = self
            .rules(direction)
            .get(rule)
            .and_then(|r| r.name.as_deref())
            .map(|n| format!(" ({n})"))
            .unwrap_or_default();
        let priority = match self.object.kind.as_str() {
            "BaselineAdminNetworkPolicy" => String::new(),
            _ => format!(" priority {}", self.priority),
        };
        format!(
            "{}{priority} spec.{}[{rule}]{name}",
            self.id(),
            direction.field()
        )
    }
}

/// Whether an object is an ANP, BANP or CNP.
pub fn is_admin_policy(object: &Object) -> bool {
    object.group() == GROUP
        && matches!(
            object.kind.as_str(),
            "AdminNetworkPolicy" | "BaselineAdminNetworkPolicy" | "ClusterNetworkPolicy"
        )
}

fn selector(node: Option<&Node>, what: &str, problems: &mut Vec<String>) -> Option<LabelSelector> {
    match node {
        None => Some(LabelSelector::default()),
        Some(n) => match LabelSelector::from_node(n) {
            Ok(s) => Some(s),
            Err(e) => {
                problems.push(format!("{what}: {e}"));
                None
            }
        },
    }
}

/// `namespaces: <selector>` or `pods: {namespaceSelector, podSelector}`.
fn read_pods(node: &Node, what: &str, problems: &mut Vec<String>) -> Option<PodsSelector> {
    if let Some(ns) = node.get("namespaces") {
        return Some(PodsSelector {
            namespace: selector(Some(ns), what, problems)?,
            pod: None,
        });
    }
    if let Some(pods) = node.get("pods") {
        return Some(PodsSelector {
            namespace: selector(pods.get("namespaceSelector"), what, problems)?,
            pod: Some(selector(pods.get("podSelector"), what, problems)?),
        });
    }
    None
}

fn port_number(node: Option<&Node>) -> Option<u16> {
    node.and_then(Node::as_i64)
        .and_then(|n| u16::try_from(n).ok())
        .filter(|&n| n > 0)
}

fn protocol(node: &Node, problems: &mut Vec<String>) -> Option<Protocol> {
    match node.get("protocol").and_then(Node::as_str) {
        None => Some(Protocol::Tcp),
        Some(p) => {
            let parsed = Protocol::parse(p);
            if parsed.is_none() {
                problems.push(format!("unknown protocol {p:?}"));
            }
            parsed
        }
    }
}

/// v1alpha1 `ports` entries.
fn read_port(node: &Node, problems: &mut Vec<String>) -> Option<AdminPort> {
    if let Some(n) = node.get("portNumber") {
        let proto = protocol(n, problems)?;
        let port = port_number(n.get("port"))?;
        return Some(AdminPort::Range(proto, port, port));
    }
    if let Some(n) = node.get("namedPort").and_then(Node::as_str) {
        return Some(AdminPort::Named(n.to_string()));
    }
    if let Some(n) = node.get("portRange") {
        let proto = protocol(n, problems)?;
        let (start, end) = (port_number(n.get("start"))?, port_number(n.get("end"))?);
        if start > end {
            problems.push(format!("portRange {start}-{end} is empty"));
            return None;
        }
        return Some(AdminPort::Range(proto, start, end));
    }
    problems.push("port without portNumber, namedPort or portRange".into());
    None
}

/// v1alpha2 `protocols` entries: `tcp`/`udp`/`sctp: {destinationPort: {number | range}}`
/// or `destinationNamedPort`.
fn read_protocol(node: &Node, problems: &mut Vec<String>) -> Option<AdminPort> {
    if let Some(n) = node.get("destinationNamedPort").and_then(Node::as_str) {
        return Some(AdminPort::Named(n.to_string()));
    }
    for (key, proto) in [
        ("tcp", Protocol::Tcp),
        ("udp", Protocol::Udp),
        ("sctp", Protocol::Sctp),
    ] {
        let Some(p) = node.get(key) else { continue };
        let Some(dest) = p.get("destinationPort") else {
            return Some(AdminPort::Range(proto, 1, u16::MAX));
        };
        if let Some(n) = port_number(dest.get("number")) {
            return Some(AdminPort::Range(proto, n, n));
        }
        if let Some(r) = dest.get("range") {
            let (start, end) = (port_number(r.get("start"))?, port_number(r.get("end"))?);
            return (start <= end).then_some(AdminPort::Range(proto, start, end));
        }
    }
    problems.push("protocols entry without tcp, udp, sctp or destinationNamedPort".into());
    None
}

fn read_rules(spec: &Node, direction: Direction, problems: &mut Vec<String>) -> Vec<AdminRule> {
    spec.get(direction.field())
        .map(Node::as_seq)
        .unwrap_or(&[])
        .iter()
        .enumerate()
        .filter_map(|(index, rule)| {
            let action = match rule.get("action").and_then(Node::as_str) {
                Some("Allow" | "Accept") => Action::Allow,
                Some("Deny") => Action::Deny,
                Some("Pass") => Action::Pass,
                other => {
                    problems.push(format!(
                        "spec.{}[{index}]: unknown action {other:?}",
                        direction.field()
                    ));
                    return None;
                }
            };
            let peers = rule
                .get(direction.peers_field())
                .map(Node::as_seq)
                .unwrap_or(&[])
                .iter()
                // `networks`, `nodes`, `domainNames` match no pod: ignored.
                .filter_map(|p| read_pods(p, direction.peers_field(), problems))
                .collect();
            let ports = if let Some(list) = rule.get("ports") {
                Some(
                    list.as_seq()
                        .iter()
                        .filter_map(|p| read_port(p, problems))
                        .collect(),
                )
            } else {
                rule.get("protocols").map(|list| {
                    list.as_seq()
                        .iter()
                        .filter_map(|p| read_protocol(p, problems))
                        .collect()
                })
            };
            Some(AdminRule {
                index,
                name: rule.get("name").and_then(Node::as_str).map(str::to_string),
                action,
                peers,
                ports,
            })
        })
        .collect()
}

/// Reads an ANP, BANP or CNP; `None` for a BANP not named `default` (the API rejects it)
/// or a CNP with an unknown tier.
pub fn read_admin_policy(object: &Object) -> Option<AdminPolicy<'_>> {
    let mut problems = Vec::new();
    let spec = object.root.get("spec")?;
    let tier = match object.kind.as_str() {
        "AdminNetworkPolicy" => Tier::Admin,
        "BaselineAdminNetworkPolicy" if object.name == "default" => Tier::Baseline,
        "ClusterNetworkPolicy" => match spec.get("tier").and_then(Node::as_str) {
            Some("Admin") => Tier::Admin,
            Some("Baseline") => Tier::Baseline,
            _ => return None,
        },
        _ => return None,
    };
    let priority = spec.get("priority").and_then(Node::as_i64).unwrap_or(0);
    let subject = spec.get("subject").and_then(|s| {
        let read = read_pods(s, "subject", &mut problems);
        if read.is_none() {
            problems.push("subject without namespaces or pods".into());
        }
        read
    });
    let ingress = read_rules(spec, Direction::Ingress, &mut problems);
    let egress = read_rules(spec, Direction::Egress, &mut problems);
    Some(AdminPolicy {
        object,
        tier,
        priority,
        subject,
        ingress,
        egress,
        problems,
    })
}

/// The connections a rule's ports cover toward a destination with these container ports.
pub fn resolve_admin_ports(ports: Option<&[AdminPort]>, dst_ports: &[ContainerPort]) -> ConnSet {
    let Some(ports) = ports else {
        return ConnSet::all();
    };
    let mut out = ConnSet::none();
    for p in ports {
        match p {
            AdminPort::Range(proto, from, to) => {
                out.union_with(&ConnSet::range(*proto, *from, *to));
            }
            AdminPort::Named(name) => {
                for c in dst_ports {
                    if c.name.as_deref() == Some(name) {
                        out.union_with(&ConnSet::port(c.protocol, c.port));
                    }
                }
            }
        }
    }
    out
}

/// The pod label keys the policies' pod selectors look at (see `model::referenced_keys`).
pub(crate) fn referenced_keys(policies: &[AdminPolicy<'_>]) -> std::collections::BTreeSet<String> {
    let mut keys = std::collections::BTreeSet::new();
    for p in policies {
        let peers = p.ingress.iter().chain(&p.egress).flat_map(|r| &r.peers);
        for s in p.subject.iter().chain(peers) {
            if let Some(pod) = &s.pod {
                keys.extend(pod.requirements.iter().map(|r| r.key.clone()));
            }
        }
    }
    keys
}
