//! An `audit.k8s.io/v1` event, read with borrowed data and only the fields detections use.
//!
//! Strings borrow from the input buffer unless they contain escapes; `requestObject` and
//! `responseObject` stay raw JSON until a rule or a check asks for them, so an event costs one
//! scan of its bytes and no allocation for the parts nobody reads.

use serde::Deserialize;
use serde_json::value::RawValue;

use crate::text::Text;
use crate::time::parse_rfc3339_micros;

type Str<'a> = Text<'a>;

/// One audit event, or (when `kind` is `EventList`) a batch of them in `items`.
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Event<'a> {
    #[serde(borrow)]
    pub kind: Option<Str<'a>>,
    #[serde(borrow)]
    pub level: Option<Str<'a>>,
    #[serde(borrow, rename = "auditID")]
    pub audit_id: Option<Str<'a>>,
    #[serde(borrow)]
    pub stage: Option<Str<'a>>,
    #[serde(borrow, rename = "requestURI")]
    pub request_uri: Option<Str<'a>>,
    #[serde(borrow)]
    pub verb: Option<Str<'a>>,
    #[serde(borrow, default)]
    pub user: UserInfo<'a>,
    #[serde(borrow)]
    pub impersonated_user: Option<UserInfo<'a>>,
    #[serde(borrow, rename = "sourceIPs", default)]
    pub source_ips: Vec<Str<'a>>,
    #[serde(borrow)]
    pub user_agent: Option<Str<'a>>,
    #[serde(borrow)]
    pub object_ref: Option<ObjectReference<'a>>,
    #[serde(borrow)]
    pub response_status: Option<Status<'a>>,
    #[serde(borrow)]
    pub request_object: Option<&'a RawValue>,
    #[serde(borrow)]
    pub response_object: Option<&'a RawValue>,
    #[serde(borrow)]
    pub request_received_timestamp: Option<Str<'a>>,
    #[serde(borrow)]
    pub stage_timestamp: Option<Str<'a>>,
    /// Older events carry `timestamp` instead of the two above.
    #[serde(borrow)]
    pub timestamp: Option<Str<'a>>,
    /// Read only when a rule asks for an annotation (see [`crate::field::Objects`]).
    #[serde(borrow)]
    pub annotations: Option<&'a RawValue>,
    /// The events of an `EventList`.
    #[serde(borrow)]
    pub items: Option<Vec<Event<'a>>>,
}

#[derive(Debug, Default, Deserialize)]
pub struct UserInfo<'a> {
    #[serde(borrow)]
    pub username: Option<Str<'a>>,
    #[serde(borrow, default)]
    pub groups: Vec<Str<'a>>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ObjectReference<'a> {
    #[serde(borrow)]
    pub resource: Option<Str<'a>>,
    #[serde(borrow)]
    pub subresource: Option<Str<'a>>,
    #[serde(borrow)]
    pub namespace: Option<Str<'a>>,
    #[serde(borrow)]
    pub name: Option<Str<'a>>,
    #[serde(borrow)]
    pub api_group: Option<Str<'a>>,
    #[serde(borrow)]
    pub api_version: Option<Str<'a>>,
}

#[derive(Debug, Default, Deserialize)]
pub struct Status<'a> {
    pub code: Option<i64>,
    #[serde(borrow)]
    pub reason: Option<Str<'a>>,
}

impl<'a> Event<'a> {
    /// Whether this document is an `EventList` (its events are in `items`).
    pub fn is_list(&self) -> bool {
        self.kind.as_deref() == Some("EventList") || (self.items.is_some() && self.verb.is_none())
    }

    /// An event has at least an audit ID or a verb; anything else is not an audit event.
    pub fn looks_like_event(&self) -> bool {
        self.audit_id.is_some() || (self.verb.is_some() && self.request_uri.is_some())
    }

    /// When the request was received, in microseconds since the Unix epoch (the stage time,
    /// or the old `timestamp`, when that is all there is).
    pub fn time_micros(&self) -> Option<i64> {
        [
            &self.request_received_timestamp,
            &self.stage_timestamp,
            &self.timestamp,
        ]
        .into_iter()
        .flatten()
        .find_map(|t| parse_rfc3339_micros(t))
    }

    /// The timestamp as written.
    pub fn timestamp_text(&self) -> &str {
        self.request_received_timestamp
            .as_deref()
            .or(self.stage_timestamp.as_deref())
            .or(self.timestamp.as_deref())
            .unwrap_or("")
    }

    pub fn username(&self) -> &str {
        self.user.username.as_deref().unwrap_or("")
    }

    pub fn verb(&self) -> &str {
        self.verb.as_deref().unwrap_or("")
    }

    pub fn code(&self) -> Option<i64> {
        self.response_status.as_ref().and_then(|s| s.code)
    }

    pub fn resource(&self) -> &str {
        self.object_ref
            .as_ref()
            .and_then(|o| o.resource.as_deref())
            .unwrap_or("")
    }

    pub fn subresource(&self) -> &str {
        self.object_ref
            .as_ref()
            .and_then(|o| o.subresource.as_deref())
            .unwrap_or("")
    }

    pub fn namespace(&self) -> &str {
        self.object_ref
            .as_ref()
            .and_then(|o| o.namespace.as_deref())
            .unwrap_or("")
    }

    pub fn name(&self) -> &str {
        self.object_ref
            .as_ref()
            .and_then(|o| o.name.as_deref())
            .unwrap_or("")
    }

    /// Detections judge a request once, when its response is complete (or the server
    /// panicked): the `RequestReceived` and `ResponseStarted` stages of the same request would
    /// repeat it.
    pub fn is_final_stage(&self) -> bool {
        matches!(
            self.stage.as_deref(),
            None | Some("ResponseComplete") | Some("Panic")
        )
    }
}
