//! What the checks found that the graph needs: container escapes and open kubelets. The
//! checks decide (one model of what an escape is); the graph only draws the edges, each
//! citing the check that found it.

use bulkhead_model::{Location, ObjectRef};

/// What a fact gives an attacker.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FactKind {
    /// Code in the workload can take over the node it runs on.
    Escape,
    /// The kubelet API serves anyone who can reach its port (anonymous or unauthorized
    /// requests allowed): whoever reaches it runs commands in every pod of the node.
    OpenKubelet,
}

/// One finding of a check, as the graph uses it.
#[derive(Clone, Debug)]
pub struct Fact {
    pub kind: FactKind,
    /// The workload the finding is about (escapes); the node configuration object for
    /// kubelet facts.
    pub object: ObjectRef,
    /// The check id (`BHW001`).
    pub check: String,
    pub message: String,
    /// The check's one-line fix: what removes the edge.
    pub remediation: String,
    pub location: Location,
}

/// Every fact of one inventory.
#[derive(Clone, Debug, Default)]
pub struct Facts {
    pub facts: Vec<Fact>,
}
