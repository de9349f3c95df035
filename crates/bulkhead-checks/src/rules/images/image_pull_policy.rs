use bulkhead_model::{Node, Object};

use crate::rules::common::describe;
use crate::rules::images::parse_image;
use crate::{declare_check, Compliance, Context, Family, Run, Severity, Sink};

declare_check! {
    /// ## What it checks
    /// Containers whose image is not pinned by digest and whose effective `imagePullPolicy` is
    /// not `Always`.
    ///
    /// That is a policy set to `IfNotPresent` or `Never`, or unset with a tag other than
    /// `latest`, in which case Kubernetes defaults it to `IfNotPresent`. Images pinned by
    /// digest are never reported, whatever the policy.
    ///
    /// ## Why it matters
    /// With `IfNotPresent`, a node reuses whatever image it cached under that tag. Different
    /// nodes then run different code for the same manifest after the tag moves, and any pod
    /// scheduled on the node can start a private image that another tenant pulled, without
    /// the registry ever checking its `imagePullSecrets` (unless the cluster runs the
    /// `AlwaysPullImages` admission plugin).
    ///
    /// Severity: info, because the trade-off is real: `Always` makes every container start
    /// contact the registry (start-up latency, rate limits, a registry outage blocks
    /// restarts). The better fix is a digest ([BHI002](BHI002.md)): a digest-pinned image is
    /// immutable, so `IfNotPresent` is then both safe and cheap.
    ///
    /// ## Example
    /// ```yaml
    /// image: registry.example/app:1.4.2
    /// imagePullPolicy: IfNotPresent
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// image: registry.example/app:1.4.2@sha256:0a399eb16751829e1af26fea27b20c3ec28d7ab1fb72182879dcae1cca21206a
    /// imagePullPolicy: IfNotPresent
    /// ```
    /// or keep the tag and set `imagePullPolicy: Always`.
    ///
    /// ## References
    /// - CIS Kubernetes Benchmark v1.12, 1.2.11 (the AlwaysPullImages admission plugin enforces this cluster-wide; not decided by this check)
    /// - NSA-CISA Kubernetes Hardening Guidance, "Building secure container images"
    /// - MITRE ATT&CK T1525 (Implant Internal Image)
    pub static IMAGE_PULL_POLICY = Check {
        id: "BHI003",
        slug: "image-pull-policy",
        severity: Severity::Info,
        family: Family::Images,
        remediation: "pin the image by digest, or set imagePullPolicy: Always",
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

fn check(cx: &Context<'_>, object: &Object, sink: &mut Sink<'_>) {
    let Some(pod) = cx.pod_spec(object) else {
        return;
    };
    for container in pod.containers() {
        let Some(image) = container.image() else {
            continue;
        };
        let reference = parse_image(image);
        if reference.is_pinned() {
            continue;
        }
        let who = describe(&container);
        let message = match container.get("imagePullPolicy").and_then(Node::as_str) {
            Some("Always") => continue,
            Some(policy) => format!(
                "{who}: image \"{image}\" is not pinned by digest and imagePullPolicy is {policy}"
            ),
            // Kubernetes defaults to Always for `latest` and for no tag.
            None if matches!(reference.tag, None | Some("latest")) => continue,
            None => format!(
                "{who}: image \"{image}\" is not pinned by digest and imagePullPolicy defaults to IfNotPresent"
            ),
        };
        sink.report(object, &container.pointer_to("imagePullPolicy"), message);
    }
}
