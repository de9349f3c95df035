//! Command-line flags read the way the components themselves read them.
//!
//! Kubernetes components parse flags with pflag, etcd with Go's `flag` package. Both accept
//! `--name=value` and `--name value`; a boolean flag never takes the next word as its value
//! (`--profiling false` is `--profiling` followed by a stray word, so profiling is *on*), and
//! a bare boolean flag means true. Flags match by their exact name: `--tls-cert-file` is not
//! `--tls-cert-file-extra`, and `--audit-log-maxage` is not `--audit-log-maxbackup`.

use crate::component::Component;

/// One word of a command line and where it was written (a JSON pointer into the object that
/// holds it).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RawArg<'a> {
    pub text: &'a str,
    pub pointer: String,
    /// Index of the object (among the command line's sources) the word was read from.
    pub source: usize,
}

/// One flag with its value, as the component would see it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Arg {
    /// The name without its dashes: `anonymous-auth`.
    pub name: String,
    /// `None` for a bare flag (`--profiling`).
    pub value: Option<String>,
    /// Where the flag's name was written.
    pub pointer: String,
    /// Where its value was written: the same word for `--name=value`, the next one for
    /// `--name value`.
    pub value_pointer: String,
    /// Index of the source object the flag came from.
    pub source: usize,
    /// The flag as written (`--anonymous-auth=true`, or `--anonymous-auth true`).
    pub written: String,
}

impl Arg {
    /// The value a boolean flag takes: a bare flag is true; `strconv.ParseBool` spellings.
    pub fn as_bool(&self) -> Option<bool> {
        match self.value.as_deref() {
            None => Some(true),
            Some(v) => parse_bool(v),
        }
    }

    /// The value, or the empty string for a bare flag.
    pub fn text(&self) -> &str {
        self.value.as_deref().unwrap_or("")
    }
}

/// Go's `strconv.ParseBool`.
pub fn parse_bool(text: &str) -> Option<bool> {
    match text {
        "1" | "t" | "T" | "true" | "TRUE" | "True" => Some(true),
        "0" | "f" | "F" | "false" | "FALSE" | "False" => Some(false),
        _ => None,
    }
}

