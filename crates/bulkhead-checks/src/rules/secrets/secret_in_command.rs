use bulkhead_model::{Container, Node, Object};

use crate::rules::common::describe;
use crate::rules::secrets::patterns::{assess, find_credential, is_key_like_name, is_secret_name};
use crate::{declare_check, Compliance, Context, Family, Run, Severity, Sink};

declare_check! {
    /// ## What it checks
    /// Container `command` and `args` (of init, regular and ephemeral containers) that pass a
    /// credential on the command line: a flag or assignment with a secret-sounding name and a
    /// literal value (`--db-password=hunter2`, `--api-key hunter2`, `export DB_PASSWORD=…` in
    /// a `sh -c` script), or any word holding the shape of a known secret (a
    /// `--github-token=ghp_…`, a URL with a password, a `Bearer …` header, a webhook URL).
    /// The detector is the one of BHS001 (environment variables), BHS002 (ConfigMaps) and
    /// BHS003 (annotations). References the kubelet or the shell expands (`$(DB_PASSWORD)`,
    /// `${DB_PASSWORD}`, `$DB_PASSWORD`) and placeholders are not reported. The value is never
    /// printed.
    ///
    /// ## Why it matters
    /// A command line is stored in the manifest, in Git and in etcd like an environment
    /// variable, and it is also visible at run time to every process on the node that can
    /// read `/proc/<pid>/cmdline` (`ps`), in crash reports and in process-monitoring tools.
    /// Anyone who can read the workload (`get pods`) reads the credential.
    ///
    /// ## Example
    /// ```yaml
    /// containers:
    ///   - name: app
    ///     args: ["--db-password=hunter2", "--github-token=ghp_…"]
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// containers:
    ///   - name: app
    ///     args: ["--db-password-file=/run/secrets/db/password"]
    ///     volumeMounts:
    ///       - {name: db, mountPath: /run/secrets/db, readOnly: true}
    /// ```
    ///
    /// ## References
    /// - Kubernetes documentation, "Good practices for Kubernetes Secrets"
    /// - NSA-CISA Kubernetes Hardening Guidance, "Secrets"
    /// - MITRE ATT&CK T1552 (Unsecured Credentials)
    pub static SECRET_IN_COMMAND = Check {
        id: "BHS005",
        slug: "secret-in-command",
        severity: Severity::High,
        family: Family::Secrets,
        remediation: "pass the credential as a file mounted from a Secret (or read it from a Secret-backed environment variable), not on the command line",
        compliance: Compliance {
            cis: &[],
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
        for field in ["command", "args"] {
            let words: Vec<Word> = container
                .get(field)
                .map(Node::as_seq)
                .unwrap_or(&[])
                .iter()
                .enumerate()
                .filter_map(|(index, node)| {
                    Some(Word {
                        index,
                        text: node.scalar_text()?,
                    })
                })
                .collect();
            for (index, what, flag) in credentials(&words) {
                report(
                    sink,
                    object,
                    &container,
                    field,
                    index,
                    what,
                    flag.as_deref(),
                );
            }
        }
    }
}

/// One word of a command line and its index in the YAML list.
struct Word {
    index: usize,
    text: String,
}

fn report(
    sink: &mut Sink<'_>,
    object: &Object,
    container: &Container<'_>,
    field: &str,
    index: usize,
    what: &str,
    flag: Option<&str>,
) {
    let via = flag.map_or(String::new(), |f| format!(" in \"{f}\""));
    sink.report(
        object,
        &container.pointer_to(&format!("{field}/{index}")),
        format!(
            "{}: {field}[{index}] passes {what}{via} on the command line (value redacted)",
            describe(container)
        ),
    );
}

/// The credentials on one command line: (list index, kind, the flag or name it was passed
/// under). At most one per list item.
fn credentials(words: &[Word]) -> Vec<(usize, &'static str, Option<String>)> {
    let mut found: Vec<(usize, &'static str, Option<String>)> = Vec::new();
    let mut i = 0;
    while i < words.len() {
        let word = &words[i];
        let text = word.text.trim();
        // `--db-password hunter2`: the value is the next list item.
        if let Some(name) = bare_flag(text) {
            if let Some(next) = words.get(i + 1).filter(|n| !n.text.starts_with('-')) {
                if let Some(what) = assess_named(name, unquote(next.text.trim())) {
                    found.push((next.index, what, Some(text.to_string())));
                    i += 2;
                    continue;
                }
            }
        }
        if let Some((what, flag)) = scan_text(text) {
            found.push((word.index, what, flag));
        }
        i += 1;
    }
    found
}

/// A credential in one list item, which may be a single argument or a whole shell script
/// (`sh -c "…"`): its whitespace-separated tokens are read as arguments, then the text as a
/// whole for credentials with a shape (a `Bearer` header spans two tokens).
fn scan_text(text: &str) -> Option<(&'static str, Option<String>)> {
    let tokens: Vec<&str> = text.split_whitespace().map(unquote).collect();
    let mut j = 0;
    while j < tokens.len() {
        let token = tokens[j];
        if let Some((name, value)) = assignment(token) {
            if let Some(what) = assess_named(name, value) {
                return Some((what, Some(name.to_string())));
            }
        } else if let Some(name) = bare_flag(token) {
            if let Some(value) = tokens.get(j + 1).filter(|t| !t.starts_with('-')) {
                if let Some(what) = assess_named(name, value) {
                    return Some((what, Some(token.to_string())));
                }
            }
        }
        j += 1;
    }
    find_credential(text).map(|what| (what, None))
}

/// A value passed under a name: the shared detector, but only for names that say they hold
/// a secret or a key (`--db-password`, `API_KEY`), or for values with a secret's shape.
fn assess_named(name: &str, value: &str) -> Option<&'static str> {
    let name = name.trim_start_matches('-');
    if is_secret_name(name) || is_key_like_name(name) {
        assess(name, value)
    } else {
        find_credential(value)
    }
}

/// `--name=value`, `-name=value` or `NAME=value` (a shell or `env` assignment).
fn assignment(token: &str) -> Option<(&str, &str)> {
    let (name, value) = token.split_once('=')?;
    let bare = name.trim_start_matches('-');
    let valid = !bare.is_empty()
        && bare
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.'));
    valid.then(|| (name, unquote(value)))
}

/// `--name` or `-name` without a value of its own.
fn bare_flag(token: &str) -> Option<&str> {
    let bare = token.strip_prefix('-')?.trim_start_matches('-');
    (!bare.is_empty()
        && !token.contains('=')
        && bare
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.')))
    .then_some(token)
}

fn unquote(text: &str) -> &str {
    text.trim_matches(['"', '\'', ';'])
}

#[cfg(test)]
mod tests {
    use super::*;

    fn found(words: &[&str]) -> Vec<(usize, &'static str, Option<String>)> {
        let words: Vec<Word> = words
            .iter()
            .enumerate()
            .map(|(index, t)| Word {
                index,
                text: t.to_string(),
            })
            .collect();
        credentials(&words)
    }

    #[test]
    fn flags_assignments_and_scripts() {
        let token = "ghp_R2VuZXJhdGVkRm9yQVRlc3RPbmx5MDEyMzQ1";
        assert_eq!(
            found(&["/app", "--db-password=hunter2-hunter2"]),
            [(1, "a literal secret", Some("--db-password".into()))]
        );
        assert_eq!(
            found(&["/app", &format!("--github-token={token}")]),
            [(1, "a GitHub token", Some("--github-token".into()))]
        );
        assert_eq!(
            found(&["/app", "--api-key", "hunter2-hunter2"]),
            [(2, "a literal secret", Some("--api-key".into()))]
        );
        assert_eq!(
            found(&["sh", "-c", "export DB_PASSWORD=hunter2-hunter2; exec /app"]),
            [(2, "a literal secret", Some("DB_PASSWORD".into()))]
        );
        assert_eq!(
            found(&[
                "curl",
                "-H",
                "Authorization: Bearer 8f1c2e4a9b7d6c5e3f2a1b0c"
            ]),
            [(2, "a bearer credential", Some("-H".into()))]
        );
        assert_eq!(
            found(&["/app", "--dsn=postgres://app:s3cr3t-v4lue@db:5432/app"]),
            [(1, "a URL with an embedded password", Some("--dsn".into()))]
        );
        // References, placeholders and settings about secrets are not secrets.
        assert!(found(&["/app", "--db-password=$(DB_PASSWORD)"]).is_empty());
        assert!(found(&["sh", "-c", "exec /app --token=${TOKEN}"]).is_empty());
        assert!(found(&["/app", "--password-file=/run/secrets/db"]).is_empty());
        assert!(found(&["/app", "--token-ttl", "3600"]).is_empty());
        assert!(found(&["/app", "--password", "--verbose"]).is_empty());
        assert!(found(&["/app", "--log-level=debug", "--port", "8080"]).is_empty());
    }
}
