//! Where kube-proxy's settings come from. Unlike the kubelet, kube-proxy does not layer
//! flags over its config file: with `--config` the file decides everything but a few
//! logging flags and `--hostname-override` (its flag help says "This parameter is ignored if
//! a config file is specified by --config"). The file is usually a key of the `kube-proxy`
//! ConfigMap mounted into the DaemonSet, so a `--config` path inside a ConfigMap mount is
//! followed to that ConfigMap's key when the ConfigMap was scanned.

use bulkhead_model::{escape_token, Node, Object, PodSpec};
use bulkhead_node::{Arg, CommandLine};

use crate::rules::kubelet::objects_in_text;
use crate::Context;

/// Where a kube-proxy's configuration file was found.
pub enum ConfigSource<'a> {
    /// A `KubeProxyConfiguration` document scanned as a file of its own.
    Object(&'a Object),
    /// A key of a ConfigMap holding the configuration as text.
    ConfigMapKey(Box<EmbeddedConfig<'a>>),
    /// `--config` names a file that was not scanned.
    Unscanned,
}

/// A `KubeProxyConfiguration` written as text in a ConfigMap key.
pub struct EmbeddedConfig<'a> {
    pub config_map: &'a Object,
    pub key: String,
    /// The configuration, parsed from the key's text.
    pub config: Object,
}

impl EmbeddedConfig<'_> {
    /// Pointer to the key in the ConfigMap: where findings about the embedded text go.
    pub fn pointer(&self) -> String {
        format!("/data/{}", escape_token(&self.key))
    }
}

/// The `--config` flag of a kube-proxy command line and the configuration it names.
pub fn config_of<'a, 'l>(
    cx: &Context<'a>,
    line: &'l CommandLine<'a>,
) -> Option<(&'l Arg, ConfigSource<'a>)> {
    let arg = line.flag("config").filter(|a| !a.text().is_empty())?;
    let path = arg.text();
    if let Some(object) = cx
        .inventory
        .of_kind("KubeProxyConfiguration")
        .find(|o| o.origin.file.path == path)
    {
        return Some((arg, ConfigSource::Object(object)));
    }
    let embedded = (line.origin == "static Pod")
        .then(|| mounted_config(cx, line, path))
        .flatten();
    Some((
        arg,
        embedded.map_or(ConfigSource::Unscanned, |e| {
            ConfigSource::ConfigMapKey(Box::new(e))
        }),
    ))
}

/// The configuration a Pod or workload's container reads at `path` from a scanned
/// ConfigMap.
fn mounted_config<'a>(
    cx: &Context<'a>,
    line: &CommandLine<'a>,
    path: &str,
) -> Option<EmbeddedConfig<'a>> {
    let object = line.object();
    // The anchor is the container's `command` or `args` list.
    let (container_pointer, _) = line.anchor.rsplit_once('/')?;
    let container = object.root.at(container_pointer)?;
    let (name, key) = config_map_key_for(object, container, path)?;
    let config_map = cx
        .inventory
        .get("ConfigMap", object.namespace.as_deref(), &name)?;
    let text = config_map.root.path(&["data", &key])?.as_str()?;
    Some(EmbeddedConfig {
        config_map,
        key,
        config: parse_embedded(text)?,
    })
}

/// Every `KubeProxyConfiguration` held as text by a ConfigMap named `kube-proxy` (kubeadm's
/// `config.conf` key), with the key.
pub fn embedded_configs(config_map: &Object) -> Vec<EmbeddedConfig<'_>> {
    let Some(data) = config_map.root.get("data") else {
        return Vec::new();
    };
    data.as_map()
        .iter()
        .filter_map(|entry| {
            let text = entry.value.as_str()?;
            let config = parse_embedded(text)?;
            Some(EmbeddedConfig {
                config_map,
                key: entry.key.to_string(),
                config,
            })
        })
        .collect()
}

fn parse_embedded(text: &str) -> Option<Object> {
    objects_in_text("embedded", text, "KubeProxyConfiguration")
        .into_iter()
        .next()
}

