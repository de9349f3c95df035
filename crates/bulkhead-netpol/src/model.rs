//! The network as NetworkPolicy sees it: namespaces with labels, pods grouped into
//! equivalence classes, and policies read into rules, peers and ports.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::net::IpAddr;

use bulkhead_model::LabelSelector;
use bulkhead_model::{Inventory, Node, Object, PodSpec};

use crate::cidr::Cidr;
use crate::connset::Protocol;

/// The label every namespace carries with its own name (set by the API server).
pub const NAMESPACE_NAME_LABEL: &str = "kubernetes.io/metadata.name";

pub type Labels = BTreeMap<String, String>;

/// Behaviours the NetworkPolicy API leaves to the network plugin, made explicit.
#[derive(Clone, Debug)]
pub struct Options {
    /// Whether `ipBlock` peers match pod IPs. `ipBlock` is meant for cluster-external
    /// addresses and plugins differ; off by default. When on, a pod matches when one of its
    /// known IPs (`status.podIP`/`podIPs` of plain Pods) is in the block and not in an
    /// `except`.
    pub ipblock_matches_pods: bool,
    /// Whether a workload may always reach itself (its own pods). Upstream leaves loopback
    /// and hairpin traffic undefined (kubernetes#95879); allowed by default.
    pub allow_self: bool,
    /// Whether policies isolate `hostNetwork` pods. Most plugins cannot enforce policy on the
    /// node's network namespace, so by default such pods are not isolated in either direction.
    pub isolate_host_network: bool,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            ipblock_matches_pods: false,
            allow_self: true,
            isolate_host_network: false,
        }
    }
}

/// A namespace with its labels.
#[derive(Clone, Debug)]
pub struct Namespace<'a> {
    pub name: String,
    pub labels: Labels,
    /// The `Namespace` object, when the input has one.
    pub object: Option<&'a Object>,
}

impl Namespace<'_> {
    /// Whether the inputs hold this namespace's `Namespace` object, so that its labels are
    /// known; otherwise only `kubernetes.io/metadata.name` is.
    pub fn labels_known(&self) -> bool {
        self.object.is_some()
    }

    /// Whether a `namespaceSelector` selects this namespace: `Some` when what the inputs
    /// know decides it, `None` when it depends on labels of a namespace the inputs do not
    /// define (the name label passes, and the selector tests other labels).
    pub fn selected_by(&self, selector: &LabelSelector) -> Option<bool> {
        let get = |k: &str| self.labels.get(k).map(String::as_str);
        if self.labels_known() {
            return Some(selector.matches(get));
        }
        let (by_name, others): (Vec<_>, Vec<_>) = selector
            .requirements
            .iter()
            .cloned()
            .partition(|r| r.key == NAMESPACE_NAME_LABEL);
        let by_name = LabelSelector {
            requirements: by_name,
        };
        if !by_name.matches(get) {
            return Some(false);
        }
        others.is_empty().then_some(true)
    }
}

/// A container port a named port can resolve to.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ContainerPort {
    pub name: Option<String>,
    pub port: u16,
    pub protocol: Protocol,
    pub host_port: Option<u16>,
}

/// One workload (or plain Pod), standing for all of its replicas.
#[derive(Clone, Debug)]
pub struct Workload<'a> {
    pub object: &'a Object,
    pub namespace: String,
    pub name: String,
    pub kind: String,
    pub labels: Labels,
    pub ports: Vec<ContainerPort>,
    pub host_network: bool,
    pub ips: Vec<IpAddr>,
    /// Its equivalence class.
    pub class: usize,
    /// The pods it stands for when it is a group of pods whose controller is absent (see
    /// [`crate::pods`]); empty when it is one object of the inputs.
    pub pods: Vec<&'a Object>,
    /// How a Pod came to stand for an absent owner, or for itself instead of it.
    pub grouping: Option<String>,
}

impl Workload<'_> {
    /// `namespace/name`, as the CLI names workloads.
    pub fn id(&self) -> String {
        format!("{}/{}", self.namespace, self.name)
    }
}

