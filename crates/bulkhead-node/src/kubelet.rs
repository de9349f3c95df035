//! The kubelet's effective configuration, with the source that decided every setting.
//!
//! The kubelet reads, from weakest to strongest: its built-in defaults, the `--config` file,
//! the drop-ins of `--config-dir` (files ending in `.conf`, subdirectories included, in name
//! order, each overriding the ones before field by field), and its command-line flags. The defaults themselves depend on
//! the mode: with a config file the `KubeletConfiguration` v1beta1 defaults apply (anonymous
//! authentication off, Webhook authorization, no read-only port); with flags alone the
//! legacy flag defaults apply (anonymous on, AlwaysAllow, read-only port 10255). Reading a
//! fixed path, ignoring drop-ins, or failing a secure default that was never written are the
//! mistakes this module exists to avoid.

use bulkhead_model::{Inventory, Node, Object, Value};

use crate::args::Arg;
use crate::component::{command_lines, CommandLine, Component};

/// One kubelet: its command line (absent when only a configuration file was scanned), the
/// configuration file it was given and the drop-ins of its configuration directory.
#[derive(Clone, Debug)]
pub struct Kubelet<'a> {
    pub command_line: Option<CommandLine<'a>>,
    pub config: Option<&'a Object>,
    /// Drop-ins in the order the kubelet applies them (later ones win).
    pub drop_ins: Vec<&'a Object>,
}

/// A setting's value, typed as the configuration file types it.
#[derive(Clone, Debug, PartialEq)]
pub enum SettingValue {
    Bool(bool),
    Int(i64),
    Text(String),
    /// A list (`tlsCipherSuites`) or a comma-separated flag.
    List(Vec<String>),
    /// Neither written nor defaulted to anything (`tlsCertFile` when unset).
    Unset,
}

impl SettingValue {
    pub fn as_bool(&self) -> Option<bool> {
        match self {
            SettingValue::Bool(b) => Some(*b),
            SettingValue::Text(t) => crate::args::parse_bool(t),
            _ => None,
        }
    }

    pub fn as_i64(&self) -> Option<i64> {
        match self {
            SettingValue::Int(i) => Some(*i),
            SettingValue::Text(t) => t.trim().parse().ok(),
            _ => None,
        }
    }

    pub fn as_text(&self) -> Option<&str> {
        match self {
            SettingValue::Text(t) => Some(t),
            _ => None,
        }
    }

    /// Items of a list, or of a comma-separated text.
    pub fn items(&self) -> Vec<String> {
        match self {
            SettingValue::List(items) => items.clone(),
            SettingValue::Text(t) => t
                .split(',')
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(str::to_string)
                .collect(),
            _ => Vec::new(),
        }
    }

    pub fn is_unset(&self) -> bool {
        matches!(self, SettingValue::Unset)
    }

    /// A Go duration (`4h0m0s`, `5m`, `0`) in seconds. A bare integer counts only when it is
    /// 0 (YAML `0`): `metav1.Duration` takes strings, so other numbers are not durations.
    pub fn as_duration(&self) -> Option<f64> {
        match self {
            SettingValue::Text(t) => crate::duration::parse_duration(t),
            SettingValue::Int(0) => Some(0.0),
            _ => None,
        }
    }
}

impl std::fmt::Display for SettingValue {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            SettingValue::Bool(b) => write!(f, "{b}"),
            SettingValue::Int(i) => write!(f, "{i}"),
            SettingValue::Text(t) => write!(f, "{t}"),
            SettingValue::List(items) => write!(f, "{}", items.join(",")),
            SettingValue::Unset => write!(f, "unset"),
        }
    }
}

