use crate::rules::rbac::{allowed_verb_named, names_suffix, report_rules};
use crate::{declare_check, Compliance, Context, Family, Run, Severity, Sink};

declare_check! {
    /// ## What it checks
    /// Rules that allow writing Services, the status of Services, Endpoints or EndpointSlices.
    ///
    /// ## Why it matters
    /// A Service with `externalIPs` captures the traffic the nodes send to those addresses
    /// (CVE-2020-8554), and one whose status claims a LoadBalancer ingress IP does the same.
    /// Endpoints and EndpointSlices decide where a Service's traffic goes: whoever writes them
    /// sends another team's clients to a pod of their own.
    ///
    /// ## Example
    /// ```yaml
    /// rules:
    ///   - apiGroups: [""]
    ///     resources: ["services", "endpoints"]
    ///     verbs: ["get", "list", "create", "update", "patch"]
    /// ```
    ///
    /// Use instead: read services, and let a deployment pipeline or controller write them (with
    /// `externalIPs` blocked by the DenyServiceExternalIPs admission plugin or a policy).
    /// ```yaml
    /// rules:
    ///   - apiGroups: [""]
    ///     resources: ["services", "endpoints"]
    ///     verbs: ["get", "list", "watch"]
    /// ```
    ///
    /// ## References
    /// - CVE-2020-8554 (man in the middle through Service externalIPs and LoadBalancer IPs)
    /// - MITRE ATT&CK T1090 (Proxy)
    /// - Kubernetes documentation, "RBAC good practices", Escalation risks
    pub static SERVICE_TRAFFIC_HIJACK = Check {
        id: "BHR017",
        slug: "service-traffic-hijack",
        severity: Severity::Medium,
        family: Family::Rbac,
        remediation: "remove write access to services, services/status, endpoints and endpointslices; deploy services through a pipeline and block externalIPs",
        compliance: Compliance {
            cis: &[],
            pss: &[],
            nsa: &["Authentication and authorization"],
            mitre: &["T1090"],
        },
        run: Run::Inventory(check),
    };
}

const WRITE: &[&str] = &["create", "update", "patch", "delete", "deletecollection"];

fn check(cx: &Context<'_>, sink: &mut Sink<'_>) {
    report_rules(cx, sink, |rule| {
        if let Some((verb, names)) =
            allowed_verb_named(rule, &["create", "update", "patch"], "", "services", None)
        {
            return Some(format!(
                "allows {verb} on services{}: externalIPs capture other traffic (CVE-2020-8554)",
                names_suffix(names)
            ));
        }
        if let Some((verb, names)) =
            allowed_verb_named(rule, &["update", "patch"], "", "services", Some("status"))
        {
            return Some(format!(
                "allows {verb} on services/status{}: a LoadBalancer ingress IP captures other traffic",
                names_suffix(names)
            ));
        }
        if let Some((verb, names)) = allowed_verb_named(rule, WRITE, "", "endpoints", None) {
            return Some(format!(
                "allows {verb} on endpoints{}: redirecting a service's traffic",
                names_suffix(names)
            ));
        }
        allowed_verb_named(rule, WRITE, "discovery.k8s.io", "endpointslices", None).map(
            |(verb, names)| {
                format!(
                    "allows {verb} on endpointslices{}: redirecting a service's traffic",
                    names_suffix(names)
                )
            },
        )
    });
}
