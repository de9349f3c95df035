//! The backends of the objects that route traffic from outside the cluster to Services: an
//! Ingress's default backend and path backends, and the `backendRefs` of Gateway API routes
//! (HTTPRoute, GRPCRoute, TLSRoute, TCPRoute, UDPRoute). Exposure (`netpol exposure`) and the
//! route-exposure check read the same list, so they cannot disagree.

use bulkhead_model::{Node, Object};

use crate::model::namespace_of;

/// The Gateway API route kinds whose rules carry `backendRefs` to Services.
pub const GATEWAY_ROUTE_KINDS: &[&str] =
    &["HTTPRoute", "GRPCRoute", "TLSRoute", "TCPRoute", "UDPRoute"];

/// One backend a route names.
#[derive(Clone, Debug)]
pub struct RouteBackend<'a> {
    /// `Ingress/ns/name host/path`, `HTTPRoute/ns/name`...
    pub through: String,
    /// The namespace of the Service (a Gateway `backendRef` may name another one).
    pub namespace: String,
    pub service: String,
    /// The Service port named or numbered, if the backend names one.
    pub port: Option<&'a Node>,
    /// JSON pointer from the route's root to the backend.
    pub pointer: String,
}

/// Whether an object routes traffic into the cluster: an Ingress or a Gateway API route.
pub fn is_route(object: &Object) -> bool {
    match object.group() {
        "networking.k8s.io" | "extensions" => object.kind == "Ingress",
        "gateway.networking.k8s.io" => GATEWAY_ROUTE_KINDS.contains(&object.kind.as_str()),
        _ => false,
    }
}

fn ingress_backend(b: &Node) -> Option<(String, Option<&Node>)> {
    // networking.k8s.io/v1 `service: {name, port: {number|name}}`; extensions/v1beta1 and
    // networking.k8s.io/v1beta1 `serviceName` and `servicePort`.
    if let Some(svc) = b.get("service") {
        let name = svc.get("name")?.as_str()?.to_string();
        let port = svc
            .get("port")
            .and_then(|p| p.get("number").or_else(|| p.get("name")));
        return Some((name, port));
    }
    let name = b.get("serviceName")?.as_str()?.to_string();
    Some((name, b.get("servicePort")))
}

/// Every Service backend of a route, in document order; other backends (resource backends,
/// backendRefs of other kinds) are left out.
pub fn route_backends(object: &Object) -> Vec<RouteBackend<'_>> {
    let mut out = Vec::new();
    if !is_route(object) {
        return out;
    }
    let ns = namespace_of(object);
    let spec = object.root.get("spec");
    let rules = spec
        .and_then(|s| s.get("rules"))
        .map(Node::as_seq)
        .unwrap_or(&[]);
    if object.kind == "Ingress" {
        for field in ["defaultBackend", "backend"] {
            if let Some((service, port)) = spec.and_then(|s| s.get(field)).and_then(ingress_backend)
            {
                out.push(RouteBackend {
                    through: format!("Ingress/{ns}/{} (default backend)", object.name),
                    namespace: ns.clone(),
                    service,
                    port,
                    pointer: format!("/spec/{field}"),
                });
            }
        }
        for (r, rule) in rules.iter().enumerate() {
            let host = rule.get("host").and_then(Node::as_str).unwrap_or("*");
            let paths = rule
                .path(&["http", "paths"])
                .map(Node::as_seq)
                .unwrap_or(&[]);
            for (p, path) in paths.iter().enumerate() {
                let at = path.get("path").and_then(Node::as_str).unwrap_or("/");
                if let Some((service, port)) = path.get("backend").and_then(ingress_backend) {
                    out.push(RouteBackend {
                        through: format!("Ingress/{ns}/{} {host}{at}", object.name),
                        namespace: ns.clone(),
                        service,
                        port,
                        pointer: format!("/spec/rules/{r}/http/paths/{p}/backend"),
                    });
                }
            }
        }
        return out;
    }
    for (r, rule) in rules.iter().enumerate() {
        let refs = rule.get("backendRefs").map(Node::as_seq).unwrap_or(&[]);
        for (b, backend) in refs.iter().enumerate() {
            let kind = backend
                .get("kind")
                .and_then(Node::as_str)
                .unwrap_or("Service");
            let group = backend.get("group").and_then(Node::as_str).unwrap_or("");
            if kind != "Service" || !group.is_empty() {
                continue;
            }
            let Some(service) = backend.get("name").and_then(Node::as_str) else {
                continue;
            };
            let namespace = backend
                .get("namespace")
                .and_then(Node::as_str)
                .map_or_else(|| ns.clone(), str::to_string);
            out.push(RouteBackend {
                through: format!("{}/{ns}/{}", object.kind, object.name),
                namespace,
                service: service.to_string(),
                port: backend.get("port"),
                pointer: format!("/spec/rules/{r}/backendRefs/{b}"),
            });
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use bulkhead_model::{load_text, Limits};

    use super::route_backends;

    fn backends(text: &str) -> Vec<(String, String, String, String)> {
        let loaded = load_text("r.yaml", text, &Limits::default());
        loaded
            .objects
            .iter()
            .flat_map(route_backends)
            .map(|b| (b.through, b.namespace, b.service, b.pointer))
            .collect()
    }

    #[test]
    fn ingress_forms_and_gateway_routes() {
        let found = backends(
            "apiVersion: extensions/v1beta1
kind: Ingress
metadata: {name: old, namespace: shop}
spec:
  backend: {serviceName: web, servicePort: 80}
  rules:
    - host: shop.example
      http:
        paths:
          - path: /api
            backend: {serviceName: api, servicePort: http}
---
apiVersion: gateway.networking.k8s.io/v1
kind: GRPCRoute
metadata: {name: g, namespace: edge}
spec:
  rules:
    - backendRefs:
        - {name: api, namespace: shop, port: 9000}
        - {group: multicluster.x-k8s.io, kind: ServiceImport, name: api}
---
apiVersion: gateway.networking.k8s.io/v1
kind: Gateway
metadata: {name: not-a-route, namespace: edge}
spec:
  rules:
    - backendRefs: [{name: api}]
",
        );
        let expected = [
            (
                "Ingress/shop/old (default backend)",
                "shop",
                "web",
                "/spec/backend",
            ),
            (
                "Ingress/shop/old shop.example/api",
                "shop",
                "api",
                "/spec/rules/0/http/paths/0/backend",
            ),
            (
                "GRPCRoute/edge/g",
                "shop",
                "api",
                "/spec/rules/0/backendRefs/0",
            ),
        ];
        let expected: Vec<(String, String, String, String)> = expected
            .iter()
            .map(|(a, b, c, d)| (a.to_string(), b.to_string(), c.to_string(), d.to_string()))
            .collect();
        assert_eq!(found, expected);
    }
}
