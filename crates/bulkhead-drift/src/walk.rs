//! The comparison of one section of a desired object with the same section of its live
//! object: field by field, lists matched by key or by value, defaults forgiven.

use std::collections::HashMap;

use bulkhead_model::{escape_token, Node, Value};
use serde_json::Value as Json;

use crate::defaults::{self, Default};
use crate::fields::{self, Section};
use crate::json::to_json;

/// What happened to a field between the manifest and the live object.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Op {
    /// Both hold the field, with different values.
    Changed,
    /// The live object holds a field (or list element) the manifest does not.
    Added,
    /// The manifest holds a field (or list element) the live object does not.
    Removed,
}

/// One difference, before locations are resolved.
#[derive(Clone, Debug)]
pub struct RawChange {
    pub op: Op,
    /// Readable path from the object root: `spec.template.spec.containers[api].image`.
    pub field: String,
    /// Pointers from the object roots; on the side that lacks the field, where it would be
    /// (resolved to the nearest existing parent later).
    pub desired_pointer: String,
    pub live_pointer: String,
    pub desired: Option<Json>,
    pub live: Option<Json>,
}

/// Where the walk is: the schema path from the section root (`*` for list elements), the
/// pointer on each side, and the readable path.
#[derive(Clone, Debug)]
struct Path {
    schema: Vec<String>,
    desired: String,
    live: String,
    display: String,
}

impl Path {
    fn key(&self, key: &str) -> Path {
        let token = escape_token(key);
        let mut schema = self.schema.clone();
        schema.push(key.to_string());
        Path {
            schema,
            desired: format!("{}/{token}", self.desired),
            live: format!("{}/{token}", self.live),
            display: if self.display.is_empty() {
                key.to_string()
            } else {
                format!("{}.{key}", self.display)
            },
        }
    }

    fn element(&self, desired: Option<usize>, live: Option<usize>, label: &str) -> Path {
        let mut schema = self.schema.clone();
        schema.push("*".into());
        // On the side without the element, the pointer stays at the list (its nearest
        // parent) rather than naming an index that does not exist there.
        let at = |base: &str, index: Option<usize>| match index {
            Some(i) => format!("{base}/{i}"),
            None => base.to_string(),
        };
        Path {
            schema,
            desired: at(&self.desired, desired),
            live: at(&self.live, live),
            display: format!("{}[{label}]", self.display),
        }
    }
}

/// How a path relates to the section's field patterns.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Scope {
    /// Under a compared pattern: everything is compared.
    Full,
    /// Above a compared pattern: only keys leading to one are followed.
    Descend,
    Outside,
}

/// Compares one section; the differences found are appended to `out`.
pub fn compare_section(
    section: &Section,
    desired: Option<&Node>,
    live: Option<&Node>,
    out: &mut Vec<RawChange>,
) {
    let display = section
        .pointer
        .split('/')
        .skip(1)
        .collect::<Vec<_>>()
        .join(".");
    let path = Path {
        schema: Vec::new(),
        desired: section.pointer.clone(),
        live: section.pointer.clone(),
        display,
    };
    let mut walk = Walk { section, out };
    walk.diff(desired, live, None, None, &path);
}

struct Walk<'s, 'o> {
    section: &'s Section,
    out: &'o mut Vec<RawChange>,
}

/// Absent, null, `{}` and `[]` all mean "not set" to the API.
fn present(node: Option<&Node>) -> Option<&Node> {
    node.filter(|n| match &n.value {
        Value::Null => false,
        Value::Map(entries) => !entries.is_empty(),
        Value::Seq(items) => !items.is_empty(),
        _ => true,
    })
}

fn same_scalar(a: &Node, b: &Node) -> bool {
    match (&a.value, &b.value) {
        (Value::Int(x), Value::Float(y)) | (Value::Float(y), Value::Int(x)) => (*x as f64) == *y,
        (x, y) => x == y,
    }
}

impl Walk<'_, '_> {
    fn scope(&self, schema: &[String]) -> Scope {
        let mut scope = Scope::Outside;
        for pattern in self.section.fields {
            let n = pattern.len().min(schema.len());
            let agree = pattern[..n].iter().zip(&schema[..n]).all(|(p, s)| p == s);
            if !agree {
                continue;
            }
            if pattern.len() <= schema.len() {
                return Scope::Full;
            }
            scope = Scope::Descend;
        }
        scope
    }

    fn push(&mut self, op: Op, path: &Path, desired: Option<&Node>, live: Option<&Node>) {
        self.out.push(RawChange {
            op,
            field: path.display.clone(),
            desired_pointer: path.desired.clone(),
            live_pointer: path.live.clone(),
            desired: desired.map(to_json),
            live: live.map(to_json),
        });
    }

    /// Whether a value present on one side only is what the server would have written.
    fn is_default(
        &self,
        path: &Path,
        value: &Node,
        desired_side: bool,
        parents: (Option<&Node>, Option<&Node>),
    ) -> bool {
        match defaults::lookup(self.section.kind, &path.schema) {
            Some(Default::Value(f)) => to_json(value) == f(),
            Some(Default::Assigned) => !desired_side,
            Some(Default::Computed(f)) => {
                let value = to_json(value);
                match f(parents.0, parents.1) {
                    Some(Json::Array(accepted)) if value.is_string() => accepted.contains(&value),
                    computed => computed == Some(value),
                }
            }
            None => false,
        }
    }