/// Parses the words after the program name into flags. Words that are not flags
/// (subcommands, stray values) are skipped; `--` ends the flags.
pub fn parse_args(component: Option<Component>, words: &[RawArg<'_>]) -> Vec<Arg> {
    let mut args = Vec::new();
    let mut i = 0;
    while i < words.len() {
        let word = &words[i];
        i += 1;
        let text = word.text.trim();
        if text == "--" {
            break;
        }
        let Some(body) = text
            .strip_prefix("--")
            .or_else(|| text.strip_prefix('-'))
            .filter(|b| !b.is_empty() && !b.starts_with('-'))
        else {
            continue;
        };
        let (name, inline_value) = match body.split_once('=') {
            Some((name, value)) => (name, Some(value)),
            None => (body, None),
        };
        let mut arg = Arg {
            name: name.to_string(),
            value: inline_value.map(str::to_string),
            pointer: word.pointer.clone(),
            value_pointer: word.pointer.clone(),
            source: word.source,
            written: text.to_string(),
        };
        if inline_value.is_none() && !is_bool_flag(component, name) {
            if let Some(next) = words.get(i) {
                if !looks_like_flag(next.text.trim()) {
                    arg.value = Some(next.text.trim().to_string());
                    arg.value_pointer = next.pointer.clone();
                    arg.written = format!("{text} {}", next.text.trim());
                    i += 1;
                }
            }
        }
        args.push(arg);
    }
    args
}

fn looks_like_flag(text: &str) -> bool {
    text.len() > 1 && text.starts_with('-') && !text[1..].starts_with(|c: char| c.is_ascii_digit())
}

/// Whether a flag is boolean for a component (a boolean flag never takes the next word).
pub fn is_bool_flag(component: Option<Component>, name: &str) -> bool {
    const COMMON: &[&str] = &[
        "profiling",
        "contention-profiling",
        "leader-elect",
        "logtostderr",
        "alsologtostderr",
        "version",
        "help",
        "h",
    ];
    const API_SERVER: &[&str] = &[
        "anonymous-auth",
        "service-account-lookup",
        "allow-privileged",
        "enable-bootstrap-token-auth",
        "service-account-extend-token-expiration",
        "enable-aggregator-routing",
        "enable-priority-and-fairness",
        "enable-garbage-collector",
        "audit-log-compress",
        "enable-logs-handler",
        "watch-cache",
        "permit-port-sharing",
        "permit-address-sharing",
        "kubelet-https",
        "audit-log-batch-throttle-enable",
        "audit-webhook-batch-throttle-enable",
        "authentication-token-webhook-cache-unauthorized",
        "requestheader-allowed-names-any",
        "strict-transport-security",
        "enable-swagger-ui",
        "insecure-skip-tls-verify",
    ];
    const CONTROLLER_MANAGER: &[&str] = &[
        "use-service-account-credentials",
        "allocate-node-cidrs",
        "configure-cloud-routes",
        "enable-hostpath-provisioner",
        "enable-dynamic-provisioning",
        "enable-garbage-collector",
        "enable-taint-manager",
    ];
    const ETCD: &[&str] = &[
        "client-cert-auth",
        "peer-client-cert-auth",
        "auto-tls",
        "peer-auto-tls",
        "enable-pprof",
        "strict-reconfig-check",
        "debug",
        "enable-v2",
        "force-new-cluster",
        "enable-grpc-gateway",
        "experimental-initial-corrupt-check",
        "experimental-enable-distributed-tracing",
        "socket-reuse-address",
        "socket-reuse-port",
    ];
    const KUBELET: &[&str] = &[
        "anonymous-auth",
        "authentication-token-webhook",
        "make-iptables-util-chains",
        "protect-kernel-defaults",
        "rotate-certificates",
        "rotate-server-certificates",
        "seccomp-default",
        "fail-swap-on",
        "register-node",
        "register-schedulable",
        "serialize-image-pulls",
        "enable-server",
        "enable-debugging-handlers",
        "cgroups-per-qos",
        "exit-on-lock-contention",
        "keep-terminated-pod-volumes",
        "kernel-memcg-notification",
        "enable-controller-attach-detach",
        "local-storage-capacity-isolation",
        "enable-load-reader",
        "fail-cgroupv1",
    ];
    const KUBE_PROXY: &[&str] = &[
        "masquerade-all",
        "cleanup",
        "bind-address-hard-fail",
        "init-only",
    ];
    if COMMON.contains(&name) {
        return true;
    }
    let table: &[&str] = match component {
        Some(Component::ApiServer) => API_SERVER,
        Some(Component::ControllerManager) => CONTROLLER_MANAGER,
        Some(Component::Scheduler) => &[],
        Some(Component::Etcd) => ETCD,
        Some(Component::Kubelet) => KUBELET,
        Some(Component::KubeProxy) => KUBE_PROXY,
        None => &[],
    };
    table.contains(&name)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(texts: &[&'static str]) -> Vec<RawArg<'static>> {
        texts
            .iter()
            .enumerate()
            .map(|(i, t)| RawArg {
                text: t,
                pointer: format!("/{i}"),
                source: 0,
            })
            .collect()
    }

    fn parse(component: Component, texts: &[&'static str]) -> Vec<(String, Option<String>)> {
        parse_args(Some(component), &words(texts))
            .into_iter()
            .map(|a| (a.name, a.value))
            .collect()
    }

    fn pair(name: &str, value: Option<&str>) -> (String, Option<String>) {
        (name.to_string(), value.map(str::to_string))
    }

    #[test]
    fn equals_and_space_forms_give_the_same_value() {
        let a = parse(Component::ApiServer, &["--token-auth-file=/a.csv"]);
        let b = parse(Component::ApiServer, &["--token-auth-file", "/a.csv"]);
        assert_eq!(a, b);
        assert_eq!(a, vec![pair("token-auth-file", Some("/a.csv"))]);
    }

    #[test]
    fn a_boolean_flag_never_takes_the_next_word() {
        let args = parse(Component::ApiServer, &["--profiling", "false", "--v", "2"]);
        assert_eq!(args, vec![pair("profiling", None), pair("v", Some("2"))]);
        let parsed = parse_args(
            Some(Component::ApiServer),
            &words(&["--profiling", "false"]),
        );
        assert_eq!(parsed[0].as_bool(), Some(true));
    }

    #[test]
    fn bare_boolean_flags_are_true_and_explicit_values_parse_like_go() {
        let parsed = parse_args(
            Some(Component::Etcd),
            &words(&["--client-cert-auth", "--auto-tls=False", "-peer-auto-tls=0"]),
        );
        let values: Vec<_> = parsed
            .iter()
            .map(|a| (a.name.as_str(), a.as_bool()))
            .collect();
        assert_eq!(
            values,
            vec![
                ("client-cert-auth", Some(true)),
                ("auto-tls", Some(false)),
                ("peer-auto-tls", Some(false))
            ]
        );
    }

    #[test]
    fn repeated_flags_are_all_kept_in_order() {
        let args = parse(
            Component::ApiServer,
            &["--authorization-mode=Node", "--authorization-mode", "RBAC"],
        );
        assert_eq!(
            args,
            vec![
                pair("authorization-mode", Some("Node")),
                pair("authorization-mode", Some("RBAC"))
            ]
        );
    }

    #[test]
    fn similar_names_stay_distinct_and_stray_words_are_skipped() {
        let args = parse(
            Component::ApiServer,
            &[
                "kube-apiserver",
                "--tls-cert-file-extra=/x",
                "--etcd-cafile=/ca",
                "--",
                "--anonymous-auth=true",
            ],
        );
        assert_eq!(
            args,
            vec![
                pair("tls-cert-file-extra", Some("/x")),
                pair("etcd-cafile", Some("/ca"))
            ]
        );
    }

    #[test]
    fn negative_numbers_are_values_not_flags() {
        let args = parse(Component::Kubelet, &["--pod-max-pids", "-1"]);
        assert_eq!(args, vec![pair("pod-max-pids", Some("-1"))]);
    }

    #[test]
    fn the_value_pointer_follows_the_form() {
        let parsed = parse_args(
            Some(Component::ApiServer),
            &words(&["--audit-log-path", "/var/log/audit.log"]),
        );
        assert_eq!(parsed[0].pointer, "/0");
        assert_eq!(parsed[0].value_pointer, "/1");
        assert_eq!(parsed[0].written, "--audit-log-path /var/log/audit.log");
    }
}
