use std::collections::HashMap;

use bulkhead_rbac::QueryOptions;

use crate::{declare_check, Compliance, Context, Family, Run, Severity, Sink};

declare_check! {
    /// ## What it checks
    /// Workloads whose service account can reach cluster-admin: directly, or through a chain
    /// of steps in the RBAC escalation graph (create pods in a namespace and run as its
    /// service accounts, read a token secret, request a token, impersonate, bind, approve a
    /// certificate, write a webhook, use nodes/proxy), counting the identities every cluster
    /// has (the kube-system controllers). Workloads of `kube-system` are skipped, and so are
    /// workloads whose service-account token is not mounted (`automountServiceAccountToken:
    /// false` on the pod, or on the ServiceAccount without a pod override, and no projected
    /// token volume).
    ///
    /// ## Why it matters
    /// Compromising the workload (a vulnerable dependency, a leaked debug endpoint) gives the
    /// attacker its service-account token, and the chain turns that token into the whole
    /// cluster. `bulkhead rbac paths --from pod:NS/NAME` prints every step with its evidence.
    ///
    /// ## Example
    /// ```yaml
    /// kind: Deployment
    /// metadata: {name: backup, namespace: ops}
    /// spec:
    ///   template:
    ///     spec:
    ///       serviceAccountName: backup   # can list secrets cluster-wide
    /// ```
    ///
    /// Use instead: a service account with only the rights the workload needs, in its own
    /// namespace, and no token where the API is not used.
    /// ```yaml
    ///       serviceAccountName: backup-readonly
    ///       automountServiceAccountToken: false
    /// ```
    ///
    /// ## References
    /// - CIS Kubernetes Benchmark v1.12, 5.1.1, 5.1.2, 5.1.4
    /// - MITRE ATT&CK T1078 (Valid Accounts), T1528 (Steal Application Access Token)
    pub static WORKLOAD_REACHES_CLUSTER_ADMIN = Check {
        id: "BHR014",
        slug: "workload-reaches-cluster-admin",
        severity: Severity::Critical,
        family: Family::Rbac,
        remediation: "give the workload a service account whose rights do not lead to cluster-admin (see `bulkhead rbac paths --from`)",
        compliance: Compliance {
            cis: &["5.1.1"],
            pss: &[],
            nsa: &["Authentication and authorization"],
            mitre: &["T1078", "T1528"],
        },
        run: Run::Inventory(check),
    };
}

fn check(cx: &Context<'_>, sink: &mut Sink<'_>) {
    let rbac = cx.rbac();
    if rbac.bindings.is_empty() {
        return;
    }
    let graph = cx.rbac_graph();
    let all = QueryOptions {
        include_defaults: true,
    };
    let paths: HashMap<String, Vec<String>> = graph
        .paths_to_admin(all)
        .into_iter()
        .map(|p| {
            let hops = p.steps.iter().map(|s| s.to.clone()).collect();
            (p.from, hops)
        })
        .collect();
    for workload in &rbac.workloads {
        let Some(ns) = &workload.namespace else {
            continue;
        };
        // Without a mounted token, compromising the workload does not hand over its service
        // account (which stays a finding of its own when it is over-privileged).
        if ns == "kube-system" || !workload.token.mounted() {
            continue;
        }
        let sa = format!("sa:{ns}:{}", workload.service_account);
        let Some(hops) = paths.get(&sa) else { continue };
        sink.report(
            workload.object,
            &workload.pointer,
            format!(
                "runs as {sa}, which reaches cluster-admin in {} step{}: {sa} → {}",
                hops.len(),
                if hops.len() == 1 { "" } else { "s" },
                hops.join(" → ")
            ),
        );
    }
}
