use bulkhead_model::{LabelSelector, Node, Object};

use crate::{declare_check, Compliance, Context, Family, Run, Severity, Sink};

declare_check! {
    /// ## What it checks
    /// Deployments, ReplicaSets, StatefulSets, DaemonSets, ReplicationControllers and Jobs
    /// whose written `spec.selector` does not select their own pod template's labels, or is
    /// empty.
    ///
    /// A Job without a selector is not judged (the Job controller generates one); a Job with
    /// `manualSelector: true` and one that does not match is. Selectors are read as the API
    /// server reads them: `matchLabels` and `matchExpressions` for the `apps` and `batch`
    /// kinds, a plain label map for ReplicationControllers.
    ///
    /// ## Why it matters
    /// The API server refuses such an object (`selector does not match template labels`), so
    /// the change never reaches the cluster: the old version keeps running, with whatever
    /// the change was meant to fix. Where a selector is looser than intended, the controller
    /// also adopts other pods that happen to carry its labels and deletes or counts them as
    /// its own.
    ///
    /// ## Example
    /// ```yaml
    /// kind: Deployment
    /// spec:
    ///   selector:
    ///     matchLabels: {app: api}
    ///   template:
    ///     metadata:
    ///       labels: {app: api-server}
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// spec:
    ///   selector:
    ///     matchLabels: {app: api}
    ///   template:
    ///     metadata:
    ///       labels: {app: api}
    /// ```
    ///
    /// ## References
    /// - https://kubernetes.io/docs/concepts/workloads/controllers/deployment/#selector
    /// - https://kubernetes.io/docs/concepts/workloads/controllers/job/#specifying-your-own-pod-selector
    pub static SELECTOR_TEMPLATE_MISMATCH = Check {
        id: "BHW041",
        slug: "selector-template-mismatch",
        severity: Severity::Medium,
        family: Family::Workload,
        remediation: "make spec.selector select the pod template's labels (and keep it as narrow as the workload)",
        compliance: Compliance::NONE,
        run: Run::Object(check),
        reads: crate::Reads::Kinds(&["Deployment", "ReplicaSet", "StatefulSet", "DaemonSet", "Job", "ReplicationController"]),
    };
}

/// The kinds whose selector must select their template, with whether the selector is a
/// `LabelSelector` (true) or a plain map (ReplicationController).
fn selector_form(object: &Object) -> Option<bool> {
    match (object.group(), object.kind.as_str()) {
        ("apps" | "extensions", "Deployment" | "ReplicaSet" | "StatefulSet" | "DaemonSet") => {
            Some(true)
        }
        ("batch", "Job") => Some(true),
        ("", "ReplicationController") => Some(false),
        _ => None,
    }
}

fn check(cx: &Context<'_>, object: &Object, sink: &mut Sink<'_>) {
    let Some(structured) = selector_form(object) else {
        return;
    };
    let Some(node) = object.root.path(&["spec", "selector"]) else {
        return;
    };
    let Some(pod) = cx.pod_spec(object) else {
        return;
    };
    let what = format!("{} \"{}\"", object.kind, object.name);
    let parsed = if structured {
        LabelSelector::from_node(node)
    } else {
        LabelSelector::from_match_labels(Some(node))
    };
    let selector = match parsed {
        Ok(selector) => selector,
        Err(error) => {
            sink.report(
                object,
                "/spec/selector",
                format!("{what}: the selector cannot be read ({error}), so the API server refuses the object"),
            );
            return;
        }
    };
    if selector.is_empty() {
        sink.report(
            object,
            "/spec/selector",
            format!("{what} has an empty selector, which the API server refuses (it would select every pod of the namespace)"),
        );
        return;
    }
    if selector.matches(|key| pod.label(key)) {
        return;
    }
    let labels: Vec<String> = pod
        .metadata
        .and_then(|m| m.get("labels"))
        .map(Node::as_map)
        .unwrap_or(&[])
        .iter()
        .filter_map(|e| Some(format!("{}={}", e.key, e.value.scalar_text()?)))
        .collect();
    let shown = if labels.is_empty() {
        "no labels".to_string()
    } else {
        labels.join(", ")
    };
    sink.report(
        object,
        "/spec/selector",
        format!(
            "{what}: the selector does not select the pod template's labels ({shown}), so the API server refuses the object"
        ),
    );
}