/// Pods that no policy can tell apart: same namespace, same values of the label keys policies
/// look at, same ports and host networking.
#[derive(Clone, Debug)]
pub struct Class {
    pub namespace: usize,
    /// The labels policies look at (other labels are dropped).
    pub labels: Labels,
    pub ports: Vec<ContainerPort>,
    pub host_network: bool,
    pub ips: Vec<IpAddr>,
    pub workloads: Vec<usize>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Direction {
    Ingress,
    Egress,
}

impl Direction {
    pub fn name(self) -> &'static str {
        match self {
            Direction::Ingress => "Ingress",
            Direction::Egress => "Egress",
        }
    }

    /// The rules' field: `ingress` or `egress`.
    pub fn field(self) -> &'static str {
        match self {
            Direction::Ingress => "ingress",
            Direction::Egress => "egress",
        }
    }

    /// The peers' field inside a rule: `from` or `to`.
    pub fn peers_field(self) -> &'static str {
        match self {
            Direction::Ingress => "from",
            Direction::Egress => "to",
        }
    }
}

/// A port value: a number or a container port name.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PortValue {
    Number(u16),
    Named(String),
}

/// One entry of a rule's `ports`.
#[derive(Clone, Debug)]
pub struct PortSpec {
    pub protocol: Protocol,
    /// `None`: every port of the protocol.
    pub port: Option<PortValue>,
    pub end_port: Option<u16>,
}

/// One entry of a rule's `from`/`to`.
#[derive(Clone, Debug)]
pub enum Peer {
    /// `podSelector` and/or `namespaceSelector` in one entry (their intersection).
    Pods {
        pod: Option<LabelSelector>,
        namespace: Option<LabelSelector>,
    },
    IpBlock {
        cidr: Cidr,
        except: Vec<Cidr>,
    },
    /// An entry that cannot match anything (invalid selector, empty entry).
    Invalid,
}

/// One ingress or egress rule.
#[derive(Clone, Debug)]
pub struct Rule {
    pub index: usize,
    /// `None`: `from`/`to` missing or empty, every peer.
    pub peers: Option<Vec<Peer>>,
    /// `None`: `ports` missing or empty, every port and protocol.
    pub ports: Option<Vec<PortSpec>>,
}

/// A `networking.k8s.io/v1` NetworkPolicy, or one rule set of a CiliumNetworkPolicy or
/// CiliumClusterwideNetworkPolicy read into the same shape (see [`crate::cilium`]).
#[derive(Clone, Debug)]
pub struct Policy<'a> {
    pub object: &'a Object,
    /// The policy's namespace (empty for a cluster-wide policy).
    pub namespace: String,
    pub name: String,
    /// `None` when the selector is invalid (the policy then selects nothing).
    pub pod_selector: Option<LabelSelector>,
    /// The namespaces whose pods `pod_selector` selects, by their labels; `None`: the
    /// policy's own namespace (NetworkPolicy, CiliumNetworkPolicy).
    pub subject_namespaces: Option<LabelSelector>,
    pub isolates: [bool; 2],
    pub ingress: Vec<Rule>,
    pub egress: Vec<Rule>,
    /// Deny rules (Cilium `ingressDeny`/`egressDeny`): they win over every allow.
    pub ingress_deny: Vec<Rule>,
    pub egress_deny: Vec<Rule>,
    /// Where the rules sit, for messages: `spec`, or `specs[1]` for a Cilium rule list.
    pub spec_path: String,
    /// Things that made parts of the policy match nothing.
    pub problems: Vec<String>,
}

impl Policy<'_> {
    /// `namespace/name` for a NetworkPolicy; other kinds are prefixed with their kind.
    pub fn id(&self) -> String {
        let base = if self.namespace.is_empty() {
            self.name.clone()
        } else {
            format!("{}/{}", self.namespace, self.name)
        };
        if is_network_policy(self.object) {
            base
        } else {
            format!("{}/{base}", self.object.kind)
        }
    }

    /// The deny rules of a direction (always empty for NetworkPolicy).
    pub fn denies(&self, direction: Direction) -> &[Rule] {
        match direction {
            Direction::Ingress => &self.ingress_deny,
            Direction::Egress => &self.egress_deny,
        }
    }

    /// The field of a direction's rules, deny rules or not: `ingress`, `egressDeny`...
    pub fn field(direction: Direction, deny: bool) -> String {
        if deny {
            format!("{}Deny", direction.field())
        } else {
            direction.field().to_string()
        }
    }

    pub fn isolates(&self, direction: Direction) -> bool {
        self.isolates[direction as usize]
    }

    pub fn rules(&self, direction: Direction) -> &[Rule] {
        match direction {
            Direction::Ingress => &self.ingress,
            Direction::Egress => &self.egress,
        }
    }
}