/// What decided a setting.
#[derive(Clone, Debug)]
pub enum Source<'a> {
    /// A command-line flag (the last occurrence wins).
    Flag { object: &'a Object, arg: Arg },
    /// The `--config` file, at a pointer.
    Config { object: &'a Object, pointer: String },
    /// A `--config-dir` drop-in, at a pointer.
    DropIn { object: &'a Object, pointer: String },
    /// Nobody wrote it: the kubelet's default for its mode.
    Default,
}

/// A setting's effective value and its source.
#[derive(Clone, Debug)]
pub struct Setting<'a> {
    pub value: SettingValue,
    pub source: Source<'a>,
}

/// A kubelet setting: its configuration field, its flag, and its defaults in each mode.
#[derive(Clone, Copy, Debug)]
pub struct Field {
    /// JSON pointer into a `KubeletConfiguration` (`/authentication/anonymous/enabled`).
    pub config: &'static str,
    /// The flag that sets it, if any (`anonymous-auth`).
    pub flag: Option<&'static str>,
    /// The default when the kubelet was given a config file (v1beta1 defaulting).
    pub config_default: Default,
    /// The default when it runs on flags alone (legacy flag defaults).
    pub flag_default: Default,
}

/// A default value, as data.
#[derive(Clone, Copy, Debug)]
pub enum Default {
    Bool(bool),
    Int(i64),
    Text(&'static str),
    Unset,
}

impl Default {
    /// Whether two defaults differ (the modes disagree about this setting).
    pub fn differs(self, other: Default) -> bool {
        self.value() != other.value()
    }

    fn value(self) -> SettingValue {
        match self {
            Default::Bool(b) => SettingValue::Bool(b),
            Default::Int(i) => SettingValue::Int(i),
            Default::Text(t) => SettingValue::Text(t.to_string()),
            Default::Unset => SettingValue::Unset,
        }
    }
}

impl<'a> Kubelet<'a> {
    /// Every kubelet in the inventory: one per kubelet command line, with the config file
    /// and drop-ins its flags name (matched by path); plus one per `KubeletConfiguration`
    /// that no command line names (a configuration file scanned on its own).
    pub fn resolve(inventory: &'a Inventory) -> Vec<Kubelet<'a>> {
        Kubelet::resolve_lines(inventory, command_lines(inventory))
    }

    /// [`Kubelet::resolve`] over command lines already found in the inventory (the kubelet's
    /// among them), so that callers holding them do not walk the inventory again.
    pub fn resolve_lines(
        inventory: &'a Inventory,
        lines: impl IntoIterator<Item = CommandLine<'a>>,
    ) -> Vec<Kubelet<'a>> {
        let configs: Vec<&Object> = inventory.of_kind("KubeletConfiguration").collect();
        let mut used = vec![false; configs.len()];
        let mut kubelets = Vec::new();
        for line in lines
            .into_iter()
            .filter(|l| l.component == Component::Kubelet)
        {
            let config_path = line.flag("config").map(|a| a.text().to_string());
            let dir = line
                .flag("config-dir")
                .map(|a| a.text().trim_end_matches('/').to_string());
            let mut config = None;
            let mut drop_ins: Vec<(String, &Object)> = Vec::new();
            for (i, object) in configs.iter().enumerate() {
                let path = object.origin.file.path.as_str();
                if config_path.as_deref() == Some(path) && !path.is_empty() {
                    config = Some(*object);
                    used[i] = true;
                } else if let Some(dir) = dir.as_deref().filter(|d| !d.is_empty()) {
                    if let Some(name) = path.strip_prefix(dir).and_then(|r| r.strip_prefix('/')) {
                        // Files in the directory that the kubelet skips (not `.conf`) are
                        // not configurations of their own either.
                        used[i] = true;
                        // The kubelet walks the directory recursively (`filepath.WalkDir`),
                        // so drop-ins in subdirectories count too.
                        if name.ends_with(".conf") {
                            drop_ins.push((name.to_string(), *object));
                        }
                    }
                }
            }
            // WalkDir's order: entries sorted by name within each directory, a
            // subdirectory's files where its name sorts (`a/x.conf` before `a.conf`), which
            // is the order of the paths compared component by component.
            drop_ins.sort_by(|a, b| a.0.split('/').cmp(b.0.split('/')));
            kubelets.push(Kubelet {
                command_line: Some(line),
                config,
                drop_ins: drop_ins.into_iter().map(|(_, o)| o).collect(),
            });
        }
        for (i, object) in configs.into_iter().enumerate() {
            if !used[i] {
                kubelets.push(Kubelet {
                    command_line: None,
                    config: Some(object),
                    drop_ins: Vec::new(),
                });
            }
        }
        kubelets
    }

    /// Whether the kubelet runs with configuration files (so the v1beta1 defaults apply).
    pub fn uses_config_file(&self) -> bool {
        self.config.is_some()
            || !self.drop_ins.is_empty()
            || self
                .command_line
                .as_ref()
                .is_some_and(|l| l.flag("config").is_some_and(|a| !a.text().is_empty()))
    }

    /// The `--config` flag when the file it names was not scanned: the values there (and
    /// the defaults of a config-file kubelet) cannot be told apart from the file's absence.
    pub fn missing_config(&self) -> Option<&Arg> {
        if self.config.is_some() {
            return None;
        }
        self.command_line
            .as_ref()?
            .flag("config")
            .filter(|a| !a.text().is_empty())
    }

    /// The effective value of a setting and what decided it.
    pub fn setting(&self, field: &Field) -> Setting<'a> {
        if let (Some(flag), Some(line)) = (field.flag, &self.command_line) {
            if let Some(arg) = line.flag(flag) {
                return Setting {
                    value: flag_value(line, arg, flag),
                    source: Source::Flag {
                        object: line.object_of(arg),
                        arg: arg.clone(),
                    },
                };
            }
        }
        // `null` in a file is the Go zero of a pointer field: as if it were not written.
        let written = |object: &'a Object| {
            object
                .root
                .at(field.config)
                .filter(|n| !matches!(n.value, Value::Null))
        };
        for object in self.drop_ins.iter().rev() {
            if let Some(node) = written(object) {
                return Setting {
                    value: node_value(node),
                    source: Source::DropIn {
                        object,
                        pointer: field.config.to_string(),
                    },
                };
            }
        }
        if let Some(object) = self.config {
            if let Some(node) = written(object) {
                let value = node_value(node);
                // The config file is defaulted after decoding, and for some fields the
                // defaulting tests the Go zero value: a written zero becomes the default.
                // Drop-ins are merged onto the already defaulted file, so there a zero stays.
                let value = if zero_means_default(field, &value) {
                    field.config_default.value()
                } else {
                    value
                };
                return Setting {
                    value,
                    source: Source::Config {
                        object,
                        pointer: field.config.to_string(),
                    },
                };
            }
        }
        let default = if self.uses_config_file() {
            field.config_default
        } else {
            field.flag_default
        };
        Setting {
            value: default.value(),
            source: Source::Default,
        }
    }

    /// A feature gate: `--feature-gates`, then `featureGates` in drop-ins and the config.
    pub fn feature_gate(&self, gate: &str) -> Option<(bool, Source<'a>)> {
        if let Some(line) = &self.command_line {
            if let Some((value, arg)) = line.feature_gate(gate) {
                let object = line.object_of(arg);
                return Some((
                    value,
                    Source::Flag {
                        object,
                        arg: arg.clone(),
                    },
                ));
            }
        }
        let pointer = format!("/featureGates/{gate}");
        let files = self.drop_ins.iter().rev().map(|o| (*o, true));
        for (object, drop_in) in files.chain(self.config.map(|o| (o, false))) {
            if let Some(value) = object.root.at(&pointer).and_then(Node::as_bool) {
                let pointer = pointer.clone();
                let source = if drop_in {
                    Source::DropIn { object, pointer }
                } else {
                    Source::Config { object, pointer }
                };
                return Some((value, source));
            }
        }
        None
    }

    /// Where a finding about a setting goes, and how to say what decided it: at the flag, at
    /// the configuration field, or — for a default — at the field's nearest parent in the
    /// config file (or at the command line when there is none).
    pub fn locate(&self, field: &Field, setting: &Setting<'a>) -> (&'a Object, String, String) {
        match &setting.source {
            Source::Flag { object, arg } => (
                object,
                arg.value_pointer.clone(),
                format!("set by the flag `{}`", arg.written),
            ),
            Source::Config { object, pointer } => (
                object,
                pointer.clone(),
                format!(
                    "set in the config file {} at {}",
                    object.origin.file.path, pointer
                ),
            ),
            Source::DropIn { object, pointer } => (
                object,
                pointer.clone(),
                format!(
                    "set in the drop-in {} at {}",
                    object.origin.file.path, pointer
                ),
            ),
            Source::Default => {
                let mut decided = match &setting.value {
                    SettingValue::Unset => "not set; there is no default".to_string(),
                    value => format!("not set; the default is {value}"),
                };
                if !self.uses_config_file() && field.config_default.differs(field.flag_default) {
                    decided.push_str(" — the kubelet runs without a config file");
                }
                match (self.config, &self.command_line) {
                    (Some(config), _) => (config, field.config.to_string(), decided),
                    (None, Some(line)) => (line.object(), line.anchor.clone(), decided),
                    (None, None) => unreachable!("a kubelet has a command line or a config"),
                }
            }
        }
    }
}

