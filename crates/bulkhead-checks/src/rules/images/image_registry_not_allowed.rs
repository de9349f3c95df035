use bulkhead_model::Object;

use crate::rules::common::describe;
use crate::rules::images::{normalize_registry, parse_image};
use crate::{declare_check, Compliance, Context, Family, Run, Severity, Sink};

declare_check! {
    /// ## What it checks
    /// Container images that do not come from one of the registries allowed with
    /// `--allowed-registry` (repeatable). Without that option the check does nothing.
    ///
    /// An allowed entry is a registry host, optionally followed by a path:
    /// `registry.example`, `registry.example:5000`, `ghcr.io/acme`. An image is allowed
    /// when its full name is the entry or lies below it on a `/` boundary, so `ghcr.io/acme`
    /// allows `ghcr.io/acme/api` but not `ghcr.io/acme-evil/api`, and `registry.example` does
    /// not allow `registry.example.evil.com/app`. Image names are read as container runtimes
    /// read them: an image without a registry host comes from Docker Hub, so `nginx` is
    /// `docker.io/library/nginx` (allowed by `docker.io` or `docker.io/library`) and
    /// `bitnami/redis` is `docker.io/bitnami/redis`. Hosts compare case-insensitively,
    /// `index.docker.io` is `docker.io`, and a port is part of the host. A trailing `/` and
    /// an `https://` prefix on an entry are ignored.
    ///
    /// ## Why it matters
    /// Which registries a cluster pulls from is a supply-chain boundary: images from an
    /// internal registry have been built by known pipelines, scanned and signed; an image
    /// from anywhere else runs code nobody vetted, and a typo-squatted or hijacked public
    /// repository is all an attacker needs.
    ///
    /// Severity: medium; the allow-list is the organization's own policy, and an image
    /// outside it has skipped the controls the list stands for.
    ///
    /// ## Example
    /// With `--allowed-registry registry.example/`:
    /// ```yaml
    /// image: nginx:1.27.3
    /// ```
    ///
    /// Use instead: mirror the image into an allowed registry and reference it there.
    /// ```yaml
    /// image: registry.example/mirror/nginx:1.27.3
    /// ```
    ///
    /// ## References
    /// - CIS Kubernetes Benchmark v1.12, 5.5.1
    /// - NSA-CISA Kubernetes Hardening Guidance, "Building secure container images"
    /// - MITRE ATT&CK T1525 (Implant Internal Image)
    pub static IMAGE_REGISTRY_NOT_ALLOWED = Check {
        id: "BHI004",
        slug: "image-registry-not-allowed",
        severity: Severity::Medium,
        family: Family::Images,
        remediation: "pull the image from an allowed registry (mirror it there), or extend --allowed-registry",
        compliance: Compliance {
            cis: &["5.5.1"],
            pss: &[],
            nsa: &["Pod security: building secure container images"],
            mitre: &["T1525"],
        },
        run: Run::Object(check),
        reads: crate::Reads::PodSpecs,
    };
}

/// `https://Registry.Example/team/` → `registry.example/team`.
fn normalize_entry(entry: &str) -> String {
    let entry = entry.trim();
    let entry = entry
        .strip_prefix("https://")
        .or_else(|| entry.strip_prefix("http://"))
        .unwrap_or(entry)
        .trim_end_matches('/');
    match entry.split_once('/') {
        Some((host, path)) => format!("{}/{path}", normalize_registry(host)),
        None => normalize_registry(entry),
    }
}

fn is_allowed(name: &str, allowed: &[String]) -> bool {
    allowed.iter().any(|entry| {
        name == entry
            || name
                .strip_prefix(entry.as_str())
                .is_some_and(|rest| rest.starts_with('/'))
    })
}

fn check(cx: &Context<'_>, object: &Object, sink: &mut Sink<'_>) {
    if cx.options.allowed_registries.is_empty() {
        return;
    }
    let Some(pod) = cx.pod_spec(object) else {
        return;
    };
    let allowed: Vec<String> = cx
        .options
        .allowed_registries
        .iter()
        .map(|e| normalize_entry(e))
        .filter(|e| !e.is_empty())
        .collect();
    for container in pod.containers() {
        let Some(image) = container.image() else {
            continue;
        };
        let name = parse_image(image).name();
        if !is_allowed(&name, &allowed) {
            sink.report(
                object,
                &container.pointer_to("image"),
                format!(
                    "{}: image \"{image}\" ({name}) is not from an allowed registry ({})",
                    describe(&container),
                    allowed.join(", ")
                ),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{run_checks, Options};
    use bulkhead_model::{load_text, Inventory, Limits};

    fn flagged(allowed: &[&str], images: &[&str]) -> Vec<String> {
        let containers: String = images
            .iter()
            .enumerate()
            .map(|(i, image)| format!("      - name: c{i}\n        image: \"{image}\"\n"))
            .collect();
        let text = format!(
            "apiVersion: v1\nkind: Pod\nmetadata: {{name: p, namespace: ns}}\nspec:\n  containers:\n{containers}"
        );
        let loaded = load_text("p.yaml", &text, &Limits::default());
        assert!(loaded.errors.is_empty(), "{:?}", loaded.errors);
        let options = Options {
            allowed_registries: allowed.iter().map(|s| s.to_string()).collect(),
            ..Options::default()
        };
        run_checks(
            &Inventory::new(loaded.objects),
            &[&IMAGE_REGISTRY_NOT_ALLOWED],
            &options,
        )
        .into_iter()
        .map(|f| f.message.split('"').nth(3).unwrap_or_default().to_string())
        .collect()
    }

    #[test]
    fn images_outside_the_allowed_prefixes_are_reported() {
        let images = [
            "registry.example/app:1.2",
            "REGISTRY.example/team/app@sha256:abcd",
            "registry.example.evil.com/app:1.2",
            "registry.example:5000/app:1.2",
            "nginx:1.27",
            "ghcr.io/acme/api:2",
            "ghcr.io/acme-evil/api:2",
        ];
        assert_eq!(
            flagged(&["https://registry.example/", "ghcr.io/acme"], &images),
            [
                "registry.example.evil.com/app:1.2",
                "registry.example:5000/app:1.2",
                "nginx:1.27",
                "ghcr.io/acme-evil/api:2",
            ]
        );
    }

    #[test]
    fn docker_hub_defaults_apply() {
        let images = [
            "nginx",
            "library/redis:7",
            "bitnami/redis:7",
            "docker.io/library/busybox",
        ];
        assert_eq!(
            flagged(&["docker.io/library"], &images),
            ["bitnami/redis:7"]
        );
        assert!(flagged(&["index.docker.io"], &images).is_empty());
    }

    #[test]
    fn nothing_is_reported_without_an_allow_list() {
        assert!(flagged(&[], &["nginx", "evil.example/x"]).is_empty());
    }
}
