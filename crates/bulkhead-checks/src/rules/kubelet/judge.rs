//! Judging one kubelet setting on every kubelet of the inventory, and saying what decided it.
//!
//! Every finding names the value's source: the flag as written, the config file or drop-in
//! field, or the default of the kubelet's mode (a kubelet without a config file has the
//! insecure legacy defaults). A kubelet whose `--config` file was not scanned cannot be
//! judged on a value that file would decide: the checks say nothing about it, BHL016 reports
//! the unscanned file once, and the framework reports leave the controls not evaluated. The kubelet configuration kubeadm keeps in the
//! `kube-system/kubelet-config` ConfigMap (what a live cluster scan sees) is judged like a
//! configuration file scanned on its own, and reported at the ConfigMap's key.

use bulkhead_model::{escape_token, Object};
use bulkhead_node::kubelet::{Field, Kubelet, Setting, SettingValue, Source};

use crate::rules::control_plane::flags::origin;
use crate::rules::kubelet::objects_in_text;
use crate::{Context, Sink};

/// Where a kubelet's findings go.
pub enum Place<'a> {
    /// Where each setting was decided: the flag, the file field, the config file.
    Decided,
    /// A key of the ConfigMap in which kubeadm keeps the cluster's kubelet configuration
    /// (`kube-system/kubelet-config`, key `kubelet`), which it writes to every node's
    /// `/var/lib/kubelet/config.yaml` when the node joins or is upgraded.
    ConfigMapKey { config_map: &'a Object, key: String },
}

/// Calls `judge` for every kubelet of the inventory, and for every kubelet configuration
/// held in a kubeadm `kubelet-config` ConfigMap (judged as a configuration of its own).
pub fn for_each_kubelet(
    cx: &Context<'_>,
    sink: &mut Sink<'_>,
    mut judge: impl FnMut(&mut Sink<'_>, &Kubelet<'_>, &Place<'_>),
) {
    for kubelet in cx.kubelets() {
        judge(sink, kubelet, &Place::Decided);
    }
    for config_map in cx.inventory.of_kind("ConfigMap") {
        if !is_kubelet_config_map(config_map) {
            continue;
        }
        let entries = config_map.root.get("data").map_or(&[][..], |d| d.as_map());
        for entry in entries {
            let Some(text) = entry.value.as_str() else {
                continue;
            };
            let name = format!(
                "ConfigMap {}/{} key {}",
                config_map.namespace.as_deref().unwrap_or("default"),
                config_map.name,
                entry.key
            );
            let place = Place::ConfigMapKey {
                config_map,
                key: entry.key.to_string(),
            };
            // A configuration with no command line: a kubelet of its own.
            for config in objects_in_text(&name, text, "KubeletConfiguration") {
                let kubelet = Kubelet {
                    command_line: None,
                    config: Some(&config),
                    drop_ins: Vec::new(),
                };
                judge(sink, &kubelet, &place);
            }
        }
    }
}

/// kubeadm's `kubelet-config` ConfigMap (`kubelet-config-1.NN` before Kubernetes 1.24).
fn is_kubelet_config_map(object: &Object) -> bool {
    object.namespace.as_deref() == Some("kube-system")
        && (object.name == "kubelet-config" || object.name.starts_with("kubelet-config-"))
}

/// Reports, for every kubelet, what `problem` finds wrong with the effective value of
/// `field` (`None` = fine).
pub fn judge_setting(
    cx: &Context<'_>,
    sink: &mut Sink<'_>,
    field: &Field,
    problem: impl Fn(&SettingValue) -> Option<String>,
) {
    for_each_kubelet(cx, sink, |sink, kubelet, place| {
        let setting = kubelet.setting(field);
        if unscanned_config(kubelet, &setting) {
            return;
        }
        if let Some(problem) = problem(&setting.value) {
            report_setting(sink, kubelet, place, field, &setting, &problem);
        }
    });
}

/// Reports `problem` where the setting was decided (or at the ConfigMap key that holds the
/// configuration), followed by what decided it.
pub fn report_setting(
    sink: &mut Sink<'_>,
    kubelet: &Kubelet<'_>,
    place: &Place<'_>,
    field: &Field,
    setting: &Setting<'_>,
    problem: &str,
) {
    let (object, pointer, decided) = kubelet.locate(field, setting);
    match place {
        Place::Decided => sink.report(
            object,
            &pointer,
            format!("{}: {problem} ({decided})", who(kubelet)),
        ),
        Place::ConfigMapKey { config_map, key } => sink.report(
            config_map,
            &format!("/data/{}", escape_token(key)),
            format!(
                "kubelet configuration kubeadm distributes to the nodes: {problem} ({decided})"
            ),
        ),
    }
}

/// `kubelet (process 1234)`, or `kubelet` for a configuration scanned on its own (the
/// location names the file).
pub fn who(kubelet: &Kubelet<'_>) -> String {
    match &kubelet.command_line {
        Some(line) => format!("kubelet ({})", origin(line)),
        None => "kubelet".to_string(),
    }
}

/// When a setting took its default only because the kubelet's `--config` file was not
/// scanned, the setting cannot be judged: returns true so the caller says nothing. The
/// unscanned file is reported once per kubelet by `kubelet-config-not-scanned` (BHL016), and
/// the framework reports leave the kubelet's controls not evaluated.
pub fn unscanned_config(kubelet: &Kubelet<'_>, setting: &Setting<'_>) -> bool {
    matches!(setting.source, Source::Default) && kubelet.missing_config().is_some()
}

/// "`maybe` is not a valid boolean": for values the kubelet itself would refuse.
pub fn unreadable(value: &SettingValue, kind: &str) -> String {
    format!("`{value}` is not a valid {kind}, so the kubelet refuses to start with it")
}

/// A boolean setting that must be `want`: `problem` when it is not.
pub fn bool_problem(value: &SettingValue, want: bool, problem: &str) -> Option<String> {
    match value.as_bool() {
        Some(b) if b == want => None,
        Some(_) => Some(problem.to_string()),
        None => Some(unreadable(value, "boolean")),
    }
}
