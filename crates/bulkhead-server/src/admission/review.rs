//! The `admission.k8s.io/v1` AdmissionReview wire format: the request as the API server sends
//! it, and the response it expects back.
//!
//! Only what the webhook reads is parsed; `object` and `oldObject` stay raw JSON text and go
//! to the loader as they are, so every finding keeps its field path and nothing is lost in a
//! conversion.

use serde::Deserialize;
use serde_json::value::RawValue;
use serde_json::{json, Value};

/// The only review version the webhook speaks (the configuration's `admissionReviewVersions`).
pub const API_VERSION: &str = "admission.k8s.io/v1";
pub const KIND: &str = "AdmissionReview";

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Envelope {
    api_version: Option<String>,
    kind: Option<String>,
    request: Option<Box<RawValue>>,
}

/// The group, version and kind of the object under review.
#[derive(Clone, Debug, Default, Deserialize, PartialEq, Eq)]
pub struct GroupVersionKind {
    #[serde(default)]
    pub group: String,
    #[serde(default)]
    pub version: String,
    #[serde(default)]
    pub kind: String,
}

/// The parts of an `AdmissionRequest` the webhook reads.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Request {
    pub uid: String,
    pub kind: GroupVersionKind,
    #[serde(default)]
    pub sub_resource: String,
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub namespace: String,
    pub operation: String,
    pub object: Option<Box<RawValue>>,
    pub old_object: Option<Box<RawValue>>,
    #[serde(default)]
    pub dry_run: bool,
}

/// Why a body is not a review the webhook can answer. The API server gets an HTTP error
/// with this text, and the webhook's `failurePolicy` decides what happens to the request.
#[derive(Debug, PartialEq, Eq)]
pub struct Unanswerable(pub String);

/// Reads an AdmissionReview. A review whose request cannot be read but that carries a uid is
/// still answered (see [`Parsed::Unreadable`]): the API server then shows the reason.
pub fn parse(body: &[u8]) -> Result<Parsed, Unanswerable> {
    let envelope: Envelope = serde_json::from_slice(body)
        .map_err(|e| Unanswerable(format!("the body is not an AdmissionReview: {e}")))?;
    match (envelope.api_version.as_deref(), envelope.kind.as_deref()) {
        (Some(API_VERSION), Some(KIND)) => {}
        (version, kind) => {
            return Err(Unanswerable(format!(
                "expected apiVersion {API_VERSION} and kind {KIND}, got apiVersion {} and kind {} (set admissionReviewVersions: [\"v1\"])",
                version.map_or("(none)".to_string(), |v| format!("{v:?}")),
                kind.map_or("(none)".to_string(), |k| format!("{k:?}")),
            )))
        }
    }
    let raw = envelope
        .request
        .ok_or_else(|| Unanswerable("the AdmissionReview has no request".to_string()))?;
    match serde_json::from_str::<Request>(raw.get()) {
        Ok(request) if request.uid.is_empty() => {
            Err(Unanswerable("the request's uid is empty".to_string()))
        }
        Ok(request) => Ok(Parsed::Request(request)),
        Err(e) => {
            // Without a uid no response can be matched to the request: an HTTP error.
            let value = serde_json::from_str::<Value>(raw.get()).unwrap_or_default();
            let text = |key: &str| value.get(key).and_then(Value::as_str).map(str::to_string);
            let uid = text("uid")
                .filter(|uid| !uid.is_empty())
                .ok_or_else(|| Unanswerable("the request has no uid".to_string()))?;
            Ok(Parsed::Unreadable {
                uid,
                namespace: text("namespace").unwrap_or_default(),
                reason: format!("the admission request cannot be read: {e}"),
            })
        }
    }
}

/// A review the webhook can answer.
#[derive(Debug)]
pub enum Parsed {
    Request(Request),
    /// The request has a uid but its other fields are not what the API server sends.
    Unreadable {
        uid: String,
        /// The request's namespace, if that much could be read (its mode decides).
        namespace: String,
        reason: String,
    },
}

/// The answer to one review.
#[derive(Debug, Default)]
pub struct Response {
    pub uid: String,
    pub allowed: bool,
    /// Why a request was denied (shown by kubectl after "admission webhook ... denied the
    /// request:").
    pub message: Option<String>,
    pub warnings: Vec<String>,
}

impl Response {
    pub fn allow(uid: &str) -> Self {
        Response {
            uid: uid.to_string(),
            allowed: true,
            ..Default::default()
        }
    }

    pub fn to_json(&self) -> Value {
        let mut response = json!({"uid": self.uid, "allowed": self.allowed});
        if let Some(message) = &self.message {
            response["status"] = json!({
                "code": 403,
                "reason": "Forbidden",
                "message": message,
            });
        }
        if !self.warnings.is_empty() {
            response["warnings"] = json!(self.warnings);
        }
        json!({"apiVersion": API_VERSION, "kind": KIND, "response": response})
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_request_without_uid_cannot_be_answered() {
        let body = br#"{"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview","request":{"kind":{"group":"","version":"v1","kind":"Pod"},"operation":"CREATE"}}"#;
        let Err(Unanswerable(reason)) = parse(body) else {
            panic!("answered a request without uid");
        };
        assert_eq!(reason, "the request has no uid");
    }

    #[test]
    fn a_request_with_a_uid_but_wrong_fields_is_answered_with_the_reason() {
        let body = br#"{"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview","request":{"uid":"u1","kind":"Pod","operation":"CREATE"}}"#;
        match parse(body) {
            Ok(Parsed::Unreadable { uid, reason, .. }) => {
                assert_eq!(uid, "u1");
                assert!(reason.contains("invalid type"), "{reason}");
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn an_old_review_version_is_refused_with_the_fix() {
        let body = br#"{"apiVersion":"admission.k8s.io/v1beta1","kind":"AdmissionReview","request":{"uid":"u1"}}"#;
        let Err(Unanswerable(reason)) = parse(body) else {
            panic!("answered v1beta1");
        };
        assert!(reason.contains("\"admission.k8s.io/v1beta1\""), "{reason}");
        assert!(reason.contains("admissionReviewVersions"), "{reason}");
    }
}
