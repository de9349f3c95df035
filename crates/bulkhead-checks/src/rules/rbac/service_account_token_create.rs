use crate::rules::rbac::{allowed_verb, report_rules};
use crate::{declare_check, Compliance, Context, Family, Run, Severity, Sink};

declare_check! {
    /// ## What it checks
    /// Rules that allow creating tokens for service accounts (create on serviceaccounts/token).
    ///
    /// ## Why it matters
    /// A TokenRequest returns a bearer token of the service account: the requester acts with every
    /// right of that account, for as long as the token lives, without running anything in the
    /// cluster. Without resourceNames it is every service account of the namespace, or of the
    /// cluster.
    ///
    /// ## Example
    /// ```yaml
    /// rules:
    ///   - apiGroups: [""]
    ///     resources: ["serviceaccounts/token"]
    ///     verbs: ["create"]
    /// ```
    ///
    /// Use instead: let pods receive projected tokens from the kubelet; where a token must be
    /// requested, name the one service account.
    /// ```yaml
    /// rules:
    ///   - apiGroups: [""]
    ///     resources: ["serviceaccounts/token"]
    ///     resourceNames: ["ci-uploader"]
    ///     verbs: ["create"]
    /// ```
    ///
    /// ## References
    /// - CIS Kubernetes Benchmark v1.12, 5.1.13
    /// - MITRE ATT&CK T1528 (Steal Application Access Token)
    pub static SERVICE_ACCOUNT_TOKEN_CREATE = Check {
        id: "BHR011",
        slug: "service-account-token-create",
        severity: Severity::High,
        family: Family::Rbac,
        remediation: "remove create on serviceaccounts/token; let the kubelet mount projected tokens instead",
        compliance: Compliance {
            cis: &["5.1.13"],
            pss: &[],
            nsa: &["Authentication and authorization"],
            mitre: &["T1528"],
        },
        run: Run::Inventory(check),
    };
}

fn check(cx: &Context<'_>, sink: &mut Sink<'_>) {
    report_rules(cx, sink, |rule| {
        allowed_verb(rule, &["create"], "", "serviceaccounts", Some("token"))
            .map(|_| "allows creating tokens for every service account in its scope".to_string())
    });
}
