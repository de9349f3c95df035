use bulkhead_node::Component;

use crate::rules::control_plane::flags::origin;
use crate::rules::versions::data::{data, Fix};
use crate::rules::versions::version::{is_kubernetes_component, read_version, runs_on_windows};
use crate::{declare_check, Compliance, Context, Family, Run, Severity, Sink};

declare_check! {
    /// ## What it checks
    /// Control-plane and node components running a patch release with known vulnerabilities.
    /// They come from the Kubernetes security announcements Bulkhead ships with (CVE id,
    /// affected component, first fixed patch of each minor, severity). One finding per component lists every
    /// CVE that applies, at the severity of the worst, and the patch that fixes them all.
    /// Issues of Windows nodes are only reported for components known to run on Windows.
    /// Versions that cannot be read, and pre-releases, are not guessed.
    ///
    /// ## Why it matters
    /// Kubernetes security fixes ship as patch releases of every supported minor, announced
    /// with the affected versions; from then on, scanners and attackers know exactly which
    /// builds to look for. A cluster whose minor is supported but whose patch level is old
    /// keeps those holes open for no reason: a patch upgrade within a minor is the safest
    /// upgrade there is.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: node.bulkhead.dev/v1
    /// kind: Process
    /// metadata: {name: kubelet}
    /// spec:
    ///   version: "Kubernetes v1.30.2"   # CVE-2024-10220, fixed in v1.30.3
    /// ```
    ///
    /// Use instead: upgrade to the latest patch release of the minor.
    /// ```yaml
    /// spec:
    ///   version: "Kubernetes v1.30.14"
    /// ```
    ///
    /// ## References
    /// - NSA-CISA Kubernetes Hardening Guidance v1.2, "Upgrading and application security
    ///   practices"
    /// - Kubernetes official CVE feed
    ///   (https://kubernetes.io/docs/reference/issues-security/official-cve-feed/)
    /// - Kubernetes security and disclosure information
    ///   (https://kubernetes.io/docs/reference/issues-security/security/)
    pub static VULNERABLE_PATCH = Check {
        id: "BHV002",
        slug: "vulnerable-kubernetes-patch",
        severity: Severity::High,
        family: Family::Versions,
        remediation: "upgrade the component to a patch release that fixes the listed CVEs",
        compliance: Compliance {
            cis: &[],
            pss: &[],
            nsa: &["Upgrading and application security practices"],
            mitre: &["T1190", "T1068"],
        },
        run: Run::Inventory(check),
    };
}

fn check(cx: &Context<'_>, sink: &mut Sink<'_>) {
    let data = data();
    for component in Component::ALL
        .into_iter()
        .filter(|c| is_kubernetes_component(*c))
    {
        for line in cx.command_lines(component) {
            let Some(reading) = read_version(line) else {
                continue;
            };
            let version = reading.version;
            if version.prerelease {
                continue;
            }
            let windows = runs_on_windows(line);
            let found: Vec<_> = data
                .vulnerabilities
                .iter()
                .filter(|v| v.components.iter().any(|c| c == component.program()))
                .filter(|v| windows || !v.windows_only)
                .filter_map(|v| Some((v, v.affects(&version)?)))
                .collect();
            let Some(worst) = found.iter().map(|(v, _)| v.severity).max() else {
                continue;
            };
            let listed: Vec<String> = found
                .iter()
                .map(|(v, fix)| {
                    let fixed = match fix {
                        Fix::Patch(p) => format!("fixed in {p}"),
                        Fix::NewerMinor(p) => {
                            format!("no fix for {}; first fixed in {p}", version.minor_name())
                        }
                    };
                    format!("{} ({}, {fixed}): {}", v.id, v.severity, v.summary)
                })
                .collect();
            let patch_fix = found
                .iter()
                .filter_map(|(_, fix)| match fix {
                    Fix::Patch(p) => Some(*p),
                    Fix::NewerMinor(_) => None,
                })
                .max();
            let advice = if found.iter().any(|(_, f)| matches!(f, Fix::NewerMinor(_))) {
                format!(
                    "{} never received some of these fixes: upgrade to a supported minor",
                    version.minor_name()
                )
            } else {
                match patch_fix {
                    Some(p) => format!("upgrade to {p} or later"),
                    None => String::new(),
                }
            };
            sink.report_with(
                reading.object,
                &reading.pointer,
                worst,
                format!(
                    "{} {} ({}, {}) has known vulnerabilities; {advice}. {}",
                    component.program(),
                    version,
                    reading.written,
                    origin(line),
                    listed.join("; ")
                ),
            );
        }
    }
}
