//! The vertices and edges of the attack graph, each edge with the evidence that makes it
//! exist and the change that would remove it.

use std::collections::HashMap;

use bulkhead_model::Location;
use bulkhead_netpol::Network;
use serde::Serialize;

/// What a vertex stands for.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum VertexKind {
    Internet,
    /// A workload (index into the network's workloads).
    Workload,
    /// Root on a node (`node:NAME`, or `node:*` for the node an unpinned pod lands on).
    Node,
    CloudMetadata,
    Secret,
    /// A vertex of the RBAC escalation graph: an identity, a namespace's service accounts,
    /// the running pods of a namespace, cluster-admin.
    Identity,
    ClusterAdmin,
    /// Running code as any service account of a namespace.
    Namespace,
}

/// One vertex.
#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Vertex {
    /// `internet`, `deployment:web/api`, `node:*`, `sa:ops:backup`, `cluster-admin`...
    pub id: String,
    pub kind: VertexKind,
    /// Where the object behind the vertex is written, if it is.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub location: Option<Location>,
}

/// The kind of a step, as the issue of attack paths names them.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum EdgeKind {
    Entry,
    Lateral,
    Escape,
    Node,
    Identity,
    Cloud,
}

impl EdgeKind {
    pub fn name(self) -> &'static str {
        match self {
            EdgeKind::Entry => "entry",
            EdgeKind::Lateral => "lateral",
            EdgeKind::Escape => "escape",
            EdgeKind::Node => "node",
            EdgeKind::Identity => "identity",
            EdgeKind::Cloud => "cloud",
        }
    }
}

/// Why a step is possible: an object, a check or an RBAC rule, and where it is written.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Evidence {
    pub text: String,
    /// The check that found it (escapes, open kubelets).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub check: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub location: Option<Location>,
}

impl Evidence {
    pub fn at(text: impl Into<String>, location: Option<Location>) -> Evidence {
        Evidence {
            text: text.into(),
            check: None,
            location,
        }
    }
}

/// One stored edge (lateral edges are computed during the search instead).
#[derive(Clone, Debug)]
pub struct Edge {
    pub from: usize,
    pub to: usize,
    pub kind: EdgeKind,
    pub action: String,
    pub evidence: Vec<Evidence>,
    /// The single change that removes this edge.
    pub fix: String,
}

/// The attack graph of one inventory.
pub struct AttackGraph<'a> {
    pub vertices: Vec<Vertex>,
    pub edges: Vec<Edge>,
    pub(crate) incoming: Vec<Vec<usize>>,
    pub(crate) outgoing: Vec<Vec<usize>>,
    index: HashMap<String, usize>,
    pub network: &'a Network<'a>,
    /// Per network workload, its vertex.
    pub(crate) workload_vertex: Vec<usize>,
    /// Per vertex, the network workload it is (if any).
    pub(crate) vertex_workload: crate::lateral::IndexMap<usize>,
    /// Per network workload, the ports it serves (container ports, Service target ports).
    pub(crate) served: Vec<bulkhead_netpol::ConnSet>,
    /// Why a vertex lacks an edge one would expect (a token not mounted).
    pub notes: HashMap<usize, String>,
    /// The Node objects of the inputs (none: pods may run anywhere).
    pub(crate) known_nodes: Vec<crate::placement::KnownNode>,
}

impl<'a> AttackGraph<'a> {
    pub(crate) fn empty(network: &'a Network<'a>) -> Self {
        AttackGraph {
            vertices: Vec::new(),
            edges: Vec::new(),
            incoming: Vec::new(),
            outgoing: Vec::new(),
            index: HashMap::new(),
            network,
            workload_vertex: Vec::new(),
            vertex_workload: Default::default(),
            served: Vec::new(),
            notes: HashMap::new(),
            known_nodes: Vec::new(),
        }
    }

    /// The vertex with this id, created if new.
    pub(crate) fn vertex(
        &mut self,
        id: String,
        kind: VertexKind,
        location: Option<Location>,
    ) -> usize {
        if let Some(&i) = self.index.get(&id) {
            return i;
        }
        let i = self.vertices.len();
        self.index.insert(id.clone(), i);
        self.vertices.push(Vertex { id, kind, location });
        self.incoming.push(Vec::new());
        self.outgoing.push(Vec::new());
        i
    }

    pub(crate) fn edge(&mut self, edge: Edge) {
        if edge.from == edge.to {
            return;
        }
        let (from, to) = (edge.from, edge.to);
        self.edges.push(edge);
        self.incoming[to].push(self.edges.len() - 1);
        self.outgoing[from].push(self.edges.len() - 1);
    }

    /// The vertex with this id.
    pub fn find(&self, id: &str) -> Option<usize> {
        self.index.get(id).copied()
    }

    /// The workload vertex of `namespace/name` (any kind; a Deployment whose pods are named
    /// `name-...` too, as `rbac paths` finds them).
    pub fn find_workload(&self, namespace: &str, name: &str) -> Option<usize> {
        let net = &self.network;
        let exact = net
            .workloads
            .iter()
            .position(|w| w.namespace == namespace && w.name == name);
        let prefixed = || {
            net.workloads
                .iter()
                .enumerate()
                .filter(|(_, w)| {
                    w.namespace == namespace && name.starts_with(&format!("{}-", w.name))
                })
                .max_by_key(|(_, w)| w.name.len())
                .map(|(i, _)| i)
        };
        exact.or_else(prefixed).map(|w| self.workload_vertex[w])
    }

    pub fn edge_count(&self) -> usize {
        self.edges.len()
    }
}