    fn diff(
        &mut self,
        desired: Option<&Node>,
        live: Option<&Node>,
        desired_parent: Option<&Node>,
        live_parent: Option<&Node>,
        path: &Path,
    ) {
        let (desired, live) = (present(desired), present(live));
        if desired.is_none() && live.is_none() {
            return;
        }
        let scope = self.scope(&path.schema);
        if scope == Scope::Outside {
            return;
        }
        let parents = (desired_parent, live_parent);
        match (desired, live) {
            (Some(d), Some(l)) => match (&d.value, &l.value) {
                (Value::Map(_), Value::Map(_)) => self.maps(Some(d), Some(l), path),
                (Value::Seq(ds), Value::Seq(ls)) => self.lists(ds, ls, path),
                _ if scope == Scope::Full && !same_scalar(d, l) => {
                    self.push(Op::Changed, path, Some(d), Some(l));
                }
                _ => {}
            },
            (Some(d), None) => {
                if self.is_default(path, d, true, parents) {
                    return;
                }
                match &d.value {
                    Value::Map(_) => self.maps(Some(d), None, path),
                    Value::Seq(ds) => self.lists(ds, &[], path),
                    _ if scope == Scope::Full => self.push(Op::Removed, path, Some(d), None),
                    _ => {}
                }
            }
            (None, Some(l)) => {
                if self.is_default(path, l, false, parents) {
                    return;
                }
                match &l.value {
                    Value::Map(_) => self.maps(None, Some(l), path),
                    Value::Seq(ls) => self.lists(&[], ls, path),
                    _ if scope == Scope::Full => self.push(Op::Added, path, None, Some(l)),
                    _ => {}
                }
            }
            (None, None) => {}
        }
    }

    /// Every key of either mapping, in the manifest's order and then the live object's.
    fn maps(&mut self, desired: Option<&Node>, live: Option<&Node>, path: &Path) {
        let mut keys: Vec<&str> = Vec::new();
        for node in [desired, live].into_iter().flatten() {
            for entry in node.as_map() {
                if !keys.contains(&&*entry.key) {
                    keys.push(&entry.key);
                }
            }
        }
        for key in keys {
            let child = path.key(key);
            self.diff(
                desired.and_then(|d| d.get(key)),
                live.and_then(|l| l.get(key)),
                desired,
                live,
                &child,
            );
        }
    }

    /// Pairs list elements (by key, or by value in any order), compares pairs, and reports
    /// the elements left over on either side.
    fn lists(&mut self, ds: &[Node], ls: &[Node], path: &Path) {
        let mut element_schema = path.schema.clone();
        element_schema.push("*".into());
        let keyed = fields::is_keyed(self.section.kind, &path.schema);
        let key = |n: &Node| fields::element_key(self.section.kind, &path.schema, n);
        let mut pairs: Vec<(usize, usize)> = Vec::new();
        let mut live_used = vec![false; ls.len()];
        let mut desired_left = Vec::new();
        if keyed {
            let mut by_key: HashMap<String, Vec<usize>> = HashMap::new();
            for (j, l) in ls.iter().enumerate() {
                by_key
                    .entry(key(l).unwrap_or_default())
                    .or_default()
                    .push(j);
            }
            for (i, d) in ds.iter().enumerate() {
                let k = key(d).unwrap_or_default();
                let found = by_key
                    .get_mut(&k)
                    .and_then(|js| (!js.is_empty()).then(|| js.remove(0)));
                match found {
                    Some(j) => {
                        live_used[j] = true;
                        pairs.push((i, j));
                    }
                    None => desired_left.push(i),
                }
            }
        } else {
            for (i, d) in ds.iter().enumerate() {
                // The same position first: lists usually keep their order.
                let candidates = std::iter::once(i).chain(0..ls.len());
                let found = candidates
                    .filter(|&j| j < ls.len() && !live_used[j])
                    .find(|&j| self.quiet(d, &ls[j], path, i, j));
                match found {
                    Some(j) => {
                        live_used[j] = true;
                        pairs.push((i, j));
                    }
                    None => desired_left.push(i),
                }
            }
        }
        let mut live_left: Vec<usize> = (0..ls.len()).filter(|&j| !live_used[j]).collect();
        if !keyed {
            // What is left differs on both sides: compare the leftovers in order, so a
            // changed rule reads as its changed fields rather than one removed and one added.
            let n = desired_left.len().min(live_left.len());
            for (&i, &j) in desired_left[..n].iter().zip(&live_left[..n]) {
                pairs.push((i, j));
            }
            desired_left.drain(..n);
            live_left.drain(..n);
        }
        pairs.sort_unstable();
        let label = |n: &Node, index: usize| key(n).unwrap_or_else(|| index.to_string());
        for (i, j) in pairs {
            let child = path.element(Some(i), Some(j), &label(&ds[i], i));
            self.diff(Some(&ds[i]), Some(&ls[j]), None, None, &child);
        }
        let full = self.scope(&element_schema) == Scope::Full;
        for i in desired_left {
            let child = path.element(Some(i), None, &label(&ds[i], i));
            if full {
                self.push(Op::Removed, &child, Some(&ds[i]), None);
            } else {
                self.diff(Some(&ds[i]), None, None, None, &child);
            }
        }
        for j in live_left {
            if defaults::injected(self.section.kind, &element_schema, &ls[j]) {
                continue;
            }
            let child = path.element(None, Some(j), &label(&ls[j], j));
            if full {
                self.push(Op::Added, &child, None, Some(&ls[j]));
            } else {
                self.diff(None, Some(&ls[j]), None, None, &child);
            }
        }
    }

    /// Whether two elements compare equal (defaults forgiven).
    fn quiet(&self, d: &Node, l: &Node, path: &Path, i: usize, j: usize) -> bool {
        let mut scratch = Vec::new();
        let mut walk = Walk {
            section: self.section,
            out: &mut scratch,
        };
        let child = path.element(Some(i), Some(j), "");
        walk.diff(Some(d), Some(l), None, None, &child);
        scratch.is_empty()
    }
}