/// Whether an object is a v1 NetworkPolicy.
pub fn is_network_policy(object: &Object) -> bool {
    object.kind == "NetworkPolicy" && object.group() == "networking.k8s.io"
}

/// The namespace an object lives in (`default` when not written).
pub fn namespace_of(object: &Object) -> String {
    object
        .namespace
        .clone()
        .unwrap_or_else(|| "default".to_string())
}

/// The pod spec of an object that runs pods: every workload kind with a pod template, and
/// plain Pods. Which object stands for which pods in the network is [`crate::pods`]' rule.
pub fn workload_pod(object: &Object) -> Option<PodSpec<'_>> {
    if object.kind == "PodTemplate" {
        return None;
    }
    PodSpec::of(object)
}

fn labels_of(node: Option<&Node>) -> Labels {
    node.map(Node::as_map)
        .unwrap_or(&[])
        .iter()
        .filter_map(|e| Some((e.key.to_string(), e.value.scalar_text()?)))
        .collect()
}

pub(crate) fn read_workload<'a>(object: &'a Object, pod: &PodSpec<'a>) -> Workload<'a> {
    let labels = labels_of(pod.metadata.and_then(|m| m.get("labels")));
    let mut ports = Vec::new();
    for container in pod.containers() {
        for p in container.get("ports").map(Node::as_seq).unwrap_or(&[]) {
            let Some(port) = p
                .get("containerPort")
                .and_then(Node::as_i64)
                .and_then(|n| u16::try_from(n).ok())
            else {
                continue;
            };
            let protocol = p
                .get("protocol")
                .and_then(Node::as_str)
                .and_then(Protocol::parse)
                .unwrap_or(Protocol::Tcp);
            ports.push(ContainerPort {
                name: p.get("name").and_then(Node::as_str).map(str::to_string),
                port,
                protocol,
                host_port: p
                    .get("hostPort")
                    .and_then(Node::as_i64)
                    .and_then(|n| u16::try_from(n).ok())
                    .filter(|&n| n > 0),
            });
        }
    }
    ports.sort();
    ports.dedup();
    let mut ips: Vec<IpAddr> = Vec::new();
    if object.kind == "Pod" {
        if let Some(status) = object.root.get("status") {
            if let Some(ip) = status.get("podIP").and_then(Node::as_str) {
                ips.extend(ip.parse::<IpAddr>().ok());
            }
            for entry in status.get("podIPs").map(Node::as_seq).unwrap_or(&[]) {
                if let Some(ip) = entry.get("ip").and_then(Node::as_str) {
                    ips.extend(ip.parse::<IpAddr>().ok());
                }
            }
        }
    }
    ips.sort();
    ips.dedup();
    Workload {
        object,
        namespace: namespace_of(object),
        name: object.name.clone(),
        kind: object.kind.clone(),
        labels,
        ports,
        host_network: pod.get("hostNetwork").and_then(Node::as_bool) == Some(true),
        ips,
        class: 0,
        pods: Vec::new(),
        grouping: None,
    }
}

fn selector(node: &Node, what: &str, problems: &mut Vec<String>) -> Option<LabelSelector> {
    match LabelSelector::from_node(node) {
        Ok(s) => Some(s),
        Err(e) => {
            problems.push(format!("{what}: {e}"));
            None
        }
    }
}

