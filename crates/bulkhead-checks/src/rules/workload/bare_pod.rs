use bulkhead_model::{Node, Object};
use bulkhead_node::Component;

use crate::rules::workload::is_static_pod;
use crate::{declare_check, Compliance, Context, Family, Run, Severity, Sink};

declare_check! {
    /// ## What it checks
    /// Pods without a controller: no `ownerReferences` entry, so no Deployment, StatefulSet,
    /// DaemonSet, Job or other controller recreates them.
    ///
    /// Not reported: static pods and their mirror pods (the kubelet's manifest directory, as
    /// the control plane runs on kubeadm clusters), recognised by the kubelet's
    /// `kubernetes.io/config.mirror` / `config.source` annotations, kubeadm's
    /// `tier: control-plane` label in `kube-system`, or a control-plane component's command.
    ///
    /// ## Why it matters
    /// A bare pod is not rescheduled when its node fails or is drained, and is not updated
    /// by a rollout: it keeps the image and settings it was created with, including any
    /// vulnerability fixed since. Bare pods in a cluster are also a sign of `kubectl run` by
    /// hand, the way an attacker starts a workload.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: v1
    /// kind: Pod
    /// metadata:
    ///   name: api
    /// spec:
    ///   containers: [...]
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// apiVersion: apps/v1
    /// kind: Deployment
    /// metadata:
    ///   name: api
    /// spec:
    ///   template:
    ///     spec:
    ///       containers: [...]
    /// ```
    ///
    /// ## References
    /// - https://kubernetes.io/docs/concepts/configuration/overview/#naked-pods-vs-replicasets-deployments-and-jobs
    /// - MITRE ATT&CK T1610 (Deploy Container)
    pub static BARE_POD = Check {
        id: "BHW042",
        slug: "bare-pod",
        severity: Severity::Low,
        family: Family::Workload,
        remediation: "run the pod through a controller: a Deployment, StatefulSet, DaemonSet or Job",
        compliance: Compliance {
            cis: &[],
            pss: &[],
            nsa: &[],
            mitre: &["T1610"],
        },
        run: Run::Object(check),
        reads: crate::Reads::Kinds(&["Pod"]),
    };
}

fn check(_: &Context<'_>, object: &Object, sink: &mut Sink<'_>) {
    if object.kind != "Pod" || !object.group().is_empty() || is_static_pod(object) {
        return;
    }
    let owned = object
        .metadata()
        .and_then(|m| m.get("ownerReferences"))
        .is_some_and(|o| !o.as_seq().is_empty());
    if owned || runs_control_plane_component(object) {
        return;
    }
    sink.report(
        object,
        "/metadata/ownerReferences",
        format!(
            "Pod \"{}\" has no controller: nothing recreates it when its node fails or updates it in a rollout",
            object.name
        ),
    );
}

/// Whether a container of the pod runs a control-plane component (a static pod's manifest
/// copied without its annotations).
fn runs_control_plane_component(object: &Object) -> bool {
    let Some(containers) = object.root.path(&["spec", "containers"]) else {
        return false;
    };
    containers.as_seq().iter().any(|c| {
        let first = c
            .get("command")
            .map(Node::as_seq)
            .and_then(|s| s.first())
            .and_then(Node::as_str)
            .unwrap_or("");
        matches!(
            Component::from_program(first),
            Some(
                Component::ApiServer
                    | Component::ControllerManager
                    | Component::Scheduler
                    | Component::Etcd
            )
        )
    })
}
