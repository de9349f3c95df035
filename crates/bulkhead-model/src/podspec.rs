//! One view over every workload kind's pod template, and over its containers.
//!
//! A check about pods is written once against [`PodSpec`] and then applies to Pods,
//! Deployments, StatefulSets, DaemonSets, Jobs, CronJobs, ReplicaSets, ReplicationControllers,
//! PodTemplates and any custom kind that embeds `spec.template.spec.containers` (Argo
//! Rollouts, OpenShift DeploymentConfigs, ...).

use crate::node::Node;
use crate::object::Object;

/// The pod spec inside an object, with the pointers to it and to the pod's metadata.
#[derive(Clone, Debug)]
pub struct PodSpec<'a> {
    pub node: &'a Node,
    /// JSON pointer from the object root to the pod spec, e.g. `/spec/template/spec`.
    pub pointer: &'static str,
    /// The pod template's metadata (the object's own for a Pod), if written.
    pub metadata: Option<&'a Node>,
    pub metadata_pointer: &'static str,
}

/// Which list of the pod spec a container comes from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ContainerKind {
    Init,
    Regular,
    Ephemeral,
}

impl ContainerKind {
    pub const ALL: [ContainerKind; 3] = [Self::Init, Self::Regular, Self::Ephemeral];

    /// The pod spec field holding this kind of container.
    pub fn field(self) -> &'static str {
        match self {
            ContainerKind::Init => "initContainers",
            ContainerKind::Regular => "containers",
            ContainerKind::Ephemeral => "ephemeralContainers",
        }
    }

    /// How messages name it: `container`, `init container`, `ephemeral container`.
    pub fn noun(self) -> &'static str {
        match self {
            ContainerKind::Init => "init container",
            ContainerKind::Regular => "container",
            ContainerKind::Ephemeral => "ephemeral container",
        }
    }
}

/// One container of a pod spec.
#[derive(Clone, Debug)]
pub struct Container<'a> {
    pub node: &'a Node,
    pub kind: ContainerKind,
    pub index: usize,
    pub name: &'a str,
    /// JSON pointer from the object root to the container.
    pub pointer: String,
}

impl<'a> Container<'a> {
    pub fn get(&self, key: &str) -> Option<&'a Node> {
        self.node.get(key)
    }

    /// The image reference, when one is written and not blank.
    pub fn image(&self) -> Option<&'a str> {
        self.node
            .get("image")
            .and_then(Node::as_str)
            .filter(|i| !i.trim().is_empty())
    }

    pub fn security_context(&self) -> Option<&'a Node> {
        self.node.get("securityContext")
    }

    /// Pointer to a field below the container: `c.pointer_to("securityContext/privileged")`.
    pub fn pointer_to(&self, path: &str) -> String {
        format!("{}/{}", self.pointer, path)
    }
}

/// Kinds whose pod template lives at `spec.template.spec` even before containers are written.
const TEMPLATE_KINDS: &[&str] = &[
    "Deployment",
    "ReplicaSet",
    "ReplicationController",
    "StatefulSet",
    "DaemonSet",
    "Job",
];

impl<'a> PodSpec<'a> {
    /// The pod spec of `object`, if it is a workload.
    pub fn of(object: &'a Object) -> Option<PodSpec<'a>> {
        let root = &object.root;
        // (path to the spec, its pointer, pointer to the pod's metadata)
        let (spec_path, pointer, metadata_pointer): (&[&str], &'static str, &'static str) =
            match object.kind.as_str() {
                "Pod" => (&["spec"], "/spec", "/metadata"),
                "PodTemplate" => (
                    &["template", "spec"],
                    "/template/spec",
                    "/template/metadata",
                ),
                "CronJob" => (
                    &["spec", "jobTemplate", "spec", "template", "spec"],
                    "/spec/jobTemplate/spec/template/spec",
                    "/spec/jobTemplate/spec/template/metadata",
                ),
                kind => {
                    let spec = root.path(&["spec", "template", "spec"])?;
                    let known = TEMPLATE_KINDS.contains(&kind);
                    if !known && spec.get("containers").is_none_or(|c| c.as_seq().is_empty()) {
                        return None;
                    }
                    (
                        &["spec", "template", "spec"],
                        "/spec/template/spec",
                        "/spec/template/metadata",
                    )
                }
            };
        let node = root.path(spec_path).filter(|n| n.is_map())?;
        let metadata = root.locate(metadata_pointer);
        Some(PodSpec {
            node,
            pointer,
            metadata: metadata.exact.then_some(metadata.node),
            metadata_pointer,
        })
    }

    pub fn get(&self, key: &str) -> Option<&'a Node> {
        self.node.get(key)
    }

    pub fn pointer_to(&self, path: &str) -> String {
        format!("{}/{}", self.pointer, path)
    }

    /// Every container: init containers, then containers, then ephemeral containers.
    pub fn containers(&self) -> impl Iterator<Item = Container<'a>> + '_ {
        ContainerKind::ALL.into_iter().flat_map(move |kind| {
            self.node
                .get(kind.field())
                .map(Node::as_seq)
                .unwrap_or(&[])
                .iter()
                .enumerate()
                .map(move |(index, node)| Container {
                    node,
                    kind,
                    index,
                    name: node.get("name").and_then(Node::as_str).unwrap_or(""),
                    pointer: format!("{}/{}/{}", self.pointer, kind.field(), index),
                })
        })
    }

    /// The service account the pod names and the field that names it: `serviceAccountName`,
    /// else the deprecated `serviceAccount` (used by the API server only when the former is
    /// empty). `None` means the pod runs as `default`.
    pub fn service_account(&self) -> Option<(&'a str, &'static str)> {
        ["serviceAccountName", "serviceAccount"]
            .into_iter()
            .find_map(|field| {
                let name = self.get(field)?.as_str().filter(|n| !n.is_empty())?;
                Some((name, field))
            })
    }

    /// A pod-template label, for selector matching.
    pub fn label(&self, key: &str) -> Option<&'a str> {
        self.metadata?.get("labels")?.get(key)?.as_str()
    }
}
