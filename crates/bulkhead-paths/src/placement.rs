//! Where a workload's pods may run: what decides which service-account tokens sit on the
//! node an attacker lands on.
//!
//! When the inputs hold Node objects (a snapshot of a live cluster), the scheduler's hard
//! constraints decide: `nodeSelector`, the required terms of node affinity, and the node's
//! `NoSchedule`/`NoExecute` taints against the pod's tolerations. When they hold none, any
//! pod not pinned with `nodeName` may run anywhere.

use bulkhead_model::{Inventory, Location, Node, Object, PodSpec};

/// Where the pods of a workload may run.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Placement {
    /// A DaemonSet (or a pod of one): on every node its constraints admit.
    EveryNode,
    /// `spec.nodeName`: that node (a live cluster's pods all say where they run).
    Pinned(String),
    /// Anywhere the scheduler puts it, within its constraints.
    Anywhere,
}

/// A node the inputs describe: its labels and the taints that keep pods off it.
#[derive(Clone, Debug)]
pub struct KnownNode {
    pub name: String,
    labels: Vec<(String, String)>,
    taints: Vec<Taint>,
    pub location: Location,
}

#[derive(Clone, Debug)]
struct Taint {
    key: String,
    value: String,
    effect: String,
}

/// Taints the DaemonSet controller tolerates on every pod it creates (node conditions).
const DAEMONSET_TOLERATED: &[&str] = &[
    "node.kubernetes.io/not-ready",
    "node.kubernetes.io/unreachable",
    "node.kubernetes.io/disk-pressure",
    "node.kubernetes.io/memory-pressure",
    "node.kubernetes.io/pid-pressure",
    "node.kubernetes.io/unschedulable",
    "node.kubernetes.io/network-unavailable",
];

impl KnownNode {
    /// Every Node object of the inventory, in name order.
    pub fn all(inventory: &Inventory) -> Vec<KnownNode> {
        let mut nodes: Vec<KnownNode> = inventory
            .of_kind("Node")
            .filter(|o| o.group().is_empty())
            .map(KnownNode::read)
            .collect();
        nodes.sort_by(|a, b| a.name.cmp(&b.name));
        nodes.dedup_by(|a, b| a.name == b.name);
        nodes
    }

    fn read(object: &Object) -> KnownNode {
        let labels = object
            .metadata()
            .and_then(|m| m.get("labels"))
            .map(Node::as_map)
            .unwrap_or(&[])
            .iter()
            .filter_map(|e| Some((e.key.to_string(), e.value.scalar_text()?)))
            .collect();
        let taints = object
            .root
            .path(&["spec", "taints"])
            .map(Node::as_seq)
            .unwrap_or(&[])
            .iter()
            .filter_map(|t| {
                Some(Taint {
                    key: t.get("key").and_then(Node::as_str)?.to_string(),
                    value: t
                        .get("value")
                        .and_then(Node::as_str)
                        .unwrap_or("")
                        .to_string(),
                    effect: t
                        .get("effect")
                        .and_then(Node::as_str)
                        .unwrap_or("")
                        .to_string(),
                })
            })
            .collect();
        KnownNode {
            name: object.name.clone(),
            labels,
            taints,
            location: object.locate(""),
        }
    }

    fn label(&self, key: &str) -> Option<&str> {
        self.labels
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }
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
    /// on, when the inputs describe no node), or `None` when they cannot be.
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

    /// Why the pods of `object` may run on the described node `node`, or `None` when its
    /// nodeSelector, required node affinity or the node's taints keep them off it.
    pub fn on_known(&self, object: &Object, node: &KnownNode) -> Option<&'static str> {
        if let Placement::Pinned(n) = self {
            return self.on(Some(&node.name)).filter(|_| *n == node.name);
        }
        let pod = PodSpec::of(object);
        let get = |key: &str| pod.as_ref().and_then(|p| p.get(key));
        if !selector_admits(get("nodeSelector"), node)
            || !affinity_admits(
                get("affinity").and_then(|a| {
                    a.path(&[
                        "nodeAffinity",
                        "requiredDuringSchedulingIgnoredDuringExecution",
                    ])
                }),
                node,
            )
            || !tolerates(
                get("tolerations").map(Node::as_seq).unwrap_or(&[]),
                node,
                *self == Placement::EveryNode,
            )
        {
            return None;
        }
        Some(match self {
            Placement::EveryNode => {
                "a DaemonSet: its pods run on every node its selector, affinity and tolerations admit"
            }
            _ => "the scheduler may place its pods on that node (its selector, affinity and tolerations admit it)",
        })
    }
}

