//! NetworkPolicy semantics over the inventory: who can reach whom, on which ports, and why.
//!
//! [`Network::build`] reads namespaces, workloads (one representative per workload, grouped
//! into equivalence classes of pods no policy can tell apart) and `networking.k8s.io/v1`
//! NetworkPolicies. [`Network::connections`] gives the allowed [`ConnSet`] between two
//! workloads and [`Network::explain`] the reasons: which policies isolate each end, which
//! rules allow what, or why nothing does. Behaviours the API leaves to the network plugin
//! are [`Options`].
//!
//! Not modelled: traffic between a pod and its own node (always allowed, e.g. probes), and
//! the source address of `hostNetwork` pods (the node's, which pod selectors do not match on
//! most plugins; here a hostNetwork pod is matched by its labels like any pod). Cluster-scoped
//! AdminNetworkPolicy / BaselineAdminNetworkPolicy / ClusterNetworkPolicy tiers are not read
//! yet: v1 NetworkPolicy only.

pub mod cidr;
pub mod connset;
pub mod exposure;
pub mod model;

use std::collections::HashMap;
use std::fmt::Write as _;

use bulkhead_model::Inventory;

pub use cidr::Cidr;
pub use connset::{ConnSet, Protocol};
pub use model::{
    is_network_policy, read_policy, workload_pod, Class, ContainerPort, Direction, Labels,
    Namespace, Options, Peer, Policy, PortSpec, PortValue, Rule, Workload, NAMESPACE_NAME_LABEL,
};

/// A fixed-size set of class indexes.
#[derive(Clone, Debug)]
struct Bits(Vec<u64>);

impl Bits {
    fn new(n: usize) -> Self {
        Bits(vec![0; n.div_ceil(64)])
    }
    fn set(&mut self, i: usize) {
        self.0[i / 64] |= 1 << (i % 64);
    }
    fn get(&self, i: usize) -> bool {
        self.0[i / 64] & (1 << (i % 64)) != 0
    }
}

/// A rule with the classes its peers match, precomputed.
#[derive(Clone, Debug)]
struct CompiledRule {
    policy: usize,
    direction: Direction,
    rule: usize,
    peers: Bits,
    /// Whether the rule admits cluster-external addresses (no peers, or an ipBlock).
    external: bool,
    /// The ports when they do not depend on the destination (no named port).
    fixed_ports: Option<ConnSet>,
}

/// A rule that allows part of a connection.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Allow {
    pub policy: usize,
    pub rule: usize,
    pub conns: ConnSet,
}

/// One end's side of a connection.
#[derive(Clone, Debug, Default)]
pub struct Side {
    /// Policies that isolate this end in this direction (empty: not isolated).
    pub isolated_by: Vec<usize>,
    /// Rules that allow (part of) the connection.
    pub allows: Vec<Allow>,
    /// What this side allows.
    pub conns: ConnSet,
    /// Why policies do not apply to this end, when they do not.
    pub exempt: Option<&'static str>,
}

/// Everything known about one workload-to-workload connection.
#[derive(Clone, Debug)]
pub struct Verdict {
    pub src: usize,
    pub dst: usize,
    /// The source's egress side.
    pub egress: Side,
    /// The destination's ingress side.
    pub ingress: Side,
    /// What is allowed: both sides intersected (or everything for allowed self traffic).
    pub conns: ConnSet,
    pub self_traffic: bool,
}

/// Namespaces, workloads, classes and policies of one inventory, ready for queries.
pub struct Network<'a> {
    pub options: Options,
    pub namespaces: Vec<Namespace<'a>>,
    pub workloads: Vec<Workload<'a>>,
    pub classes: Vec<Class>,
    pub policies: Vec<Policy<'a>>,
    namespace_index: HashMap<String, usize>,
    /// Per direction, per class: the compiled rules of the policies that isolate it, or
    /// `None` when no policy isolates it.
    rules: [Vec<Option<Vec<usize>>>; 2],
    /// Per direction, per class: the isolating policies.
    isolating: [Vec<Vec<usize>>; 2],
    compiled: Vec<CompiledRule>,
}

