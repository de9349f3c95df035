//! The kubelet's effective configuration, with the source that decided every setting.
//!
//! The kubelet reads, from weakest to strongest: its built-in defaults, the `--config` file,
//! the drop-ins of `--config-dir` (files ending in `.conf`, in name order, each overriding the
//! ones before field by field), and its command-line flags. The defaults themselves depend on
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
        let configs: Vec<&Object> = inventory.of_kind("KubeletConfiguration").collect();
        let mut used = vec![false; configs.len()];
        let mut kubelets = Vec::new();
        for line in command_lines(inventory)
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
                        if !name.contains('/') && name.ends_with(".conf") {
                            drop_ins.push((name.to_string(), *object));
                        }
                    }
                }
            }
            drop_ins.sort_by(|a, b| a.0.cmp(&b.0));
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

    /// The effective value of a setting and what decided it.
    pub fn setting(&self, field: &Field) -> Setting<'a> {
        if let (Some(flag), Some(line)) = (field.flag, &self.command_line) {
            if let Some(arg) = line.flag(flag) {
                return Setting {
                    value: flag_value(arg, field),
                    source: Source::Flag {
                        object: line.object_of(arg),
                        arg: arg.clone(),
                    },
                };
            }
        }
        for object in self.drop_ins.iter().rev() {
            if let Some(node) = object.root.at(field.config) {
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
            if let Some(node) = object.root.at(field.config) {
                return Setting {
                    value: node_value(node),
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
                let decided = match &setting.value {
                    SettingValue::Unset => "not set".to_string(),
                    value => format!("not set; the default is {value}"),
                };
                match (self.config, &self.command_line) {
                    (Some(config), _) => (config, field.config.to_string(), decided),
                    (None, Some(line)) => (line.object(), line.anchor.clone(), decided),
                    (None, None) => unreachable!("a kubelet has a command line or a config"),
                }
            }
        }
    }
}

fn flag_value(arg: &Arg, _field: &Field) -> SettingValue {
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

    pub const ANONYMOUS_AUTH: Field = Field {
        config: "/authentication/anonymous/enabled",
        flag: Some("anonymous-auth"),
        config_default: Default::Bool(false),
        flag_default: Default::Bool(true),
    };
    pub const WEBHOOK_AUTHENTICATION: Field = Field {
        config: "/authentication/webhook/enabled",
        flag: Some("authentication-token-webhook"),
        config_default: Default::Bool(true),
        flag_default: Default::Bool(false),
    };
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
