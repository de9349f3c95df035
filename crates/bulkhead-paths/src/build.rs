//! Assembling the graph from the analyzers: exposure and reachability (`bulkhead-netpol`),
//! the escalation graph (`bulkhead-rbac`), and the checks' escape findings ([`Facts`]).

use std::collections::HashMap;
use std::net::{IpAddr, Ipv4Addr};

use bulkhead_model::{Inventory, LabelSelector, Node, Object, ObjectRef};
use bulkhead_netpol::exposure::exposures;
use bulkhead_netpol::{ConnSet, Direction, Network, Protocol};
use bulkhead_rbac::{Graph, NodeKind, QueryOptions, Rbac, Request, Subject};

use crate::facts::{FactKind, Facts};
use crate::graph::{AttackGraph, Edge, EdgeKind, Evidence, VertexKind};
use crate::placement::{KnownNode, Placement};

/// The link-local address where clouds serve instance metadata and credentials.
const METADATA: IpAddr = IpAddr::V4(Ipv4Addr::new(169, 254, 169, 254));
/// The kubelet's authenticated API port.
const KUBELET_PORT: u16 = 10250;
/// The vertex of the node an unpinned pod lands on.
pub(crate) const ANY_NODE: &str = "node:*";

type Key = (String, Option<String>, String);

fn key(r: &ObjectRef) -> Key {
    (r.kind.clone(), r.namespace.clone(), r.name.clone())
}

fn object_key(o: &Object) -> Key {
    (o.kind.clone(), o.namespace.clone(), o.name.clone())
}

/// Which searches a graph is built for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Scope {
    /// Any start, any target.
    Everything,
    /// From the internet to cluster-admin only (the check): nothing is built when nothing
    /// is exposed, and the cloud metadata endpoint (a dead end) is left out.
    InternetToClusterAdmin,
}