impl<'a> Network<'a> {
    pub fn build(inventory: &'a Inventory, options: Options) -> Network<'a> {
        let mut workloads: Vec<Workload<'a>> = inventory
            .objects()
            .iter()
            .filter_map(|o| Some(model::read_workload(o, &model::workload_pod(o)?)))
            .collect();
        let policies: Vec<Policy<'a>> = inventory
            .objects()
            .iter()
            .filter(|o| is_network_policy(o))
            .map(read_policy)
            .collect();
        let referenced = workloads
            .iter()
            .map(|w| w.namespace.clone())
            .chain(policies.iter().map(|p| p.namespace.clone()))
            .chain(inventory.namespaces().into_iter().map(str::to_string));
        let namespaces = model::read_namespaces(inventory, referenced);
        let namespace_index: HashMap<String, usize> = namespaces
            .iter()
            .enumerate()
            .map(|(i, n)| (n.name.clone(), i))
            .collect();
        let keys = model::referenced_keys(&policies);
        let classes = model::classify(&mut workloads, &namespace_index, &keys);
        let mut network = Network {
            options,
            namespaces,
            workloads,
            classes,
            policies,
            namespace_index,
            rules: [Vec::new(), Vec::new()],
            isolating: [Vec::new(), Vec::new()],
            compiled: Vec::new(),
        };
        network.compile();
        network
    }

    fn compile(&mut self) {
        let n = self.classes.len();
        self.rules = [vec![None; n], vec![None; n]];
        self.isolating = [vec![Vec::new(); n], vec![Vec::new(); n]];
        // Classes by namespace, so selectors only look where they can match.
        let mut by_namespace: Vec<Vec<usize>> = vec![Vec::new(); self.namespaces.len()];
        for (i, c) in self.classes.iter().enumerate() {
            by_namespace[c.namespace].push(i);
        }
        for (p, policy) in self.policies.iter().enumerate() {
            let Some(&ns) = self.namespace_index.get(&policy.namespace) else {
                continue;
            };
            let selected: Vec<usize> = match &policy.pod_selector {
                Some(sel) => by_namespace[ns]
                    .iter()
                    .copied()
                    .filter(|&c| {
                        let labels = &self.classes[c].labels;
                        sel.matches(|k| labels.get(k).map(String::as_str))
                    })
                    .filter(|&c| self.options.isolate_host_network || !self.classes[c].host_network)
                    .collect(),
                None => Vec::new(),
            };
            for direction in [Direction::Ingress, Direction::Egress] {
                if !policy.isolates(direction) {
                    continue;
                }
                let d = direction as usize;
                let mut ids = Vec::new();
                for rule in policy.rules(direction) {
                    let compiled = self.compile_rule(p, direction, ns, rule, &by_namespace);
                    self.compiled.push(compiled);
                    ids.push(self.compiled.len() - 1);
                }
                for &c in &selected {
                    self.isolating[d][c].push(p);
                    self.rules[d][c]
                        .get_or_insert_with(Vec::new)
                        .extend(ids.iter().copied());
                }
            }
        }
    }

    fn compile_rule(
        &self,
        policy: usize,
        direction: Direction,
        policy_ns: usize,
        rule: &Rule,
        by_namespace: &[Vec<usize>],
    ) -> CompiledRule {
        let mut peers = Bits::new(self.classes.len());
        let mut external = false;
        match &rule.peers {
            None => {
                external = true;
                for c in 0..self.classes.len() {
                    peers.set(c);
                }
            }
            Some(list) => {
                for peer in list {
                    match peer {
                        Peer::Pods { pod, namespace } => {
                            let namespaces: Vec<usize> = match namespace {
                                None => vec![policy_ns],
                                Some(sel) => (0..self.namespaces.len())
                                    .filter(|&i| {
                                        let l = &self.namespaces[i].labels;
                                        sel.matches(|k| l.get(k).map(String::as_str))
                                    })
                                    .collect(),
                            };
                            for ns in namespaces {
                                for &c in &by_namespace[ns] {
                                    let l = &self.classes[c].labels;
                                    if pod
                                        .as_ref()
                                        .is_none_or(|s| s.matches(|k| l.get(k).map(String::as_str)))
                                    {
                                        peers.set(c);
                                    }
                                }
                            }
                        }
                        Peer::IpBlock { cidr, except } => {
                            external = true;
                            if self.options.ipblock_matches_pods {
                                for (c, class) in self.classes.iter().enumerate() {
                                    let hit = class.ips.iter().any(|&ip| {
                                        cidr.contains_ip(ip)
                                            && !except.iter().any(|e| e.contains_ip(ip))
                                    });
                                    if hit {
                                        peers.set(c);
                                    }
                                }
                            }
                        }
                        Peer::Invalid => {}
                    }
                }
            }
        }
        let fixed_ports = match &rule.ports {
            None => Some(ConnSet::all()),
            Some(ports) => (!ports
                .iter()
                .any(|p| matches!(p.port, Some(PortValue::Named(_)))))
            .then(|| resolve_ports(ports, &[])),
        };
        CompiledRule {
            policy,
            direction,
            rule: rule.index,
            peers,
            external,
            fixed_ports,
        }
    }

    pub fn namespace(&self, name: &str) -> Option<&Namespace<'a>> {
        self.namespace_index.get(name).map(|&i| &self.namespaces[i])
    }

