//! The objects the server holds, indexed by resource, in the order the API server lists
//! them (namespace, then name), and the changes a test makes while the server runs, in
//! resource-version order, for watches.

use std::collections::BTreeMap;
use std::sync::{Mutex, RwLock};

use bulkhead_model::{discover, load_inputs, Limits, Node};
use serde_json::Value;

use crate::resources::{self, Resource};

/// Objects by resource.
pub struct Store {
    pub resources: Vec<Resource>,
    /// (group, plural) → objects sorted by (namespace, name).
    objects: RwLock<BTreeMap<(String, String), Vec<Stored>>>,
    /// Every change since the start, oldest first.
    changes: Mutex<Vec<Change>>,
    /// The newest resource version; watchers wait on it.
    version: tokio::sync::watch::Sender<u64>,
}

/// The resource version lists report before any change.
pub const INITIAL_RESOURCE_VERSION: u64 = 5000;

/// One change to one object: a watch event.
#[derive(Clone, Debug)]
pub struct Change {
    pub resource_version: u64,
    pub group: String,
    pub plural: String,
    pub namespace: String,
    /// `ADDED`, `MODIFIED` or `DELETED`.
    pub kind: &'static str,
    pub object: Value,
}

/// One object and the position it sorts at.
#[derive(Clone)]
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
        Store {
            resources,
            objects: RwLock::new(objects),
            changes: Mutex::new(Vec::new()),
            version: tokio::sync::watch::Sender::new(INITIAL_RESOURCE_VERSION),
        }
    }

    /// Reads the objects of a resource, in list order, under the lock.
    pub fn with_list<R>(&self, group: &str, plural: &str, read: impl FnOnce(&[Stored]) -> R) -> R {
        match self.objects.read() {
            Ok(objects) => read(
                objects
                    .get(&(group.to_string(), plural.to_string()))
                    .map_or(&[], Vec::as_slice),
            ),
            Err(_) => read(&[]),
        }
    }

    /// The newest resource version (what a list reports).
    pub fn resource_version(&self) -> u64 {
        *self.version.borrow()
    }

    /// Waits for resource versions after the one seen.
    pub fn subscribe(&self) -> tokio::sync::watch::Receiver<u64> {
        self.version.subscribe()
    }

    /// The changes after resource version `after` to one resource (in one namespace, or all).
    pub fn changes_after(
        &self,
        after: u64,
        group: &str,
        plural: &str,
        namespace: Option<&str>,
    ) -> Vec<Change> {
        let Ok(changes) = self.changes.lock() else {
            return Vec::new();
        };
        changes
            .iter()
            .filter(|c| {
                c.resource_version > after
                    && c.group == group
                    && c.plural == plural
                    && namespace.is_none_or(|ns| c.namespace == ns)
            })
            .cloned()
            .collect()
    }

    /// Creates or replaces an object of a kind the server already serves, as `kubectl
    /// apply` would, and tells watchers (`ADDED` or `MODIFIED`).
    pub fn apply(&self, object: Value) -> Result<(), String> {
        self.change(object, false)
    }

    /// Deletes an object and tells watchers (`DELETED`).
    pub fn delete(&self, object: Value) -> Result<(), String> {
        self.change(object, true)
    }

    fn change(&self, mut object: Value, delete: bool) -> Result<(), String> {
        let api_version = object["apiVersion"]
            .as_str()
            .unwrap_or_default()
            .to_string();
        let kind = object["kind"].as_str().unwrap_or_default().to_string();
        let group = api_version.split_once('/').map_or("", |(g, _)| g);
        let resource = self
            .resources
            .iter()
            .find(|r| r.group == group && r.kind == kind)
            .ok_or_else(|| format!("the server does not serve {api_version} {kind}"))?;
        let name = object["metadata"]["name"]
            .as_str()
            .ok_or("the object has no metadata.name")?
            .to_string();
        let namespace = if resource.namespaced {
            let ns = object["metadata"]["namespace"]
                .as_str()
                .unwrap_or("default")
                .to_string();
            object["metadata"]["namespace"] = Value::String(ns.clone());
            ns
        } else {
            String::new()
        };
        let mut objects = self.objects.write().map_err(|e| e.to_string())?;
        let mut changes = self.changes.lock().map_err(|e| e.to_string())?;
        let version = self.resource_version() + 1;
        let list = objects
            .entry((resource.group.clone(), resource.plural.clone()))
            .or_default();
        let at = list.binary_search_by(|s| (&s.namespace, &s.name).cmp(&(&namespace, &name)));
        stamp(
            &mut object,
            (version - INITIAL_RESOURCE_VERSION) as usize + 100_000,
        );
        object["metadata"]["resourceVersion"] = Value::String(version.to_string());
        let kind = match (at, delete) {
            (Ok(i), true) => {
                list.remove(i);
                "DELETED"
            }
            (Err(_), true) => return Err(format!("{kind} {name} does not exist")),
            (Ok(i), false) => {
                list[i].object = object.clone();
                "MODIFIED"
            }
            (Err(i), false) => {
                list.insert(
                    i,
                    Stored {
                        namespace: namespace.clone(),
                        name,
                        object: object.clone(),
                    },
                );
                "ADDED"
            }
        };
        changes.push(Change {
            resource_version: version,
            group: resource.group.clone(),
            plural: resource.plural.clone(),
            namespace,
            kind,
            object,
        });
        self.version.send_replace(version);
        Ok(())
    }

    /// Stores `object` as `namespace`/`name` of a resource, replacing one of that name; its
    /// list position follows (namespace, name). Returns the object it replaced.
    pub fn put(
        &self,
        group: &str,
        plural: &str,
        namespace: &str,
        name: &str,
        object: Value,
    ) -> Option<Value> {
        let mut objects = self.objects.write().unwrap_or_else(|e| e.into_inner());
        let list = objects
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
    pub fn remove(&self, group: &str, plural: &str, namespace: &str, name: &str) -> Option<Value> {
        let mut objects = self.objects.write().unwrap_or_else(|e| e.into_inner());
        let list = objects.get_mut(&(group.to_string(), plural.to_string()))?;
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
