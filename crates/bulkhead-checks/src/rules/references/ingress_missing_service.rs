use std::collections::{HashMap, HashSet};

use bulkhead_model::{Node, Object};

use crate::rules::references::pod_sources::{beside_key, describe_namespace};
use crate::{declare_check, Compliance, Context, Family, Run, Severity, Sink};

declare_check! {
    /// ## What it checks
    /// Ingress backends (the default backend and every rule's paths, in both the
    /// `networking.k8s.io/v1` and the old `serviceName` form) that name a Service missing
    /// from the Ingress's namespace, or a port that Service does not expose: a backend
    /// `port.number` must be one of the Service's `ports[].port` (not a `targetPort`), a
    /// `port.name` one of its `ports[].name`. `ExternalName` Services, which forward to a DNS
    /// name on any port, are not judged on ports. Bulkhead only sees the scanned objects, so an Ingress is
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
        remediation: "point the backend at an existing Service in the Ingress's namespace and at a port it exposes (by number or name), or add that Service or port",
        compliance: Compliance::NONE,
        run: Run::Inventory(check),
    };
}

fn check(cx: &Context<'_>, sink: &mut Sink<'_>) {
    // The Services by namespace field and name, in inventory order: a backend is looked up
    // among its namesakes instead of among every Service of the namespace; and where Services
    // were written, so that an Ingress finds its neighbours at once.
    let mut named: HashMap<(Option<&str>, &str), Vec<&Object>> = HashMap::new();
    let mut written_at = HashSet::new();
    for s in cx.inventory.of_kind("Service") {
        named
            .entry((s.namespace.as_deref(), s.name.as_str()))
            .or_default()
            .push(s);
        written_at.insert(beside_key(s));
    }
    for ingress in cx.inventory.of_kind("Ingress") {
        let namespace = ingress.namespace.as_deref();
        // Only an Ingress with a Service side by side is judged (`beside_key`).
        if !written_at.contains(&beside_key(ingress)) {
            continue;
        }
        let count = || cx.inventory.of_kind_in("Service", namespace).count();
        for backend in backends(ingress) {
            let name = backend.service;
            // As `Inventory::find_beside`: the last definition in the same namespace.
            let service = named
                .get(&(namespace, name))
                .and_then(|same| same.iter().rev().find(|s| s.same_namespace(ingress)));
            let Some(service) = service.copied() else {
                sink.report(
                    ingress,
                    &backend.name_pointer,
                    format!(
                        "Ingress \"{}\" routes to Service \"{name}\", which is not among the {} scanned Service(s) {}",
                        ingress.name,
                        count(),
                        describe_namespace(namespace)
                    ),
                );
                continue;
            };
            let Some((port, port_pointer)) = &backend.port else {
                continue;
            };
            if let Some(exposed) = missing_port(service, port) {
                sink.report(
                    ingress,
                    port_pointer,
                    format!(
                        "Ingress \"{}\" routes to {port} of Service \"{name}\", which exposes {exposed}",
                        ingress.name
                    ),
                );
            }
        }
    }
}

/// The port a backend asks for: a Service port number, or a Service port name.
#[derive(Debug, PartialEq)]
enum Port<'a> {
    Number(i64),
    Name(&'a str),
}

impl std::fmt::Display for Port<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Port::Number(n) => write!(f, "port {n}"),
            Port::Name(n) => write!(f, "port \"{n}\""),
        }
    }
}

/// One backend: the Service it names, and the port it asks for, with pointers to both.
struct Backend<'a> {
    service: &'a str,
    name_pointer: String,
    port: Option<(Port<'a>, String)>,
}

/// When the Service does not expose `port`, what it does expose (for the message). A backend
/// number matches a Service `port` (not a `targetPort`), a backend name a port's `name`.
/// `ExternalName` Services forward to a DNS name on any port and are not judged.
fn missing_port(service: &Object, port: &Port<'_>) -> Option<String> {
    let spec = service.root.get("spec");
    let kind = spec
        .and_then(|s| s.get("type"))
        .and_then(Node::as_str)
        .unwrap_or("ClusterIP");
    if kind == "ExternalName" {
        return None;
    }
    let ports = spec
        .and_then(|s| s.get("ports"))
        .map(Node::as_seq)
        .unwrap_or(&[]);
    let matches = ports.iter().any(|p| match port {
        Port::Number(n) => p.get("port").and_then(Node::as_i64) == Some(*n),
        Port::Name(n) => p.get("name").and_then(Node::as_str) == Some(*n),
    });
    if matches {
        return None;
    }
    let exposed: Vec<String> = ports
        .iter()
        .filter_map(|p| {
            let number = p.get("port").and_then(Node::as_i64)?;
            Some(match p.get("name").and_then(Node::as_str) {
                Some(name) => format!("{number} (\"{name}\")"),
                None => number.to_string(),
            })
        })
        .collect();
    Some(match exposed.len() {
        0 => "no ports".to_string(),
        1 => format!("only port {}", exposed[0]),
        _ => format!("only ports {}", exposed.join(", ")),
    })
}

/// Every backend of an Ingress, with pointers.
fn backends(ingress: &Object) -> Vec<Backend<'_>> {
    let Some(spec) = ingress.root.get("spec") else {
        return Vec::new();
    };
    let mut found = Vec::new();
    for field in ["defaultBackend", "backend"] {
        if let Some(backend) = spec.get(field) {
            found.extend(backend_of(backend, &format!("/spec/{field}")));
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
                found.extend(backend_of(backend, &at));
            }
        }
    }
    found
}

/// The Service a backend names (`service.name` and `service.port`, or the old `serviceName`
/// and `servicePort`), with pointers.
fn backend_of<'a>(backend: &'a Node, at: &str) -> Option<Backend<'a>> {
    if let Some(service) = backend.get("service") {
        let port_name = service.path(&["port", "name"]).and_then(Node::as_str);
        if port_name == Some("use-annotation") {
            return None;
        }
        let name = service.get("name").and_then(Node::as_str)?;
        let number = service.path(&["port", "number"]).and_then(Node::as_i64);
        let port = match (number, port_name) {
            (Some(n), _) => Some((Port::Number(n), format!("{at}/service/port/number"))),
            (None, Some(n)) => Some((Port::Name(n), format!("{at}/service/port/name"))),
            (None, None) => None,
        };
        return Some(Backend {
            service: name,
            name_pointer: format!("{at}/service/name"),
            port,
        });
    }
    let service_port = backend.get("servicePort");
    if service_port.and_then(Node::as_str) == Some("use-annotation") {
        return None;
    }
    let name = backend.get("serviceName").and_then(Node::as_str)?;
    // `servicePort` is an int-or-string: a number, or the name of a Service port.
    let port = service_port.and_then(|p| match p.as_i64() {
        Some(n) => Some(Port::Number(n)),
        None => p.as_str().map(Port::Name),
    });
    Some(Backend {
        service: name,
        name_pointer: format!("{at}/serviceName"),
        port: port.map(|p| (p, format!("{at}/servicePort"))),
    })
}
