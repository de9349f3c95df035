use bulkhead_model::{Node, Object};

use crate::rules::node_host::facts::{
    boolean, child, containerd_cri, describe_config, spec_of, CriPart,
};
use crate::{declare_check, Compliance, Context, Family, Run, Severity, Sink};

declare_check! {
    /// ## What it checks
    /// Container runtimes told to pull images without verified TLS: containerd registry mirrors
    /// with an `http://` endpoint or `tls.insecure_skip_verify = true` in `registry.configs`
    /// (configuration versions 1 and 2), the `hosts.toml` files of the registry `config_path`
    /// (`/etc/containerd/certs.d/<registry>/hosts.toml`: an `http://` `server` or `[host]`, or
    /// `skip_verify = true`), CRI-O's `insecure_registries`, and Docker's
    /// `insecure-registries`.
    ///
    /// ## Why it matters
    /// An image pulled over plain HTTP or from a server whose certificate is not checked can be
    /// swapped by anyone on the path: the node then runs the attacker's code, with whatever
    /// privileges the Pod has, and digests in manifests do not help when the mirror is what was
    /// pinned.
    ///
    /// ## Example
    /// ```toml
    /// [plugins."io.containerd.grpc.v1.cri".registry.mirrors."docker.io"]
    ///   endpoint = ["http://mirror.internal:5000"]
    /// ```
    ///
    /// Use instead:
    /// ```toml
    /// [plugins."io.containerd.grpc.v1.cri".registry.mirrors."docker.io"]
    ///   endpoint = ["https://mirror.internal:5000"]
    /// ```
    ///
    /// ## References
    /// - CIS Docker Benchmark v1.6.0, 2.5 "Ensure insecure registries are not used"
    /// - containerd documentation, "Registry Configuration"
    /// - MITRE ATT&CK T1525 (Implant Internal Image)
    pub static RUNTIME_INSECURE_REGISTRY = Check {
        id: "BHN070",
        slug: "runtime-insecure-registry",
        severity: Severity::High,
        family: Family::NodeHost,
        remediation: "pull over HTTPS with verified certificates: remove insecure registries, http:// mirror endpoints and insecure_skip_verify",
        compliance: Compliance {
            cis: &[],
            pss: &[],
            nsa: &[],
            mitre: &["T1525"],
        },
        run: Run::Object(check),
    };
}

fn check(_cx: &Context<'_>, object: &Object, sink: &mut Sink<'_>) {
    if let Some(spec) = spec_of(object, "ContainerdConfig") {
        let what = describe_config(object, "containerd");
        for (pointer, cri) in containerd_cri(spec, CriPart::Images) {
            let registry = child(&pointer, "registry");
            for mirror in cri
                .path(&["registry", "mirrors"])
                .map(Node::as_map)
                .unwrap_or(&[])
            {
                let mirror_pointer = child(&child(&registry, "mirrors"), &mirror.key);
                let endpoints = mirror
                    .value
                    .get("endpoint")
                    .map(Node::as_seq)
                    .unwrap_or(&[]);
                for (i, endpoint) in endpoints.iter().enumerate() {
                    if endpoint.as_str().is_some_and(|e| e.starts_with("http://")) {
                        sink.report(
                            object,
                            &format!("{mirror_pointer}/endpoint/{i}"),
                            format!(
                                "{what} pulls {} images over plain HTTP from {}",
                                mirror.key,
                                endpoint.as_str().unwrap_or_default()
                            ),
                        );
                    }
                }
            }
            for config in cri
                .path(&["registry", "configs"])
                .map(Node::as_map)
                .unwrap_or(&[])
            {
                if config
                    .value
                    .path(&["tls", "insecure_skip_verify"])
                    .and_then(boolean)
                    == Some(true)
                {
                    sink.report(
                        object,
                        &format!(
                            "{}/tls/insecure_skip_verify",
                            child(&child(&registry, "configs"), &config.key)
                        ),
                        format!("{what} does not verify the certificate of {}", config.key),
                    );
                }
            }
        }
    }
    if let Some(spec) = spec_of(object, "ContainerdHostsConfig") {
        judge_hosts_file(object, spec, sink);
    }
    if let Some(spec) = spec_of(object, "CrioConfig") {
        let registries = spec
            .path(&["crio", "image", "insecure_registries"])
            .map(Node::as_seq)
            .unwrap_or(&[]);
        for (i, registry) in registries.iter().enumerate() {
            sink.report(
                object,
                &format!("/spec/crio/image/insecure_registries/{i}"),
                format!(
                    "{} pulls from {} without TLS verification",
                    describe_config(object, "CRI-O"),
                    registry.scalar_text().unwrap_or_default()
                ),
            );
        }
    }
    if let Some(spec) = spec_of(object, "DockerDaemonConfig") {
        let registries = spec
            .get("insecure-registries")
            .map(Node::as_seq)
            .unwrap_or(&[]);
        for (i, registry) in registries.iter().enumerate() {
            sink.report(
                object,
                &format!("/spec/insecure-registries/{i}"),
                format!(
                    "{} pulls from {} without TLS verification",
                    describe_config(object, "Docker"),
                    registry.scalar_text().unwrap_or_default()
                ),
            );
        }
    }
}

/// A `hosts.toml` of containerd's `config_path`: the upstream `server` and each `[host."…"]`
/// mirror, each refused when it speaks plain HTTP or does not verify the certificate.
fn judge_hosts_file(object: &Object, spec: &Node, sink: &mut Sink<'_>) {
    let what = format!("containerd {}", object.name);
    let registry = registry_of(&object.name);
    if let Some(server) = spec.get("server").and_then(Node::as_str) {
        if server.starts_with("http://") {
            sink.report(
                object,
                "/spec/server",
                format!("{what} pulls {registry} images over plain HTTP from {server}"),
            );
        }
    }
    if spec.get("skip_verify").and_then(boolean) == Some(true) {
        sink.report(
            object,
            "/spec/skip_verify",
            format!("{what} does not verify the certificate of the {registry} server"),
        );
    }
    for host in spec.get("host").map(Node::as_map).unwrap_or(&[]) {
        let pointer = child("/spec/host", &host.key);
        if host.key.starts_with("http://") {
            sink.report(
                object,
                &pointer,
                format!(
                    "{what} pulls {registry} images over plain HTTP from {}",
                    host.key
                ),
            );
        }
        if host.value.get("skip_verify").and_then(boolean) == Some(true) {
            sink.report(
                object,
                &format!("{pointer}/skip_verify"),
                format!("{what} does not verify the certificate of {}", host.key),
            );
        }
    }
}

/// `/etc/containerd/certs.d/docker.io/hosts.toml` → `docker.io` (`_default`: every registry).
fn registry_of(path: &str) -> &str {
    let dir = path.rsplit('/').nth(1).unwrap_or_default();
    if dir == "_default" {
        "every registry's"
    } else {
        dir
    }
}