    /// The workload named `namespace/name` (or `namespace/Kind/name` when names repeat).
    pub fn find_workload(&self, reference: &str) -> Option<usize> {
        let parts: Vec<&str> = reference.split('/').collect();
        self.workloads.iter().position(|w| match parts[..] {
            [ns, name] => w.namespace == ns && w.name == name,
            [ns, kind, name] => {
                w.namespace == ns && w.name == name && w.kind.eq_ignore_ascii_case(kind)
            }
            _ => false,
        })
    }

    /// The policies isolating a workload in a direction.
    pub fn isolated_by(&self, workload: usize, direction: Direction) -> &[usize] {
        &self.isolating[direction as usize][self.workloads[workload].class]
    }

    /// Whether any policy selects the workload (for either direction, isolating or not).
    pub fn selected_by_any(&self, workload: usize) -> bool {
        let class = self.workloads[workload].class;
        !self.isolating[0][class].is_empty() || !self.isolating[1][class].is_empty()
    }

    /// What a class's rules of one direction allow toward/from a peer class; `dst` is the
    /// class whose ports named ports resolve on.
    fn side_conns(&self, direction: Direction, subject: usize, peer: usize, dst: usize) -> ConnSet {
        let Some(rules) = &self.rules[direction as usize][subject] else {
            return ConnSet::all();
        };
        let mut out = ConnSet::none();
        for &r in rules {
            let rule = &self.compiled[r];
            if !rule.peers.get(peer) {
                continue;
            }
            match &rule.fixed_ports {
                Some(ports) => out.union_with(ports),
                None => out.union_with(&self.rule_ports(rule, dst)),
            }
            if out.is_all() {
                break;
            }
        }
        out
    }

    fn rule_ports(&self, rule: &CompiledRule, dst_class: usize) -> ConnSet {
        if let Some(p) = &rule.fixed_ports {
            return p.clone();
        }
        let policy = &self.policies[rule.policy];
        let r = &policy.rules(rule.direction)[rule.rule];
        resolve_ports(
            r.ports.as_deref().unwrap_or(&[]),
            &self.classes[dst_class].ports,
        )
    }

