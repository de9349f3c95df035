use bulkhead_model::{Container, LabelSelector, Node, Object, PodSpec};

use crate::rules::common::describe;
use crate::rules::known_risks::args::{flag_value, is_on, words};
use crate::{declare_check, Compliance, Context, Family, Run, Severity, Sink};

declare_check! {
    /// ## What it checks
    /// A Kubernetes Dashboard set up so that reaching it is enough to use it.
    ///
    /// Reported:
    /// - its container runs with `--enable-skip-login` (a "Skip" button that uses the
    ///   dashboard's own service account), `--disable-settings-authorizer` (anyone may change
    ///   the dashboard's settings), `--authentication-mode=basic` (username and password sent
    ///   with every request), or `--enable-insecure-login` (login over plain HTTP);
    /// - a ClusterRoleBinding in the scan grants `cluster-admin` to the service account the
    ///   dashboard runs as (critical);
    /// - a Service of type `LoadBalancer` or `NodePort` in the scan selects the dashboard's
    ///   pods, putting it on every node's address or on a cloud load balancer.
    ///
    /// The dashboard is recognised by its image (`kubernetesui/dashboard*`,
    /// `kubernetes-dashboard*`). Bindings and Services are only seen when they are part of
    /// the same scan.
    ///
    /// ## Why it matters
    /// An exposed dashboard is one of the best-known ways into a cluster: in 2018 attackers
    /// ran cryptominers in Tesla's Kubernetes cluster through a dashboard with no password.
    /// The dashboard acts with its own service account when a user skips login, so
    /// skip-login plus a powerful service account hands that power to anyone who can reach
    /// the page; a `cluster-admin` binding makes it the whole cluster.
    ///
    /// Severity: skip-login and an outside-facing Service are high; a `cluster-admin`
    /// binding for the dashboard's account is critical; the settings authorizer, basic
    /// authentication and plain-HTTP login weaken the login without bypassing it, and are
    /// medium.
    ///
    /// ## Example
    /// ```yaml
    /// containers:
    ///   - name: kubernetes-dashboard
    ///     image: kubernetesui/dashboard:v2.7.0
    ///     args:
    ///       - --enable-skip-login
    /// ---
    /// kind: ClusterRoleBinding
    /// roleRef: {kind: ClusterRole, name: cluster-admin}
    /// subjects:
    ///   - {kind: ServiceAccount, name: kubernetes-dashboard, namespace: kubernetes-dashboard}
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// containers:
    ///   - name: kubernetes-dashboard
    ///     image: kubernetesui/dashboard:v2.7.0
    ///     args:
    ///       - --auto-generate-certificates
    /// # the dashboard's own account keeps its minimal Role; users log in with their own
    /// # token, and the Service stays ClusterIP (reach it with kubectl proxy or port-forward)
    /// ```
    ///
    /// ## References
    /// - Kubernetes Dashboard, "Access control" and "Dashboard arguments" documentation
    /// - RedLock CSI report on the Tesla cluster compromise (2018)
    /// - NSA-CISA Kubernetes Hardening Guidance, "Authentication and authorization"
    /// - MITRE ATT&CK T1133 (External Remote Services)
    pub static EXPOSED_DASHBOARD = Check {
        id: "BHK001",
        slug: "exposed-dashboard",
        severity: Severity::High,
        family: Family::KnownRisks,
        remediation: "remove the flag, bind the dashboard's service account to a minimal role, and keep its Service ClusterIP",
        compliance: Compliance {
            cis: &[],
            pss: &[],
            nsa: &["Authentication and authorization"],
            mitre: &["T1133"],
        },
        run: Run::Inventory(check),
    };
}

/// Dashboard flags that weaken access control, with why and how bad.
const FLAGS: &[(&str, &str, Severity)] = &[
    (
        "enable-skip-login",
        "lets anyone skip login and act as the dashboard's service account",
        Severity::High,
    ),
    (
        "disable-settings-authorizer",
        "lets any user change the dashboard's settings",
        Severity::Medium,
    ),
    (
        "enable-insecure-login",
        "accepts logins over plain HTTP",
        Severity::Medium,
    ),
];

fn is_dashboard(container: &Container<'_>) -> bool {
    container
        .get("image")
        .and_then(Node::as_str)
        .is_some_and(|image| {
            image.contains("kubernetesui/dashboard") || image.contains("kubernetes-dashboard")
        })
}

