use crate::rules::rbac::{allowed_verb, report_rules};
use crate::{declare_check, Compliance, Context, Family, Run, Severity, Sink};

declare_check! {
    /// ## What it checks
    /// Rules that allow approving certificate signing requests: update or patch on
    /// certificatesigningrequests/approval, or approve on signers.
    ///
    /// ## Why it matters
    /// An approved CSR signed by the cluster CA is a client certificate with whatever user and
    /// groups its requester wrote in it, system:masters included. The holder is a superuser that no
    /// RBAC rule can restrict, and certificates cannot be revoked.
    ///
    /// ## Example
    /// ```yaml
    /// rules:
    ///   - apiGroups: ["certificates.k8s.io"]
    ///     resources: ["certificatesigningrequests/approval"]
    ///     verbs: ["update"]
    ///   - apiGroups: ["certificates.k8s.io"]
    ///     resources: ["signers"]
    ///     verbs: ["approve"]
    /// ```
    ///
    /// Use instead: let only the controller manager approve CSRs, or restrict approve to a named
    /// signer that cannot issue client certificates for the API server.
    /// ```yaml
    /// rules:
    ///   - apiGroups: ["certificates.k8s.io"]
    ///     resources: ["certificatesigningrequests"]
    ///     verbs: ["get", "list", "watch"]
    /// ```
    ///
    /// ## References
    /// - CIS Kubernetes Benchmark v1.12, 5.1.11
    /// - MITRE ATT&CK T1078 (Valid Accounts)
    pub static CSR_APPROVAL = Check {
        id: "BHR009",
        slug: "csr-approval",
        severity: Severity::High,
        family: Family::Rbac,
        remediation: "leave CSR approval to the controller manager; remove update on certificatesigningrequests/approval and approve on signers",
        compliance: Compliance {
            cis: &["5.1.11"],
            pss: &[],
            nsa: &["Authentication and authorization"],
            mitre: &["T1078"],
        },
        run: Run::Inventory(check),
    };
}

fn check(cx: &Context<'_>, sink: &mut Sink<'_>) {
    report_rules(cx, sink, |rule| {
        if let Some(verb) = allowed_verb(
            rule,
            &["update", "patch"],
            "certificates.k8s.io",
            "certificatesigningrequests",
            Some("approval"),
        ) {
            return Some(format!(
                "allows {verb} on certificatesigningrequests/approval: approving client certificates for any identity"
            ));
        }
        allowed_verb(rule, &["approve"], "certificates.k8s.io", "signers", None)
            .map(|_| "allows approve on signers: approving certificates of any signer".to_string())
    });
}
