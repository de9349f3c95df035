//! k3s runs the kubelet inside its own process, so no `/proc` entry shows the kubelet's
//! flags: they are what k3s passes itself plus the `kubelet-arg:` items of
//! `/etc/rancher/k3s/config.yaml` and `config.yaml.d/*.yaml`, or, when its systemd unit
//! (`k3s.service`, `k3s-agent.service`) passes `--kubelet-arg`, those instead (a command-line
//! list replaces the configured one). Each item becomes a word (`anonymous-auth=false` →
//! `--anonymous-auth=false`) whose position is the YAML item or the unit's word.

use std::sync::Arc;

use bulkhead_model::{parse_document, Limits, Node, Object, SourceFile, Span, Value};

use super::arguments::{objects_per_file, Word};
use super::fs::NodeFs;
use super::systemd::unit_command;
use crate::render::quote;

/// The k3s configuration directory.
const CONFIG: &str = "/etc/rancher/k3s/config.yaml";
const CONFIG_DIR: &str = "/etc/rancher/k3s/config.yaml.d";
const DEFAULT_DATA_DIR: &str = "/var/lib/rancher/k3s";

/// What k3s's configuration tells about its kubelet.
#[derive(Debug, Default)]
pub(crate) struct K3s {
    /// The `Arguments` objects: k3s's own flags first, then the configured ones.
    pub objects: Vec<Object>,
    /// The configuration files read.
    pub config_files: Vec<String>,
    pub data_dir: String,
}

/// Whether the node looks like a k3s node even without a running k3s process.
pub(crate) fn present(fs: &NodeFs) -> bool {
    fs.exists(CONFIG) || fs.exists(&format!("{DEFAULT_DATA_DIR}/agent"))
}

/// The kubelet flags of a k3s node.
pub(crate) fn kubelet_arguments(fs: &mut NodeFs) -> K3s {
    let consequence = "the kubelet flags set in it are not evaluated";
    let mut paths = vec![CONFIG.to_string()];
    paths.extend(
        fs.list(CONFIG_DIR)
            .into_iter()
            .filter(|n| n.ends_with(".yaml") || n.ends_with(".yml"))
            .map(|n| format!("{CONFIG_DIR}/{n}")),
    );
    let mut files: Vec<Arc<SourceFile>> = Vec::new();
    // (file, item) pairs; `kubelet-arg` replaces what earlier files set, `kubelet-arg+` adds.
    let mut items: Vec<(usize, Node)> = Vec::new();
    let mut data_dir = DEFAULT_DATA_DIR.to_string();
    let mut k3s = K3s::default();
    let mut items_from_unit: Vec<(usize, String, Span)> = Vec::new();
    for path in paths {
        let Some(text) = fs.read_optional(&path, consequence) else {
            continue;
        };
        k3s.config_files.push(path.clone());
        let file = Arc::new(SourceFile::new(path.clone(), text));
        let root = match parse_document(&file, &Limits::default()) {
            Ok(Some(root)) => root,
            Ok(None) => continue,
            Err(errors) => {
                fs.errors.extend(errors);
                continue;
            }
        };
        let index = files.len();
        files.push(file);
        if let Some(dir) = root.get("data-dir").and_then(Node::as_str) {
            data_dir = dir.trim_end_matches('/').to_string();
        }
        for entry in root.as_map() {
            let append = match &*entry.key {
                "kubelet-arg" => false,
                "kubelet-arg+" => true,
                _ => continue,
            };
            if !append {
                items.clear();
            }
            match &entry.value.value {
                Value::Seq(list) => items.extend(list.iter().map(|n| (index, n.clone()))),
                Value::Str(_) => items.push((index, entry.value.clone())),
                _ => {}
            }
        }
    }
    if let Some((unit_files, unit_items)) = unit_items(fs) {
        let base = files.len();
        k3s.config_files
            .extend(unit_files.iter().map(|f| f.path.clone()));
        files.extend(unit_files);
        items_from_unit = unit_items
            .into_iter()
            .map(|(file, text, span)| (base + file, text, span))
            .collect();
    }
    let defaults = defaults(&data_dir);
    let offset = defaults.len();
    let from_config = items.into_iter().filter_map(|(file, node)| {
        let item = node.scalar_text()?;
        Some((file, item, node.span))
    });
    let chosen: Vec<(usize, String, Span)> = if items_from_unit.is_empty() {
        from_config.collect()
    } else {
        items_from_unit
    };
    let words: Vec<(usize, Word)> = chosen
        .into_iter()
        .map(|(file, item, span)| (file, format!("--{}", item.trim_start_matches('-')), span))
        .enumerate()
        .map(|(i, (file, text, span))| {
            (
                file,
                Word {
                    text,
                    span,
                    position: offset + i,
                },
            )
        })
        .collect();
    k3s.objects.extend(rendered_defaults(&defaults, fs));
    k3s.objects
        .extend(objects_per_file(&files, "kubelet", words));
    k3s.data_dir = data_dir;
    k3s
}

/// The units k3s's installer writes, server first.
const UNITS: [&str; 2] = ["k3s.service", "k3s-agent.service"];

/// The `--kubelet-arg` values of k3s's unit (`--kubelet-arg=x=y` or `--kubelet-arg x=y`),
/// with the unit's files; `None` when there is no unit.
#[allow(clippy::type_complexity)]
fn unit_items(fs: &mut NodeFs) -> Option<(Vec<Arc<SourceFile>>, Vec<(usize, String, Span)>)> {
    let unit = UNITS.iter().find_map(|name| unit_command(fs, name))?;
    let mut items = Vec::new();
    let mut words = unit.words.iter().peekable();
    while let Some((file, word)) = words.next() {
        if let Some(item) = word.text.strip_prefix("--kubelet-arg=") {
            items.push((*file, item.to_string(), word.span));
        } else if word.text == "--kubelet-arg" {
            if let Some((file, value)) = words.next() {
                items.push((*file, value.text.clone(), value.span));
            }
        }
    }
    Some((unit.files, items))
}

/// The flags k3s gives its kubelet whatever the configuration: its configuration
/// directory (where it writes its own defaults) and its kubeconfig.
fn defaults(data_dir: &str) -> Vec<String> {
    vec![
        format!("--config-dir={data_dir}/agent/etc/kubelet.conf.d"),
        format!("--kubeconfig={data_dir}/agent/kubelet.kubeconfig"),
    ]
}

fn rendered_defaults(flags: &[String], fs: &mut NodeFs) -> Vec<Object> {
    let mut yaml = format!(
        "apiVersion: {}\nkind: Arguments\nmetadata:\n  name: kubelet\nspec:\n  args:\n",
        crate::NODE_API_VERSION
    );
    for flag in flags {
        yaml.push_str(&format!("  - {}\n", quote(flag)));
    }
    yaml.push_str("  positions:\n");
    for i in 0..flags.len() {
        yaml.push_str(&format!("  - {i}\n"));
    }
    let loaded = crate::render::load_fact("k3s:defaults", &yaml);
    fs.errors.extend(loaded.errors);
    loaded.objects
}
