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
//! most plugins; here a hostNetwork pod is matched by its labels like any pod).
//!
//! Cluster-scoped tiers (`policy.networking.k8s.io`): AdminNetworkPolicy and
//! BaselineAdminNetworkPolicy (v1alpha1) and ClusterNetworkPolicy (v1alpha2) are read too
//! (see [`admin`]): admin tier → NetworkPolicy v1 → baseline tier → default allow, per
//! direction and per port. Without such objects results are those of v1 alone.

pub mod admin;
pub mod cidr;
pub mod cilium;
pub mod connset;
pub mod exposure;
pub mod external;
pub mod model;
pub mod pods;
pub mod routes;

use std::collections::HashMap;
use std::fmt::Write as _;

use bulkhead_model::{Inventory, Object};

pub use admin::{is_admin_policy, read_admin_policy, Action, AdminPolicy, Tier};
pub use cidr::Cidr;
pub use cilium::{is_cilium_policy, read_cilium_policy};
pub use connset::{ConnSet, Protocol};
pub use external::ExternalPeer;
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
    fn minus(&self, other: &Bits) -> Bits {
        Bits(self.0.iter().zip(&other.0).map(|(a, b)| a & !b).collect())
    }
    fn any(&self) -> bool {
        self.0.iter().any(|&w| w != 0)
    }
}

/// A rule with the classes its peers match, precomputed.
#[derive(Clone, Debug)]
struct CompiledRule {
    policy: usize,
    direction: Direction,
    rule: usize,
    /// A deny rule (Cilium `ingressDeny`/`egressDeny`).
    deny: bool,
    peers: Bits,
    /// Classes the rule may match, depending on labels of namespaces the inputs do not
    /// define (never set for classes in `peers`).
    maybe: Bits,
    /// Whether the rule admits cluster-external addresses (no peers, or an ipBlock).
    external: bool,
    /// The ports when they do not depend on the destination (no named port).
    fixed_ports: Option<ConnSet>,
}

/// A rule of a cluster-scoped policy, with the classes its peers match.
#[derive(Clone, Debug)]
struct CompiledAdminRule {
    policy: usize,
    direction: Direction,
    rule: usize,
    tier: Tier,
    action: Action,
    peers: Bits,
    fixed_ports: Option<ConnSet>,
}

/// The part of a connection a rule of a cluster-scoped policy decided.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TierDecision {
    pub tier: Tier,
    /// Index into [`Network::admin`].
    pub policy: usize,
    pub rule: usize,
    pub action: Action,
    pub conns: ConnSet,
}

/// Connections that may be allowed depending on labels the inputs do not hold.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Uncertainty {
    /// Everything that may be allowed (a superset of what is known to be allowed).
    pub possible: ConnSet,
    /// The namespaces whose labels decide, which the inputs hold no Namespace object for.
    pub namespaces: Vec<String>,
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
    /// Deny rules that take (part of) it away, whatever is allowed (Cilium).
    pub denies: Vec<Allow>,
    /// Rules that would allow (part of) it if the peer's namespace, which the inputs hold
    /// no Namespace object for, has the labels their namespaceSelector asks for.
    pub maybe_allows: Vec<Allow>,
    /// What this side allows.
    pub conns: ConnSet,
    /// Why policies do not apply to this end, when they do not.
    pub exempt: Option<&'static str>,
    /// Decisions of admin and baseline tier rules, in evaluation order (empty without
    /// cluster-scoped policies for this end); `allows` then is the NetworkPolicy tier's view.
    pub tiers: Vec<TierDecision>,
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
    /// Addresses outside the cluster, as the disjoint ranges the policies' ipBlocks tell
    /// apart (see [`external`]).
    pub externals: Vec<ExternalPeer>,
    /// Cluster-scoped policies in evaluation order: admin tier by priority, then baseline.
    pub admin: Vec<AdminPolicy<'a>>,
    /// Per direction, per class: the compiled admin/baseline rules that select it, in
    /// evaluation order.
    admin_rules: [Vec<Vec<usize>>; 2],
    admin_compiled: Vec<CompiledAdminRule>,
    namespace_index: HashMap<String, usize>,
    /// Per direction, per class: the compiled rules of the policies that isolate it, or
    /// `None` when no policy isolates it.
    rules: [Vec<Option<Vec<usize>>>; 2],
    /// Per direction, per class: the isolating policies.
    isolating: [Vec<Vec<usize>>; 2],
    /// Per direction, per class: the compiled deny rules of the policies selecting it.
    denies: [Vec<Vec<usize>>; 2],
    compiled: Vec<CompiledRule>,
    /// Whether some rule's peers depend on labels of namespaces the inputs do not define.
    unsure: bool,
}

