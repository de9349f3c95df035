//! What could create pods in each namespace of a scan, for the checks that ask "does this
//! selector match anything?".
//!
//! Namespaces are compared as written: objects with no `metadata.namespace` form one group of
//! their own, since they land together in whatever namespace they are applied to.
//!
//! A scan often holds unrelated manifests side by side (examples, test fixtures, several
//! applications without a namespace). So a reference is looked up in the whole namespace,
//! but the checks only judge it when the referring object's own directory holds, for that
//! namespace, the kind of object it refers to: a Service file next to no workload at all is
//! half of something that was not scanned, not a Service that selects nothing.

use std::collections::HashMap;

use crate::rules::common::directory;
use crate::Context;
use bulkhead_model::selector::Operator;
use bulkhead_model::{Inventory, LabelSelector, Node, Object};

/// The namespace an object was written for (`None`: not written).
pub type Namespace<'a> = Option<&'a str>;

/// Pod template labels of every workload, and the labels of custom resources that look like
/// they make pods through an operator, by namespace.
pub struct PodSources<'a> {
    workloads: HashMap<Namespace<'a>, Vec<Labels>>,
    operated: HashMap<Namespace<'a>, Vec<Labels>>,
    /// Workloads and pod-making custom resources per namespace and directory.
    local: HashMap<(Option<String>, String), Local>,
    /// Per namespace, label key → value → the label sets above that carry it (`true`: of
    /// `operated`), so that a selector is tried only on the sets that can match it.
    by_label: HashMap<Namespace<'a>, LabelIndex>,
}

type LabelIndex = HashMap<String, HashMap<String, Vec<(bool, usize)>>>;

#[derive(Default)]
struct Local {
    workloads: usize,
    operated: usize,
}

/// Where an object was written, as a key: two objects are side by side — in the same
/// namespace ([`Object::same_namespace`]: the namespace as written, the root for objects
/// without one) and read from the same directory — exactly when their keys are equal, so that
/// a check looks its neighbours up instead of comparing with each.
pub type BesideKey<'a> = (Namespace<'a>, Option<u32>, &'a str);

pub fn beside_key(object: &Object) -> BesideKey<'_> {
    let namespace = object.namespace.as_deref();
    let root = namespace.is_none().then_some(object.origin.root);
    (namespace, root, directory(object))
}

/// Labels the control plane adds to pods at run time; no pod template carries them, so
/// selectors are matched without them.
const RUNTIME_LABELS: &[&str] = &[
    "pod-template-hash",
    "pod-template-generation",
    "controller-revision-hash",
    "statefulset.kubernetes.io/pod-name",
    "apps.kubernetes.io/pod-index",
    "job-name",
    "controller-uid",
    "batch.kubernetes.io/job-name",
    "batch.kubernetes.io/controller-uid",
    "batch.kubernetes.io/job-completion-index",
];

/// `selector` without its requirements on run-time labels.
pub fn without_runtime_labels(mut selector: LabelSelector) -> LabelSelector {
    selector
        .requirements
        .retain(|r| !RUNTIME_LABELS.contains(&r.key.as_str()));
    selector
}

/// A label set, values as Kubernetes would print them.
pub struct Labels(Vec<(String, String)>);

impl Labels {
    fn of(node: Option<&Node>) -> Labels {
        Labels(
            node.map(Node::as_map)
                .unwrap_or(&[])
                .iter()
                .filter_map(|e| Some((e.key.to_string(), e.value.scalar_text()?)))
                .collect(),
        )
    }

    pub fn matches(&self, selector: &LabelSelector) -> bool {
        selector.matches(|k| {
            self.0
                .iter()
                .find(|(key, _)| key == k)
                .map(|(_, v)| v.as_str())
        })
    }
}

/// Keys that, anywhere near the top of a custom resource's `spec`, suggest an operator turns
/// it into pods (Prometheus, Alertmanager, database, search and message-queue operators,
/// LeaderWorkerSets).
const POD_MAKING_KEYS: &[&str] = &[
    "replicas",
    "instances",
    "numberOfInstances",
    "image",
    "dockerImage",
    "podMetadata",
    "podTemplate",
    "podSpec",
    "template",
    "containers",
    "nodeSets",
    "leaderWorkerTemplate",
];

/// Whether a custom resource's `spec` looks like the description of pods to run: one of
/// [`POD_MAKING_KEYS`] within its first three levels.
fn makes_pods(spec: &Node) -> bool {
    fn search(node: &Node, depth: usize) -> bool {
        if depth == 0 {
            return false;
        }
        node.as_map()
            .iter()
            .any(|e| POD_MAKING_KEYS.contains(&&*e.key) || search(&e.value, depth - 1))
            || node.as_seq().iter().any(|n| search(n, depth))
    }
    search(spec, 3)
}