    /// The connections allowed from one class to another (pods of different workloads).
    pub fn class_connections(&self, src: usize, dst: usize) -> ConnSet {
        let egress = self.side_conns(Direction::Egress, src, dst, dst);
        if egress.is_empty() {
            return egress;
        }
        let ingress = self.side_conns(Direction::Ingress, dst, src, dst);
        egress.intersect(&ingress)
    }

    /// The connections allowed from one workload to another.
    pub fn connections(&self, src: usize, dst: usize) -> ConnSet {
        if src == dst && self.options.allow_self {
            return ConnSet::all();
        }
        self.class_connections(self.workloads[src].class, self.workloads[dst].class)
    }

    fn side(&self, direction: Direction, subject: usize, peer: usize, dst: usize) -> Side {
        let d = direction as usize;
        let exempt = (!self.options.isolate_host_network && self.classes[subject].host_network)
            .then_some("hostNetwork pods are not isolated by NetworkPolicy (option)");
        let Some(rules) = &self.rules[d][subject] else {
            return Side {
                conns: ConnSet::all(),
                exempt,
                ..Side::default()
            };
        };
        let mut side = Side {
            isolated_by: self.isolating[d][subject].clone(),
            ..Side::default()
        };
        for &r in rules {
            let rule = &self.compiled[r];
            if !rule.peers.get(peer) {
                continue;
            }
            let conns = self.rule_ports(rule, dst);
            if conns.is_empty() {
                continue;
            }
            side.conns.union_with(&conns);
            side.allows.push(Allow {
                policy: rule.policy,
                rule: rule.rule,
                conns,
            });
        }
        side
    }

    /// The full account of one connection between workloads.
    pub fn verdict(&self, src: usize, dst: usize) -> Verdict {
        let (sc, dc) = (self.workloads[src].class, self.workloads[dst].class);
        let egress = self.side(Direction::Egress, sc, dc, dc);
        let ingress = self.side(Direction::Ingress, dc, sc, dc);
        let self_traffic = src == dst && self.options.allow_self;
        let conns = if self_traffic {
            ConnSet::all()
        } else {
            egress.conns.intersect(&ingress.conns)
        };
        Verdict {
            src,
            dst,
            egress,
            ingress,
            conns,
            self_traffic,
        }
    }

    /// Whether one connection is allowed, and a human explanation of why (or why not).
    pub fn explain(&self, src: usize, dst: usize, port: Option<(Protocol, u16)>) -> (bool, String) {
        let v = self.verdict(src, dst);
        let (s, d) = (&self.workloads[src], &self.workloads[dst]);
        let wanted = match port {
            Some((proto, p)) => ConnSet::port(proto, p),
            None => ConnSet::all(),
        };
        let what = match port {
            Some((proto, p)) => format!("{} {p}", proto.name()),
            None => "any port".to_string(),
        };
        let allowed = !v.conns.intersect(&wanted).is_empty();
        let mut out = String::new();
        let _ = writeln!(
            out,
            "{} -> {} ({what}): {}",
            s.id(),
            d.id(),
            if allowed { "ALLOWED" } else { "DENIED" }
        );
        if v.self_traffic {
            let _ = writeln!(out, "  self traffic is allowed (option allow_self)");
            return (allowed, out);
        }
        for (label, side, direction, subject, peer) in [
            ("egress of", &v.egress, Direction::Egress, s, d),
            ("ingress of", &v.ingress, Direction::Ingress, d, s),
        ] {
            let _ = write!(out, "  {label} {}: ", subject.id());
            if side.isolated_by.is_empty() {
                match side.exempt {
                    Some(why) => {
                        let _ = writeln!(out, "not isolated ({why})");
                    }
                    None => {
                        let _ = writeln!(
                            out,
                            "not isolated (no policy with {} selects it): everything allowed",
                            direction.name()
                        );
                    }
                }
                continue;
            }
            let names: Vec<String> = side
                .isolated_by
                .iter()
                .map(|&p| self.policies[p].id())
                .collect();
            let _ = writeln!(out, "isolated by {}", names.join(", "));
            let relevant: Vec<&Allow> = side
                .allows
                .iter()
                .filter(|a| !a.conns.intersect(&wanted).is_empty())
                .collect();
            if relevant.is_empty() {
                let _ = writeln!(
                    out,
                    "    no {} rule of these policies allows {} {what}{}",
                    direction.field(),
                    if direction == Direction::Egress {
                        format!("to {}", peer.id())
                    } else {
                        format!("from {}", peer.id())
                    },
                    if side.allows.is_empty() {
                        String::new()
                    } else {
                        format!(" (allowed: {})", side.conns)
                    }
                );
            }
            for a in relevant {
                let _ = writeln!(
                    out,
                    "    allowed by {} spec.{}[{}]: {}",
                    self.policies[a.policy].id(),
                    direction.field(),
                    a.rule,
                    a.conns
                );
            }
        }
        let _ = writeln!(out, "  allowed connections: {}", v.conns);
        (allowed, out)
    }

