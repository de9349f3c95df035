//! Small helpers shared by the pod checks.

use bulkhead_model::{Container, ContainerKind, Node, Object, PodSpec};

/// A security-context field as the kubelet applies it: the container's value, else the pod's.
/// Returns the node and its pointer (relative to the object root).
pub fn effective_security_field<'a>(
    pod: &PodSpec<'a>,
    container: &Container<'a>,
    field: &str,
) -> Option<(&'a Node, String)> {
    if let Some(node) = container.security_context().and_then(|sc| sc.get(field)) {
        return Some((
            node,
            container.pointer_to(&format!("securityContext/{field}")),
        ));
    }
    pod.get("securityContext")
        .and_then(|sc| sc.get(field))
        .map(|node| (node, pod.pointer_to(&format!("securityContext/{field}"))))
}

/// `container "api"`, `init container "setup"`.
pub fn describe(container: &Container<'_>) -> String {
    format!("{} \"{}\"", container.kind.noun(), container.name)
}

/// Whether the pod declares itself a Windows pod (`spec.os.name: windows`), for which Linux
/// security-context fields do not apply.
pub fn is_windows(pod: &PodSpec<'_>) -> bool {
    pod.get("os")
        .and_then(|os| os.get("name"))
        .and_then(Node::as_str)
        == Some("windows")
}

/// Containers that run workload code: init and regular ones. Ephemeral containers are
/// added by `kubectl debug` at run time and cannot declare resources or probes.
pub fn is_long_lived(container: &Container<'_>) -> bool {
    container.kind != ContainerKind::Ephemeral
}

/// Whether the pod runs in a user namespace (`hostUsers: false`), for which some restricted
/// controls are relaxed from v1.35.
pub fn in_user_namespace(pod: &PodSpec<'_>) -> bool {
    pod.get("hostUsers").and_then(Node::as_bool) == Some(false)
}

/// A field of the pod's or a container's `securityContext`.
pub fn pod_security_field<'a>(pod: &PodSpec<'a>, path: &[&str]) -> Option<&'a Node> {
    pod.get("securityContext")?.path(path)
}

pub fn container_security_field<'a>(container: &Container<'a>, path: &[&str]) -> Option<&'a Node> {
    container.security_context()?.path(path)
}

/// The directory of the file an object was read from (`""` at the top).
pub fn directory(object: &Object) -> &str {
    object.origin.file.directory()
}

/// Whether two objects were read from the same directory: objects without a namespace land
/// together only when applied together (a directory, a kustomization). Asked for many pairs
/// (every namespace-less workload against every namespace-less Service, for instance), so
/// the same file answers at once and the directories are found once per file.
pub fn same_directory(a: &Object, b: &Object) -> bool {
    std::sync::Arc::ptr_eq(&a.origin.file, &b.origin.file) || directory(a) == directory(b)
}

/// Whether two objects end up in the same namespace: the same `metadata.namespace`, and for
/// objects without one, read from the same directory.
pub fn same_namespace(a: &Object, b: &Object) -> bool {
    a.namespace == b.namespace && (a.namespace.is_some() || same_directory(a, b))
}