/// The ConfigMap key a file path resolves to through the pod's volume mounts: the container
/// whose command line this is, its mount that contains `path`, and the `configMap` volume
/// behind it (with `items` remapping keys to paths, and `subPath` mounts of one file).
pub fn config_map_key_for<'a>(
    object: &'a Object,
    container: &'a Node,
    path: &str,
) -> Option<(String, String)> {
    let pod = PodSpec::of(object)?;
    let volumes = pod.get("volumes").map(Node::as_seq).unwrap_or(&[]);
    for mount in container
        .get("volumeMounts")
        .map(Node::as_seq)
        .unwrap_or(&[])
    {
        let Some(mount_path) = mount.get("mountPath").and_then(Node::as_str) else {
            continue;
        };
        let mount_path = mount_path.trim_end_matches('/');
        let sub_path = mount
            .get("subPath")
            .and_then(Node::as_str)
            .filter(|s| !s.is_empty());
        let relative = match sub_path {
            Some(sub) if path == mount_path => sub.to_string(),
            Some(_) => continue,
            None => match path
                .strip_prefix(mount_path)
                .and_then(|r| r.strip_prefix('/'))
            {
                Some(rest) => rest.to_string(),
                None => continue,
            },
        };
        let name = mount.get("name").and_then(Node::as_str);
        let Some(volume) = volumes
            .iter()
            .find(|v| v.get("name").and_then(Node::as_str) == name)
        else {
            continue;
        };
        let Some(config_map) = volume.get("configMap") else {
            continue;
        };
        let Some(config_map_name) = config_map.get("name").and_then(Node::as_str) else {
            continue;
        };
        let items = config_map.get("items").map(Node::as_seq).unwrap_or(&[]);
        let key = if items.is_empty() {
            Some(relative.clone())
        } else {
            items
                .iter()
                .find(|i| i.get("path").and_then(Node::as_str) == Some(relative.as_str()))
                .and_then(|i| i.get("key").and_then(Node::as_str))
                .map(str::to_string)
        };
        if let Some(key) = key {
            return Some((config_map_name.to_string(), key));
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::config_map_key_for;
    use bulkhead_model::{load_text, Limits};

    fn key_for(volumes: &str, mounts: &str, path: &str) -> Option<(String, String)> {
        let text = format!(
            "apiVersion: apps/v1\nkind: DaemonSet\nmetadata: {{name: kube-proxy, namespace: kube-system}}\nspec:\n  template:\n    spec:\n      containers:\n      - name: kube-proxy\n        image: registry.k8s.io/kube-proxy:v1.31.2\n        volumeMounts: {mounts}\n      volumes: {volumes}\n"
        );
        let loaded = load_text("ds.yaml", &text, &Limits::default());
        assert!(loaded.errors.is_empty(), "{:?}", loaded.errors);
        let object = &loaded.objects[0];
        let container = object.root.at("/spec/template/spec/containers/0").unwrap();
        config_map_key_for(object, container, path)
    }

    #[test]
    fn a_path_under_a_config_map_mount_is_its_key() {
        let volumes = "[{name: kube-proxy, configMap: {name: kube-proxy}}]";
        let mounts = "[{name: kube-proxy, mountPath: /var/lib/kube-proxy/}]";
        assert_eq!(
            key_for(volumes, mounts, "/var/lib/kube-proxy/config.conf"),
            Some(("kube-proxy".to_string(), "config.conf".to_string()))
        );
        assert_eq!(key_for(volumes, mounts, "/etc/kube-proxy.conf"), None);
    }

    #[test]
    fn items_remap_keys_and_sub_paths_mount_one_file() {
        let volumes = "[{name: cfg, configMap: {name: proxy-config, items: [{key: config.conf, path: proxy.yaml}]}}]";
        let mounts = "[{name: cfg, mountPath: /etc/kube-proxy}]";
        assert_eq!(
            key_for(volumes, mounts, "/etc/kube-proxy/proxy.yaml"),
            Some(("proxy-config".to_string(), "config.conf".to_string()))
        );
        assert_eq!(
            key_for(volumes, mounts, "/etc/kube-proxy/config.conf"),
            None
        );

        let volumes = "[{name: cfg, configMap: {name: proxy-config}}]";
        let mounts = "[{name: cfg, mountPath: /etc/kube-proxy/config.yaml, subPath: config.conf}]";
        assert_eq!(
            key_for(volumes, mounts, "/etc/kube-proxy/config.yaml"),
            Some(("proxy-config".to_string(), "config.conf".to_string()))
        );
        let volumes = "[{name: cfg, hostPath: {path: /etc/kube-proxy}}]";
        let mounts = "[{name: cfg, mountPath: /etc/kube-proxy}]";
        assert_eq!(
            key_for(volumes, mounts, "/etc/kube-proxy/config.yaml"),
            None
        );
    }
}