/// Fields whose v1beta1 defaulting replaces a written Go zero (`if obj.X == ""`, `if
/// obj.X == zeroDuration`), so `mode: ""` is Webhook and `streamingConnectionIdleTimeout: 0s`
/// is 4h in a config file.
fn zero_means_default(field: &Field, value: &SettingValue) -> bool {
    match field.config {
        "/authorization/mode" => value.as_text() == Some(""),
        "/streamingConnectionIdleTimeout" => value.as_duration() == Some(0.0),
        _ => false,
    }
}

/// Flags that pflag accumulates over repetitions (string slices): every occurrence counts.
const LIST_FLAGS: &[&str] = &["tls-cipher-suites"];

fn flag_value(line: &CommandLine<'_>, arg: &Arg, flag: &str) -> SettingValue {
    if LIST_FLAGS.contains(&flag) {
        return SettingValue::List(line.list(flag).into_iter().map(|(item, _)| item).collect());
    }
    match &arg.value {
        None => SettingValue::Bool(true),
        Some(text) => SettingValue::Text(text.clone()),
    }
}

fn node_value(node: &Node) -> SettingValue {
    match &node.value {
        Value::Bool(b) => SettingValue::Bool(*b),
        Value::Int(i) => SettingValue::Int(*i),
        Value::Float(f) => SettingValue::Text(f.to_string()),
        Value::Str(s) => SettingValue::Text(s.to_string()),
        Value::Seq(items) => SettingValue::List(
            items
                .iter()
                .filter_map(|n| n.as_str().map(str::to_string))
                .collect(),
        ),
        Value::Null => SettingValue::Unset,
        Value::Map(_) => SettingValue::Text(String::new()),
    }
}

