//! Which object stands for which pods.
//!
//! The rule, in order, for every object that runs pods (a workload kind with a pod template,
//! or a plain Pod):
//!
//! 1. An object whose controller (the `ownerReferences` entry with `controller: true`) is in
//!    the inputs and runs pods itself is left to that owner: the Deployment stands for its
//!    ReplicaSets, the ReplicaSet for its Pods.
//! 2. A Pod whose controller is absent (a `kubectl get pods -A -o yaml` dump) stands for that
//!    owner, by the owner's name: pods of ReplicaSet `web-7c9d5` whose `pod-template-hash`
//!    label is `7c9d5` form the Deployment-like group `web` (kind `Deployment`, as the
//!    Deployment controller names its ReplicaSets `<deployment>-<hash>`); other owners keep
//!    their kind and name (`StatefulSet db`, `DaemonSet agent`, `Job backup-1`, and a
//!    ReplicaSet without the hash). Pods of one group must look alike to policies (same
//!    labels apart from the per-pod and per-revision ones no policy selects on, same ports
//!    and host networking); when they do not, each pod stands for itself, and says why.
//! 3. Mirror pods (owned by a `Node`) and pods without a controller stand for themselves, as
//!    do workload objects whose controller is absent.
//!
//! Nothing is dropped: every Pod of the inputs is either a workload, part of a group, or left
//! to an owner that is itself a workload.

use std::collections::{BTreeMap, BTreeSet};
use std::net::IpAddr;

use bulkhead_model::{Inventory, Node, Object, PodSpec};

use crate::model::{namespace_of, read_workload, ContainerPort, Labels, Workload};

/// Labels that differ between pods of one controller (per pod or per revision). They do not
/// keep pods of one owner apart unless a policy selects on them.
const PER_POD_LABELS: &[&str] = &[
    "pod-template-hash",
    "controller-revision-hash",
    "pod-template-generation",
    "statefulset.kubernetes.io/pod-name",
    "apps.kubernetes.io/pod-index",
    "batch.kubernetes.io/job-completion-index",
];

/// The `ownerReferences` entry with `controller: true`: (kind, name).
fn controller(object: &Object) -> Option<(&str, &str)> {
    let reference = object.controller_reference()?;
    Some((
        reference.get("kind")?.as_str()?,
        reference.get("name")?.as_str()?,
    ))
}

/// Whether an owner of that kind and name, running pods, is in the inputs.
fn owner_present(inventory: &Inventory, object: &Object, kind: &str, name: &str) -> bool {
    let ns = namespace_of(object);
    inventory
        .get(kind, Some(&ns), name)
        .or_else(|| inventory.get(kind, None, name))
        .is_some_and(|o| o.kind != "PodTemplate" && PodSpec::of(o).is_some())
}

/// The (kind, name) an absent owner's pods are grouped under, and how that was decided.
fn group_name(pod: &Object, kind: &str, name: &str) -> (String, String, String) {
    let hash = pod
        .metadata()
        .and_then(|m| m.get("labels"))
        .and_then(|l| l.get("pod-template-hash"))
        .and_then(Node::scalar_text);
    if kind == "ReplicaSet" {
        if let Some(hash) = hash {
            if let Some(base) = name.strip_suffix(&format!("-{hash}")) {
                if !base.is_empty() {
                    return (
                        "Deployment".into(),
                        base.to_string(),
                        format!(
                            "pods of the absent ReplicaSet {name}, named by its pod-template-hash as Deployment {base}"
                        ),
                    );
                }
            }
        }
    }
    (
        kind.to_string(),
        name.to_string(),
        format!("pods of the absent {kind} {name}"),
    )
}

/// What policies can see of a pod, for deciding whether pods of one owner look alike.
type Look = (Labels, Vec<ContainerPort>, bool);

fn look(w: &Workload<'_>, keys: &BTreeSet<String>) -> Look {
    let labels = w
        .labels
        .iter()
        .filter(|(k, _)| !PER_POD_LABELS.contains(&k.as_str()) || keys.contains(*k))
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    (labels, w.ports.clone(), w.host_network)
}

/// Every workload of the inventory, by the rule of this module. `keys` are the pod label
/// keys policies select on.
pub(crate) fn read_workloads<'a>(
    inventory: &'a Inventory,
    keys: &BTreeSet<String>,
) -> Vec<Workload<'a>> {
    let mut out = Vec::new();
    // (namespace, kind, name) -> (how, pods)
    type Group<'a> = (String, Vec<Workload<'a>>);
    let mut groups: BTreeMap<(String, String, String), Group<'a>> = BTreeMap::new();
    for object in inventory.objects() {
        // One object per identity: a definition that a later one of the same root replaces
        // is not in the cluster `kubectl apply` leaves.
        if object.kind == "PodTemplate" || inventory.is_shadowed(object) {
            continue;
        }
        let Some(pod) = PodSpec::of(object) else {
            continue;
        };
        let owner = controller(object);
        match owner {
            Some((kind, name)) if owner_present(inventory, object, kind, name) => {}
            Some((kind, name)) if object.kind == "Pod" && kind != "Node" => {
                let (gkind, gname, how) = group_name(object, kind, name);
                let entry = groups
                    .entry((namespace_of(object), gkind, gname))
                    .or_insert_with(|| (how, Vec::new()));
                entry.1.push(read_workload(object, &pod));
            }
            _ => out.push(read_workload(object, &pod)),
        }
    }
    for ((_, kind, name), (how, pods)) in groups {
        let first = look(&pods[0], keys);
        if pods.iter().all(|p| look(p, keys) == first) {
            let mut ips: Vec<IpAddr> = pods.iter().flat_map(|p| p.ips.iter().copied()).collect();
            ips.sort();
            ips.dedup();
            let objects: Vec<&'a Object> = pods.iter().map(|p| p.object).collect();
            let mut w = pods.into_iter().next().expect("a group has a pod");
            w.kind = kind;
            w.name = name;
            w.ips = ips;
            w.pods = objects;
            w.grouping = Some(how);
            out.push(w);
        } else {
            for mut p in pods {
                p.grouping = Some(format!(
                    "{how}; they differ in labels, ports or host networking, so each pod stands for itself"
                ));
                out.push(p);
            }
        }
    }
    out
}
