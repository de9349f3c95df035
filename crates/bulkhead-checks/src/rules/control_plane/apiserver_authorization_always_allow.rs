use bulkhead_node::Component;

use super::authorization::{authorizers, Authorizers};
use super::flags::{report_flag, report_unset};
use crate::{declare_check, Compliance, Context, Family, Run, Severity, Sink};

declare_check! {
    /// ## What it checks
    /// API servers that authorize with AlwaysAllow: listed in `--authorization-mode` (a list
    /// that accumulates over repetitions), among the authorizers of the
    /// `--authorization-config` file, or by default (neither flag set: the default is
    /// AlwaysAllow).
    ///
    /// ## Why it matters
    /// AlwaysAllow allows every request that reaches it: any authenticated user, and with
    /// anonymous authentication anyone at all, gets full control of the cluster. Authorizers
    /// are asked in order, and Node and RBAC never deny, so AlwaysAllow anywhere in the list
    /// allows everything.
    ///
    /// ## Example
    /// ```yaml
    /// command:
    ///   - kube-apiserver
    ///   - --authorization-mode=RBAC,AlwaysAllow
    /// ```
    ///
    /// Use instead: authorize with Node and RBAC.
    /// ```yaml
    /// command:
    ///   - kube-apiserver
    ///   - --authorization-mode=Node,RBAC
    /// ```
    ///
    /// ## References
    /// - CIS Kubernetes Benchmark v1.12, 1.2.6
    /// - Kubernetes documentation, kube-apiserver command-line reference: `--authorization-mode` (default AlwaysAllow when --authorization-config is not used): https://kubernetes.io/docs/reference/command-line-tools-reference/kube-apiserver/
    /// - https://kubernetes.io/docs/reference/access-authn-authz/authorization/
    pub static APISERVER_AUTHORIZATION_ALWAYS_ALLOW = Check {
        id: "BHC006",
        slug: "apiserver-authorization-always-allow",
        severity: Severity::High,
        family: Family::ControlPlane,
        remediation: "set --authorization-mode=Node,RBAC (without AlwaysAllow)",
        compliance: Compliance {
            cis: &["1.2.6"],
            pss: &[],
            nsa: &["Authentication and authorization"],
            mitre: &["T1078"],
        },
        run: Run::Inventory(check),
    };
}

fn check(cx: &Context<'_>, sink: &mut Sink<'_>) {
    const RISK: &str = "every request that reaches AlwaysAllow is allowed";
    for line in cx.command_lines(Component::ApiServer) {
        match authorizers(cx, line) {
            Authorizers::Flag(modes) => {
                if let Some((_, arg)) = modes.iter().find(|(m, _)| m == "AlwaysAllow") {
                    report_flag(sink, line, arg, &format!("includes AlwaysAllow; {RISK}"));
                }
            }
            Authorizers::Config(object, types) => {
                if let Some((_, pointer)) = types.iter().find(|(t, _)| t == "AlwaysAllow") {
                    sink.report(
                        object,
                        pointer,
                        format!(
                            "an authorizer of {} (--authorization-config) is AlwaysAllow; {RISK}",
                            line.component.program()
                        ),
                    );
                }
            }
            Authorizers::ConfigNotRead(arg) => report_flag(
                sink,
                line,
                &arg,
                "the authorizers come from this file, which is not in the scan, so the absence of \
                 AlwaysAllow cannot be confirmed; add the file to the scan",
            ),
            Authorizers::Default => report_unset(
                sink,
                line,
                "authorization-mode",
                &format!("the default is AlwaysAllow; {RISK}"),
            ),
        }
    }
}