impl<'a> AttackGraph<'a> {
    /// The graph of an inventory. `rbac` and `network` are the inventory's RBAC and network
    /// models with default options (shared with the checks that already built them, so a
    /// scan builds each once); `facts` are the checks' escape findings.
    pub fn build(
        inventory: &'a Inventory,
        rbac: &Rbac<'a>,
        network: &'a Network<'a>,
        facts: &Facts,
    ) -> AttackGraph<'a> {
        let escalation = rbac.graph(QueryOptions::default());
        AttackGraph::build_from(
            inventory,
            rbac,
            &escalation,
            network,
            facts,
            Scope::Everything,
        )
    }

    /// [`AttackGraph::build`] with the escalation graph already built (`rbac.graph` with
    /// default options, shared with the RBAC checks), for the searches of `scope`.
    pub fn build_from(
        inventory: &'a Inventory,
        rbac: &Rbac<'a>,
        escalation: &Graph,
        network: &'a Network<'a>,
        facts: &Facts,
        scope: Scope,
    ) -> AttackGraph<'a> {
        let mut g = AttackGraph::empty(network);
        g.vertex("internet".into(), VertexKind::Internet, None);
        let mut by_object: HashMap<Key, usize> = HashMap::new();
        for i in 0..g.network.workloads.len() {
            let w = &g.network.workloads[i];
            let id = format!("{}:{}/{}", w.kind.to_lowercase(), w.namespace, w.name);
            let location = Some(w.object.locate(""));
            for o in std::iter::once(w.object).chain(w.pods.iter().copied()) {
                by_object.entry(object_key(o)).or_insert(i);
            }
            let v = g.vertex(id, VertexKind::Workload, location);
            g.workload_vertex.push(v);
            g.vertex_workload.insert(v, i);
        }
        // Entry edges first: with no way in, a search from the internet needs nothing else.
        g.entry_edges(inventory);
        if scope == Scope::InternetToClusterAdmin && g.edges.is_empty() {
            return g;
        }
        g.served = served_ports(g.network, inventory);
        g.identity_edges(rbac, escalation, &by_object);
        g.known_nodes = KnownNode::all(inventory);
        g.escape_edges(facts, &by_object);
        g.node_edges(rbac);
        g.kubelet_edges(facts);
        if scope == Scope::Everything {
            g.cloud_edges();
        }
        g.admin_edges();
        g
    }

    /// Cluster-admin → every namespace and node: what "full control" means for the other
    /// targets (`--to namespace:NS`, `--to node`), which the escalation graph stops short of.
    fn admin_edges(&mut self) {
        let Some(admin) = self.find("cluster-admin") else {
            return;
        };
        let ends: Vec<usize> = (0..self.vertices.len())
            .filter(|&v| {
                matches!(
                    self.vertices[v].kind,
                    VertexKind::Namespace | VertexKind::Node
                )
            })
            .collect();
        for to in ends {
            let action = match self.vertices[to].kind {
                VertexKind::Node => "schedules a privileged pod on any node".to_string(),
                _ => format!(
                    "runs pods as any service account of {}",
                    self.vertices[to].id
                ),
            };
            self.edge(Edge {
                from: admin,
                to,
                kind: EdgeKind::Identity,
                action,
                evidence: Vec::new(),
                fix: "none: cluster-admin may do anything; cut an earlier step".into(),
            });
        }
    }

    /// The RBAC escalation graph, edge for edge; its workload vertices are the network's.
    fn identity_edges(&mut self, rbac: &Rbac<'a>, rg: &Graph, by_object: &HashMap<Key, usize>) {
        let mut workload_of: HashMap<Key, usize> = HashMap::new();
        for w in &rbac.workloads {
            if let Some(&i) = by_object.get(&object_key(w.object)) {
                workload_of.insert(
                    (
                        w.object.kind.clone(),
                        w.namespace.clone(),
                        w.object.name.clone(),
                    ),
                    i,
                );
            }
        }
        let map: Vec<usize> = rg
            .nodes
            .iter()
            .map(|n| match n {
                NodeKind::Workload {
                    kind,
                    namespace,
                    name,
                } => match workload_of.get(&(kind.clone(), namespace.clone(), name.clone())) {
                    Some(&i) => self.workload_vertex[i],
                    None => self.vertex(n.id(), VertexKind::Workload, None),
                },
                NodeKind::ClusterAdmin => self.vertex(n.id(), VertexKind::ClusterAdmin, None),
                NodeKind::Namespace { .. } => self.vertex(n.id(), VertexKind::Namespace, None),
                _ => self.vertex(n.id(), VertexKind::Identity, None),
            })
            .collect();
        for (i, &v) in map.iter().enumerate() {
            if let Some(note) = rg.note(i) {
                self.notes.insert(v, note.to_string());
            }
        }
        for (from, to, step) in rg.edges() {
            let mut evidence = Vec::new();
            let fix = match (&rg.nodes[from], &step.evidence) {
                (_, _) if step.builtin => {
                    "none: a built-in identity of every cluster; keep attackers from acting as it"
                        .to_string()
                }
                (NodeKind::Workload { kind, name, .. }, _) => format!(
                    "set automountServiceAccountToken: false on {kind} {name} (or give it a service account without these rights)"
                ),
                (_, Some(e)) => match (&e.rule, e.rule_index) {
                    (Some(_), Some(_)) if e.rule_location.is_none() => format!(
                        "remove the binding {} (the role {} is built in)",
                        e.binding, e.role
                    ),
                    (Some(rule), Some(index)) => format!(
                        "remove rule {index} ({rule}) of {} or the binding {}",
                        e.rule_role.as_deref().unwrap_or(&e.role),
                        e.binding
                    ),
                    _ => format!("remove the binding {}", e.binding),
                },
                (NodeKind::Identity { .. }, None) => {
                    "none: group membership comes with the identity".to_string()
                }
                _ => "none: every service account of a namespace can be run by whoever runs pods there".to_string(),
            };
            if let Some(e) = &step.evidence {
                evidence.push(Evidence::at(
                    format!("{} → {}", e.binding, e.role),
                    Some(e.binding_location.clone()),
                ));
                if let (Some(rule), Some(index)) = (&e.rule, e.rule_index) {
                    let built_in = if e.rule_location.is_none() {
                        " (built-in role)"
                    } else {
                        ""
                    };
                    evidence.push(Evidence::at(
                        format!("rule {index}: {rule}{built_in}"),
                        e.rule_location.clone(),
                    ));
                }
            }
            if let Some(location) = &step.location {
                evidence.push(Evidence::at("declared here", Some(location.clone())));
            }
            self.edge(Edge {
                from: map[from],
                to: map[to],
                kind: EdgeKind::Identity,
                action: step.action,
                evidence,
                fix,
            });
        }
    }

    /// Internet → every workload `netpol exposure` finds reachable from outside; one edge per
    /// workload, its evidence every way in.
    fn entry_edges(&mut self, inventory: &'a Inventory) {
        let internet = 0;
        let mut ways: Vec<(usize, Vec<Evidence>)> = Vec::new();
        let mut seen: HashMap<usize, usize> = HashMap::new();
        for e in exposures(self.network, inventory.objects()) {
            if !e.reachable {
                continue;
            }
            let w = e.index;
            let location = exposing_object(inventory, &e.through)
                .map(|o| o.locate(""))
                .or_else(|| Some(self.network.workloads[w].object.locate("")));
            let evidence = Evidence::at(
                format!(
                    "{} forwards {}; its ingress policies let in {} from outside",
                    e.through, e.ports, e.allowed
                ),
                location,
            );
            let slot = *seen.entry(w).or_insert_with(|| {
                ways.push((w, Vec::new()));
                ways.len() - 1
            });
            ways[slot].1.push(evidence);
        }
        for (w, evidence) in ways {
            let name = self.network.workloads[w].id();
            let isolated = !self.network.isolated_by(w, Direction::Ingress).is_empty();
            self.edge(Edge {
                from: internet,
                to: self.workload_vertex[w],
                kind: EdgeKind::Entry,
                action: format!("reaches {name} from outside the cluster"),
                evidence,
                fix: if isolated {
                    format!("narrow the ingress NetworkPolicy rules of {name} that admit outside addresses")
                } else {
                    format!("add an ingress NetworkPolicy for {name} that admits only the addresses that must reach it (or stop exposing it)")
                },
            });
        }
    }

    /// The node vertices a workload's pods may land on: the described nodes its
    /// constraints admit, or (no Node in the inputs) its `nodeName` or any node.
    fn landing(&mut self, object: &Object, kind: &str) -> Vec<usize> {
        let placement = Placement::of(object, kind);
        let pinned = match &placement {
            Placement::Pinned(n) => Some(n.clone()),
            _ => None,
        };
        if self.known_nodes.is_empty() || pinned.as_ref().is_some_and(|n| !self.knows(n)) {
            let id = pinned.map_or_else(|| ANY_NODE.to_string(), |n| format!("node:{n}"));
            return vec![self.vertex(id, VertexKind::Node, None)];
        }
        self.known_nodes
            .iter()
            .filter(|n| placement.on_known(object, n).is_some())
            .filter_map(|n| self.index_of_node(&n.name))
            .collect()
    }

    fn knows(&self, node: &str) -> bool {
        self.known_nodes.iter().any(|n| n.name == node)
    }

    fn index_of_node(&self, node: &str) -> Option<usize> {
        self.find(&format!("node:{node}"))
    }

    /// Workload → its node, one edge per escape finding (and per node it may land on, when
    /// the inputs describe the nodes).
    fn escape_edges(&mut self, facts: &Facts, by_object: &HashMap<Key, usize>) {
        if self.known_nodes.is_empty() {
            self.vertex(ANY_NODE.into(), VertexKind::Node, None);
        }
        for i in 0..self.known_nodes.len() {
            let (id, location) = (
                format!("node:{}", self.known_nodes[i].name),
                Some(self.known_nodes[i].location.clone()),
            );
            self.vertex(id, VertexKind::Node, location);
        }
        for fact in facts.facts.iter().filter(|f| f.kind == FactKind::Escape) {
            let Some(&w) = by_object.get(&key(&fact.object)) else {
                continue;
            };
            let workload = &self.network.workloads[w];
            let name = workload.id();
            for to in self.landing(workload.object, &workload.kind) {
                self.edge(Edge {
                    from: self.workload_vertex[w],
                    to,
                    kind: EdgeKind::Escape,
                    action: format!("escapes to its node: {}", fact.message),
                    evidence: vec![Evidence {
                        text: fact.message.clone(),
                        check: Some(fact.check.clone()),
                        location: Some(fact.location.clone()),
                    }],
                    fix: format!("in {name}: {} ({})", fact.remediation, fact.check),
                });
            }
        }
    }

    /// Node → the tokens of the pods that may run on it, and the kubelet's own credentials.
    fn node_edges(&mut self, rbac: &Rbac<'a>) {
        let nodes: Vec<(usize, Option<String>)> = (0..self.vertices.len())
            .filter(|&v| self.vertices[v].kind == VertexKind::Node)
            .map(|v| {
                let name = self.vertices[v]
                    .id
                    .strip_prefix("node:")
                    .filter(|n| *n != "*")
                    .map(str::to_string);
                (v, name)
            })
            .collect();
        for w in &rbac.workloads {
            let Some(ns) = &w.namespace else { continue };
            if !w.token.mounted() {
                continue;
            }
            let sa = Subject::service_account(ns, &w.service_account).to_string();
            let Some(to) = self.find(&sa) else { continue };
            let placement = Placement::of(w.object, &w.object.kind);
            for (v, name) in &nodes {
                let known = name
                    .as_deref()
                    .and_then(|n| self.known_nodes.iter().find(|k| k.name == n));
                let why = match known {
                    Some(node) => placement.on_known(w.object, node),
                    None => placement.on(name.as_deref()),
                };
                let Some(why) = why else {
                    continue;
                };
                let mut evidence = vec![Evidence::at(
                    format!("{}; {}", w.token.reason(), why),
                    Some(w.object.locate(&w.pointer)),
                )];
                if let Some(node) = known {
                    evidence.push(Evidence::at(
                        format!("Node {} (its labels and taints)", node.name),
                        Some(node.location.clone()),
                    ));
                }
                self.edge(Edge {
                    from: *v,
                    to,
                    kind: EdgeKind::Node,
                    action: format!(
                        "reads the token of {sa} mounted into {} {}/{} ({why})",
                        w.object.kind, ns, w.object.name
                    ),
                    evidence,
                    fix: format!(
                        "set automountServiceAccountToken: false on {} {} (or keep its pods off nodes that run exposed workloads)",
                        w.object.kind, w.object.name
                    ),
                });
            }
        }
        for (v, name) in &nodes {
            let mut kubelet = vec!["group:system:nodes".to_string()];
            if let Some(n) = name {
                kubelet.push(format!("user:system:node:{n}"));
            }
            for id in kubelet {
                let Some(to) = self.find(&id) else { continue };
                self.edge(Edge {
                    from: *v,
                    to,
                    kind: EdgeKind::Node,
                    action: format!("uses the kubelet's credentials ({id})"),
                    evidence: Vec::new(),
                    fix: format!(
                        "remove the bindings of {id} beyond what the Node authorizer grants"
                    ),
                });
            }
        }
    }

    /// Workload → node through a kubelet API that serves anyone, where egress allows its port.
    fn kubelet_edges(&mut self, facts: &Facts) {
        let open: Vec<_> = facts
            .facts
            .iter()
            .filter(|f| f.kind == FactKind::OpenKubelet)
            .collect();
        let Some(fact) = open.first() else { return };
        let externals = self.network.externals.len();
        for w in 0..self.network.workloads.len() {
            let reaches = self.network.workloads[w].host_network
                || (0..externals).any(|e| {
                    self.network
                        .to_external(w, e)
                        .contains(Protocol::Tcp, KUBELET_PORT)
                });
            if !reaches {
                continue;
            }
            let workload = &self.network.workloads[w];
            let nodes = if self.known_nodes.is_empty() {
                self.find(ANY_NODE).into_iter().collect()
            } else {
                self.landing(workload.object, &workload.kind)
            };
            for node in nodes {
                self.edge(Edge {
                    from: self.workload_vertex[w],
                    to: node,
                    kind: EdgeKind::Node,
                    action: format!(
                        "calls the kubelet API (tcp/{KUBELET_PORT}) of its node, which {}",
                        fact.message
                    ),
                    evidence: open
                        .iter()
                        .map(|f| Evidence {
                            text: f.message.clone(),
                            check: Some(f.check.clone()),
                            location: Some(f.location.clone()),
                        })
                        .collect(),
                    fix: format!("{} ({})", fact.remediation, fact.check),
                });
            }
        }
    }

    /// Workload → the cloud metadata endpoint where its egress allows tcp/80 to it.
    fn cloud_edges(&mut self) {
        let Some(range) = self.network.external_of_ip(METADATA) else {
            return;
        };
        let cloud = self.vertex("cloud-metadata".into(), VertexKind::CloudMetadata, None);
        for w in 0..self.network.workloads.len() {
            let workload = &self.network.workloads[w];
            let host = workload.host_network;
            if !host
                && !self
                    .network
                    .to_external(w, range)
                    .contains(Protocol::Tcp, 80)
            {
                continue;
            }
            let name = workload.id();
            let policies = self.network.isolated_by(w, Direction::Egress);
            let why = if host {
                "it uses the node's network (hostNetwork), which no NetworkPolicy confines"
                    .to_string()
            } else if policies.is_empty() {
                format!("no NetworkPolicy isolates the egress of {name}")
            } else {
                let names: Vec<String> = policies
                    .iter()
                    .map(|&p| self.network.policies[p].id())
                    .collect();
                format!(
                    "its egress policies ({}) allow 169.254.169.254",
                    names.join(", ")
                )
            };
            let location = Some(workload.object.locate(""));
            self.edge(Edge {
                from: self.workload_vertex[w],
                to: cloud,
                kind: EdgeKind::Cloud,
                action: "requests the node's cloud credentials from 169.254.169.254".into(),
                evidence: vec![Evidence::at(why, location)],
                fix: if host {
                    format!("stop running {name} with hostNetwork (or block the endpoint on the nodes)")
                } else {
                    format!("add an egress NetworkPolicy for {name} whose ipBlock excepts 169.254.169.254/32 (or block the endpoint on the nodes)")
                },
            });
        }
    }

    /// Adds a `secret:NS/NAME` vertex: reached by identities allowed to read it and by the
    /// workloads that mount it. Returns the vertex.
    pub fn add_secret(
        &mut self,
        inventory: &'a Inventory,
        rbac: &Rbac<'a>,
        namespace: &str,
        name: &str,
    ) -> usize {
        let secret = self.vertex(
            format!("secret:{namespace}/{name}"),
            VertexKind::Secret,
            inventory
                .get("Secret", Some(namespace), name)
                .map(|o| o.locate("")),
        );
        if let Some(admin) = self.find("cluster-admin") {
            self.edge(Edge {
                from: admin,
                to: secret,
                kind: EdgeKind::Identity,
                action: format!("reads Secret {namespace}/{name}"),
                evidence: Vec::new(),
                fix: "none: cluster-admin may do anything; cut an earlier step".into(),
            });
        }
        if let Ok(request) = Request::parse("get", "secrets", Some(namespace), Some(name)) {
            for grant in rbac.who_can(&request, QueryOptions::default()) {
                let Some(from) = self.find(&grant.subject.to_string()) else {
                    continue;
                };
                let e = &grant.evidence;
                self.edge(Edge {
                    from,
                    to: secret,
                    kind: EdgeKind::Identity,
                    action: format!("reads Secret {namespace}/{name}"),
                    evidence: vec![Evidence::at(
                        format!("{} → {}", e.binding, e.role),
                        Some(e.binding_location.clone()),
                    )],
                    fix: format!("remove the binding {} (or narrow its rule)", e.binding),
                });
            }
        }
        for w in 0..self.network.workloads.len() {
            let workload = &self.network.workloads[w];
            if workload.namespace != namespace {
                continue;
            }
            let Some(pointer) = mounts_secret(workload.object, name) else {
                continue;
            };
            let location = Some(workload.object.locate(&pointer));
            self.edge(Edge {
                from: self.workload_vertex[w],
                to: secret,
                kind: EdgeKind::Identity,
                action: format!("has Secret {name} mounted"),
                evidence: vec![Evidence::at("the pod spec names the Secret", location)],
                fix: format!("stop mounting Secret {name} into {}", workload.id()),
            });
        }
        secret
    }
}

