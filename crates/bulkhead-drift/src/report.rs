//! The result of a drift comparison: a public contract (see `docs/drift.md`).

use std::sync::Arc;

use bulkhead_model::{Location, Object, ObjectRef, SourceFile};
use serde::Serialize;
use serde_json::Value as Json;

use crate::walk::Op;

/// Version of the JSON form of [`DriftReport`]; raised on any incompatible change.
pub const SCHEMA_VERSION: u32 = 1;

/// Everything a comparison found.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct DriftReport {
    pub schema_version: u32,
    pub summary: Summary,
    /// Fields that differ in objects present on both sides, in manifest order.
    pub differences: Vec<Difference>,
    /// Live objects no manifest holds.
    pub unmanaged: Vec<LoneObject>,
    /// Manifests with no live object.
    pub not_applied: Vec<LoneObject>,
    /// What could not be compared (objects without a name, the same object twice).
    pub warnings: Vec<Warning>,
}

#[derive(Debug, Default, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Summary {
    /// Objects present on both sides.
    pub compared: usize,
    pub objects_with_differences: usize,
    pub differences: usize,
    pub unmanaged: usize,
    pub not_applied: usize,
    /// Unmanaged objects and unapplied manifests of kinds that are not security-relevant,
    /// left out of the lists (`all_kinds` includes them).
    pub other_kinds_hidden: usize,
    /// Live objects owned by a controller: compared through their owner's manifest.
    pub live_owned: usize,
    /// Live objects the cluster makes for itself (default ServiceAccounts, bootstrap RBAC…).
    pub live_built_in: usize,
    /// Objects (on either side) in namespaces excluded from the comparison.
    pub excluded: usize,
    /// Whether anything security-relevant drifted: the exit status follows it.
    pub security_drift: bool,
}

/// One side of a difference: its value (absent when the side lacks the field) and where it
/// is, or where its nearest existing parent is.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Side {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub value: Option<Json>,
    pub location: Location,
    /// False when the field is missing on this side and the location is its nearest parent.
    pub exact: bool,
    #[serde(skip)]
    pub file: Arc<SourceFile>,
}

/// One field that differs.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Difference {
    /// The object, with the namespace it was matched in.
    pub object: ObjectRef,
    pub op: Op,
    /// The field from the object root, list elements by key (`containers[api]`) or index.
    pub field: String,
    pub desired: Side,
    pub live: Side,
}

/// An object on one side only.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct LoneObject {
    pub object: ObjectRef,
    /// Whether its kind is security-relevant (its presence or absence is security drift).
    pub security_relevant: bool,
    pub location: Location,
    #[serde(skip)]
    pub file: Arc<SourceFile>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Warning {
    pub location: Location,
    pub message: String,
}

/// Locates a pointer, falling back to the nearest existing parent; the pointer reported is
/// the one that exists.
pub fn locate(object: &Object, pointer: &str) -> (Location, bool) {
    let mut at = pointer;
    loop {
        let found = object.root.locate(at);
        if found.exact || at.is_empty() {
            return (object.locate(at), at.len() == pointer.len());
        }
        at = at.rsplit_once('/').map_or("", |(parent, _)| parent);
    }
}

impl Side {
    pub fn new(object: &Object, pointer: &str, value: Option<Json>) -> Side {
        let (location, exact) = locate(object, pointer);
        Side {
            value,
            location,
            exact,
            file: object.origin.file.clone(),
        }
    }
}

impl LoneObject {
    pub fn new(object: &Object, reference: ObjectRef) -> LoneObject {
        LoneObject {
            security_relevant: crate::kinds::is_security_relevant(&object.kind),
            object: reference,
            location: locate(object, "/metadata/name").0,
            file: object.origin.file.clone(),
        }
    }
}