impl<'a> Network<'a> {
    /// The indexes of the workloads of each namespace, in load order: the checks and the
    /// exposures that ask per Service, policy or peer look in one namespace instead of walking
    /// every workload each time.
    pub fn workloads_by_namespace(&self) -> HashMap<&str, Vec<usize>> {
        let mut by_namespace: HashMap<&str, Vec<usize>> = HashMap::new();
        for (i, workload) in self.workloads.iter().enumerate() {
            by_namespace
                .entry(workload.namespace.as_str())
                .or_default()
                .push(i);
        }
        by_namespace
    }

    pub fn build(inventory: &'a Inventory, options: Options) -> Network<'a> {
        // One object per identity: a definition that a later one of the same root replaces
        // is not in the cluster `kubectl apply` leaves.
        let in_force = |o: &&Object| !inventory.is_shadowed(o);
        let policies: Vec<Policy<'a>> = inventory
            .objects()
            .iter()
            .filter(in_force)
            .flat_map(|o| {
                if is_network_policy(o) {
                    vec![read_policy(o)]
                } else if is_cilium_policy(o) {
                    read_cilium_policy(o)
                } else {
                    Vec::new()
                }
            })
            .collect();
        let mut admin: Vec<AdminPolicy<'a>> = inventory
            .objects()
            .iter()
            .filter(in_force)
            .filter(|o| is_admin_policy(o))
            .filter_map(read_admin_policy)
            .collect();
        admin.sort_by(|a, b| {
            (a.tier, a.priority, &a.object.kind, &a.object.name).cmp(&(
                b.tier,
                b.priority,
                &b.object.kind,
                &b.object.name,
            ))
        });
        let mut keys = model::referenced_keys(&policies);
        keys.extend(admin::referenced_keys(&admin));
        let mut workloads = pods::read_workloads(inventory, &keys);
        let referenced = workloads
            .iter()
            .map(|w| w.namespace.clone())
            .chain(
                policies
                    .iter()
                    .map(|p| p.namespace.clone())
                    .filter(|n| !n.is_empty()),
            )
            .chain(inventory.namespaces().into_iter().map(str::to_string));
        let namespaces = model::read_namespaces(inventory, referenced);
        let namespace_index: HashMap<String, usize> = namespaces
            .iter()
            .enumerate()
            .map(|(i, n)| (n.name.clone(), i))
            .collect();
        let classes = model::classify(
            &mut workloads,
            &namespace_index,
            &keys,
            options.ipblock_matches_pods,
        );
        let blocks: Vec<Cidr> = policies
            .iter()
            .flat_map(|p| {
                p.ingress
                    .iter()
                    .chain(&p.egress)
                    .chain(&p.ingress_deny)
                    .chain(&p.egress_deny)
            })
            .flat_map(|r| r.peers.iter().flatten())
            .flat_map(|peer| match peer {
                Peer::IpBlock { cidr, except } => std::iter::once(*cidr)
                    .chain(except.iter().copied())
                    .collect(),
                _ => Vec::new(),
            })
            .collect();
        let externals = external::external_peers(blocks);
        let mut network = Network {
            options,
            namespaces,
            workloads,
            classes,
            policies,
            externals,
            admin,
            admin_rules: [Vec::new(), Vec::new()],
            admin_compiled: Vec::new(),
            namespace_index,
            rules: [Vec::new(), Vec::new()],
            isolating: [Vec::new(), Vec::new()],
            denies: [Vec::new(), Vec::new()],
            compiled: Vec::new(),
            unsure: false,
        };
        network.compile();
        network.unsure = network.compiled.iter().any(|r| r.maybe.any());
        network.compile_admin();
        network
    }

    fn compile(&mut self) {
        let n = self.classes.len();
        self.rules = [vec![None; n], vec![None; n]];
        self.isolating = [vec![Vec::new(); n], vec![Vec::new(); n]];
        self.denies = [vec![Vec::new(); n], vec![Vec::new(); n]];
        // Classes by namespace, so selectors only look where they can match.
        let mut by_namespace: Vec<Vec<usize>> = vec![Vec::new(); self.namespaces.len()];
        for (i, c) in self.classes.iter().enumerate() {
            by_namespace[c.namespace].push(i);
        }
        for (p, policy) in self.policies.iter().enumerate() {
            let ns = self.namespace_index.get(&policy.namespace).copied();
            // The namespaces whose pods the policy selects: its own, or (cluster-wide
            // policies) those its namespace selector definitely selects.
            let subject_namespaces: Vec<usize> = match &policy.subject_namespaces {
                None => ns.into_iter().collect(),
                Some(sel) => (0..self.namespaces.len())
                    .filter(|&i| self.namespaces[i].selected_by(sel) == Some(true))
                    .collect(),
            };
            let selected: Vec<usize> = match &policy.pod_selector {
                Some(sel) => subject_namespaces
                    .iter()
                    .flat_map(|&ns| by_namespace[ns].iter().copied())
                    .filter(|&c| {
                        let labels = &self.classes[c].labels;
                        sel.matches(|k| labels.get(k).map(String::as_str))
                    })
                    .filter(|&c| self.options.isolate_host_network || !self.classes[c].host_network)
                    .collect(),
                None => Vec::new(),
            };
            for direction in [Direction::Ingress, Direction::Egress] {
                let d = direction as usize;
                // Deny rules apply whether or not the policy isolates.
                let mut denies = Vec::new();
                for rule in policy.denies(direction) {
                    let compiled = self.compile_rule(p, direction, ns, (rule, true), &by_namespace);
                    self.compiled.push(compiled);
                    denies.push(self.compiled.len() - 1);
                }
                for &c in &selected {
                    self.denies[d][c].extend(denies.iter().copied());
                }
                if !policy.isolates(direction) {
                    continue;
                }
                let mut ids = Vec::new();
                for rule in policy.rules(direction) {
                    let compiled =
                        self.compile_rule(p, direction, ns, (rule, false), &by_namespace);
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

    fn namespaces_matching(&self, sel: &bulkhead_model::LabelSelector) -> Vec<usize> {
        (0..self.namespaces.len())
            .filter(|&i| {
                let l = &self.namespaces[i].labels;
                sel.matches(|k| l.get(k).map(String::as_str))
            })
            .collect()
    }

    fn pods_matching(&self, pods: &admin::PodsSelector, by_namespace: &[Vec<usize>]) -> Vec<usize> {
        let mut out = Vec::new();
        for ns in self.namespaces_matching(&pods.namespace) {
            for &c in &by_namespace[ns] {
                let l = &self.classes[c].labels;
                if pods
                    .pod
                    .as_ref()
                    .is_none_or(|s| s.matches(|k| l.get(k).map(String::as_str)))
                {
                    out.push(c);
                }
            }
        }
        out
    }

    fn compile_admin(&mut self) {
        let n = self.classes.len();
        self.admin_rules = [vec![Vec::new(); n], vec![Vec::new(); n]];
        let mut by_namespace: Vec<Vec<usize>> = vec![Vec::new(); self.namespaces.len()];
        for (i, c) in self.classes.iter().enumerate() {
            by_namespace[c.namespace].push(i);
        }
        for (p, policy) in self.admin.iter().enumerate() {
            let Some(subject) = &policy.subject else {
                continue;
            };
            let selected: Vec<usize> = self
                .pods_matching(subject, &by_namespace)
                .into_iter()
                .filter(|&c| self.options.isolate_host_network || !self.classes[c].host_network)
                .collect();
            for direction in [Direction::Ingress, Direction::Egress] {
                let d = direction as usize;
                for rule in policy.rules(direction) {
                    let mut peers = Bits::new(n);
                    for peer in &rule.peers {
                        for c in self.pods_matching(peer, &by_namespace) {
                            peers.set(c);
                        }
                    }
                    let fixed_ports = match &rule.ports {
                        None => Some(ConnSet::all()),
                        Some(ports) => (!ports
                            .iter()
                            .any(|p| matches!(p, admin::AdminPort::Named(_))))
                        .then(|| admin::resolve_admin_ports(Some(ports), &[])),
                    };
                    self.admin_compiled.push(CompiledAdminRule {
                        policy: p,
                        direction,
                        rule: rule.index,
                        tier: policy.tier,
                        action: rule.action,
                        peers,
                        fixed_ports,
                    });
                    let id = self.admin_compiled.len() - 1;
                    for &c in &selected {
                        self.admin_rules[d][c].push(id);
                    }
                }
            }
        }
    }

    fn admin_rule_ports(&self, rule: &CompiledAdminRule, dst_class: usize) -> ConnSet {
        if let Some(p) = &rule.fixed_ports {
            return p.clone();
        }
        let r = self.admin[rule.policy]
            .rules(rule.direction)
            .iter()
            .find(|r| r.index == rule.rule);
        admin::resolve_admin_ports(
            r.and_then(|r| r.ports.as_deref()),
            &self.classes[dst_class].ports,
        )
    }

    /// One side through the tiers: admin rules, then the NetworkPolicy tier (`np`: what
    /// the isolating policies allow, `None` when not isolated), then baseline rules, then
    /// default allow. Returns what the side allows and, if `record`, the tier decisions.
    fn tiered(
        &self,
        direction: Direction,
        subject: usize,
        peer: usize,
        dst: usize,
        np: Option<&ConnSet>,
        record: bool,
    ) -> (ConnSet, Vec<TierDecision>) {
        let mut remaining = ConnSet::all();
        let mut passed = ConnSet::none();
        let mut allowed = ConnSet::none();
        let mut decisions = Vec::new();
        let mut np_done = false;
        let np_tier = |remaining: &mut ConnSet, passed: &ConnSet, allowed: &mut ConnSet| {
            remaining.union_with(passed);
            if let Some(np) = np {
                allowed.union_with(&remaining.intersect(np));
                *remaining = ConnSet::none();
            }
        };
        for &r in &self.admin_rules[direction as usize][subject] {
            let rule = &self.admin_compiled[r];
            if rule.tier == Tier::Baseline && !np_done {
                np_tier(&mut remaining, &passed, &mut allowed);
                np_done = true;
            }
            if remaining.is_empty() && (np_done || passed.is_empty()) {
                break;
            }
            if !rule.peers.get(peer) {
                continue;
            }
            let conns = self.admin_rule_ports(rule, dst).intersect(&remaining);
            if conns.is_empty() {
                continue;
            }
            remaining = remaining.minus(&conns);
            match (rule.action, np_done) {
                (Action::Allow, _) | (Action::Pass, true) => allowed.union_with(&conns),
                (Action::Deny, _) => {}
                (Action::Pass, false) => passed.union_with(&conns),
            }
            if record {
                decisions.push(TierDecision {
                    tier: rule.tier,
                    policy: rule.policy,
                    rule: rule.rule,
                    action: rule.action,
                    conns,
                });
            }
        }
        if !np_done {
            np_tier(&mut remaining, &passed, &mut allowed);
        }
        allowed.union_with(&remaining);
        (allowed, decisions)
    }

    fn compile_rule(
        &self,
        policy: usize,
        direction: Direction,
        policy_ns: Option<usize>,
        (rule, deny): (&Rule, bool),
        by_namespace: &[Vec<usize>],
    ) -> CompiledRule {
        let mut peers = Bits::new(self.classes.len());
        let mut maybe = Bits::new(self.classes.len());
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
                            // (namespace, whether it is only possibly selected)
                            let namespaces: Vec<(usize, bool)> = match namespace {
                                None => policy_ns.map(|ns| (ns, false)).into_iter().collect(),
                                Some(sel) => (0..self.namespaces.len())
                                    .filter_map(|i| match self.namespaces[i].selected_by(sel) {
                                        Some(true) => Some((i, false)),
                                        Some(false) => None,
                                        None => Some((i, true)),
                                    })
                                    .collect(),
                            };
                            for (ns, unsure) in namespaces {
                                for &c in &by_namespace[ns] {
                                    let l = &self.classes[c].labels;
                                    if pod
                                        .as_ref()
                                        .is_none_or(|s| s.matches(|k| l.get(k).map(String::as_str)))
                                    {
                                        if unsure {
                                            maybe.set(c);
                                        } else {
                                            peers.set(c);
                                        }
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
            deny,
            maybe: maybe.minus(&peers),
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

    /// The classes the ingress rules of class `dst` may admit at all, as bits (class `i` is
    /// bit `i % 64` of word `i / 64`): a superset of the classes with non-empty
    /// [`Network::class_connections`] to it, read off the rules' peer sets without
    /// computing ports. `None` when NetworkPolicies do not isolate its ingress or admin
    /// policies apply to it (then any class may connect). A search over thousands of
    /// classes asks this once per destination instead of computing every pair.
    pub fn ingress_sources(&self, dst: usize) -> Option<Vec<u64>> {
        let d = Direction::Ingress as usize;
        if !self.admin_rules[d][dst].is_empty() {
            return None;
        }
        let rules = self.rules[d][dst].as_ref()?;
        let mut words = vec![0u64; self.classes.len().div_ceil(64)];
        for &r in rules {
            for (w, bits) in words.iter_mut().zip(&self.compiled[r].peers.0) {
                *w |= bits;
            }
        }
        Some(words)
    }

    /// The classes the egress rules of class `src` may reach at all, as bits (as
    /// [`Network::ingress_sources`]): `None` when NetworkPolicies do not isolate its egress
    /// or admin policies apply to it; no bit set for a default-deny.
    pub fn egress_reach(&self, src: usize) -> Option<Vec<u64>> {
        let e = Direction::Egress as usize;
        if !self.admin_rules[e][src].is_empty() {
            return None;
        }
        let rules = self.rules[e][src].as_ref()?;
        let mut words = vec![0u64; self.classes.len().div_ceil(64)];
        for &r in rules {
            for (w, bits) in words.iter_mut().zip(&self.compiled[r].peers.0) {
                *w |= bits;
            }
        }
        Some(words)
    }

    /// Every port the egress rules of class `src` may allow toward some class: a superset
    /// of the ports of its [`Network::class_connections`]. `None` when NetworkPolicies do
    /// not isolate its egress, admin policies apply to it, or a rule names ports by name.
    pub fn egress_ports(&self, src: usize) -> Option<ConnSet> {
        let e = Direction::Egress as usize;
        if !self.admin_rules[e][src].is_empty() {
            return None;
        }
        let mut out = ConnSet::none();
        for &r in self.rules[e][src].as_ref()? {
            let rule = &self.compiled[r];
            // A rule naming no class (an ipBlock only) allows no class connection.
            if !rule.peers.any() {
                continue;
            }
            out.union_with(rule.fixed_ports.as_ref()?);
        }
        Some(out)
    }

    /// Whether the egress rules of class `src` may let it reach class `dst` at all: false
    /// only when NetworkPolicies isolate its egress (and no admin policy applies) and no
    /// rule's peers include `dst`. A necessary condition for a non-empty
    /// [`Network::class_connections`], without computing ports.
    pub fn egress_may_reach(&self, src: usize, dst: usize) -> bool {
        let e = Direction::Egress as usize;
        if !self.admin_rules[e][src].is_empty() {
            return true;
        }
        match &self.rules[e][src] {
            None => true,
            Some(rules) => rules.iter().any(|&r| self.compiled[r].peers.get(dst)),
        }
    }
    /// What a class's rules of one direction allow toward/from a peer class; `dst` is the
    /// class whose ports named ports resolve on.
    /// With `possible`, rules count that may match depending on unknown namespace labels.
    fn side_conns(
        &self,
        direction: Direction,
        subject: usize,
        peer: usize,
        dst: usize,
        possible: bool,
    ) -> ConnSet {
        if self.admin_rules[direction as usize][subject].is_empty() {
            return self.np_side_conns(direction, subject, peer, dst, possible);
        }
        let np = self.rules[direction as usize][subject]
            .as_ref()
            .map(|_| self.np_side_conns(direction, subject, peer, dst, possible));
        self.tiered(direction, subject, peer, dst, np.as_ref(), false)
            .0
    }

    /// What the NetworkPolicy tier alone allows on one side.
    fn np_side_conns(
        &self,
        direction: Direction,
        subject: usize,
        peer: usize,
        dst: usize,
        possible: bool,
    ) -> ConnSet {
        let allowed = self.np_allowed(direction, subject, peer, dst, possible);
        if self.denies[direction as usize][subject].is_empty() {
            return allowed;
        }
        self.apply_denies(direction, subject, peer, dst, possible, allowed)
    }

    /// What the allow rules of the NetworkPolicy tier allow on one side.
    fn np_allowed(
        &self,
        direction: Direction,
        subject: usize,
        peer: usize,
        dst: usize,
        possible: bool,
    ) -> ConnSet {
        let Some(rules) = &self.rules[direction as usize][subject] else {
            return ConnSet::all();
        };
        let mut out = ConnSet::none();
        for &r in rules {
            let rule = &self.compiled[r];
            if !(rule.peers.get(peer) || possible && rule.maybe.get(peer)) {
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

    /// The rule as the policy wrote it.
    fn written(&self, rule: &CompiledRule) -> &Rule {
        let policy = &self.policies[rule.policy];
        if rule.deny {
            &policy.denies(rule.direction)[rule.rule]
        } else {
            &policy.rules(rule.direction)[rule.rule]
        }
    }

    /// What the deny rules selecting `subject` take away from `conns` toward `peer`; with
    /// `possible`, deny rules that only may match (unknown namespace labels) are not counted.
    fn apply_denies(
        &self,
        direction: Direction,
        subject: usize,
        peer: usize,
        dst: usize,
        possible: bool,
        conns: ConnSet,
    ) -> ConnSet {
        let mut out = conns;
        for &r in &self.denies[direction as usize][subject] {
            let rule = &self.compiled[r];
            if rule.peers.get(peer) || !possible && rule.maybe.get(peer) {
                out = out.minus(&self.rule_ports(rule, dst));
            }
        }
        out
    }

    fn rule_ports(&self, rule: &CompiledRule, dst_class: usize) -> ConnSet {
        if let Some(p) = &rule.fixed_ports {
            return p.clone();
        }
        let r = self.written(rule);
        resolve_ports(
            r.ports.as_deref().unwrap_or(&[]),
            &self.classes[dst_class].ports,
        )
    }

    /// The connections allowed from one class to another (pods of different workloads).
    pub fn class_connections(&self, src: usize, dst: usize) -> ConnSet {
        let egress = self.side_conns(Direction::Egress, src, dst, dst, false);
        if egress.is_empty() {
            return egress;
        }
        let ingress = self.side_conns(Direction::Ingress, dst, src, dst, false);
        egress.intersect(&ingress)
    }

    /// What more than [`Network::class_connections`] may be allowed from one class to
    /// another depending on labels of namespaces the inputs hold no Namespace object for,
    /// and which namespaces those are; `None` when the inputs decide.
    pub fn class_uncertainty(&self, src: usize, dst: usize) -> Option<Uncertainty> {
        if !self.unsure {
            return None;
        }
        let side = |direction, subject, peer| {
            let known = self.side_conns(direction, subject, peer, dst, false);
            let possible = self.side_conns(direction, subject, peer, dst, true);
            let unsure = possible != known;
            (known, possible, unsure)
        };
        let (ek, ep, eu) = side(Direction::Egress, src, dst);
        let (ik, ip, iu) = side(Direction::Ingress, dst, src);
        let possible = ep.intersect(&ip);
        if possible == ek.intersect(&ik) {
            return None;
        }
        let mut namespaces = Vec::new();
        if eu {
            namespaces.push(self.namespaces[self.classes[dst].namespace].name.clone());
        }
        if iu {
            namespaces.push(self.namespaces[self.classes[src].namespace].name.clone());
        }
        namespaces.sort();
        namespaces.dedup();
        Some(Uncertainty {
            possible,
            namespaces,
        })
    }

    /// [`Network::class_uncertainty`] between two workloads (none for allowed self traffic).
    pub fn uncertainty(&self, src: usize, dst: usize) -> Option<Uncertainty> {
        if src == dst && self.options.allow_self {
            return None;
        }
        self.class_uncertainty(self.workloads[src].class, self.workloads[dst].class)
    }

    /// The connections allowed from one workload to another.
    pub fn connections(&self, src: usize, dst: usize) -> ConnSet {
        if src == dst && self.options.allow_self {
            return ConnSet::all();
        }
        self.class_connections(self.workloads[src].class, self.workloads[dst].class)
    }

    fn side(&self, direction: Direction, subject: usize, peer: usize, dst: usize) -> Side {
        let mut side = self.np_side(direction, subject, peer, dst);
        if !self.admin_rules[direction as usize][subject].is_empty() {
            let np = (!side.isolated_by.is_empty()).then(|| side.conns.clone());
            let (conns, tiers) = self.tiered(direction, subject, peer, dst, np.as_ref(), true);
            side.conns = conns;
            side.tiers = tiers;
        }
        side
    }

    fn np_side(&self, direction: Direction, subject: usize, peer: usize, dst: usize) -> Side {
        let mut side = self.np_allow_side(direction, subject, peer, dst);
        for &r in &self.denies[direction as usize][subject] {
            let rule = &self.compiled[r];
            if !(rule.peers.get(peer) || rule.maybe.get(peer)) {
                continue;
            }
            let conns = self.rule_ports(rule, dst).intersect(&side.conns);
            if conns.is_empty() {
                continue;
            }
            side.conns = side.conns.minus(&conns);
            side.denies.push(Allow {
                policy: rule.policy,
                rule: rule.rule,
                conns,
            });
        }
        side
    }

    fn np_allow_side(&self, direction: Direction, subject: usize, peer: usize, dst: usize) -> Side {
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
            if rule.maybe.get(peer) {
                let conns = self.rule_ports(rule, dst);
                if !conns.is_empty() {
                    side.maybe_allows.push(Allow {
                        policy: rule.policy,
                        rule: rule.rule,
                        conns,
                    });
                }
            }
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
        let unsure = if allowed {
            None
        } else {
            self.uncertainty(src, dst)
                .filter(|u| !u.possible.intersect(&wanted).is_empty())
        };
        let mut out = String::new();
        let answer = match &unsure {
            _ if allowed => "ALLOWED".to_string(),
            Some(u) => format!(
                "UNKNOWN, depends on the labels of namespace {} (the inputs hold no Namespace object for it; only its name label is known)",
                u.namespaces.join(", namespace ")
            ),
            None => "DENIED".to_string(),
        };
        let _ = writeln!(out, "{} -> {} ({what}): {answer}", s.id(), d.id());
        if v.self_traffic {
            let _ = writeln!(out, "  self traffic is allowed (option allow_self)");
            return (allowed, out);
        }
        for (label, side, direction, subject, peer) in [
            ("egress of", &v.egress, Direction::Egress, s, d),
            ("ingress of", &v.ingress, Direction::Ingress, d, s),
        ] {
            let _ = write!(out, "  {label} {}: ", subject.id());
            let tiered = !side.tiers.is_empty();
            if side.isolated_by.is_empty() {
                match side.exempt {
                    Some(why) => {
                        let _ = writeln!(out, "not isolated ({why})");
                    }
                    None if tiered => {
                        let _ = writeln!(
                            out,
                            "not isolated by NetworkPolicy (no policy with {} selects it)",
                            direction.name()
                        );
                        self.explain_tiers(&mut out, side, direction, &wanted, Tier::Admin);
                        self.explain_tiers(&mut out, side, direction, &wanted, Tier::Baseline);
                    }
                    None => {
                        let _ = writeln!(
                            out,
                            "not isolated (no policy with {} selects it): everything allowed",
                            direction.name()
                        );
                    }
                }
                self.explain_denies(&mut out, side, direction, &wanted);
                continue;
            }
            let names: Vec<String> = side
                .isolated_by
                .iter()
                .map(|&p| self.policies[p].id())
                .collect();
            let _ = writeln!(out, "isolated by {}", names.join(", "));
            // With cluster-scoped tiers, the NetworkPolicy lines sit between the admin and
            // baseline ones, marked as such.
            let np = if tiered {
                self.explain_tiers(&mut out, side, direction, &wanted, Tier::Admin);
                "NetworkPolicy tier: "
            } else {
                ""
            };
            let np_conns = side.allows.iter().fold(ConnSet::none(), |mut c, a| {
                c.union_with(&a.conns);
                c
            });
            let relevant: Vec<&Allow> = side
                .allows
                .iter()
                .filter(|a| !a.conns.intersect(&wanted).is_empty())
                .collect();
            if relevant.is_empty() {
                let _ = writeln!(
                    out,
                    "    {np}no {} rule of these policies allows {} {what}{}",
                    direction.field(),
                    if direction == Direction::Egress {
                        format!("to {}", peer.id())
                    } else {
                        format!("from {}", peer.id())
                    },
                    if side.allows.is_empty() {
                        String::new()
                    } else {
                        format!(" (allowed: {np_conns})")
                    }
                );
            }
            for a in relevant {
                let _ = writeln!(
                    out,
                    "    {np}allowed by {} {}.{}[{}]: {}",
                    self.policies[a.policy].id(),
                    self.policies[a.policy].spec_path,
                    direction.field(),
                    a.rule,
                    a.conns
                );
            }
            for a in side
                .maybe_allows
                .iter()
                .filter(|a| !a.conns.intersect(&wanted).is_empty())
            {
                let _ = writeln!(
                    out,
                    "    {np}possibly allowed by {} {}.{}[{}] if namespace {} has the labels its namespaceSelector asks for: {}",
                    self.policies[a.policy].id(),
                    self.policies[a.policy].spec_path,
                    direction.field(),
                    a.rule,
                    peer.namespace,
                    a.conns
                );
            }
            if tiered {
                self.explain_tiers(&mut out, side, direction, &wanted, Tier::Baseline);
            }
            self.explain_denies(&mut out, side, direction, &wanted);
        }
        let _ = writeln!(out, "  allowed connections: {}", v.conns);
        if let Some(u) = self.uncertainty(src, dst) {
            let _ = writeln!(
                out,
                "  possibly allowed connections (depending on the labels of namespace {}): {}",
                u.namespaces.join(", "),
                u.possible
            );
        }
        (allowed, out)
    }

    /// The lines of the deny rules that take away part of `wanted`.
    fn explain_denies(
        &self,
        out: &mut String,
        side: &Side,
        direction: Direction,
        wanted: &ConnSet,
    ) {
        for d in side
            .denies
            .iter()
            .filter(|d| !d.conns.intersect(wanted).is_empty())
        {
            let policy = &self.policies[d.policy];
            let _ = writeln!(
                out,
                "    denied by {} {}.{}[{}] (deny rules win over allows): {}",
                policy.id(),
                policy.spec_path,
                Policy::field(direction, true),
                d.rule,
                d.conns
            );
        }
    }

    /// The lines of one tier's decisions that touch `wanted`; after the baseline tier, also
    /// what the side allows in the end.
    fn explain_tiers(
        &self,
        out: &mut String,
        side: &Side,
        direction: Direction,
        wanted: &ConnSet,
        tier: Tier,
    ) {
        for t in side.tiers.iter().filter(|t| t.tier == tier) {
            let conns = t.conns.intersect(wanted);
            if conns.is_empty() {
                continue;
            }
            let _ = writeln!(
                out,
                "    {} tier: {} by {}: {}{}",
                t.tier.name(),
                t.action.name(),
                self.admin[t.policy].rule_id(direction, t.rule),
                conns,
                if t.action == Action::Pass && t.tier == Tier::Admin {
                    " (to the NetworkPolicy tier)"
                } else {
                    ""
                }
            );
        }
        if tier == Tier::Baseline {
            let _ = writeln!(out, "    after all tiers this side allows: {}", side.conns);
        }
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

    /// The external range holding an address.
    pub fn external_of_ip(&self, ip: std::net::IpAddr) -> Option<usize> {
        self.externals.iter().position(|e| e.contains_ip(ip))
    }

    /// The external ranges sharing addresses with a block.
    pub fn externals_overlapping(&self, cidr: &Cidr) -> Vec<usize> {
        (0..self.externals.len())
            .filter(|&e| self.externals[e].overlaps(cidr))
            .collect()
    }

    /// One side of a connection between a workload's class and an external range: the
    /// workload's egress toward it or its ingress from it. Cluster-scoped tiers do not take
    /// part (their `networks` peers are not modelled).
    fn external_side(&self, direction: Direction, class: usize, external: usize) -> Side {
        let d = direction as usize;
        let exempt = (!self.options.isolate_host_network && self.classes[class].host_network)
            .then_some("hostNetwork pods are not isolated by NetworkPolicy (option)");
        let Some(rules) = &self.rules[d][class] else {
            let mut side = Side {
                conns: ConnSet::all(),
                exempt,
                ..Side::default()
            };
            self.external_denies(direction, class, external, &mut side);
            return side;
        };
        let range = &self.externals[external];
        let mut side = Side {
            isolated_by: self.isolating[d][class].clone(),
            ..Side::default()
        };
        for &r in rules {
            let rule = &self.compiled[r];
            let written = &self.policies[rule.policy].rules(direction)[rule.rule];
            if !range.admitted_by_rule(written) {
                continue;
            }
            // Named ports resolve on the destination: an external one has none known.
            let conns = match direction {
                Direction::Egress => match &rule.fixed_ports {
                    Some(p) => p.clone(),
                    None => resolve_ports(written.ports.as_deref().unwrap_or(&[]), &[]),
                },
                Direction::Ingress => self.rule_ports(rule, class),
            };
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
        self.external_denies(direction, class, external, &mut side);
        side
    }

    /// Takes what deny rules forbid toward an external range out of a side.
    fn external_denies(
        &self,
        direction: Direction,
        class: usize,
        external: usize,
        side: &mut Side,
    ) {
        let range = &self.externals[external];
        for &r in &self.denies[direction as usize][class] {
            let rule = &self.compiled[r];
            if !range.admitted_by_rule(self.written(rule)) {
                continue;
            }
            let conns = match direction {
                Direction::Egress => {
                    resolve_ports(self.written(rule).ports.as_deref().unwrap_or(&[]), &[])
                }
                Direction::Ingress => self.rule_ports(rule, class),
            };
            let conns = match &self.written(rule).ports {
                None => ConnSet::all(),
                Some(_) => conns,
            }
            .intersect(&side.conns);
            if conns.is_empty() {
                continue;
            }
            side.conns = side.conns.minus(&conns);
            side.denies.push(Allow {
                policy: rule.policy,
                rule: rule.rule,
                conns,
            });
        }
    }

    /// What a workload may send to an external range (nothing isolates the outside).
    pub fn to_external(&self, workload: usize, external: usize) -> ConnSet {
        self.external_side(Direction::Egress, self.workloads[workload].class, external)
            .conns
    }

    /// What an external range may send to a workload.
    pub fn from_external(&self, external: usize, workload: usize) -> ConnSet {
        self.external_side(Direction::Ingress, self.workloads[workload].class, external)
            .conns
    }

    /// [`Network::explain`] for a workload sending to an external range.
    pub fn explain_external_egress(
        &self,
        workload: usize,
        external: usize,
        port: Option<(Protocol, u16)>,
    ) -> (bool, String) {
        let e = self.externals[external].id();
        self.explain_external(workload, external, &e, Direction::Egress, port)
    }

    /// A connection between a workload and an external range, the range named `label`
    /// (an address or block inside it, say): `Egress` from the workload, or `Ingress` to it.
    pub fn explain_external(
        &self,
        workload: usize,
        external: usize,
        label: &str,
        direction: Direction,
        port: Option<(Protocol, u16)>,
    ) -> (bool, String) {
        let w = &self.workloads[workload];
        let side = self.external_side(direction, w.class, external);
        let id = w.id();
        let (src, dst) = match direction {
            Direction::Egress => (id.as_str(), label),
            Direction::Ingress => (label, id.as_str()),
        };
        self.explain_one_side(src, dst, direction, &id, label, &side, port)
    }

    /// [`Network::explain`] for an external range sending to a workload.
    pub fn explain_external_ingress(
        &self,
        external: usize,
        workload: usize,
        port: Option<(Protocol, u16)>,
    ) -> (bool, String) {
        let e = self.externals[external].id();
        self.explain_external(workload, external, &e, Direction::Ingress, port)
    }

    /// The explanation of a connection with one end outside the cluster, where only the
    /// workload's side (`subject`, facing `peer`) is subject to policy.
    #[allow(clippy::too_many_arguments)]
    fn explain_one_side(
        &self,
        src: &str,
        dst: &str,
        direction: Direction,
        subject: &str,
        peer: &str,
        side: &Side,
        port: Option<(Protocol, u16)>,
    ) -> (bool, String) {
        let (wanted, what) = match port {
            Some((proto, p)) => (ConnSet::port(proto, p), format!("{} {p}", proto.name())),
            None => (ConnSet::all(), "any port".to_string()),
        };
        let allowed = !side.conns.intersect(&wanted).is_empty();
        let mut out = String::new();
        let _ = writeln!(
            out,
            "{src} -> {dst} ({what}): {}",
            if allowed { "ALLOWED" } else { "DENIED" }
        );
        let _ = writeln!(
            out,
            "  {peer} is outside the cluster: no policy applies to its side"
        );
        let _ = write!(
            out,
            "  {} of {subject}: ",
            if direction == Direction::Egress {
                "egress"
            } else {
                "ingress"
            }
        );
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
        } else {
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
                    "    no {} rule of these policies allows {} {peer} ({what}){}",
                    direction.field(),
                    if direction == Direction::Egress {
                        "to"
                    } else {
                        "from"
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
                    "    allowed by {} {}.{}[{}]: {}",
                    self.policies[a.policy].id(),
                    self.policies[a.policy].spec_path,
                    direction.field(),
                    a.rule,
                    a.conns
                );
            }
        }
        self.explain_denies(&mut out, side, direction, &wanted);
        let _ = writeln!(out, "  allowed connections: {}", side.conns);
        (allowed, out)
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