/// API groups of the Kubernetes distribution itself; anything else is a custom resource.
fn is_custom(object: &Object) -> bool {
    let group = object.group();
    !matches!(
        group,
        "" | "apps" | "batch" | "autoscaling" | "policy" | "extensions"
    ) && !group.ends_with(".k8s.io")
}

impl<'a> PodSources<'a> {
    /// Built once per scan by [`Context::pod_sources`], with the scan's pod specs.
    pub fn new(cx: &Context<'a>) -> Self {
        let inventory: &'a Inventory = cx.inventory;
        let mut sources = PodSources {
            workloads: HashMap::new(),
            operated: HashMap::new(),
            local: HashMap::new(),
            by_label: HashMap::new(),
        };
        for object in inventory.objects() {
            let namespace = object.namespace.as_deref();
            let local = (object.namespace.clone(), directory(object).to_string());
            if let Some(pod) = cx.pod_spec(object) {
                let labels = Labels::of(pod.metadata.and_then(|m| m.get("labels")));
                sources.workloads.entry(namespace).or_default().push(labels);
                sources.local.entry(local).or_default().workloads += 1;
            } else if is_custom(object) {
                let Some(spec) = object.root.get("spec") else {
                    continue;
                };
                if !makes_pods(spec) {
                    continue;
                }
                let labels = [
                    object.metadata().and_then(|m| m.get("labels")),
                    spec.path(&["podMetadata", "labels"]),
                    spec.path(&["template", "metadata", "labels"]),
                    spec.path(&["podTemplate", "metadata", "labels"]),
                ];
                let list = sources.operated.entry(namespace).or_default();
                list.extend(labels.into_iter().flatten().map(|n| Labels::of(Some(n))));
                sources.local.entry(local).or_default().operated += 1;
            }
        }
        for (operated, lists) in [(false, &sources.workloads), (true, &sources.operated)] {
            for (namespace, list) in lists {
                let index = sources.by_label.entry(*namespace).or_default();
                for (i, labels) in list.iter().enumerate() {
                    for (key, value) in &labels.0 {
                        index
                            .entry(key.clone())
                            .or_default()
                            .entry(value.clone())
                            .or_default()
                            .push((operated, i));
                    }
                }
            }
        }
        sources
    }

    /// How many workloads the scan has in `namespace`.
    pub fn workload_count(&self, namespace: Namespace<'_>) -> usize {
        self.workloads.get(&namespace).map_or(0, Vec::len)
    }

    /// Whether the directory of `object` holds workloads of its namespace, so that a
    /// reference from it to pods can be judged.
    pub fn has_workloads_beside(&self, object: &Object) -> bool {
        self.beside(object).is_some_and(|l| l.workloads > 0)
    }

    /// Whether the directory of `object` holds, for its namespace, a custom resource that an
    /// operator may turn into pods labelled in ways the scan cannot see.
    pub fn has_operator_resources_beside(&self, object: &Object) -> bool {
        self.beside(object).is_some_and(|l| l.operated > 0)
    }

    fn beside(&self, object: &Object) -> Option<&Local> {
        let key = (object.namespace.clone(), directory(object).to_string());
        self.local.get(&key)
    }

    /// Whether a workload's pod template, or a custom resource an operator may turn into
    /// pods, in `namespace` carries labels that `selector` matches.
    pub fn any_matches(&self, namespace: Namespace<'_>, selector: &LabelSelector) -> bool {
        // A label set matches only if it carries a value of the selector's first `In`
        // requirement: those sets are looked up rather than every set of the namespace tried.
        if let Some(required) = selector
            .requirements
            .iter()
            .find(|r| r.operator == Operator::In)
        {
            let Some(values) = self
                .by_label
                .get(&namespace)
                .and_then(|index| index.get(&required.key))
            else {
                return false;
            };
            return required
                .values
                .iter()
                .filter_map(|v| values.get(v))
                .flatten()
                .any(|&(operated, i)| {
                    let lists = if operated {
                        &self.operated
                    } else {
                        &self.workloads
                    };
                    lists[&namespace][i].matches(selector)
                });
        }
        [&self.workloads, &self.operated]
            .iter()
            .filter_map(|m| m.get(&namespace))
            .flatten()
            .any(|labels| labels.matches(selector))
    }
}

/// `in namespace "shop"`, or `without a namespace` for objects written without one.
pub fn describe_namespace(namespace: Namespace<'_>) -> String {
    match namespace {
        Some(ns) => format!("in namespace \"{ns}\""),
        None => "without a namespace".to_string(),
    }
}

/// `app=web, tier=front` for messages.
pub fn describe_labels(node: &Node) -> String {
    node.as_map()
        .iter()
        .map(|e| format!("{}={}", e.key, e.value.scalar_text().unwrap_or_default()))
        .collect::<Vec<_>>()
        .join(", ")
}
