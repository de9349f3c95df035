//! Where checks report: a finding is a check, an object, a pointer and a message.

use std::sync::Arc;

use bulkhead_model::{Location, Object, ObjectRef, SourceFile};

use crate::check::Check;
use crate::fingerprint::fingerprint;
use crate::severity::Severity;

/// One problem found by one check in one object, at one place.
#[derive(Clone, Debug)]
pub struct Finding {
    pub check: &'static Check,
    pub severity: Severity,
    pub message: String,
    pub object: ObjectRef,
    pub location: Location,
    /// The Helm template the object was rendered from, if the input said so.
    pub helm_source: Option<String>,
    /// Stable across reformatting and reordering of unrelated parts of the file.
    pub fingerprint: String,
    /// The file the location points into, for snippets.
    pub file: Arc<SourceFile>,
}

/// Collects the findings of one check.
pub struct Sink<'a> {
    check: &'static Check,
    findings: &'a mut Vec<Finding>,
}

impl<'a> Sink<'a> {
    pub fn new(check: &'static Check, findings: &'a mut Vec<Finding>) -> Self {
        Sink { check, findings }
    }

    /// Reports a finding at `pointer` (relative to the object root). When the field does not
    /// exist, the location is its nearest existing parent and the pointer still names the field.
    pub fn report(&mut self, object: &Object, pointer: &str, message: impl Into<String>) {
        self.report_with(object, pointer, self.check.severity, message);
    }

    /// Like [`Sink::report`], with a severity other than the check's default (a more or less
    /// dangerous variant of the same problem).
    pub fn report_with(
        &mut self,
        object: &Object,
        pointer: &str,
        severity: Severity,
        message: impl Into<String>,
    ) {
        let object_ref = object.object_ref();
        self.findings.push(Finding {
            check: self.check,
            severity,
            message: message.into(),
            fingerprint: fingerprint(self.check.id, object, &object_ref, pointer),
            object: object_ref,
            location: object.locate(pointer),
            helm_source: object.origin.helm_source.clone(),
            file: Arc::clone(&object.origin.file),
        });
    }
}
