use std::collections::BTreeMap;

use bulkhead_rbac::graph::approves_csrs;
use bulkhead_rbac::{Binding, BindingKind, Rule, Subject};

use crate::rules::rbac::{allowed_verb_named, is_full_wildcard, names_suffix, reportable_roles};
use crate::{declare_check, Compliance, Context, Family, Run, Severity, Sink};

declare_check! {
    /// ## What it checks
    /// Roles, and subjects across their ClusterRoleBindings, that can approve certificate
    /// signing requests. Approval takes both halves: update or patch on
    /// certificatesigningrequests/approval, and approve on the request's signer (`signers`,
    /// limited by signer names). One half alone is not the capability and is not reported; a
    /// subject that gets the halves from two roles is reported at its binding.
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
    let rbac = cx.rbac();
    // A role that holds both halves is the capability by itself, bound or not.
    let mut whole: Vec<String> = Vec::new();
    for role in reportable_roles(rbac) {
        let Some(object) = role.object else { continue };
        let own: Vec<&Rule<'_>> = role
            .rules
            .iter()
            .filter(|r| r.object.is_some_and(|o| std::ptr::eq(o, object)))
            .collect();
        let approval = own.iter().find(|r| approval_half(r));
        let signer = own
            .iter()
            .find_map(|r| signer_half(r).map(|names| (r, names)));
        if let (Some(approval), Some((signer, names))) = (approval, signer) {
            whole.push(role.display());
            sink.report(
                object,
                &format!("/rules/{}/verbs", approval.index),
                format!(
                    "{} rule {} allows update on certificatesigningrequests/approval and rule {} approve on signers{}: approving client certificates for any identity",
                    role.display(),
                    approval.index,
                    signer.index,
                    names_suffix(names)
                ),
            );
        }
    }
    // Subjects that get the two halves from different roles (CSRs and signers are
    // cluster-scoped: only ClusterRoleBindings grant them).
    let mut halves: BTreeMap<&Subject, Halves<'_, '_>> = BTreeMap::new();
    for binding in rbac
        .bindings
        .iter()
        .filter(|b| !b.default && b.kind == BindingKind::ClusterRoleBinding)
    {
        let Some(role) = rbac.role_of(binding) else {
            continue;
        };
        if whole.contains(&role.display()) {
            continue;
        }
        let approval = role.rules.iter().any(approval_half);
        let signer = role.rules.iter().find_map(signer_half);
        for (subject, index) in &binding.subjects {
            let entry = halves.entry(subject).or_default();
            let via = || Via {
                binding,
                index: *index,
                role: role.display(),
            };
            if approval && entry.approval.is_none() {
                entry.approval = Some(via());
            }
            if let (Some(names), None) = (signer, &entry.signer) {
                entry.signer = Some((via(), names.to_vec()));
            }
        }
    }
    for (subject, halves) in halves {
        let (Some(approval), Some((signer, names))) = (halves.approval, halves.signer) else {
            continue;
        };
        sink.report(
            approval.binding.object,
            &format!("/subjects/{}", approval.index),
            format!(
                "{subject} can approve certificate signing requests: update on certificatesigningrequests/approval through {} → {}, and approve on signers{} through {} → {}",
                approval.binding.display(),
                approval.role,
                names_suffix(&names),
                signer.binding.display(),
                signer.role
            ),
        );
    }
}

/// The binding entry and role through which a subject holds one half.
struct Via<'r, 'a> {
    binding: &'r Binding<'a>,
    index: usize,
    role: String,
}

/// The halves one subject holds, each with the first binding that grants it (and, for the
/// signer half, the signer names it is limited to).
#[derive(Default)]
struct Halves<'r, 'a> {
    approval: Option<Via<'r, 'a>>,
    signer: Option<(Via<'r, 'a>, Vec<String>)>,
}

/// Update or patch on certificatesigningrequests/approval (full wildcards are reported by
/// `wildcard-rule`).
fn approval_half(rule: &Rule<'_>) -> bool {
    !is_full_wildcard(rule) && approves_csrs(rule)
}

/// Approve on signers, with the signer names it is limited to (empty for every signer).
fn signer_half<'r>(rule: &'r Rule<'_>) -> Option<&'r [String]> {
    if is_full_wildcard(rule) {
        return None;
    }
    allowed_verb_named(rule, &["approve"], "certificates.k8s.io", "signers", None)
        .map(|(_, names)| names)
}
