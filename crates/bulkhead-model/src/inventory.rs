//! Every loaded object in one place, indexed for the questions checks ask.

use std::hash::BuildHasher;

use foldhash::{HashMap, HashMapExt};
use hashbrown::HashTable;

use crate::identity::identity;
use crate::load::{ErrorSeverity, LoadError};
use crate::object::Object;

/// All objects of a scan, in load order, with indexes by kind, namespace and name.
///
/// The indexes hash with foldhash rather than the standard library's SipHash (the keys are
/// the scan's own input, read once; SipHash was a sixth of loading's CPU time), and the keys
/// are cloned once per distinct kind or namespace, not once per object.
#[derive(Debug, Default)]
pub struct Inventory {
    objects: Vec<Object>,
    by_kind: HashMap<String, Vec<usize>>,
    by_namespace: HashMap<String, Vec<usize>>,
    /// Kind → namespace → objects, for objects written with a namespace. Nested rather than
    /// keyed by a tuple so that a lookup borrows its `&str`s instead of allocating a key.
    by_kind_namespace: HashMap<String, HashMap<String, Vec<usize>>>,
    /// Kind → objects written without a namespace.
    by_kind_no_namespace: HashMap<String, Vec<usize>>,
    /// Kind, namespace and name → the last object with them, as indexes into `objects`
    /// hashed by the object's own fields: no key is copied.
    by_name: HashTable<usize>,
    hasher: foldhash::fast::FixedState,
    /// For each object, the later definition of the same identity in the same root that
    /// replaces it, if any (see [`crate::identity`]).
    replaced_by: Vec<Option<usize>>,
}

/// The list under `key`, created (and the key copied) only the first time.
fn push_at<'m, V: Default>(map: &'m mut HashMap<String, V>, key: &str) -> &'m mut V {
    if !map.contains_key(key) {
        map.insert(key.to_string(), V::default());
    }
    map.get_mut(key).expect("inserted above")
}

type NameKey<'a> = (&'a str, Option<&'a str>, &'a str);

fn name_key(o: &Object) -> NameKey<'_> {
    (o.kind.as_str(), o.namespace.as_deref(), o.name.as_str())
}

impl Inventory {
    pub fn new(objects: Vec<Object>) -> Self {
        let mut inventory = Inventory {
            by_name: HashTable::with_capacity(objects.len()),
            objects,
            ..Default::default()
        };
        let Inventory {
            objects,
            by_kind,
            by_namespace,
            by_kind_namespace,
            by_kind_no_namespace,
            by_name,
            hasher,
            ..
        } = &mut inventory;
        for (i, o) in objects.iter().enumerate() {
            push_at(by_kind, &o.kind).push(i);
            match &o.namespace {
                Some(ns) => {
                    push_at(push_at(by_kind_namespace, &o.kind), ns).push(i);
                    push_at(by_namespace, ns).push(i);
                }
                None => push_at(by_kind_no_namespace, &o.kind).push(i),
            }
            // The last definition, as `kubectl apply` leaves it.
            let key = name_key(o);
            let hash = hasher.hash_one(key);
            match by_name.find_mut(hash, |&j| name_key(&objects[j]) == key) {
                Some(slot) => *slot = i,
                None => {
                    by_name.insert_unique(hash, i, |&j| hasher.hash_one(name_key(&objects[j])));
                }
            }
        }
        let mut latest = HashMap::with_capacity(inventory.objects.len());
        inventory.replaced_by = vec![None; inventory.objects.len()];
        for (i, o) in inventory.objects.iter().enumerate() {
            if let Some(key) = identity(o) {
                if let Some(earlier) = latest.insert(key, i) {
                    inventory.replaced_by[earlier] = Some(i);
                }
            }
        }
        inventory
    }

    /// Whether a later definition of the same identity, in the same root, replaces this object
    /// (what `kubectl apply` of the root would leave is the last one). Analyses that need one
    /// object per identity skip shadowed objects; per-object checks judge every definition.
    pub fn is_shadowed(&self, object: &Object) -> bool {
        self.index_of(object)
            .is_some_and(|i| self.replaced_by[i].is_some())
    }

    /// A warning for each object that a later definition in the same root replaces, at the
    /// later definition and naming the earlier one.
    pub fn duplicate_warnings(&self) -> Vec<LoadError> {
        let mut warnings = Vec::new();
        for (earlier, later) in self.replaced_by.iter().enumerate() {
            let Some(later) = *later else { continue };
            let (first, second) = (&self.objects[earlier], &self.objects[later]);
            let at = second.locate("");
            let before = first.locate("");
            warnings.push(LoadError {
                path: at.path.clone(),
                line: Some(at.position.line),
                column: Some(at.position.column),
                message: format!(
                    "{} is defined more than once: first at {}:{}:{}, again here; kubectl apply keeps this later one, which the RBAC and network analyses use (every definition is checked)",
                    second.object_ref(),
                    before.path,
                    before.position.line,
                    before.position.column
                ),
                severity: ErrorSeverity::Warning,
            });
        }
        warnings
    }

    /// The object of `kind` named `name` in the same namespace as `near` (see
    /// [`Object::same_namespace`]): the last definition, if repeated.
    pub fn find_beside(&self, kind: &str, near: &Object, name: &str) -> Option<&Object> {
        self.of_kind_in(kind, near.namespace.as_deref())
            .filter(|o| o.name == name && o.same_namespace(near))
            .last()
    }

    /// Whether any object of `kind` lives in the same namespace as `near`.
    pub fn any_beside(&self, kind: &str, near: &Object) -> bool {
        self.of_kind_in(kind, near.namespace.as_deref())
            .any(|o| o.same_namespace(near))
    }

    /// The index of an object of this inventory (by address: objects are never moved).
    fn index_of(&self, object: &Object) -> Option<usize> {
        let size = std::mem::size_of::<Object>().max(1);
        let offset =
            (object as *const Object as usize).checked_sub(self.objects.as_ptr() as usize)?;
        let i = offset / size;
        (offset % size == 0 && i < self.objects.len() && std::ptr::eq(&self.objects[i], object))
            .then_some(i)
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
        let ids = match namespace {
            Some(ns) => self.by_kind_namespace.get(kind).and_then(|m| m.get(ns)),
            None => self.by_kind_no_namespace.get(kind),
        };
        self.indexed(ids)
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

    /// The object of that kind, namespace and name (the last one loaded, if repeated: what
    /// `kubectl apply` leaves).
    pub fn get(&self, kind: &str, namespace: Option<&str>, name: &str) -> Option<&Object> {
        let key: NameKey<'_> = (kind, namespace, name);
        self.by_name
            .find(self.hasher.hash_one(key), |&j| {
                name_key(&self.objects[j]) == key
            })
            .map(|&i| &self.objects[i])
    }

    fn indexed<'a>(&'a self, ids: Option<&'a Vec<usize>>) -> impl Iterator<Item = &'a Object> + 'a {
        ids.into_iter().flatten().map(move |&i| &self.objects[i])
    }
}