/// The object an exposure's `through` names (`Service/ns/name (LoadBalancer)`,
/// `Ingress/ns/name host/path`).
fn exposing_object<'i>(inventory: &'i Inventory, through: &str) -> Option<&'i Object> {
    let head = through.split_whitespace().next()?;
    let mut parts = head.splitn(3, '/');
    let (kind, ns, name) = (parts.next()?, parts.next()?, parts.next()?);
    inventory.get(kind, Some(ns), name)
}

/// The pointer to where a pod spec uses Secret `name` (a volume, an env or envFrom entry).
fn mounts_secret(object: &Object, name: &str) -> Option<String> {
    let pod = bulkhead_model::PodSpec::of(object)?;
    for (i, v) in pod
        .get("volumes")
        .map(Node::as_seq)
        .unwrap_or(&[])
        .iter()
        .enumerate()
    {
        if v.path(&["secret", "secretName"]).and_then(Node::as_str) == Some(name) {
            return Some(pod.pointer_to(&format!("volumes/{i}/secret/secretName")));
        }
    }
    for c in pod.containers() {
        for (i, e) in c
            .get("env")
            .map(Node::as_seq)
            .unwrap_or(&[])
            .iter()
            .enumerate()
        {
            if e.path(&["valueFrom", "secretKeyRef", "name"])
                .and_then(Node::as_str)
                == Some(name)
            {
                return Some(c.pointer_to(&format!("env/{i}/valueFrom/secretKeyRef/name")));
            }
        }
        for (i, e) in c
            .get("envFrom")
            .map(Node::as_seq)
            .unwrap_or(&[])
            .iter()
            .enumerate()
        {
            if e.path(&["secretRef", "name"]).and_then(Node::as_str) == Some(name) {
                return Some(c.pointer_to(&format!("envFrom/{i}/secretRef/name")));
            }
        }
    }
    None
}

