//! The attack graph: one graph from the internet to cluster-admin, built from the analyzers
//! Bulkhead already has, and searched along the connections the policies actually allow.
//!
//! - **entry**: internet → the workloads `netpol exposure` finds reachable from outside;
//! - **lateral**: workload → workload where the NetworkPolicy reachability allows a
//!   connection to a port the destination serves (computed on demand, per class pair);
//! - **escape**: workload → its node, for each container-escape finding of the checks
//!   (privileged, escape capabilities, the runtime socket, writable host paths…);
//! - **node**: node → the service-account tokens of the pods that may run on it, and the
//!   kubelet's own credentials; workload → node through a kubelet API that lets anyone in;
//! - **identity**: the RBAC escalation graph of `rbac paths`, taken over edge for edge
//!   (workload → its service account when the token is mounted, then secrets, pod creation,
//!   impersonation, bind/escalate, tokens, webhooks, nodes/proxy…);
//! - **cloud**: workload → the cloud metadata endpoint where egress to it is allowed.
//!
//! [`AttackGraph::build`] assembles the graph; [`AttackGraph::search`] finds the shortest path
//! from each start (each internet entry point, by default) to the targets, and what single
//! change would cut each path.
//!
//! ```text
//! let graph = AttackGraph::build(&inventory, &rbac, &network, &facts);
//! let found = graph.search(&Start::Internet, &[Target::ClusterAdmin, Target::Node]);
//! ```

mod build;
pub mod facts;
pub mod graph;
mod lateral;
pub mod placement;
pub mod render;
pub mod search;
pub mod spec;

pub use build::Scope;
pub use facts::{Fact, FactKind, Facts};
pub use graph::{AttackGraph, EdgeKind, Evidence, Vertex, VertexKind};
pub use search::{Cut, Found, PathReport, Step};
pub use spec::{Start, Target};
