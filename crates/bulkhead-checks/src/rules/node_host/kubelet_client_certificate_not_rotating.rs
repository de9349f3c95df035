use bulkhead_model::Object;

use crate::rules::node_host::facts::{boolean, spec_of, text};
use crate::{declare_check, Compliance, Context, Family, Run, Severity, Sink};

declare_check! {
    /// ## What it checks
    /// The kubelet's client certificate is not rotated by the kubelet: the kubelet keeps a
    /// rotating certificate as `kubelet-client-current.pem`, a link to the dated file it last
    /// obtained; a regular file there was put in place by hand (or by a tool) and will not be
    /// renewed.
    ///
    /// ## Why it matters
    /// A certificate that is never renewed is either long-lived (a stolen copy stays valid for
    /// years) or expires one day and takes the node out of the cluster. Rotation keeps client
    /// certificates short-lived without anyone remembering them.
    ///
    /// ## Example
    /// ```yaml
    /// kind: NodeIdentity
    /// spec:
    ///   clientCertificate: /var/lib/kubelet/pki/kubelet-client-current.pem
    ///   clientCertificateRotating: false
    /// ```
    ///
    /// Use instead: `rotateCertificates: true` in the kubelet configuration (CIS 4.2.10, BHL010),
    /// and let the kubelet manage the file.
    ///
    /// ## References
    /// - Kubernetes documentation, "Configure Certificate Rotation for the Kubelet"
    /// - CIS Kubernetes Benchmark v1.12, 4.2.10 (the configuration side)
    pub static KUBELET_CLIENT_CERTIFICATE_NOT_ROTATING = Check {
        id: "BHN091",
        slug: "kubelet-client-certificate-not-rotating",
        severity: Severity::Medium,
        family: Family::NodeHost,
        remediation: "enable rotateCertificates in the kubelet configuration; the kubelet then keeps kubelet-client-current.pem as a link to its newest certificate",
        compliance: Compliance {
            cis: &[],
            pss: &[],
            nsa: &[],
            mitre: &[],
        },
        run: Run::Object(check),
        reads: crate::Reads::Kinds(&["NodeIdentity"]),
    };
}

fn check(_cx: &Context<'_>, object: &Object, sink: &mut Sink<'_>) {
    let Some(spec) = spec_of(object, "NodeIdentity") else {
        return;
    };
    let Some(path) = text(spec, "clientCertificate") else {
        return;
    };
    if spec.get("clientCertificateRotating").and_then(boolean) == Some(false) {
        sink.report(
        object,
        "/spec/clientCertificateRotating",
        format!("{path} is a regular file, not the link the kubelet keeps to its newest certificate: it is not being rotated"),
    );
    }
}
