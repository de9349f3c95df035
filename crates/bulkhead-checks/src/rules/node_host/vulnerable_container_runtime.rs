use bulkhead_model::Object;

use crate::rules::node_host::facts::{spec_of, text};
use crate::rules::node_host::runtime_data::{data, is_distribution_build, Release};
use crate::{declare_check, Compliance, Context, Family, Run, Severity, Sink};

declare_check! {
    /// ## What it checks
    /// Installed container runtimes (containerd, runc, Docker Engine, CRI-O), as the program
    /// itself answers (`containerd --version`, when `bulkhead node` runs on the node) or the
    /// package database records them (`/var/lib/dpkg/status`, or RPM's
    /// `/var/lib/rpm/rpmdb.sqlite`), against the known-vulnerable releases Bulkhead ships with
    /// (`runtimes.yaml` beside this check: CVE id, affected runtime, first fixed release of each
    /// line, severity, and the advisory it comes from). The finding names where the version was
    /// read. Distribution packages (a revision such as `0ubuntu1`) may carry backported fixes:
    /// the finding says so, and the distribution's advisory decides.
    ///
    /// ## Why it matters
    /// Runtime vulnerabilities are container escapes: CVE-2024-21626 in runc let a container (or
    /// an image) reach the host's file system. The Kubernetes version can be current while the
    /// runtime under it is years old.
    ///
    /// ## Example
    /// ```yaml
    /// kind: RuntimeVersion
    /// spec:
    ///   runtime: runc
    ///   version: "1.1.11"
    ///   package: runc
    ///   packageVersion: "1.1.11-1"
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    ///   version: "1.1.12"
    /// ```
    ///
    /// ## References
    /// - GitHub security advisory GHSA-xr7r-f8xq-vfvv (runc, CVE-2024-21626)
    /// - GitHub security advisory GHSA-crp2-qrr5-8pq7 (containerd, CVE-2022-23648)
    /// - GitHub security advisory GHSA-36xw-fx78-c5r4 (containerd, CVE-2020-15257)
    /// - CRI-O security advisory GHSA-6x2m-w449-qwx7 (CVE-2022-0811)
    /// - CIS Docker Benchmark v1.6.0, 1.2.2 "Ensure that the version of Docker is up to date"
    /// - MITRE ATT&CK T1611 (Escape to Host)
    pub static VULNERABLE_CONTAINER_RUNTIME = Check {
        id: "BHN085",
        slug: "vulnerable-container-runtime",
        severity: Severity::High,
        family: Family::NodeHost,
        remediation: "upgrade the runtime package to a release that fixes the listed CVEs (or confirm the distribution backported the fix)",
        compliance: Compliance {
            cis: &[],
            pss: &[],
            nsa: &[],
            mitre: &["T1611"],
        },
        run: Run::Object(check),
        reads: crate::Reads::Kinds(&["RuntimeVersion"]),
    };
}

fn check(_cx: &Context<'_>, object: &Object, sink: &mut Sink<'_>) {
    let Some(spec) = spec_of(object, "RuntimeVersion") else {
        return;
    };
    let (Some(runtime), Some(written)) = (text(spec, "runtime"), text(spec, "version")) else {
        return;
    };
    let Some(version) = Release::parse(&written) else {
        sink.report(
            object,
            "/spec/version",
            format!(
                "{runtime} version `{written}` is not a release number, so it cannot be judged"
            ),
        );
        return;
    };
    let found: Vec<_> = data()
        .iter()
        .filter(|v| v.runtime == runtime)
        .filter_map(|v| Some((v, v.fixed_for(&version)?)))
        .collect();
    let Some(worst) = found.iter().map(|(v, _)| v.severity).max() else {
        return;
    };
    let listed: Vec<String> = found
        .iter()
        .map(|(v, fix)| format!("{} ({}, fixed in {fix}): {}", v.id, v.severity, v.summary))
        .collect();
    let source = text(spec, "source").unwrap_or_default();
    let (read_from, backport) = match (text(spec, "package"), text(spec, "packageVersion")) {
        (Some(package), Some(package_version)) => (
            format!("package {package} {package_version} in {source}"),
            is_distribution_build(&package_version),
        ),
        _ => (format!("from `{source}`"), false),
    };
    let backport = if backport {
        "; this is a distribution build, which may carry the fixes: check its advisory"
    } else {
        ""
    };
    sink.report_with(
        object,
        "/spec/version",
        worst,
        format!(
            "{runtime} {written} ({read_from}) has known vulnerabilities{backport}. {}",
            listed.join("; ")
        ),
    );
}
