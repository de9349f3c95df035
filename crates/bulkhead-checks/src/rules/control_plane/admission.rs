//! Which admission plugins the API server runs, the way it decides: the plugins enabled by
//! default, plus `--enable-admission-plugins`, minus `--disable-admission-plugins` (both
//! accumulate over repetitions); the deprecated `--admission-control`, when given, is the
//! whole list and the defaults do not apply.

use bulkhead_node::{Arg, CommandLine, Component};

use super::flags::{report_flag, report_unset};
use crate::{Context, Sink};

/// The plugins kube-apiserver enables when no flag names them (the list in the help text of
/// `--enable-admission-plugins`, Kubernetes 1.31 to 1.34).
pub const ENABLED_BY_DEFAULT: &[&str] = &[
    "NamespaceLifecycle",
    "LimitRanger",
    "ServiceAccount",
    "TaintNodesByCondition",
    "PodSecurity",
    "Priority",
    "DefaultTolerationSeconds",
    "DefaultStorageClass",
    "StorageObjectInUseProtection",
    "PersistentVolumeClaimResize",
    "RuntimeClass",
    "CertificateApproval",
    "CertificateSigning",
    "ClusterTrustBundleAttest",
    "CertificateSubjectRestriction",
    "DefaultIngressClass",
    "MutatingAdmissionWebhook",
    "ValidatingAdmissionPolicy",
    "ValidatingAdmissionWebhook",
    "ResourceQuota",
];

/// Whether a plugin runs, and what decided it.
pub enum Plugin<'l> {
    /// Listed in `--enable-admission-plugins` (or `--admission-control`).
    Enabled(&'l Arg),
    /// Not listed anywhere, and on by default.
    EnabledByDefault,
    /// Listed in `--disable-admission-plugins`.
    Disabled(&'l Arg),
    /// Absent from the `--admission-control` list, which replaces the defaults.
    NotInLegacyList(&'l Arg),
    /// Not listed, and off by default; the argument is the last `--enable-admission-plugins`,
    /// if there is one.
    Off(Option<&'l Arg>),
}

/// How `name` stands on an API server command line.
pub fn plugin<'l>(line: &'l CommandLine<'_>, name: &str) -> Plugin<'l> {
    let legacy = line.list("admission-control");
    if let Some((_, last)) = legacy.last() {
        return match legacy.iter().find(|(p, _)| p == name) {
            Some((_, arg)) => Plugin::Enabled(arg),
            None => Plugin::NotInLegacyList(last),
        };
    }
    // Both lists naming a plugin is a startup error; the disabling is what was meant to take
    // effect, so it is the one reported.
    if let Some((_, arg)) = line
        .list("disable-admission-plugins")
        .into_iter()
        .find(|(p, _)| p == name)
    {
        return Plugin::Disabled(arg);
    }
    let enabled = line.list("enable-admission-plugins");
    if let Some((_, arg)) = enabled.iter().find(|(p, _)| p == name) {
        return Plugin::Enabled(arg);
    }
    if ENABLED_BY_DEFAULT.contains(&name) {
        return Plugin::EnabledByDefault;
    }
    Plugin::Off(line.flag("enable-admission-plugins"))
}

/// Reports every API server that does not run `name`; `risk` says what is lost.
pub fn require(cx: &Context<'_>, sink: &mut Sink<'_>, name: &str, risk: &str) {
    for line in cx.command_lines(Component::ApiServer) {
        match plugin(line, name) {
            Plugin::Enabled(_) | Plugin::EnabledByDefault => {}
            Plugin::Disabled(arg) => {
                report_flag(sink, line, arg, &format!("disables {name}; {risk}"))
            }
            Plugin::NotInLegacyList(arg) => report_flag(
                sink,
                line,
                arg,
                &format!(
                    "the deprecated --admission-control list replaces the defaults and does not \
                     include {name}; {risk}"
                ),
            ),
            Plugin::Off(Some(arg)) => report_flag(
                sink,
                line,
                arg,
                &format!("does not include {name}, which is off by default; {risk}"),
            ),
            Plugin::Off(None) => report_unset(
                sink,
                line,
                "enable-admission-plugins",
                &format!("{name} is not enabled by default; {risk}"),
            ),
        }
    }
}