fn read_peer(node: &Node, problems: &mut Vec<String>) -> Peer {
    if let Some(block) = node.get("ipBlock") {
        let cidr = block
            .get("cidr")
            .and_then(Node::as_str)
            .and_then(Cidr::parse);
        let Some(cidr) = cidr else {
            problems.push("ipBlock without a valid cidr".into());
            return Peer::Invalid;
        };
        let except = block
            .get("except")
            .map(Node::as_seq)
            .unwrap_or(&[])
            .iter()
            .filter_map(|e| e.as_str().and_then(Cidr::parse))
            .collect();
        return Peer::IpBlock { cidr, except };
    }
    let pod = node.get("podSelector");
    let namespace = node.get("namespaceSelector");
    if pod.is_none() && namespace.is_none() {
        problems.push("peer without podSelector, namespaceSelector or ipBlock".into());
        return Peer::Invalid;
    }
    let parse = |n: Option<&Node>, what, problems: &mut Vec<String>| match n {
        None => Ok(None),
        Some(n) => selector(n, what, problems).map(Some).ok_or(()),
    };
    match (
        parse(pod, "podSelector", problems),
        parse(namespace, "namespaceSelector", problems),
    ) {
        (Ok(pod), Ok(namespace)) => Peer::Pods { pod, namespace },
        _ => Peer::Invalid,
    }
}

fn read_port(node: &Node, problems: &mut Vec<String>) -> Option<PortSpec> {
    let protocol = match node.get("protocol").and_then(Node::as_str) {
        None => Protocol::Tcp,
        Some(p) => match Protocol::parse(p) {
            Some(p) => p,
            None => {
                problems.push(format!("unknown protocol {p:?}"));
                return None;
            }
        },
    };
    let port = match node.get("port") {
        None => None,
        Some(n) => match (n.as_i64(), n.as_str()) {
            (Some(i), _) => match u16::try_from(i) {
                Ok(p) if p > 0 => Some(PortValue::Number(p)),
                _ => {
                    problems.push(format!("port {i} out of range"));
                    return None;
                }
            },
            (None, Some(s)) => match s.parse::<u16>() {
                Ok(p) => Some(PortValue::Number(p)),
                Err(_) => Some(PortValue::Named(s.to_string())),
            },
            _ => None,
        },
    };
    let end_port = node
        .get("endPort")
        .and_then(Node::as_i64)
        .and_then(|n| u16::try_from(n).ok());
    if end_port.is_some() && !matches!(port, Some(PortValue::Number(_))) {
        problems.push("endPort needs a numeric port".into());
        return None;
    }
    Some(PortSpec {
        protocol,
        port,
        end_port,
    })
}

fn read_rules(spec: &Node, direction: Direction, problems: &mut Vec<String>) -> Vec<Rule> {
    spec.get(direction.field())
        .map(Node::as_seq)
        .unwrap_or(&[])
        .iter()
        .enumerate()
        .map(|(index, rule)| {
            let peers: Vec<Peer> = rule
                .get(direction.peers_field())
                .map(Node::as_seq)
                .unwrap_or(&[])
                .iter()
                .map(|p| read_peer(p, problems))
                .collect();
            let ports: Vec<PortSpec> = rule
                .get("ports")
                .map(Node::as_seq)
                .unwrap_or(&[])
                .iter()
                .filter_map(|p| read_port(p, problems))
                .collect();
            let written_ports = rule.get("ports").is_some_and(|p| !p.as_seq().is_empty());
            Rule {
                index,
                peers: (!peers.is_empty()).then_some(peers),
                // Ports that were all invalid match nothing, not everything.
                ports: written_ports.then_some(ports),
            }
        })
        .collect()
}

/// Reads a NetworkPolicy object.
pub fn read_policy(object: &Object) -> Policy<'_> {
    let mut problems = Vec::new();
    let empty = Node::new(Default::default(), bulkhead_model::Value::Map(Vec::new()));
    let spec = object.root.get("spec").unwrap_or(&empty);
    let pod_selector = match spec.get("podSelector") {
        Some(n) => selector(n, "podSelector", &mut problems),
        None => Some(LabelSelector::default()),
    };
    let types: Option<Vec<&str>> = spec
        .get("policyTypes")
        .map(|t| t.as_seq().iter().filter_map(Node::as_str).collect());
    let isolates = match &types {
        Some(types) => [types.contains(&"Ingress"), types.contains(&"Egress")],
        // As the API server defaults it: Egress only when there are egress rules
        // (`len(spec.egress) != 0`), so `egress: []` alone does not isolate egress.
        None => [
            true,
            spec.get("egress").is_some_and(|e| !e.as_seq().is_empty()),
        ],
    };
    let ingress = read_rules(spec, Direction::Ingress, &mut problems);
    let egress = read_rules(spec, Direction::Egress, &mut problems);
    Policy {
        object,
        namespace: namespace_of(object),
        name: object.name.clone(),
        pod_selector,
        subject_namespaces: None,
        isolates,
        ingress,
        egress,
        ingress_deny: Vec::new(),
        egress_deny: Vec::new(),
        spec_path: "spec".into(),
        problems,
    }
}

