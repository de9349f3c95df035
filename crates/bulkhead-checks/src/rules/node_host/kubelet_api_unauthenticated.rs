use bulkhead_node::kubelet::fields;

use crate::rules::node_host::facts::facts;
use crate::rules::node_host::listeners::each_listener;
use crate::{declare_check, Compliance, Context, Family, Run, Severity, Sink};

declare_check! {
    /// ## What it checks
    /// The kubelet's API port (10250) listening on an address other than loopback while the
    /// kubelet accepts anonymous requests and authorizes everything (`anonymous-auth` true and
    /// authorization mode `AlwaysAllow`, as the kubelet's effective configuration says): the
    /// listening socket proves the API is served, the configuration that nobody is asked who they
    /// are.
    ///
    /// ## Why it matters
    /// The kubelet API runs commands in every container of the node (`/exec`, `/run`) and reads
    /// their logs and secrets. Open to anonymous users it is remote code execution on every Pod of
    /// the node, for anyone who reaches the port.
    ///
    /// ## Example
    /// ```yaml
    /// kind: Listeners
    /// spec:
    ///   sockets:
    ///   - {address: "::", port: 10250, processes: ["kubelet (pid 912)"]}
    /// # and the kubelet runs with --anonymous-auth=true --authorization-mode=AlwaysAllow
    /// ```
    ///
    /// Use instead (the kubelet's configuration):
    /// ```yaml
    /// authentication:
    ///   anonymous: {enabled: false}
    ///   webhook: {enabled: true}
    /// authorization:
    ///   mode: Webhook
    /// ```
    ///
    /// ## References
    /// - CIS Kubernetes Benchmark v1.12, 4.2.1 and 4.2.2 (the configuration side, BHL001 and BHL002)
    /// - Kubernetes documentation, "Kubelet authentication/authorization"
    /// - MITRE ATT&CK T1609 (Container Administration Command)
    pub static KUBELET_API_UNAUTHENTICATED = Check {
        id: "BHN055",
        slug: "kubelet-api-unauthenticated",
        severity: Severity::Critical,
        family: Family::NodeHost,
        remediation: "set authentication.anonymous.enabled: false and authorization.mode: Webhook in the kubelet configuration",
        compliance: Compliance {
            cis: &[],
            pss: &[],
            nsa: &[],
            mitre: &["T1609"],
        },
        run: Run::Inventory(check),
    };
}

fn check(cx: &Context<'_>, sink: &mut Sink<'_>) {
    let kubelets: Vec<_> = cx
        .kubelets()
        .iter()
        .filter(|k| k.missing_config().is_none())
        .collect();
    let open = kubelets.iter().any(|k| {
        k.setting(&fields::ANONYMOUS_AUTH).value.as_bool() == Some(true)
            && k.setting(&fields::AUTHORIZATION_MODE)
                .value
                .items()
                .iter()
                .any(|m| m == "AlwaysAllow")
    });
    if !open {
        return;
    }
    for object in facts(cx, "Listeners") {
        each_listener(object, |socket| {
            if socket.port == 10250 && !socket.loopback {
                sink.report(
                object,
                &socket.pointer("port"),
                format!(
                    "{} serves the kubelet API, and the kubelet accepts anonymous requests and authorizes them with AlwaysAllow",
                    socket.describe()
                ),
            );
            }
        });
    }
}
