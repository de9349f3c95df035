use bulkhead_model::Node;
use bulkhead_node::{roles, Component};

use crate::rules::node_host::facts::{facts, text};
use crate::{declare_check, Compliance, Context, Family, Run, Severity, Sink};

declare_check! {
    /// ## What it checks
    /// The kubelet's client certificate (`/var/lib/kubelet/pki/kubelet-client-current.pem`): its
    /// subject must be a node identity, common name `system:node:<name>` in organisation
    /// `system:nodes`, and the name must be this node's (its `--hostname-override`, else
    /// `/etc/hostname`).
    ///
    /// ## Why it matters
    /// The Node authorizer and the NodeRestriction admission plugin limit a kubelet to its own
    /// node's Pods, Secrets and status only when it authenticates as that node. A kubelet holding a
    /// shared certificate, an admin's, or another node's can read every Secret of the cluster or
    /// impersonate its neighbours.
    ///
    /// ## Example
    /// ```yaml
    /// kind: Certificate
    /// spec:
    ///   subject: "CN=kubelet, O=system:masters"
    ///   roles: [kubelet-client-certificate]
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    ///   subject: "CN=system:node:worker-1, O=system:nodes"
    /// ```
    ///
    /// ## References
    /// - Kubernetes documentation, "Using Node Authorization"
    /// - Kubernetes documentation, "TLS bootstrapping"
    /// - MITRE ATT&CK T1078.001 (Valid Accounts: Default Accounts)
    pub static KUBELET_CLIENT_CERTIFICATE_IDENTITY = Check {
        id: "BHN090",
        slug: "kubelet-client-certificate-identity",
        severity: Severity::High,
        family: Family::NodeHost,
        remediation: "let the kubelet bootstrap its own certificate (TLS bootstrapping) so that it is issued as system:node:<node name> in group system:nodes",
        compliance: Compliance {
            cis: &[],
            pss: &[],
            nsa: &[],
            mitre: &["T1078.001"],
        },
        run: Run::Inventory(check),
    };
}

fn check(cx: &Context<'_>, sink: &mut Sink<'_>) {
    let node_name = node_name(cx);
    for object in facts(cx, "Certificate") {
        let Some(spec) = object.root.get("spec") else {
            continue;
        };
        let is_client = spec
            .get("roles")
            .map(Node::as_seq)
            .unwrap_or(&[])
            .iter()
            .any(|r| r.as_str() == Some(roles::KUBELET_CLIENT_CERTIFICATE));
        if !is_client {
            continue;
        }
        let subject = text(spec, "subject").unwrap_or_default();
        let common_name = attribute(&subject, "CN");
        let organisations: Vec<&str> = subject
            .split(',')
            .filter_map(|p| p.trim().strip_prefix("O="))
            .collect();
        let path = text(spec, "path").unwrap_or_else(|| object.name.clone());
        let Some(name) = common_name.and_then(|cn| cn.strip_prefix("system:node:")) else {
            sink.report(
                object,
                "/spec/subject",
                format!("{path} identifies the kubelet as `{subject}`, not as a node (CN=system:node:<name>): the Node authorizer does not restrict it"),
            );
            continue;
        };
        if !organisations.contains(&"system:nodes") {
            sink.report(
                object,
                "/spec/subject",
                format!("{path} is not in group system:nodes (subject `{subject}`): the Node authorizer does not apply to it"),
            );
        }
        if let Some((expected, source)) = &node_name {
            if !name.eq_ignore_ascii_case(expected) {
                sink.report(
                    object,
                    "/spec/subject",
                    format!("{path} identifies node {name}, but this node is {expected} ({source}): it acts as another node"),
                );
            }
        }
    }
}

/// The node's name: the kubelet's `--hostname-override`, else the host name.
fn node_name(cx: &Context<'_>) -> Option<(String, String)> {
    for line in cx.command_lines(Component::Kubelet) {
        if let Some(arg) = line.flag("hostname-override") {
            let value = arg.text().trim().to_string();
            if !value.is_empty() {
                return Some((value, "the kubelet's --hostname-override".to_string()));
            }
        }
    }
    facts(cx, "NodeIdentity").iter().find_map(|o| {
        let spec = o.root.get("spec")?;
        Some((text(spec, "hostname")?, "/etc/hostname".to_string()))
    })
}

/// The value of an attribute of a distinguished name (`CN=a, O=b`).
fn attribute<'a>(subject: &'a str, name: &str) -> Option<&'a str> {
    subject
        .split(',')
        .find_map(|p| p.trim().strip_prefix(name)?.strip_prefix('='))
}
