//! The `.bulkhead.yaml` that `bulkhead init` writes: every setting a project adopting
//! Bulkhead is likely to want, commented, so the file teaches its own keys. It must load
//! with [`crate::config::load`] exactly as written (a test holds it to that).

use std::fmt::Write;

use bulkhead_checks::{all_checks, Family, Severity};

/// What `init` decided for the project.
pub struct Template {
    /// The failure threshold written as `fail-on`.
    pub fail_on: Severity,
    /// The baseline file name written as `baseline`, when a baseline was taken.
    pub baseline: Option<String>,
}

/// What each family of checks looks at, one line each, for the comments.
fn family_line(family: Family) -> &'static str {
    match family {
        Family::Workload => "pod and container security context, host access, tokens",
        Family::Resources => "requests, limits, probes, quotas",
        Family::Images => "tags, digests, pull policy, registries",
        Family::Secrets => "credentials written in manifests",
        Family::Multitenancy => "namespace use and tenancy boundaries",
        Family::Deprecations => "API versions removed in the target Kubernetes version",
        Family::KnownRisks => "dashboards, Tiller, CVE-linked annotations",
        Family::References => "references to objects that do not exist",
        Family::Rbac => "risky grants and escalation paths",
        Family::Network => "NetworkPolicy coverage, reachability, exposure",
        Family::ControlPlane => "API server, controller manager, scheduler, etcd flags",
        Family::Kubelet => "kubelet and kube-proxy settings",
        Family::NodeFiles => "node file modes, owners, certificates",
        Family::Versions => "supported and known-vulnerable component versions",
        Family::NodeHost => "kernel, SSH, updates, listeners, container runtimes, node identity",
        Family::AttackPaths => "chains from the internet to cluster-admin",
        Family::Policy => "admission policies in the inputs, custom rules in CEL",
    }
}

impl Template {
    /// The file's text.
    pub fn render(&self) -> String {
        let mut out = String::new();
        out.push_str(
            "# Bulkhead configuration: read by `bulkhead scan` in this directory and below.\n\
             # Every key is optional; `bulkhead explain ID` documents a check.\n\n",
        );
        out.push_str(
            "# Checks to run: ids (BHW001), id prefixes (BHW), names or families.\n\
             # Without `select`, every check runs. The families, with their checks:\n",
        );
        for family in Family::ALL {
            let count = all_checks().iter().filter(|c| c.family == family).count();
            let _ = writeln!(
                out,
                "#   {:<14} {:>3}  {}",
                family.name(),
                count,
                family_line(family)
            );
        }
        out.push_str("# select: [workload, secrets, rbac, network]\n\n");
        out.push_str(
            "# Checks not to run, e.g. ones another tool already enforces.\n# ignore: [BHQ003]\n\n",
        );
        out.push_str(
            "# A finding at or above this severity fails the scan (exit code 1):\n\
             # critical, high, medium, low or info.\n",
        );
        let _ = writeln!(out, "fail-on: {}\n", self.fail_on);
        out.push_str(
            "# Registries images may come from (prefixes). Without it, any registry is accepted\n\
             # and the registry check (BHI004) reports nothing.\n\
             # allowed-registries: [registry.example.com/, ghcr.io/my-org/]\n\n",
        );
        out.push_str(
            "# Pod Security Standards level and version the workload checks hold pods to.\n\
             # pss: {level: restricted, version: latest}\n\n\
             # The Kubernetes version the manifests target (deprecated and removed APIs).\n\
             # kubernetes-version: \"1.34\"\n\n\
             # Paths, namespaces and kinds not to scan.\n\
             # exclude:\n\
             #   paths: [\"vendor/**\", \"**/testdata/**\"]\n\
             #   namespaces: [kube-system]\n\
             #   kinds: [CustomResourceDefinition]\n\n\
             # A framework judged on every scan: cis-1.12, pss-restricted, pss-baseline,\n\
             # nsa-cisa-1.2, mitre-containers (`bulkhead frameworks`).\n\
             # framework: cis-1.12\n\n\
             # Severity per check, where the default does not fit this project.\n\
             # severity: {BHW006: medium}\n",
        );
        match &self.baseline {
            Some(name) => {
                let _ = write!(
                    out,
                    "\n# Findings accepted when Bulkhead was adopted: they are counted, never failed.\n\
                     # Regenerate with `bulkhead scan --write-baseline {name} .` after fixing some.\n\
                     baseline: {name}\n"
                );
            }
            None => out.push_str(
                "\n# Findings accepted when Bulkhead was adopted (`bulkhead init --baseline`).\n\
                 # baseline: .bulkhead-baseline.json\n",
            ),
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_rendering_loads_without_error() {
        let dir = std::env::temp_dir().join(format!("bulkhead-template-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        for baseline in [None, Some(".bulkhead-baseline.json".to_string())] {
            for fail_on in [Severity::Critical, Severity::Info] {
                let path = dir.join(".bulkhead.yaml");
                let template = Template {
                    fail_on,
                    baseline: baseline.clone(),
                };
                std::fs::write(&path, template.render()).unwrap();
                let config = crate::config::load(&path).unwrap();
                assert_eq!(config.fail_on, Some(fail_on));
                assert_eq!(
                    config.baseline,
                    baseline.as_ref().map(|name| dir.join(name))
                );
            }
        }
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
