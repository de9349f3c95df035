use bulkhead_model::{Node, Object};

use crate::rules::common::describe;
use crate::{declare_check, Compliance, Context, Family, Run, Severity, Sink};

declare_check! {
    /// ## What it checks
    /// SSH served in the cluster: a container that declares `containerPort: 22`, or a
    /// Service whose `port` or numeric `targetPort` is 22. A Service port is also reported
    /// when it is named `ssh`.
    ///
    /// ## Why it matters
    /// An SSH server in a container is a second way in that Kubernetes does not control:
    /// its keys and passwords live outside RBAC and the audit log, it is a frequent target of
    /// credential guessing, and it usually means the image carries a shell and tools an
    /// attacker can use. `kubectl exec` (audited, authorised by RBAC) covers the debugging
    /// needs SSH was added for.
    ///
    /// ## Example
    /// ```yaml
    /// containers:
    ///   - name: app
    ///     ports:
    ///       - containerPort: 22
    /// ```
    ///
    /// Use instead: remove the SSH server; use `kubectl exec` or `kubectl debug`.
    /// ```yaml
    ///     ports:
    ///       - containerPort: 8080
    /// ```
    ///
    /// ## References
    /// - MITRE ATT&CK T1133 (External Remote Services); T1021.004 (Remote Services: SSH) in Enterprise ATT&CK
    /// - NSA-CISA Kubernetes Hardening Guidance, "Network separation and hardening"
    pub static SSH_PORT = Check {
        id: "BHN031",
        slug: "ssh-port",
        severity: Severity::Medium,
        family: Family::Network,
        remediation: "remove the SSH server and its port; use kubectl exec or kubectl debug instead",
        compliance: Compliance {
            cis: &[],
            pss: &[],
            nsa: &["Network separation and hardening: network policies"],
            mitre: &["T1133"],
        },
        run: Run::Object(check),
    };
}

const SSH: i64 = 22;

fn check(cx: &Context<'_>, object: &Object, sink: &mut Sink<'_>) {
    if object.kind == "Service" && object.group().is_empty() {
        service(object, sink);
        return;
    }
    let Some(pod) = cx.pod_spec(object) else {
        return;
    };
    for container in pod.containers() {
        let ports = container.get("ports").map(Node::as_seq).unwrap_or(&[]);
        for (i, port) in ports.iter().enumerate() {
            if port.get("containerPort").and_then(Node::as_i64) == Some(SSH) {
                sink.report(
                    object,
                    &container.pointer_to(&format!("ports/{i}/containerPort")),
                    format!("{} listens on port 22 (SSH)", describe(&container)),
                );
            }
        }
    }
}

fn service(object: &Object, sink: &mut Sink<'_>) {
    let ports = object
        .root
        .path(&["spec", "ports"])
        .map(Node::as_seq)
        .unwrap_or(&[]);
    for (i, port) in ports.iter().enumerate() {
        let field = if port.get("port").and_then(Node::as_i64) == Some(SSH) {
            "port"
        } else if port.get("targetPort").and_then(Node::as_i64) == Some(SSH)
            || port.get("targetPort").and_then(Node::as_str) == Some("22")
        {
            "targetPort"
        } else if port
            .get("name")
            .and_then(Node::as_str)
            .is_some_and(|n| n.eq_ignore_ascii_case("ssh"))
        {
            "name"
        } else {
            continue;
        };
        sink.report(
            object,
            &format!("/spec/ports/{i}/{field}"),
            format!(
                "Service \"{}\" forwards SSH ({field} {})",
                object.name,
                port.get(field)
                    .and_then(Node::scalar_text)
                    .unwrap_or_default()
            ),
        );
    }
}
