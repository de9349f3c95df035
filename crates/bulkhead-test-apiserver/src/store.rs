//! The objects the server holds, indexed by resource, in the order the API server lists
//! them (namespace, then name).

use std::collections::BTreeMap;

use bulkhead_model::{discover, load_inputs, Limits, Node};
use serde_json::Value;

use crate::resources::{self, Resource};

/// Objects by resource.
pub struct Store {
    pub resources: Vec<Resource>,
    /// (group, plural) → objects sorted by (namespace, name).
    objects: BTreeMap<(String, String), Vec<Stored>>,
}

/// One object and the position it sorts at.
pub struct Stored {
    pub namespace: String,
    pub name: String,
    pub object: Value,
}

impl Store {
    /// Indexes `objects` (full objects with `apiVersion`, `kind` and `metadata.name`); a
    /// namespaced object without a namespace goes to `default`, as `kubectl apply` puts it;
    /// the server fills in what it sets on every object (uid, resourceVersion,
    /// creationTimestamp, managedFields), so clients have to drop what they do not want.
    pub fn new(objects: Vec<Value>) -> Store {
        Store::with_kinds(objects, &[])
    }

    /// As [`Store::new`], also serving these kinds (`(apiVersion, kind, namespaced)`) even
    /// when no object of theirs is given, as an installed CustomResourceDefinition does.
    pub fn with_kinds(objects: Vec<Value>, extra: &[(&str, &str, bool)]) -> Store {
        let mut kinds: BTreeMap<(String, String), bool> = BTreeMap::new();
        for (api_version, kind, namespaced) in extra {
            kinds.insert((api_version.to_string(), kind.to_string()), *namespaced);
        }
        for o in &objects {
            let (Some(api_version), Some(kind)) = (o["apiVersion"].as_str(), o["kind"].as_str())
            else {
                continue;
            };
            let namespaced = o["metadata"]["namespace"].is_string();
            *kinds
                .entry((api_version.to_string(), kind.to_string()))
                .or_default() |= namespaced;
        }
        let resources = resources::table(&kinds);
        let mut index: BTreeMap<(String, String), BTreeMap<(String, String), Value>> =
            BTreeMap::new();
        for (serial, mut o) in objects.into_iter().enumerate() {
            let (Some(api_version), Some(kind)) = (o["apiVersion"].as_str(), o["kind"].as_str())
            else {
                continue;
            };
            let group = api_version
                .split_once('/')
                .map_or("", |(g, _)| g)
                .to_string();
            let Some(resource) = resources
                .iter()
                .find(|r| r.group == group && r.kind == kind)
            else {
                continue;
            };
            let Some(name) = o["metadata"]["name"].as_str().map(str::to_string) else {
                continue;
            };
            let namespace = if resource.namespaced {
                let ns = o["metadata"]["namespace"]
                    .as_str()
                    .unwrap_or("default")
                    .to_string();
                o["metadata"]["namespace"] = Value::String(ns.clone());
                ns
            } else {
                if let Some(meta) = o["metadata"].as_object_mut() {
                    meta.remove("namespace");
                }
                String::new()
            };
            o["apiVersion"] = Value::String(resource.api_version());
            stamp(&mut o, serial);
            index
                .entry((resource.group.clone(), resource.plural.clone()))
                .or_default()
                .insert((namespace, name), o);
        }
        let objects = index
            .into_iter()
            .map(|(key, objects)| {
                let list = objects
                    .into_iter()
                    .map(|((namespace, name), object)| Stored {
                        namespace,
                        name,
                        object,
                    })
                    .collect();
                (key, list)
            })
            .collect();
        Store { resources, objects }
    }

    /// The objects of a resource, in list order.
    pub fn list(&self, group: &str, plural: &str) -> &[Stored] {
        self.objects
            .get(&(group.to_string(), plural.to_string()))
            .map_or(&[], Vec::as_slice)
    }

    /// Stores `object` as `namespace`/`name` of a resource, replacing one of that name; its
    /// list position follows (namespace, name). Returns the object it replaced.
    pub fn put(
        &mut self,
        group: &str,
        plural: &str,
        namespace: &str,
        name: &str,
        object: Value,
    ) -> Option<Value> {
        let list = self
            .objects
            .entry((group.to_string(), plural.to_string()))
            .or_default();
        let key = (namespace, name);
        match list.binary_search_by(|s| (s.namespace.as_str(), s.name.as_str()).cmp(&key)) {
            Ok(i) => Some(std::mem::replace(&mut list[i].object, object)),
            Err(i) => {
                list.insert(
                    i,
                    Stored {
                        namespace: namespace.to_string(),
                        name: name.to_string(),
                        object,
                    },
                );
                None
            }
        }
    }

    /// Removes `namespace`/`name` of a resource; returns it.
    pub fn remove(
        &mut self,
        group: &str,
        plural: &str,
        namespace: &str,
        name: &str,
    ) -> Option<Value> {
        let list = self
            .objects
            .get_mut(&(group.to_string(), plural.to_string()))?;
        let i = list
            .iter()
            .position(|s| s.namespace == namespace && s.name == name)?;
        Some(list.remove(i).object)
    }

    pub fn resource(&self, group: &str, version: &str, plural: &str) -> Option<&Resource> {
        self.resources
            .iter()
            .find(|r| r.group == group && r.version == version && r.plural == plural)
    }
}

/// What the API server writes into every object it stores.
fn stamp(object: &mut Value, serial: usize) {
    let Some(meta) = object["metadata"].as_object_mut() else {
        return;
    };
    meta.insert(
        "uid".into(),
        Value::String(format!("00000000-0000-4000-8000-{serial:012}")),
    );
    meta.insert(
        "resourceVersion".into(),
        Value::String((1000 + serial).to_string()),
    );
    meta.entry("creationTimestamp")
        .or_insert_with(|| Value::String("2026-01-01T00:00:00Z".into()));
    meta.insert(
        "managedFields".into(),
        serde_json::json!([{
            "apiVersion": "v1",
            "fieldsType": "FieldsV1",
            "fieldsV1": {"f:metadata": {"f:labels": {}}},
            "manager": "kubectl-client-side-apply",
            "operation": "Update",
            "time": "2026-01-01T00:00:00Z"
        }]),
    );
}

/// Every Kubernetes object in `paths` (files, directories, globs), as JSON, with the
/// loader's typing of YAML scalars. Documents that are not objects are skipped.
pub fn objects_from_paths(paths: &[String]) -> Vec<Value> {
    let discovery = discover(paths);
    let loaded = load_inputs(&discovery.inputs, &Limits::default());
    loaded.objects.iter().map(|o| to_json(&o.root)).collect()
}

/// A loaded value tree as JSON.
pub fn to_json(node: &Node) -> Value {
    node.to_json()
}
