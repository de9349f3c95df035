//! Where a workload's pods may run: what decides which service-account tokens sit on the
//! node an attacker lands on.

use bulkhead_model::{Node, Object, PodSpec};

/// Where the pods of a workload may run.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Placement {
    /// A DaemonSet (or a pod of one): on every node.
    EveryNode,
    /// `spec.nodeName`: that node (a live cluster's pods all say where they run).
    Pinned(String),
    /// Anywhere the scheduler puts it (`nodeSelector` and affinity narrow it to nodes the
    /// inputs may not describe, so they are not used to rule a node out).
    Anywhere,
}

impl Placement {
    pub fn of(object: &Object, kind: &str) -> Placement {
        if kind == "DaemonSet" || owned_by_daemonset(object) {
            return Placement::EveryNode;
        }
        match PodSpec::of(object)
            .and_then(|p| p.get("nodeName"))
            .and_then(Node::as_str)
        {
            Some(name) if !name.is_empty() => Placement::Pinned(name.to_string()),
            _ => Placement::Anywhere,
        }
    }

    /// Why the pods' tokens are on the node `node` (`None`: the node an unpinned pod lands
    /// on), or `None` when they cannot be.
    pub fn on(&self, node: Option<&str>) -> Option<&'static str> {
        match (self, node) {
            (Placement::EveryNode, _) => Some("a DaemonSet: its pods run on every node"),
            (Placement::Pinned(n), Some(wanted)) if n != wanted => None,
            (Placement::Pinned(_), _) => {
                Some("its pods run on that node (spec.nodeName), beside whatever lands there")
            }
            (Placement::Anywhere, _) => {
                Some("the scheduler may place its pods on the same node (no nodeName)")
            }
        }
    }
}

fn owned_by_daemonset(object: &Object) -> bool {
    object
        .metadata()
        .and_then(|m| m.get("ownerReferences"))
        .map(Node::as_seq)
        .unwrap_or(&[])
        .iter()
        .any(|r| {
            r.get("controller").and_then(Node::as_bool) == Some(true)
                && r.get("kind").and_then(Node::as_str) == Some("DaemonSet")
        })
}
