use bulkhead_model::Object;

use crate::policy::date::Date;
use crate::rules::node_files::certificate::Certificate;
use crate::{declare_check, Compliance, Context, Family, Run, Severity, Sink};

declare_check! {
    /// ## What it checks
    /// Certificates on the node that have expired or expire within the warning window. The
    /// window is 30 days unless `--cert-expiry-days` says otherwise; days are counted from
    /// today in UTC. An expired certificate is critical, one about to expire medium.
    ///
    /// ## Why it matters
    /// When the API server's serving certificate, a kubelet's client certificate or the etcd
    /// peer certificates expire, the components stop trusting each other and the cluster goes
    /// down, often all at once because kubeadm issues them together for one year. An expired
    /// CA is worse: nothing it signed verifies any more. Renewing a few weeks ahead is routine;
    /// renewing after the outage starts is an incident, and the rushed fix (disabling
    /// verification, reusing old keys) tends to stay.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: node.bulkhead.dev/v1
    /// kind: Certificate
    /// metadata:
    ///   name: /etc/kubernetes/pki/apiserver.crt
    /// spec:
    ///   path: /etc/kubernetes/pki/apiserver.crt
    ///   notAfter: "2026-10-01T09:00:00Z"
    /// ```
    ///
    /// Use instead: renew the certificate before it expires (`kubeadm certs renew all`, or
    /// your PKI's rotation), and turn on kubelet certificate rotation.
    /// ```yaml
    /// spec:
    ///   path: /etc/kubernetes/pki/apiserver.crt
    ///   notAfter: "2027-10-01T09:00:00Z"
    /// ```
    ///
    /// ## References
    /// - NSA-CISA Kubernetes Hardening Guidance v1.2, "Encryption"
    /// - Kubernetes documentation, "Certificate Management with kubeadm"
    ///   (https://kubernetes.io/docs/tasks/administer-cluster/kubeadm/kubeadm-certs/)
    /// - Kubernetes documentation, "Configure Certificate Rotation for the Kubelet"
    ///   (https://kubernetes.io/docs/tasks/tls/certificate-rotation/)
    pub static CERTIFICATE_EXPIRY = Check {
        id: "BHP040",
        slug: "certificate-expiry",
        severity: Severity::Medium,
        family: Family::NodeFiles,
        remediation: "renew the certificate before it expires (kubeadm certs renew, or your PKI's rotation)",
        compliance: Compliance {
            cis: &[],
            pss: &[],
            nsa: &["Network separation and hardening: encryption"],
            mitre: &[],
        },
        run: Run::Object(check),
        reads: crate::Reads::Kinds(&["Certificate"]),
    };
}

fn check(cx: &Context<'_>, object: &Object, sink: &mut Sink<'_>) {
    let Some(cert) = Certificate::of(object) else {
        return;
    };
    let Ok(expiry) = Date::parse_rfc3339(cert.not_after) else {
        // Not guessed: say that expiry could not be judged rather than pass it.
        sink.report_with(
            object,
            "/spec/notAfter",
            Severity::Low,
            format!(
                "{}: notAfter {:?} is not an RFC 3339 time, so its expiry could not be judged",
                cert.describe(),
                cert.not_after
            ),
        );
        return;
    };
    let today = Date::today();
    let days = today.days_until(expiry);
    let window = cx.options.cert_expiry_days();
    if days < 0 {
        sink.report_with(
            object,
            "/spec/notAfter",
            Severity::Critical,
            format!(
                "{} expired on {expiry} ({} ago, today is {today}): nothing that verifies it accepts it any more",
                cert.describe(),
                plural(-days, "day")
            ),
        );
    } else if days <= i64::from(window) {
        let when = match days {
            0 => "today".to_string(),
            d => format!("in {}", plural(d, "day")),
        };
        sink.report(
            object,
            "/spec/notAfter",
            format!(
                "{} expires on {expiry}, {when} (within the {window}-day warning window, --cert-expiry-days)",
                cert.describe()
            ),
        );
    }
}

fn plural(n: i64, unit: &str) -> String {
    if n == 1 {
        format!("1 {unit}")
    } else {
        format!("{n} {unit}s")
    }
}
