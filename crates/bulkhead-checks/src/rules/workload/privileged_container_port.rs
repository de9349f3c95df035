use bulkhead_model::{Node, Object};

use crate::rules::common::describe;
use crate::{declare_check, Compliance, Context, Family, Run, Severity, Sink};

declare_check! {
    /// ## What it checks
    /// Containers that declare a `containerPort` below 1024, the privileged port range.
    /// Port 22 is reported by [BHN031](BHN031.md) as SSH as well.
    ///
    /// ## Why it matters
    /// Binding a port below 1024 traditionally takes root or `CAP_NET_BIND_SERVICE`, so an
    /// image that listens on 80 or 443 is usually built to start as root or keeps a
    /// capability it would not otherwise need. Recent container runtimes lower
    /// `net.ipv4.ip_unprivileged_port_start` to 0 inside the pod, which makes the port work
    /// without privilege, but the image's design often still assumes root. Listening on a
    /// high port (8080, 8443) and mapping the Service port to it removes the question.
    ///
    /// ## Example
    /// ```yaml
    /// containers:
    ///   - name: web
    ///     ports:
    ///       - containerPort: 80
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    ///     ports:
    ///       - containerPort: 8080
    /// ```
    /// and a Service with `port: 80, targetPort: 8080`.
    ///
    /// ## References
    /// - https://kubernetes.io/docs/concepts/security/linux-kernel-security-constraints/
    /// - NSA-CISA Kubernetes Hardening Guidance, "Pod security: non-root containers"
    pub static PRIVILEGED_CONTAINER_PORT = Check {
        id: "BHW044",
        slug: "privileged-container-port",
        severity: Severity::Info,
        family: Family::Workload,
        remediation: "listen on a port of 1024 or above and map the Service's port to it",
        compliance: Compliance {
            cis: &[],
            pss: &[],
            nsa: &["Pod security: non-root containers and privileges"],
            mitre: &[],
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
        let ports = container.get("ports").map(Node::as_seq).unwrap_or(&[]);
        for (i, port) in ports.iter().enumerate() {
            let Some(number) = port.get("containerPort").and_then(Node::as_i64) else {
                continue;
            };
            if (1..1024).contains(&number) {
                sink.report(
                    object,
                    &container.pointer_to(&format!("ports/{i}/containerPort")),
                    format!(
                        "{} listens on privileged port {number} (below 1024)",
                        describe(&container)
                    ),
                );
            }
        }
    }
}