/// Per workload, the ports it serves: its container ports and the target ports of the
/// Services that select it.
fn served_ports(network: &Network<'_>, inventory: &Inventory) -> Vec<ConnSet> {
    let mut served: Vec<ConnSet> = network
        .workloads
        .iter()
        .map(|w| {
            let mut c = ConnSet::none();
            for p in &w.ports {
                c.union_with(&ConnSet::port(p.protocol, p.port));
            }
            c
        })
        .collect();
    // The workloads carrying each label, per namespace: a Service's selector only needs to
    // be tried on those carrying its first label.
    let mut by_label: HashMap<(&str, &str, &str), Vec<usize>> = HashMap::new();
    for (i, w) in network.workloads.iter().enumerate() {
        for (k, v) in &w.labels {
            by_label
                .entry((w.namespace.as_str(), k.as_str(), v.as_str()))
                .or_default()
                .push(i);
        }
    }
    for service in inventory.objects() {
        if service.kind != "Service" || !service.group().is_empty() {
            continue;
        }
        let ns = service.namespace.as_deref().unwrap_or("default");
        let Ok(selector) =
            LabelSelector::from_match_labels(service.root.path(&["spec", "selector"]))
        else {
            continue;
        };
        if selector.is_empty() {
            continue;
        }
        let mut ports = ConnSet::none();
        for p in service
            .root
            .path(&["spec", "ports"])
            .map(Node::as_seq)
            .unwrap_or(&[])
        {
            let protocol = p
                .get("protocol")
                .and_then(Node::as_str)
                .and_then(Protocol::parse)
                .unwrap_or(Protocol::Tcp);
            let port = p
                .get("targetPort")
                .or_else(|| p.get("port"))
                .and_then(Node::as_i64)
                .and_then(|n| u16::try_from(n).ok());
            if let Some(port) = port {
                ports.union_with(&ConnSet::port(protocol, port));
            }
        }
        let first = service
            .root
            .path(&["spec", "selector"])
            .map(Node::as_map)
            .and_then(|m| m.first())
            .and_then(|e| Some((e.key.to_string(), e.value.scalar_text()?)));
        let Some((key, value)) = first else {
            continue;
        };
        let candidates = by_label
            .get(&(ns, key.as_str(), value.as_str()))
            .map(Vec::as_slice)
            .unwrap_or(&[]);
        for &w in candidates {
            let labels = &network.workloads[w].labels;
            if selector.matches(|k| labels.get(k).map(String::as_str)) {
                served[w].union_with(&ports);
            }
        }
    }
    served
}
