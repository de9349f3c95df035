use bulkhead_model::{Node, Object};

use crate::rules::common::describe;
use crate::rules::secrets::patterns::assess;
use crate::{declare_check, Compliance, Context, Family, Run, Severity, Sink};

declare_check! {
    /// ## What it checks
    /// Environment variables, of init, regular and ephemeral containers, whose literal `value`
    /// is a credential: a value holding the shape of a known secret (private keys, cloud and
    /// SaaS tokens, JWTs, URLs with a password such as `postgres://app:…@db/app`, Slack and
    /// Discord webhook URLs, `Bearer …` credentials, connection strings with an account key),
    /// any non-placeholder value under a name such as `DB_PASSWORD`, `API_KEY`,
    /// `CLIENT_SECRET` or `AZURE_STORAGE_KEY`, or a random-looking value under another name
    /// ending in `KEY` (`OCI_CLI_KEY_CONTENT`). The same detector reads ConfigMaps (BHS002),
    /// annotations (BHS003) and command lines (BHS005). References (`valueFrom`, `$(VAR)`,
    /// `${VAR}`) and placeholders (`changeme`) are not reported. The value itself is never
    /// printed.
    ///
    /// ## Why it matters
    /// A literal value is stored in the manifest, in Git history, in Helm release records and
    /// in the API server's etcd without Secret encryption, and anyone who can read the
    /// workload (`get deployments`) can read it. Secrets belong in Secret objects or an
    /// external store, referenced with `valueFrom.secretKeyRef` or mounted as files.
    ///
    /// ## Example
    /// ```yaml
    /// env:
    ///   - name: DB_PASSWORD
    ///     value: hunter2
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// env:
    ///   - name: DB_PASSWORD
    ///     valueFrom:
    ///       secretKeyRef:
    ///         name: db
    ///         key: password
    /// ```
    ///
    /// ## References
    /// - CIS Kubernetes Benchmark v1.12, 5.4.1
    /// - NSA-CISA Kubernetes Hardening Guidance, "Secrets"
    /// - MITRE ATT&CK T1552 (Unsecured Credentials)
    pub static SECRET_IN_ENV = Check {
        id: "BHS001",
        slug: "secret-in-env",
        severity: Severity::High,
        family: Family::Secrets,
        remediation: "move the value into a Secret and reference it with valueFrom.secretKeyRef (or mount it as a file)",
        compliance: Compliance {
            cis: &["5.4.1"],
            pss: &[],
            nsa: &["Network separation and hardening: secrets"],
            mitre: &["T1552"],
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
        let env = container.get("env").map(Node::as_seq).unwrap_or(&[]);
        for (i, var) in env.iter().enumerate() {
            let name = var.get("name").and_then(Node::as_str).unwrap_or("");
            let Some(value) = var.get("value").and_then(Node::scalar_text) else {
                continue;
            };
            let Some(what) = assess(name, &value) else {
                continue;
            };
            sink.report(
                object,
                &container.pointer_to(&format!("env/{i}/value")),
                format!(
                    "{}: env var \"{name}\" holds {what} in plain text (value redacted)",
                    describe(&container)
                ),
            );
        }
    }
}
