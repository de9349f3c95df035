use std::borrow::Cow;

use bulkhead_model::{Node, Object};
use bulkhead_node::{Arg, CommandLine, Component};

use super::config_files;
use super::expect::{self, setting, Setting};
use super::flags::report_flag;
use crate::{declare_check, Compliance, Context, Family, Run, Severity, Sink};

declare_check! {
    /// ## What it checks
    /// API servers that serve anonymous requests: `--anonymous-auth` true, or not set (the
    /// default is true). With `--authentication-config`, an `anonymous` section in that
    /// AuthenticationConfiguration decides instead: enabled passes only when its conditions
    /// limit it to the health endpoints (/livez, /readyz, /healthz); a file the scan does not
    /// hold is reported as unread. CIS marks this recommendation manual, so a finding is a lead
    /// to review.
    ///
    /// ## Why it matters
    /// Requests that no authenticator rejects run as `system:anonymous` in the group
    /// `system:unauthenticated`. With RBAC that group only reaches discovery and health
    /// endpoints by default, but one careless binding to it opens the API to anyone who can
    /// reach the port.
    ///
    /// ## Example
    /// ```yaml
    /// command:
    ///   - kube-apiserver
    ///   - --anonymous-auth=true
    /// ```
    ///
    /// Use instead: turn anonymous requests off (health checks then need credentials, or use
    /// the kubelet's probes).
    /// ```yaml
    /// command:
    ///   - kube-apiserver
    ///   - --anonymous-auth=false
    /// ```
    ///
    /// ## References
    /// - CIS Kubernetes Benchmark v1.12, 1.2.1
    /// - Kubernetes documentation, kube-apiserver command-line reference: `--anonymous-auth` (default true): https://kubernetes.io/docs/reference/command-line-tools-reference/kube-apiserver/
    /// - https://kubernetes.io/docs/reference/access-authn-authz/authentication/#anonymous-requests
    /// - https://kubernetes.io/docs/reference/access-authn-authz/authentication/#anonymous-authenticator-configuration
    pub static APISERVER_ANONYMOUS_AUTH = Check {
        id: "BHC001",
        slug: "apiserver-anonymous-auth",
        severity: Severity::Low,
        family: Family::ControlPlane,
        remediation: "start the API server with --anonymous-auth=false",
        compliance: Compliance {
            cis: &["1.2.1"],
            pss: &[],
            nsa: &["Authentication and authorization"],
            mitre: &["T1078"],
        },
        run: Run::Inventory(check),
    };
}

const RISK: &str = "requests without credentials are served as system:anonymous";

/// The health endpoints that anonymous requests may be limited to (the configuration the
/// Kubernetes documentation recommends for structured authentication).
const HEALTH: &[&str] = &["/livez", "/readyz", "/healthz"];

fn check(cx: &Context<'_>, sink: &mut Sink<'_>) {
    for line in cx.command_lines(Component::ApiServer) {
        match from_config(cx, line) {
            FromConfig::Flags => {}
            FromConfig::NotRead(arg) => report_flag(
                sink,
                line,
                &arg,
                "anonymous authentication may be configured in this file, which is not in the \
                 scan; without an `anonymous` section --anonymous-auth decides, and its default \
                 is true",
            ),
            FromConfig::Section(object, anonymous) => {
                if anonymous.get("enabled").and_then(Node::as_bool) == Some(false) {
                    continue;
                }
                let paths: Vec<&str> = anonymous
                    .get("conditions")
                    .map(Node::as_seq)
                    .unwrap_or(&[])
                    .iter()
                    .filter_map(|c| c.get("path")?.as_str())
                    .collect();
                if !paths.is_empty() && paths.iter().all(|p| HEALTH.contains(p)) {
                    continue;
                }
                let scope = if paths.is_empty() {
                    "on every endpoint".to_string()
                } else {
                    format!("on {}", paths.join(", "))
                };
                sink.report(
                    object,
                    "/anonymous/enabled",
                    format!(
                        "kube-apiserver (--authentication-config) enables anonymous requests \
                         {scope}; {RISK}"
                    ),
                );
            }
        }
    }
    expect::boolean_where(
        cx,
        sink,
        Component::ApiServer,
        "anonymous-auth",
        true,
        false,
        RISK,
        |line| !matches!(from_config(cx, line), FromConfig::Flags),
    );
}

/// Where an API server's anonymous authentication is decided.
enum FromConfig<'l, 'a> {
    /// By `--anonymous-auth` (written, or its default).
    Flags,
    /// By the `anonymous` section of the `--authentication-config` file.
    Section(&'a Object, &'a Node),
    /// `--authentication-config` names a file the scan does not hold.
    NotRead(Cow<'l, Arg>),
}

/// An `anonymous` section in the structured authentication configuration decides (the API
/// server refuses to start when `--anonymous-auth` is also given); without one, the flag does.
fn from_config<'l, 'a>(cx: &Context<'a>, line: &'l CommandLine<'_>) -> FromConfig<'l, 'a> {
    if line.flag("anonymous-auth").is_some() {
        return FromConfig::Flags;
    }
    let Setting::Written(config) = setting(line, "authentication-config") else {
        return FromConfig::Flags;
    };
    let found = config_files::named(cx, "AuthenticationConfiguration", config.text());
    match found {
        Some(object) => match object.root.get("anonymous") {
            Some(section) => FromConfig::Section(object, section),
            None => FromConfig::Flags,
        },
        None => FromConfig::NotRead(config),
    }
}