/// The dashboard workloads of the scan, found once: they are rare, and services and bindings
/// are matched against them.
fn check(cx: &Context<'_>, sink: &mut Sink<'_>) {
    let dashboards: Vec<(&Object, PodSpec<'_>)> = cx
        .inventory
        .objects()
        .iter()
        .filter_map(|o| {
            let pod = cx.pod_spec(o)?;
            let dashboard = pod.containers().any(|c| is_dashboard(&c));
            dashboard.then_some((o, pod))
        })
        .collect();
    if dashboards.is_empty() {
        return;
    }
    for (object, pod) in &dashboards {
        check_workload(object, pod, sink);
    }
    for service in cx
        .inventory
        .of_kind("Service")
        .filter(|s| s.group().is_empty())
    {
        check_service(&dashboards, service, sink);
    }
    for binding in cx.inventory.of_kind("ClusterRoleBinding") {
        check_binding(&dashboards, binding, sink);
    }
}

/// Dashboard workloads in a namespace.
fn in_namespace<'a, 'b>(
    dashboards: &'b [(&'a Object, PodSpec<'a>)],
    namespace: &'b str,
) -> impl Iterator<Item = &'b (&'a Object, PodSpec<'a>)> + 'b {
    dashboards
        .iter()
        .filter(move |(o, _)| o.namespace.as_deref() == Some(namespace))
}

fn check_workload(object: &Object, pod: &PodSpec<'_>, sink: &mut Sink<'_>) {
    for container in pod.containers().filter(is_dashboard) {
        for word in words(&container) {
            for (flag, why, severity) in FLAGS {
                if flag_value(word.text, flag).is_some_and(is_on) {
                    sink.report_with(
                        object,
                        &word.pointer,
                        *severity,
                        format!("dashboard {}: --{flag} {why}", describe(&container)),
                    );
                }
            }
            if flag_value(word.text, "authentication-mode").is_some_and(|v| v.contains("basic")) {
                sink.report_with(
                    object,
                    &word.pointer,
                    Severity::Medium,
                    format!(
                        "dashboard {}: --authentication-mode=basic sends a username and password with every request",
                        describe(&container)
                    ),
                );
            }
        }
    }
}

/// The service account a workload's pods run as.
fn service_account<'a>(pod: &PodSpec<'a>) -> &'a str {
    pod.service_account().map_or("default", |(name, _)| name)
}

fn check_binding(dashboards: &[(&Object, PodSpec<'_>)], object: &Object, sink: &mut Sink<'_>) {
    let role = object.root.get("roleRef");
    let role_name = role.and_then(|r| r.get("name")).and_then(Node::as_str);
    let role_kind = role.and_then(|r| r.get("kind")).and_then(Node::as_str);
    if role_name != Some("cluster-admin") || role_kind != Some("ClusterRole") {
        return;
    }
    let subjects = object.root.get("subjects").map(Node::as_seq).unwrap_or(&[]);
    for (i, subject) in subjects.iter().enumerate() {
        let field = |k: &str| subject.get(k).and_then(Node::as_str);
        if field("kind") != Some("ServiceAccount") {
            continue;
        }
        let (Some(name), Some(namespace)) = (field("name"), field("namespace")) else {
            continue;
        };
        let dashboard =
            in_namespace(dashboards, namespace).find(|(_, pod)| service_account(pod) == name);
        if let Some((workload, _)) = dashboard {
            sink.report_with(
                object,
                &format!("/subjects/{i}"),
                Severity::Critical,
                format!(
                    "ClusterRoleBinding \"{}\" grants cluster-admin to service account {namespace}/{name}, which the dashboard {} \"{}\" runs as",
                    object.name, workload.kind, workload.name
                ),
            );
        }
    }
}

fn check_service(dashboards: &[(&Object, PodSpec<'_>)], object: &Object, sink: &mut Sink<'_>) {
    let spec = object.root.get("spec");
    let Some(kind) = spec
        .and_then(|s| s.get("type"))
        .and_then(Node::as_str)
        .filter(|t| matches!(*t, "LoadBalancer" | "NodePort"))
    else {
        return;
    };
    let Some(selector) = spec.and_then(|s| s.get("selector")).filter(|s| s.is_map()) else {
        return;
    };
    let Ok(selector) = LabelSelector::from_match_labels(Some(selector)) else {
        return;
    };
    if selector.is_empty() {
        return;
    }
    let Some(namespace) = object.namespace.as_deref() else {
        return;
    };
    let dashboard =
        in_namespace(dashboards, namespace).find(|(_, pod)| selector.matches(|k| pod.label(k)));
    if let Some((workload, _)) = dashboard {
        sink.report(
            object,
            "/spec/type",
            format!(
                "Service \"{}\" of type {kind} exposes the dashboard {} \"{}\" outside the cluster",
                object.name, workload.kind, workload.name
            ),
        );
    }
}
