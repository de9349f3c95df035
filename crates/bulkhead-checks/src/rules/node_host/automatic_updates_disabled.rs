use bulkhead_model::Object;

use crate::rules::node_host::facts::{boolean, spec_of, text};
use crate::{declare_check, Compliance, Context, Family, Run, Severity, Sink};

declare_check! {
    /// ## What it checks
    /// Whether the node's package manager installs security updates by itself: APT's
    /// unattended-upgrades installed and `APT::Periodic::Unattended-Upgrade` not `0` (the last
    /// value of `/etc/apt/apt.conf.d`), dnf-automatic's timer enabled and `apply_updates = yes`
    /// (or the `dnf-automatic-install` timer), or SUSE's `AOU_ENABLE_CRONJOB="true"`. The finding
    /// names the setting that decided it, and the time of the last update where the system records
    /// one.
    ///
    /// ## Why it matters
    /// Most node compromises use vulnerabilities that had a fix for weeks. A node whose packages
    /// update only when someone remembers runs every one of them until then. (Nodes replaced from a
    /// freshly built image instead of updated in place can suppress this finding, saying so.)
    ///
    /// ## Example
    /// ```text
    /// # /etc/apt/apt.conf.d/20auto-upgrades
    /// APT::Periodic::Unattended-Upgrade "0";
    /// ```
    ///
    /// Use instead:
    /// ```text
    /// APT::Periodic::Update-Package-Lists "1";
    /// APT::Periodic::Unattended-Upgrade "1";
    /// ```
    ///
    /// ## References
    /// - CIS Distribution Independent Linux Benchmark v2.0.0, 1.8 "Ensure updates, patches, and
    ///   additional security software are installed" (not scored)
    /// - NSA-CISA Kubernetes Hardening Guidance v1.2, "Upgrading and application security practices"
    pub static AUTOMATIC_UPDATES_DISABLED = Check {
        id: "BHN065",
        slug: "automatic-updates-disabled",
        severity: Severity::Medium,
        family: Family::NodeHost,
        remediation: "enable automatic security updates: unattended-upgrades (APT::Periodic::Unattended-Upgrade \"1\"), dnf-automatic with apply_updates = yes and its timer, or AOU_ENABLE_CRONJOB=\"true\"",
        compliance: Compliance {
            cis: &[],
            pss: &[],
            nsa: &["Upgrading and application security practices"],
            mitre: &[],
        },
        run: Run::Object(check),
        reads: crate::Reads::Kinds(&["UpdatePolicy"]),
    };
}

fn check(_cx: &Context<'_>, object: &Object, sink: &mut Sink<'_>) {
    let Some(spec) = spec_of(object, "UpdatePolicy") else {
        return;
    };
    if spec.get("enabled").and_then(boolean) == Some(true) {
        return;
    }
    let manager = text(spec, "manager").unwrap_or_default();
    let reason = text(spec, "reason").unwrap_or_default();
    let last = match text(spec, "lastUpdate") {
        Some(when) => format!("; last update recorded {when}"),
        None => String::new(),
    };
    sink.report(
        object,
        "/spec/enabled",
        format!("{manager} does not install security updates automatically: {reason}{last}"),
    );
}