/// Namespaces of the inventory: `Namespace` objects with their labels, plus every namespace
/// something lives in. Each has the `kubernetes.io/metadata.name` label.
pub(crate) fn read_namespaces<'a>(
    inventory: &'a Inventory,
    extra: impl IntoIterator<Item = String>,
) -> Vec<Namespace<'a>> {
    let mut map: BTreeMap<String, Namespace<'a>> = BTreeMap::new();
    for o in inventory.of_kind("Namespace") {
        let mut labels = labels_of(o.metadata().and_then(|m| m.get("labels")));
        labels.insert(NAMESPACE_NAME_LABEL.to_string(), o.name.clone());
        map.insert(
            o.name.clone(),
            Namespace {
                name: o.name.clone(),
                labels,
                object: Some(o),
            },
        );
    }
    for name in extra {
        map.entry(name.clone()).or_insert_with(|| Namespace {
            labels: [(NAMESPACE_NAME_LABEL.to_string(), name.clone())].into(),
            name,
            object: None,
        });
    }
    map.into_values().collect()
}

/// The pod label keys any policy's selectors look at: labels outside this set cannot tell
/// two pods apart, so classes ignore them.
pub(crate) fn referenced_keys(policies: &[Policy<'_>]) -> BTreeSet<String> {
    let mut keys = BTreeSet::new();
    let mut add = |s: &LabelSelector| {
        keys.extend(s.requirements.iter().map(|r| r.key.clone()));
    };
    for p in policies {
        if let Some(s) = &p.pod_selector {
            add(s);
        }
        for rule in p
            .ingress
            .iter()
            .chain(&p.egress)
            .chain(&p.ingress_deny)
            .chain(&p.egress_deny)
        {
            for peer in rule.peers.iter().flatten() {
                if let Peer::Pods { pod: Some(s), .. } = peer {
                    add(s);
                }
            }
        }
    }
    keys
}

/// Groups workloads into classes; returns the classes and sets each workload's class. Only
/// the label keys in `keys` count (see [`referenced_keys`]); a class keeps those labels.
/// Pod addresses tell pods apart only `with_ips` (when ipBlocks match pods): otherwise every
/// replica of a pod dump, each with its own address, would be a class of its own.
pub(crate) fn classify(
    workloads: &mut [Workload<'_>],
    namespace_index: &HashMap<String, usize>,
    keys: &BTreeSet<String>,
    with_ips: bool,
) -> Vec<Class> {
    type Key = (usize, Labels, Vec<ContainerPort>, bool, Vec<IpAddr>);
    let mut index: HashMap<Key, usize> = HashMap::new();
    let mut classes: Vec<Class> = Vec::new();
    for (i, w) in workloads.iter_mut().enumerate() {
        let ns = namespace_index[&w.namespace];
        let labels: Labels = w
            .labels
            .iter()
            .filter(|(k, _)| keys.contains(*k))
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect();
        let key = (
            ns,
            labels.clone(),
            w.ports.clone(),
            w.host_network,
            if with_ips { w.ips.clone() } else { Vec::new() },
        );
        let class = *index.entry(key).or_insert_with(|| {
            classes.push(Class {
                namespace: ns,
                labels,
                ports: w.ports.clone(),
                host_network: w.host_network,
                ips: w.ips.clone(),
                workloads: Vec::new(),
            });
            classes.len() - 1
        });
        classes[class].workloads.push(i);
        w.class = class;
    }
    classes
}
