use bulkhead_model::{Node, Object};

use crate::rules::common::describe;
use crate::rules::images::parse_image;
use crate::{declare_check, Compliance, Context, Family, Run, Severity, Sink};

declare_check! {
    /// ## What it checks
    /// Container images referenced without a tag or with the `latest` tag, and without a
    /// digest (`@sha256:...`).
    ///
    /// ## Why it matters
    /// `latest` (which is what a missing tag means) names whatever was pushed last. The code
    /// that runs changes without any change to the manifest, different nodes can run
    /// different code, a rollback does not roll back, and a compromised registry account
    /// reaches production on the next pod restart.
    ///
    /// ## Example
    /// ```yaml
    /// image: nginx
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// image: nginx:1.27.3@sha256:0a399eb16751829e1af26fea27b20c3ec28d7ab1fb72182879dcae1cca21206a
    /// ```
    ///
    /// ## References
    /// - NSA-CISA Kubernetes Hardening Guidance, "Building secure container images"
    /// - MITRE ATT&CK T1525 (Implant Internal Image)
    pub static MUTABLE_IMAGE_TAG = Check {
        id: "BHI001",
        slug: "mutable-image-tag",
        severity: Severity::Medium,
        family: Family::Images,
        remediation: "pin the image to a version tag, ideally with its digest (image:tag@sha256:...)",
        compliance: Compliance {
            cis: &[],
            pss: &[],
            nsa: &["Pod security: building secure container images"],
            mitre: &["T1525"],
        },
        run: Run::Object(check),
        reads: crate::Reads::PodSpecs,
    };
}

/// The tag of an image reference, `None` when it has none. A reference pinned by a
/// well-formed digest is reported as `Some("@digest")` so that callers treat it as pinned; a
/// malformed digest pins nothing, and the tag before it decides.
fn tag(image: &str) -> Option<&str> {
    if parse_image(image).is_pinned() {
        return Some("@digest");
    }
    let image = image.split_once('@').map_or(image, |(name, _)| name);
    let last_segment = image.rsplit('/').next().unwrap_or(image);
    last_segment.rsplit_once(':').map(|(_, tag)| tag)
}

fn check(cx: &Context<'_>, object: &Object, sink: &mut Sink<'_>) {
    let Some(pod) = cx.pod_spec(object) else {
        return;
    };
    for container in pod.containers() {
        let Some(image) = container.get("image").and_then(Node::as_str) else {
            continue;
        };
        let problem = match tag(image) {
            None => "has no tag (it means latest)",
            Some("latest") => "uses the mutable tag latest",
            Some(_) => continue,
        };
        sink.report(
            object,
            &container.pointer_to("image"),
            format!("{}: image \"{image}\" {problem}", describe(&container)),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::tag;

    #[test]
    fn tags_are_read_after_the_last_slash() {
        assert_eq!(tag("nginx"), None);
        assert_eq!(tag("nginx:1.2"), Some("1.2"));
        assert_eq!(tag("registry:5000/team/app"), None);
        assert_eq!(tag("registry:5000/team/app:latest"), Some("latest"));
        let digest = "0a".repeat(32);
        assert_eq!(tag(&format!("app@sha256:{digest}")), Some("@digest"));
        assert_eq!(tag("app@sha256:abcd"), None);
        assert_eq!(tag("app:1.2@sha256:abcd"), Some("1.2"));
    }
}
