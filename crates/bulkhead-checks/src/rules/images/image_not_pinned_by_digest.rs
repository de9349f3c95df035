use bulkhead_model::Object;

use crate::rules::common::describe;
use crate::rules::images::{digest_problem, parse_image};
use crate::{declare_check, Compliance, Context, Family, Run, Severity, Sink};

declare_check! {
    /// ## What it checks
    /// Container images (of every kind of container) referenced without a digest
    /// (`@sha256:...`), whatever their tag, and images whose digest is malformed: only a
    /// digest of the OCI image-spec's registered algorithms pins, `sha256:` followed by 64
    /// (or `sha512:` by 128) lower-case hexadecimal digits. `@sha256:abc`, upper-case digits
    /// or an unknown algorithm name no content, and the runtime refuses to pull them.
    ///
    /// ## Why it matters
    /// A tag, even `1.4.2`, is a pointer the registry lets anyone with push rights move. The
    /// image that runs can change without any change to the manifest or its review: a
    /// compromised CI job or registry account, or a re-pushed tag, reaches production on the
    /// next pod start, and two nodes can run different code under the same name. A digest
    /// names the content itself, so what was scanned and approved is what runs.
    ///
    /// Severity: low; a versioned tag is already much better than `latest` (reported by
    /// [BHI001](BHI001.md)), and pinning needs tooling (Renovate, Dependabot, `kustomize
    /// edit set image`, `crane digest`) to keep digests current.
    ///
    /// ## Example
    /// ```yaml
    /// image: registry.example/app:1.4.2
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// image: registry.example/app:1.4.2@sha256:0a399eb16751829e1af26fea27b20c3ec28d7ab1fb72182879dcae1cca21206a
    /// ```
    ///
    /// ## References
    /// - CIS Kubernetes Benchmark v1.12, 5.5.1
    /// - OCI Image Format Specification, "Descriptors: Digests" (grammar and registered algorithms)
    /// - NSA-CISA Kubernetes Hardening Guidance, "Building secure container images"
    /// - MITRE ATT&CK T1525 (Implant Internal Image)
    pub static IMAGE_NOT_PINNED_BY_DIGEST = Check {
        id: "BHI002",
        slug: "image-not-pinned-by-digest",
        severity: Severity::Low,
        family: Family::Images,
        remediation: "pin the image by digest (image:tag@sha256:...) and let a bot keep the digest up to date",
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

fn check(cx: &Context<'_>, object: &Object, sink: &mut Sink<'_>) {
    let Some(pod) = cx.pod_spec(object) else {
        return;
    };
    for container in pod.containers() {
        let Some(image) = container.image() else {
            continue;
        };
        let problem = match parse_image(image).digest {
            None => "is not pinned by digest".to_string(),
            Some(digest) => match digest_problem(digest) {
                None => continue,
                Some(problem) => format!("is not pinned: its digest {problem}"),
            },
        };
        sink.report(
            object,
            &container.pointer_to("image"),
            format!("{}: image \"{image}\" {problem}", describe(&container)),
        );
    }
}