/// `nodeSelector`: every label must be on the node with that value.
fn selector_admits(selector: Option<&Node>, node: &KnownNode) -> bool {
    selector.map(Node::as_map).unwrap_or(&[]).iter().all(|e| {
        e.value
            .scalar_text()
            .is_some_and(|v| node.label(&e.key) == Some(v.as_str()))
    })
}

/// The required node affinity: some term (an empty list admits none) whose expressions and
/// fields all match.
fn affinity_admits(required: Option<&Node>, node: &KnownNode) -> bool {
    let Some(required) = required else {
        return true;
    };
    required
        .get("nodeSelectorTerms")
        .map(Node::as_seq)
        .unwrap_or(&[])
        .iter()
        .any(|term| {
            let expressions = term
                .get("matchExpressions")
                .map(Node::as_seq)
                .unwrap_or(&[]);
            let fields = term.get("matchFields").map(Node::as_seq).unwrap_or(&[]);
            if expressions.is_empty() && fields.is_empty() {
                return false;
            }
            expressions
                .iter()
                .all(|e| requirement(e, |k| node.label(k)))
                && fields.iter().all(|e| {
                    requirement(e, |k| (k == "metadata.name").then_some(node.name.as_str()))
                })
        })
}

/// One node selector requirement (`In`, `NotIn`, `Exists`, `DoesNotExist`, `Gt`, `Lt`).
fn requirement<'n>(e: &Node, value_of: impl Fn(&str) -> Option<&'n str>) -> bool {
    let Some(key) = e.get("key").and_then(Node::as_str) else {
        return false;
    };
    let values: Vec<String> = e
        .get("values")
        .map(Node::as_seq)
        .unwrap_or(&[])
        .iter()
        .filter_map(Node::scalar_text)
        .collect();
    let have = value_of(key);
    let number = |s: &str| s.parse::<i64>().ok();
    match e.get("operator").and_then(Node::as_str).unwrap_or("") {
        "In" => have.is_some_and(|v| values.iter().any(|x| x == v)),
        "NotIn" => !have.is_some_and(|v| values.iter().any(|x| x == v)),
        "Exists" => have.is_some(),
        "DoesNotExist" => have.is_none(),
        "Gt" => {
            matches!((have.and_then(number), values.first().and_then(|x| number(x))), (Some(h), Some(x)) if h > x)
        }
        "Lt" => {
            matches!((have.and_then(number), values.first().and_then(|x| number(x))), (Some(h), Some(x)) if h < x)
        }
        _ => false,
    }
}

/// Whether the tolerations cover every `NoSchedule` and `NoExecute` taint of the node
/// (`PreferNoSchedule` only steers the scheduler).
fn tolerates(tolerations: &[Node], node: &KnownNode, daemonset: bool) -> bool {
    node.taints
        .iter()
        .filter(|t| t.effect == "NoSchedule" || t.effect == "NoExecute")
        .all(|t| {
            (daemonset && DAEMONSET_TOLERATED.contains(&t.key.as_str()))
                || tolerations.iter().any(|tol| toleration_matches(tol, t))
        })
}

fn toleration_matches(toleration: &Node, taint: &Taint) -> bool {
    let text = |k: &str| toleration.get(k).and_then(Node::as_str).unwrap_or("");
    let effect = text("effect");
    if !effect.is_empty() && effect != taint.effect {
        return false;
    }
    let key = text("key");
    match text("operator") {
        // An empty key with Exists tolerates everything.
        "Exists" => key.is_empty() || key == taint.key,
        "" | "Equal" => key == taint.key && text("value") == taint.value,
        _ => false,
    }
}

fn owned_by_daemonset(object: &Object) -> bool {
    object
        .controller_reference()
        .and_then(|r| r.get("kind"))
        .and_then(Node::as_str)
        == Some("DaemonSet")
}
