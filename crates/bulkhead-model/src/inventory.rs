//! Every loaded object in one place, indexed for the questions checks ask.

use std::collections::HashMap;

use crate::object::Object;

/// All objects of a scan, in load order, with indexes by kind, namespace and name.
#[derive(Debug, Default)]
pub struct Inventory {
    objects: Vec<Object>,
    by_kind: HashMap<String, Vec<usize>>,
    by_namespace: HashMap<String, Vec<usize>>,
    by_kind_namespace: HashMap<(String, Option<String>), Vec<usize>>,
    by_name: HashMap<(String, Option<String>, String), usize>,
}

impl Inventory {
    pub fn new(objects: Vec<Object>) -> Self {
        let mut inventory = Inventory {
            objects,
            ..Default::default()
        };
        for (i, o) in inventory.objects.iter().enumerate() {
            inventory.by_kind.entry(o.kind.clone()).or_default().push(i);
            inventory
                .by_kind_namespace
                .entry((o.kind.clone(), o.namespace.clone()))
                .or_default()
                .push(i);
            if let Some(ns) = &o.namespace {
                inventory
                    .by_namespace
                    .entry(ns.clone())
                    .or_default()
                    .push(i);
            }
            inventory
                .by_name
                .entry((o.kind.clone(), o.namespace.clone(), o.name.clone()))
                .or_insert(i);
        }
        inventory
    }

    pub fn objects(&self) -> &[Object] {
        &self.objects
    }

    pub fn len(&self) -> usize {
        self.objects.len()
    }

    pub fn is_empty(&self) -> bool {
        self.objects.is_empty()
    }

    pub fn of_kind<'a>(&'a self, kind: &str) -> impl Iterator<Item = &'a Object> + 'a {
        self.indexed(self.by_kind.get(kind))
    }

    /// Objects of a kind with exactly this namespace field (`None`: written without one).
    pub fn of_kind_in<'a>(
        &'a self,
        kind: &str,
        namespace: Option<&str>,
    ) -> impl Iterator<Item = &'a Object> + 'a {
        let key = (kind.to_string(), namespace.map(str::to_string));
        self.indexed(self.by_kind_namespace.get(&key))
    }

    pub fn in_namespace<'a>(&'a self, namespace: &str) -> impl Iterator<Item = &'a Object> + 'a {
        self.indexed(self.by_namespace.get(namespace))
    }

    /// Namespaces that objects live in or that are declared as `Namespace` objects, sorted.
    pub fn namespaces(&self) -> Vec<&str> {
        let mut names: Vec<&str> = self
            .by_namespace
            .keys()
            .map(String::as_str)
            .chain(self.of_kind("Namespace").map(|o| o.name.as_str()))
            .collect();
        names.sort_unstable();
        names.dedup();
        names
    }

    /// The object of that kind, namespace and name (the first one loaded, if repeated).
    pub fn get(&self, kind: &str, namespace: Option<&str>, name: &str) -> Option<&Object> {
        let key = (
            kind.to_string(),
            namespace.map(str::to_string),
            name.to_string(),
        );
        self.by_name.get(&key).map(|&i| &self.objects[i])
    }

    fn indexed<'a>(&'a self, ids: Option<&'a Vec<usize>>) -> impl Iterator<Item = &'a Object> + 'a {
        ids.into_iter().flatten().map(move |&i| &self.objects[i])
    }
}
