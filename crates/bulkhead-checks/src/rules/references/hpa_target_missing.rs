use std::collections::{HashMap, HashSet};

use bulkhead_model::{Node, Object};

use crate::rules::references::pod_sources::{beside_key, describe_namespace, BesideKey};
use crate::{declare_check, Compliance, Context, Family, Run, Severity, Sink};

declare_check! {
    /// ## What it checks
    /// HorizontalPodAutoscalers whose `spec.scaleTargetRef` names an object (by kind and
    /// name) missing from the autoscaler's namespace. Bulkhead only sees the scanned objects,
    /// so an autoscaler is judged only when its own directory holds, for the same namespace,
    /// at least one workload or one object of the target's kind (objects written without a
    /// namespace count as one namespace of their own), and the target is then looked up in
    /// the whole scan.
    ///
    /// ## Why it matters
    /// The autoscaler does nothing (its status says `FailedGetScale`), so the workload it was
    /// meant to protect keeps its fixed replica count under load: a denial of service waiting
    /// for the first traffic peak. It usually means a typo, a renamed Deployment, or a kind
    /// that changed (a Deployment turned into a StatefulSet or an Argo Rollout). The finding
    /// is low: it costs availability, not confidentiality.
    ///
    /// ## Example
    /// ```yaml
    /// kind: HorizontalPodAutoscaler
    /// spec:
    ///   scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: web-frontend}
    /// ---
    /// kind: Deployment
    /// metadata: {name: frontend}
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    ///   scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: frontend}
    /// ```
    ///
    /// ## References
    /// - Kubernetes documentation, "Horizontal Pod Autoscaling"
    pub static HPA_TARGET_MISSING = Check {
        id: "BHF003",
        slug: "hpa-target-missing",
        severity: Severity::Low,
        family: Family::References,
        remediation: "point scaleTargetRef at the workload's actual kind and name",
        compliance: Compliance::NONE,
        run: Run::Inventory(check),
    };
}

/// The objects of one kind, indexed for the two questions asked of each HPA's target kind:
/// where objects of the kind were written, and which ones carry a name.
#[derive(Default)]
struct KindIndex<'a> {
    written_at: HashSet<BesideKey<'a>>,
    named: HashMap<(Option<&'a str>, &'a str), Vec<&'a Object>>,
}

impl<'a> KindIndex<'a> {
    fn new(objects: impl Iterator<Item = &'a Object>) -> Self {
        let mut index = KindIndex::default();
        for o in objects {
            index.written_at.insert(beside_key(o));
            index
                .named
                .entry((o.namespace.as_deref(), o.name.as_str()))
                .or_default()
                .push(o);
        }
        index
    }
}

fn check(cx: &Context<'_>, sink: &mut Sink<'_>) {
    let sources = cx.pod_sources();
    let mut kinds: HashMap<&str, KindIndex<'_>> = HashMap::new();
    for hpa in cx.inventory.of_kind("HorizontalPodAutoscaler") {
        let Some(target) = hpa.root.path(&["spec", "scaleTargetRef"]) else {
            continue;
        };
        let field = |k: &str| target.get(k).and_then(Node::as_str);
        let (Some(kind), Some(name)) = (field("kind"), field("name")) else {
            continue;
        };
        let namespace = hpa.namespace.as_deref();
        let index = kinds
            .entry(kind)
            .or_insert_with(|| KindIndex::new(cx.inventory.of_kind(kind)));
        // Side by side (`beside_key`) with an object of the target's kind.
        let same_kind_beside = index.written_at.contains(&beside_key(hpa));
        if !same_kind_beside && !sources.has_workloads_beside(hpa) {
            continue;
        }
        // As `Inventory::find_beside`: a namesake in the same namespace.
        let found = index
            .named
            .get(&(namespace, name))
            .is_some_and(|same| same.iter().any(|o| o.same_namespace(hpa)));
        if !found {
            sink.report(
                hpa,
                "/spec/scaleTargetRef/name",
                format!(
                    "HorizontalPodAutoscaler \"{}\" scales {kind} \"{name}\", which the scan does not have {}",
                    hpa.name,
                    describe_namespace(namespace)
                ),
            );
        }
    }
}
