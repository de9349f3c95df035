//! Drift between the desired state (manifests in Git) and what runs (a live snapshot, or
//! any second set of objects).
//!
//! [`compare`] pairs objects by identity ([`identity`]), compares the security-relevant
//! fields of each pair ([`fields`]) while forgiving what the API server defaults
//! ([`defaults`]), and lists the live objects no manifest holds and the manifests never
//! applied. Both sides are ordinary [`Object`]s from the loader, so every difference has a
//! file, line and column on each side. [`render`] turns the result into text or JSON.

pub mod defaults;
pub mod fields;
pub mod identity;
pub mod json;
pub mod kinds;
pub mod render;
pub mod report;
pub mod walk;

use std::collections::HashMap;

use bulkhead_model::{Object, ObjectRef};

pub use identity::Identity;
pub use report::{Difference, DriftReport, LoneObject, Side, Summary, Warning, SCHEMA_VERSION};
pub use walk::Op;

use kinds::NotExpected;

/// How to compare.
#[derive(Clone, Debug)]
pub struct Options {
    /// The namespace of manifests that name none (as `kubectl apply -n`).
    pub default_namespace: String,
    /// Also list unmanaged objects and unapplied manifests of kinds that are not
    /// security-relevant (ConfigMaps, PersistentVolumeClaims, ...). They never count as
    /// security drift.
    pub all_kinds: bool,
    /// Namespaces left out on both sides (`kube-system`, say, which the cluster's installer
    /// manages): their objects are counted, not compared or listed.
    pub excluded_namespaces: Vec<String>,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            default_namespace: "default".into(),
            all_kinds: false,
            excluded_namespaces: Vec::new(),
        }
    }
}

/// Compares the desired objects with the live ones.
pub fn compare(desired: &[Object], live: &[Object], options: &Options) -> DriftReport {
    let resolver = identity::Resolver::new(&options.default_namespace, live);
    let mut warnings = Vec::new();
    let mut summary = Summary::default();
    let desired_index = index(desired, &resolver, "manifests", &mut warnings, options);
    let live_index = index(live, &resolver, "live objects", &mut warnings, options);
    summary.excluded = desired_index.excluded + live_index.excluded;
    let mut differences = Vec::new();
    let mut not_applied = Vec::new();
    for (id, d) in &desired_index.order {
        let desired_object = &desired[*d];
        let reference = reference(desired_object, id);
        let Some(&l) = live_index.by_id.get(id) else {
            push_lone(
                &mut not_applied,
                &mut summary,
                desired_object,
                reference,
                options,
            );
            continue;
        };
        summary.compared += 1;
        let live_object = &live[l];
        let before = differences.len();
        for section in fields::sections(desired_object, live_object) {
            let mut raw = Vec::new();
            walk::compare_section(
                &section,
                desired_object.root.at(&section.pointer),
                live_object.root.at(&section.pointer),
                &mut raw,
            );
            differences.extend(raw.into_iter().map(|c| Difference {
                object: reference.clone(),
                op: c.op,
                field: c.field,
                desired: Side::new(desired_object, &c.desired_pointer, c.desired),
                live: Side::new(live_object, &c.live_pointer, c.live),
            }));
        }
        if differences.len() > before {
            summary.objects_with_differences += 1;
        }
    }

    let mut unmanaged = Vec::new();
    for (id, l) in &live_index.order {
        if desired_index.by_id.contains_key(id) {
            continue;
        }
        let live_object = &live[*l];
        match kinds::not_expected(live_object) {
            Some(NotExpected::Owned) => summary.live_owned += 1,
            Some(NotExpected::BuiltIn) => summary.live_built_in += 1,
            None => push_lone(
                &mut unmanaged,
                &mut summary,
                live_object,
                reference(live_object, id),
                options,
            ),
        }
    }

    summary.differences = differences.len();
    summary.unmanaged = unmanaged.len();
    summary.not_applied = not_applied.len();
    summary.security_drift = !differences.is_empty()
        || unmanaged
            .iter()
            .chain(&not_applied)
            .any(|o| o.security_relevant);
    DriftReport {
        schema_version: SCHEMA_VERSION,
        summary,
        differences,
        unmanaged,
        not_applied,
        warnings,
    }
}

fn push_lone(
    list: &mut Vec<LoneObject>,
    summary: &mut Summary,
    object: &Object,
    reference: ObjectRef,
    options: &Options,
) {
    let lone = LoneObject::new(object, reference);
    if lone.security_relevant || options.all_kinds {
        list.push(lone);
    } else {
        summary.other_kinds_hidden += 1;
    }
}

/// The object's reference with the namespace it was matched in.
fn reference(object: &Object, id: &Identity) -> ObjectRef {
    ObjectRef {
        api_version: object.api_version.clone(),
        kind: object.kind.clone(),
        namespace: id.namespace.clone(),
        name: id.name.clone(),
    }
}

/// Objects by identity, in input order; the first of duplicates wins.
struct Index {
    order: Vec<(Identity, usize)>,
    by_id: HashMap<Identity, usize>,
    /// Objects in excluded namespaces.
    excluded: usize,
}

fn index(
    objects: &[Object],
    resolver: &identity::Resolver,
    side: &str,
    warnings: &mut Vec<Warning>,
    options: &Options,
) -> Index {
    let mut order = Vec::with_capacity(objects.len());
    let mut by_id = HashMap::with_capacity(objects.len());
    let mut excluded = 0;
    for (i, object) in objects.iter().enumerate() {
        let Some(id) = resolver.identity(object) else {
            warnings.push(Warning {
                location: report::locate(object, "/metadata/name").0,
                message: format!(
                    "{} without a metadata.name string in the {side}: not compared",
                    object.kind
                ),
            });
            continue;
        };
        let in_excluded = id
            .namespace
            .as_ref()
            .is_some_and(|ns| options.excluded_namespaces.contains(ns));
        if in_excluded {
            excluded += 1;
            continue;
        }
        if let Some(&first) = by_id.get(&id) {
            let first: &Object = &objects[first];
            let at = report::locate(first, "/metadata/name").0;
            warnings.push(Warning {
                location: report::locate(object, "/metadata/name").0,
                message: format!(
                    "{} appears twice in the {side}; the first, at {}:{}, is compared",
                    reference(object, &id),
                    at.path,
                    at.position.line
                ),
            });
            continue;
        }
        by_id.insert(id.clone(), i);
        order.push((id, i));
    }
    Index {
        order,
        by_id,
        excluded,
    }
}