/// The settings the CIS benchmark asks about, with both modes' defaults (Kubernetes
/// `KubeletConfiguration` v1beta1 defaulting, and the kubelet's legacy flag defaults).
pub mod fields {
    use super::{Default, Field};

    /// `authentication.anonymous.enabled` (`--anonymous-auth`): v1beta1 defaulting sets
    /// false; the legacy flag defaults (`applyLegacyDefaults`) set true.
    pub const ANONYMOUS_AUTH: Field = Field {
        config: "/authentication/anonymous/enabled",
        flag: Some("anonymous-auth"),
        config_default: Default::Bool(false),
        flag_default: Default::Bool(true),
    };
    /// `authentication.webhook.enabled` (`--authentication-token-webhook`): true in a
    /// config file, false with flags alone.
    pub const WEBHOOK_AUTHENTICATION: Field = Field {
        config: "/authentication/webhook/enabled",
        flag: Some("authentication-token-webhook"),
        config_default: Default::Bool(true),
        flag_default: Default::Bool(false),
    };
    /// `authorization.mode` (`--authorization-mode`): Webhook in a config file (also when
    /// written as `""`), AlwaysAllow with flags alone.
    pub const AUTHORIZATION_MODE: Field = Field {
        config: "/authorization/mode",
        flag: Some("authorization-mode"),
        config_default: Default::Text("Webhook"),
        flag_default: Default::Text("AlwaysAllow"),
    };
    pub const CLIENT_CA_FILE: Field = Field {
        config: "/authentication/x509/clientCAFile",
        flag: Some("client-ca-file"),
        config_default: Default::Unset,
        flag_default: Default::Unset,
    };
    /// `readOnlyPort` (`--read-only-port`): not defaulted in a config file, so 0 (off);
    /// 10255 with flags alone.
    pub const READ_ONLY_PORT: Field = Field {
        config: "/readOnlyPort",
        flag: Some("read-only-port"),
        config_default: Default::Int(0),
        flag_default: Default::Int(10255),
    };
    pub const STATIC_POD_PATH: Field = Field {
        config: "/staticPodPath",
        flag: Some("pod-manifest-path"),
        config_default: Default::Unset,
        flag_default: Default::Unset,
    };
    pub const TLS_CERT_FILE: Field = Field {
        config: "/tlsCertFile",
        flag: Some("tls-cert-file"),
        config_default: Default::Unset,
        flag_default: Default::Unset,
    };
    pub const TLS_PRIVATE_KEY_FILE: Field = Field {
        config: "/tlsPrivateKeyFile",
        flag: Some("tls-private-key-file"),
        config_default: Default::Unset,
        flag_default: Default::Unset,
    };
    /// `streamingConnectionIdleTimeout` (`--streaming-connection-idle-timeout`): idle exec,
    /// attach and port-forward streams are closed after this long. v1beta1 defaulting sets
    /// 4h when the field is the zero duration, so `0s` in a config file means 4h; the flag
    /// is applied after defaulting, so `--streaming-connection-idle-timeout=0` means no
    /// timeout. The flag default is the same 4h (the legacy defaults do not change it).
    pub const STREAMING_CONNECTION_IDLE_TIMEOUT: Field = Field {
        config: "/streamingConnectionIdleTimeout",
        flag: Some("streaming-connection-idle-timeout"),
        config_default: Default::Text("4h0m0s"),
        flag_default: Default::Text("4h0m0s"),
    };
    /// `makeIPTablesUtilChains` (`--make-iptables-util-chains`): defaulted to true in both
    /// modes (v1beta1 `SetDefaults_KubeletConfiguration`).
    pub const MAKE_IPTABLES_UTIL_CHAINS: Field = Field {
        config: "/makeIPTablesUtilChains",
        flag: Some("make-iptables-util-chains"),
        config_default: Default::Bool(true),
        flag_default: Default::Bool(true),
    };
    /// `protectKernelDefaults` (`--protect-kernel-defaults`): not defaulted, so false.
    pub const PROTECT_KERNEL_DEFAULTS: Field = Field {
        config: "/protectKernelDefaults",
        flag: Some("protect-kernel-defaults"),
        config_default: Default::Bool(false),
        flag_default: Default::Bool(false),
    };
    /// `eventRecordQPS` (`--event-qps`): events per second the kubelet may create; 0 means
    /// no limit. Defaulted to 50 when unset (v1beta1 defaulting; a written 0 stays 0).
    pub const EVENT_RECORD_QPS: Field = Field {
        config: "/eventRecordQPS",
        flag: Some("event-qps"),
        config_default: Default::Int(50),
        flag_default: Default::Int(50),
    };
    /// `rotateCertificates` (`--rotate-certificates`): client certificate rotation. Not
    /// defaulted, so false in both modes (kubeadm writes `true` into its config).
    pub const ROTATE_CERTIFICATES: Field = Field {
        config: "/rotateCertificates",
        flag: Some("rotate-certificates"),
        config_default: Default::Bool(false),
        flag_default: Default::Bool(false),
    };
    /// `serverTLSBootstrap` (`--rotate-server-certificates`): request the serving
    /// certificate from the certificates API and rotate it. Not defaulted, so false.
    pub const SERVER_TLS_BOOTSTRAP: Field = Field {
        config: "/serverTLSBootstrap",
        flag: Some("rotate-server-certificates"),
        config_default: Default::Bool(false),
        flag_default: Default::Bool(false),
    };
    /// `tlsCipherSuites` (`--tls-cipher-suites`): unset means Go's default suites.
    pub const TLS_CIPHER_SUITES: Field = Field {
        config: "/tlsCipherSuites",
        flag: Some("tls-cipher-suites"),
        config_default: Default::Unset,
        flag_default: Default::Unset,
    };
    /// `tlsMinVersion` (`--tls-min-version`): unset means Go's default minimum.
    pub const TLS_MIN_VERSION: Field = Field {
        config: "/tlsMinVersion",
        flag: Some("tls-min-version"),
        config_default: Default::Unset,
        flag_default: Default::Unset,
    };
    /// `podPidsLimit` (`--pod-max-pids`): defaulted to -1 (no per-pod limit) when unset or
    /// negative; the pod cgroup gets a limit only when the value is above 0.
    pub const POD_PIDS_LIMIT: Field = Field {
        config: "/podPidsLimit",
        flag: Some("pod-max-pids"),
        config_default: Default::Int(-1),
        flag_default: Default::Int(-1),
    };
    /// `seccompDefault` (`--seccomp-default`): defaulted to false in both modes.
    pub const SECCOMP_DEFAULT: Field = Field {
        config: "/seccompDefault",
        flag: Some("seccomp-default"),
        config_default: Default::Bool(false),
        flag_default: Default::Bool(false),
    };
    /// Not a configuration field: only a flag.
    pub const KUBECONFIG: Field = Field {
        config: "/-kubeconfig-flag-only",
        flag: Some("kubeconfig"),
        config_default: Default::Unset,
        flag_default: Default::Unset,
    };
}

#[cfg(test)]
mod tests;
