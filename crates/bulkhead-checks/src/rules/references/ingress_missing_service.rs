use bulkhead_model::{Node, Object};

use crate::rules::references::pod_sources::{describe_namespace, side_by_side};
use crate::{declare_check, Compliance, Context, Family, Run, Severity, Sink};

declare_check! {
    /// ## What it checks
    /// Ingress backends (the default backend and every rule's paths, in both the
    /// `networking.k8s.io/v1` and the old `serviceName` form) that name a Service missing
    /// from the Ingress's namespace. Bulkhead only sees the scanned objects, so an Ingress is
    /// judged only when its own directory holds at least one Service of the same namespace
    /// (objects written without a namespace count as one namespace of their own), and then
    /// looked up against every Service of that namespace in the scan. Backends that are
    /// annotation actions of the AWS Load Balancer Controller (`port.name: use-annotation`)
    /// are not Services and are skipped.
    ///
    /// ## Why it matters
    /// Requests for that host and path fail (503 from most controllers), usually because of
    /// a typo or a Service renamed on one side only. The route also stays claimed for a name
    /// nobody owns: whoever later creates a Service of that name in the namespace receives
    /// the traffic the Ingress publishes, TLS included. The finding is low: a broken
    /// reference first, a security problem only with a second mistake.
    ///
    /// ## Example
    /// ```yaml
    /// kind: Ingress
    /// spec:
    ///   rules:
    ///     - http:
    ///         paths:
    ///           - path: /
    ///             pathType: Prefix
    ///             backend:
    ///               service: {name: web-frontend, port: {number: 80}}
    /// ---
    /// kind: Service
    /// metadata: {name: frontend}
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    ///             backend:
    ///               service: {name: frontend, port: {number: 80}}
    /// ```
    ///
    /// ## References
    /// - Kubernetes documentation, "Ingress" (resource backends and service backends)
    pub static INGRESS_MISSING_SERVICE = Check {
        id: "BHF002",
        slug: "ingress-missing-service",
        severity: Severity::Low,
        family: Family::References,
        remediation: "point the backend at an existing Service in the Ingress's namespace, or add that Service",
        compliance: Compliance::NONE,
        run: Run::Inventory(check),
    };
}

fn check(cx: &Context<'_>, sink: &mut Sink<'_>) {
    for ingress in cx.inventory.of_kind("Ingress") {
        let namespace = ingress.namespace.as_deref();
        let services: Vec<_> = cx.inventory.of_kind_in("Service", namespace).collect();
        if !services.iter().any(|s| side_by_side(s, ingress)) {
            continue;
        }
        let services = services.len();
        for (pointer, name) in backends(ingress) {
            if cx.inventory.find_beside("Service", ingress, name).is_none() {
                sink.report(
                    ingress,
                    &pointer,
                    format!(
                        "Ingress \"{}\" routes to Service \"{name}\", which is not among the {services} scanned Service(s) {}",
                        ingress.name,
                        describe_namespace(namespace)
                    ),
                );
            }
        }
    }
}

/// Every backend's Service name with the pointer to it.
fn backends(ingress: &Object) -> Vec<(String, &str)> {
    let Some(spec) = ingress.root.get("spec") else {
        return Vec::new();
    };
    let mut found = Vec::new();
    for field in ["defaultBackend", "backend"] {
        if let Some(backend) = spec.get(field) {
            found.extend(service_name(backend, &format!("/spec/{field}")));
        }
    }
    for (i, rule) in spec
        .get("rules")
        .map(Node::as_seq)
        .unwrap_or(&[])
        .iter()
        .enumerate()
    {
        let paths = rule
            .path(&["http", "paths"])
            .map(Node::as_seq)
            .unwrap_or(&[]);
        for (j, path) in paths.iter().enumerate() {
            if let Some(backend) = path.get("backend") {
                let at = format!("/spec/rules/{i}/http/paths/{j}/backend");
                found.extend(service_name(backend, &at));
            }
        }
    }
    found
}

/// The Service a backend names (`service.name`, or the old `serviceName`), and its pointer.
fn service_name<'a>(backend: &'a Node, at: &str) -> Option<(String, &'a str)> {
    if let Some(service) = backend.get("service") {
        let port_name = service.path(&["port", "name"]).and_then(Node::as_str);
        if port_name == Some("use-annotation") {
            return None;
        }
        let name = service.get("name").and_then(Node::as_str)?;
        return Some((format!("{at}/service/name"), name));
    }
    if backend.get("servicePort").and_then(Node::as_str) == Some("use-annotation") {
        return None;
    }
    let name = backend.get("serviceName").and_then(Node::as_str)?;
    Some((format!("{at}/serviceName"), name))
}