    /// What a workload accepts from outside the cluster (ipBlock peers or rules without
    /// peers), with the rules that allow it; everything when it is not isolated for ingress.
    pub fn external_ingress(&self, workload: usize) -> (ConnSet, Vec<Allow>) {
        let class = self.workloads[workload].class;
        let Some(rules) = &self.rules[0][class] else {
            return (ConnSet::all(), Vec::new());
        };
        let mut conns = ConnSet::none();
        let mut allows = Vec::new();
        for &r in rules {
            let rule = &self.compiled[r];
            if !rule.external {
                continue;
            }
            let c = self.rule_ports(rule, class);
            conns.union_with(&c);
            allows.push(Allow {
                policy: rule.policy,
                rule: rule.rule,
                conns: c,
            });
        }
        (conns, allows)
    }

    /// The workload-to-workload matrix, each cell an index into the returned table of
    /// distinct connection sets (computed per class pair, so replicas and look-alike
    /// workloads cost nothing).
    pub fn matrix(&self) -> Matrix {
        let n = self.classes.len();
        let mut table: Vec<ConnSet> = Vec::new();
        let mut index: HashMap<ConnSet, u32> = HashMap::new();
        let mut cells = Vec::with_capacity(n * n);
        for src in 0..n {
            for dst in 0..n {
                let c = self.class_connections(src, dst);
                let id = *index.entry(c).or_insert_with_key(|c| {
                    table.push(c.clone());
                    (table.len() - 1) as u32
                });
                cells.push(id);
            }
        }
        Matrix {
            classes: n,
            cells,
            table,
        }
    }
}

/// Class-to-class connections, interned.
pub struct Matrix {
    classes: usize,
    cells: Vec<u32>,
    pub table: Vec<ConnSet>,
}

impl Matrix {
    pub fn get(&self, src_class: usize, dst_class: usize) -> &ConnSet {
        &self.table[self.cells[src_class * self.classes + dst_class] as usize]
    }
}

/// The connections a rule's `ports` allow toward a destination with these container ports.
pub fn resolve_ports(ports: &[PortSpec], dst_ports: &[ContainerPort]) -> ConnSet {
    if ports.is_empty() {
        return ConnSet::none();
    }
    let mut out = ConnSet::none();
    for p in ports {
        match &p.port {
            None => out.union_with(&ConnSet::protocol(p.protocol)),
            Some(PortValue::Number(n)) => {
                out.union_with(&ConnSet::range(p.protocol, *n, p.end_port.unwrap_or(*n)));
            }
            Some(PortValue::Named(name)) => {
                for c in dst_ports {
                    if c.name.as_deref() == Some(name) && c.protocol == p.protocol {
                        out.union_with(&ConnSet::port(p.protocol, c.port));
                    }
                }
            }
        }
    }
    out
}
