use bulkhead_paths::{AttackGraph, Scope, Start, Target};

use crate::rules::attack_paths::facts;
use crate::{declare_check, Compliance, Context, Family, Run, Severity, Sink};

declare_check! {
    /// ## What it checks
    /// Workloads reachable from the internet (a LoadBalancer or NodePort Service, an Ingress
    /// or Gateway route, externalIPs, hostNetwork or hostPort, as `bulkhead netpol exposure`
    /// finds them, through the ingress NetworkPolicies) from which a chain of steps reaches
    /// cluster-admin: connections the NetworkPolicies allow to ports other workloads serve,
    /// container escapes to the node (privileged, escape capabilities, the runtime socket,
    /// sensitive host paths, hostPID), the service-account tokens on that node, and the RBAC
    /// escalation steps of `bulkhead rbac paths`. The finding is at the exposed workload and
    /// names every step; `bulkhead attack-paths` prints the evidence of each and the single
    /// change that cuts the most paths.
    ///
    /// ## Why it matters
    /// Attackers chain what each check reports on its own: a bug in an exposed web server,
    /// a flat network to a privileged agent, a token on the same node, a role that may create
    /// pods in kube-system. Each link may look acceptable alone; together they hand the whole
    /// cluster to anyone on the internet.
    ///
    /// ## Example
    /// ```yaml
    /// kind: Service
    /// metadata: {name: web, namespace: shop}
    /// spec: {type: LoadBalancer, selector: {app: web}, ports: [{port: 80}]}
    /// ---
    /// kind: Deployment
    /// metadata: {name: web, namespace: shop}
    /// spec:
    ///   template:
    ///     spec:
    ///       serviceAccountName: deployer   # bound to cluster-admin
    /// ```
    ///
    /// Use instead: cut the chain at its cheapest link, the one `bulkhead attack-paths`
    /// ranks first: no token where the API is not used, a default-deny NetworkPolicy, no
    /// privileged containers beside exposed ones, least-privilege roles.
    /// ```yaml
    ///       serviceAccountName: web
    ///       automountServiceAccountToken: false
    /// ```
    ///
    /// ## References
    /// - NSA-CISA Kubernetes Hardening Guide, "Network separation and hardening"
    /// - MITRE ATT&CK T1190 (Exploit Public-Facing Application), T1611 (Escape to Host),
    ///   T1078 (Valid Accounts)
    pub static INTERNET_REACHES_CLUSTER_ADMIN = Check {
        id: "BHT001",
        slug: "internet-reaches-cluster-admin",
        severity: Severity::Critical,
        family: Family::AttackPaths,
        remediation: "cut the chain: apply the first fix `bulkhead attack-paths` lists for this workload",
        compliance: Compliance {
            cis: &[],
            pss: &[],
            nsa: &["Network separation and hardening: network policies", "Authentication and authorization"],
            mitre: &["T1190", "T1611", "T1078"],
        },
        run: Run::Inventory(check),
    };
}

fn check(cx: &Context<'_>, sink: &mut Sink<'_>) {
    let facts = facts(cx);
    let graph = AttackGraph::build_from(
        cx.inventory,
        cx.rbac(),
        cx.rbac_graph(),
        cx.network(),
        &facts,
        Scope::InternetToClusterAdmin,
    );
    let Ok(found) = graph.search_with(&Start::Internet, &[Target::ClusterAdmin], false) else {
        return;
    };
    for path in &found.paths {
        let Some(w) = path.entry_workload else {
            continue;
        };
        let object = graph.network.workloads[w].object;
        let hops: Vec<&str> = path.steps.iter().map(|s| s.to.as_str()).collect();
        sink.report(
            object,
            "/metadata/name",
            format!(
                "reachable from the internet and reaches cluster-admin in {} steps: internet → {} (`bulkhead attack-paths` shows the evidence and the fixes)",
                path.length,
                hops.join(" → ")
            ),
        );
    }
}
