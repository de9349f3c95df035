use bulkhead_node::Component;

use crate::policy::date::Date;
use crate::rules::control_plane::flags::origin;
use crate::rules::versions::data::data;
use crate::rules::versions::version::{is_kubernetes_component, read_version};
use crate::{declare_check, Compliance, Context, Family, Run, Severity, Sink};

declare_check! {
    /// ## What it checks
    /// Control-plane and node components running a Kubernetes minor release past its end of
    /// life. The API server, controller manager, scheduler, kubelet and kube-proxy are judged
    /// against today's date and the release dates Bulkhead ships with. The version comes from a
    /// static Pod's image tag or a process's reported version; a version that cannot be read,
    /// and a minor newer than the data knows, are not guessed.
    ///
    /// ## Why it matters
    /// Each Kubernetes minor gets patches for about fourteen months. After its end-of-life
    /// date, vulnerabilities found in it are still published, with exploit details, but no
    /// fixed patch release follows: the component stays vulnerable to everything announced
    /// from then on. Running behind also makes the eventual upgrade a jump over several
    /// minors, with removed APIs and flags at each step.
    ///
    /// ## Example
    /// ```yaml
    /// containers:
    ///   - name: kube-apiserver
    ///     image: registry.k8s.io/kube-apiserver:v1.30.14   # end of life 2025-07-15
    /// ```
    ///
    /// Use instead: upgrade one minor at a time to a supported release.
    /// ```yaml
    /// containers:
    ///   - name: kube-apiserver
    ///     image: registry.k8s.io/kube-apiserver:v1.37.1
    /// ```
    ///
    /// ## References
    /// - NSA-CISA Kubernetes Hardening Guidance v1.2, "Upgrading and application security
    ///   practices"
    /// - Kubernetes releases and support periods (https://kubernetes.io/releases/)
    /// - Kubernetes version skew policy
    ///   (https://kubernetes.io/releases/version-skew-policy/)
    pub static UNSUPPORTED_MINOR = Check {
        id: "BHV001",
        slug: "unsupported-kubernetes-minor",
        severity: Severity::High,
        family: Family::Versions,
        remediation: "upgrade the component, one minor at a time, to a Kubernetes release that is still supported",
        compliance: Compliance {
            cis: &[],
            pss: &[],
            nsa: &["Upgrading and application security practices"],
            mitre: &["T1190"],
        },
        run: Run::Inventory(check),
    };
}

fn check(cx: &Context<'_>, sink: &mut Sink<'_>) {
    let data = data();
    let today = Date::today();
    for component in Component::ALL
        .into_iter()
        .filter(|c| is_kubernetes_component(*c))
    {
        for line in cx.command_lines(component) {
            let Some(reading) = read_version(line) else {
                continue;
            };
            let version = reading.version;
            if version.major != 1 {
                continue;
            }
            let minor = (version.major, version.minor);
            let verdict = match data.release(minor) {
                Some(release) if release.end_of_life < today => format!(
                    "Kubernetes {} reached end of life on {} and gets no security fixes",
                    version.minor_name(),
                    release.end_of_life
                ),
                Some(_) => continue,
                None if minor < data.oldest().minor => format!(
                    "Kubernetes {} is older than {}, the oldest minor Bulkhead's release data lists, which itself reached end of life on {}",
                    version.minor_name(),
                    data.oldest().minor_name(),
                    data.oldest().end_of_life
                ),
                // Newer than the data: unknown, not unsupported.
                None => continue,
            };
            let oldest_supported = data
                .releases
                .iter()
                .find(|r| r.end_of_life >= today)
                .map_or(String::new(), |r| {
                    format!("; the oldest supported minor is {}", r.minor_name())
                });
            sink.report(
                reading.object,
                &reading.pointer,
                format!(
                    "{} {} ({}, {}): {verdict}{oldest_supported}",
                    component.program(),
                    version,
                    reading.written,
                    origin(line)
                ),
            );
        }
    }
}
