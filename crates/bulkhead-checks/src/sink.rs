//! Where checks report: a finding is a check, an object, a pointer and a message.

use std::sync::Arc;

use bulkhead_model::{Location, Object, ObjectRef, SourceFile};

use crate::check::Check;
use crate::fingerprint::{fingerprint, Fingerprint};
use crate::policy::date::Date;
use crate::policy::{inline, Suppression};
use crate::severity::Severity;

/// One problem found by one check in one object, at one place.
#[derive(Clone, Debug)]
pub struct Finding {
    pub check: &'static Check,
    pub severity: Severity,
    pub message: String,
    /// Shared by the findings of one object (a check reports several, many checks report on
    /// the same object): one allocation instead of four strings per finding.
    pub object: Arc<ObjectRef>,
    pub location: Location,
    /// The Helm template the object was rendered from, if the input said so.
    pub helm_source: Option<String>,
    /// Stable across reformatting and reordering of unrelated parts of the file.
    pub fingerprint: Fingerprint,
    /// Pod Security Standards entries (`"<level>:<control>"`) this finding violates: the
    /// check's own list, or, for checks that implement a control, exactly the levels that fail
    /// at the evaluated version.
    pub pss: Vec<String>,
    /// Set when the finding is suppressed (inline or by a baseline): it is kept, counted and
    /// shown with `--show-suppressed`, but does not fail the scan.
    pub suppression: Option<Suppression>,
    /// Things the reader should know: an expired suppression, for instance.
    pub notes: Vec<String>,
    /// The file the location points into, for snippets.
    pub file: Arc<SourceFile>,
}

impl Finding {
    /// `cis: 5.2.2  pss: baseline:privileged  ...` with this finding's own PSS entries.
    pub fn compliance_summary(&self) -> String {
        let c = &self.check.compliance;
        let pss: Vec<&str> = self.pss.iter().map(String::as_str).collect();
        [
            ("cis", c.cis),
            ("pss", &pss[..]),
            ("nsa", c.nsa),
            ("mitre", c.mitre),
        ]
        .iter()
        .filter(|(_, ids)| !ids.is_empty())
        .map(|(name, ids)| format!("{name}: {}", ids.join(", ")))
        .collect::<Vec<_>>()
        .join("  ")
    }
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

    /// The check this sink reports for.
    pub fn check(&self) -> &'static Check {
        self.check
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
        let pss = self
            .check
            .compliance
            .pss
            .iter()
            .map(|e| e.to_string())
            .collect();
        self.report_full(object, pointer, severity, message, pss);
    }

    /// A finding of a Pod Security Standards control, with the levels it fails at.
    pub fn report_pss(
        &mut self,
        object: &Object,
        pointer: &str,
        message: impl Into<String>,
        pss: Vec<String>,
    ) {
        self.report_full(object, pointer, self.check.severity, message, pss);
    }

    pub fn report_full(
        &mut self,
        object: &Object,
        pointer: &str,
        severity: Severity,
        message: impl Into<String>,
        pss: Vec<String>,
    ) {
        let object_ref = self.object_ref(object);
        let location = object.locate(pointer);
        let verdict = inline::verdict(self.check, object, &location, Date::today());
        self.findings.push(Finding {
            pss,
            suppression: verdict.suppression,
            notes: verdict.expired.into_iter().collect(),
            check: self.check,
            severity,
            message: message.into(),
            fingerprint: fingerprint(self.check.id, object, &object_ref, pointer),
            object: object_ref,
            location,
            helm_source: object.origin.helm_source.clone(),
            file: Arc::clone(&object.origin.file),
        });
    }

    /// The object's identity, shared with the previous finding when that one is about the
    /// same object: findings arrive object by object (every check of one object, then the
    /// next), so this shares nearly every repeat without an index.
    fn object_ref(&self, object: &Object) -> Arc<ObjectRef> {
        if let Some(last) = self.findings.last() {
            let r = &*last.object;
            if r.name == object.name
                && r.kind == object.kind
                && r.namespace == object.namespace
                && r.api_version == object.api_version
            {
                return Arc::clone(&last.object);
            }
        }
        Arc::new(object.object_ref())
    }
}
