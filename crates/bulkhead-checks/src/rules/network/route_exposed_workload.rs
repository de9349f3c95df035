use std::collections::HashMap;

use bulkhead_model::{LabelSelector, Node, Object, PodSpec};
use bulkhead_netpol::model::namespace_of;
use bulkhead_netpol::routes::{is_route, route_backends, RouteBackend};
use bulkhead_netpol::workload_pod;

use crate::{declare_check, Compliance, Context, Family, Run, Severity, Sink};

declare_check! {
    /// ## What it checks
    /// Workloads that an Ingress or a Gateway API route (HTTPRoute, GRPCRoute, TLSRoute,
    /// TCPRoute, UDPRoute) exposes outside the cluster: each route backend is followed to its
    /// Service and from the Service's selector to the workloads of the scan it selects, and
    /// the finding sits on the backend, naming the workloads behind it.
    ///
    /// The backends are the ones `bulkhead netpol exposure` lists (one list serves both).
    /// A Gateway `backendRef` to another namespace is followed to that namespace (the
    /// ReferenceGrant that must allow it is not checked). A backend whose Service is not in
    /// the scan is [BHF002](BHF002.md)'s; a Service that selects no workload of the scan gives
    /// no finding here.
    ///
    /// ## Why it matters
    /// This is the inventory of the attack surface: these workloads take requests from the
    /// internet (or from whatever network the Gateway listens on), so their hardening,
    /// authentication and service-account permissions matter most. The finding is
    /// informational: review the list, and make sure each entry is meant to be public.
    ///
    /// ## Example
    /// ```yaml
    /// kind: HTTPRoute
    /// spec:
    ///   parentRefs: [{name: public-gateway}]
    ///   rules:
    ///     - backendRefs:
    ///         - name: admin
    ///           port: 8080
    /// ```
    ///
    /// Use instead: route only the Services meant to be public, and keep internal tools
    /// (admin consoles, metrics, databases) on ClusterIP Services with no route.
    /// ```yaml
    ///     - backendRefs:
    ///         - name: storefront
    ///           port: 8080
    /// ```
    ///
    /// ## References
    /// - https://kubernetes.io/docs/concepts/services-networking/ingress/
    /// - https://gateway-api.sigs.k8s.io/api-types/httproute/
    /// - MITRE ATT&CK T1190 (Exploit Public-Facing Application)
    /// - NSA-CISA Kubernetes Hardening Guidance, "Network separation and hardening"
    pub static ROUTE_EXPOSED_WORKLOAD = Check {
        id: "BHN032",
        slug: "route-exposed-workload",
        severity: Severity::Info,
        family: Family::Network,
        remediation: "confirm the workload is meant to be public; otherwise remove the route backend or point it at a public-facing Service",
        compliance: Compliance {
            cis: &[],
            pss: &[],
            nsa: &["Network separation and hardening: network policies"],
            mitre: &["T1190"],
        },
        run: Run::Inventory(check),
    };
}

fn check(cx: &Context<'_>, sink: &mut Sink<'_>) {
    let objects = cx.inventory.objects();
    let routes: Vec<&Object> = objects.iter().filter(|o| is_route(o)).collect();
    if routes.is_empty() {
        return;
    }
    // Looked up once per scan, not once per backend: both were walks of every object.
    // Services by namespace and name, the first definition of each.
    let mut services: HashMap<(&str, &str), &Object> = HashMap::new();
    for s in cx.inventory.of_kind("Service") {
        if s.group().is_empty() {
            services.entry((namespace(s), s.name.as_str())).or_insert(s);
        }
    }
    // The objects that run pods, by namespace, in load order.
    let workloads = Workloads::of(objects);
    for route in routes {
        for backend in route_backends(route) {
            let key = (backend.namespace.as_str(), backend.service.as_str());
            let Some(service) = services.get(&key) else {
                continue;
            };
            let selected = workloads.selected_by(service);
            if selected.is_empty() {
                continue;
            }
            report(sink, route, &backend, &selected);
        }
    }
}

/// The namespace an object lives in (`default` when it names none), without a copy.
fn namespace(object: &Object) -> &str {
    object.namespace.as_deref().unwrap_or("default")
}

/// The scan's workloads with their pod templates, indexed by namespace and pod label so a
/// Service's selector is tried only on the workloads that carry its first label (a large
/// inventory would otherwise try every workload of the namespace for every route backend).
struct Workloads<'a> {
    all: Vec<(&'a Object, PodSpec<'a>)>,
    /// `(namespace, label key, label value)` to indexes into `all`, in inventory order.
    by_label: HashMap<(&'a str, &'a str, &'a str), Vec<usize>>,
}

impl<'a> Workloads<'a> {
    fn of(objects: &'a [Object]) -> Self {
        let mut all = Vec::new();
        let mut by_label: HashMap<(&str, &str, &str), Vec<usize>> = HashMap::new();
        for o in objects {
            let Some(pod) = workload_pod(o) else {
                continue;
            };
            let index = all.len();
            let labels = pod.metadata.and_then(|m| m.get("labels"));
            for entry in labels.map(Node::as_map).unwrap_or(&[]) {
                let Some(value) = entry.value.as_str() else {
                    continue;
                };
                let bucket = by_label
                    .entry((namespace(o), &entry.key, value))
                    .or_default();
                // A duplicated label key with the same value lists the workload once.
                if bucket.last() != Some(&index) {
                    bucket.push(index);
                }
            }
            all.push((o, pod));
        }
        Workloads { all, by_label }
    }

    /// The workloads in the Service's namespace its selector picks, in inventory order.
    fn selected_by(&self, service: &Object) -> Vec<&'a Object> {
        let Some(node) = service.root.path(&["spec", "selector"]) else {
            return Vec::new();
        };
        let Ok(selector) = LabelSelector::from_match_labels(Some(node)) else {
            return Vec::new();
        };
        // Every requirement of a plain map selector is `key In [value]`: only workloads
        // labelled with the first one can match, and the full selector decides among them.
        let Some(first) = selector.requirements.first() else {
            return Vec::new();
        };
        let Some(value) = first.values.first() else {
            return Vec::new();
        };
        self.by_label
            .get(&(namespace(service), first.key.as_str(), value.as_str()))
            .map_or(&[][..], Vec::as_slice)
            .iter()
            .map(|&i| &self.all[i])
            .filter(|(_, pod)| selector.matches(|k| pod.label(k)))
            .map(|(o, _)| *o)
            .collect()
    }
}

fn report(sink: &mut Sink<'_>, route: &Object, backend: &RouteBackend<'_>, workloads: &[&Object]) {
    let names: Vec<String> = workloads
        .iter()
        .map(|w| format!("{} {}/{}", w.kind, namespace_of(w), w.name))
        .collect();
    let port = backend
        .port
        .and_then(Node::scalar_text)
        .map_or(String::new(), |p| format!(" port {p}"));
    sink.report(
        route,
        &backend.pointer,
        format!(
            "{} exposes {} outside the cluster through Service {}/{}{port}",
            backend.through,
            names.join(", "),
            backend.namespace,
            backend.service,
        ),
    );
}
