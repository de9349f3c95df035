//! RBAC resolution over the inventory: roles with ClusterRole aggregation resolved to a fixed
//! point, bindings and their scope, the request matcher with the upstream authorizer's
//! semantics, who-can and what-can, built-in defaults told apart from user objects, and the
//! escalation graph with shortest paths to cluster-admin.
//!
//! ```text
//! let rbac = Rbac::load(&inventory);
//! rbac.who_can(&Request::parse("get", "secrets", Some("payments"), None)?, options);
//! rbac.graph(options).paths_to_admin(options);
//! ```

pub mod defaults;
pub mod graph;
pub mod model;
pub mod query;
pub mod vocabulary;

pub use graph::{to_dot, Graph, NodeKind, Path, Step};
pub use model::{
    Binding, BindingKind, Rbac, Role, RoleKind, Rule, Subject, TokenMount, TokenSecret, Workload,
};
pub use query::{rule_allows, Evidence, Grant, QueryOptions, Request, Target, WhatCan};

#[cfg(test)]
mod tests;
