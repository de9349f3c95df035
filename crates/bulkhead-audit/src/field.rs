//! The event fields a rule can name, resolved once when the rule is compiled.
//!
//! `user.username`, `objectRef.namespace`, `responseStatus.code`, `annotations[KEY]`,
//! `requestObject.spec.containers.*.securityContext.privileged`, ... A path into
//! `requestObject` or `responseObject` may use `*` (every element of a list or value of an
//! object) and `@keys` (the keys of an object); it yields every value it reaches.

use serde_json::Value as Json;

use crate::event::Event;
use crate::text::Pairs;

/// A field of an event.
#[derive(Clone, Debug, PartialEq)]
pub enum Field {
    Verb,
    Stage,
    Level,
    AuditId,
    RequestUri,
    Username,
    Groups,
    ImpersonatedUsername,
    ImpersonatedGroups,
    SourceIps,
    UserAgent,
    Resource,
    Subresource,
    Namespace,
    Name,
    ApiGroup,
    ApiVersion,
    Code,
    Reason,
    Annotation(String),
    RequestObject(Vec<Segment>),
    ResponseObject(Vec<Segment>),
}

/// One step of a path into a request or response object.
#[derive(Clone, Debug, PartialEq)]
pub enum Segment {
    Key(String),
    /// Every element of a list, or every value of an object.
    Any,
    /// The keys of an object.
    Keys,
}

/// A value a field yields.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Val<'e> {
    Str(&'e str),
    Int(i64),
    Float(f64),
    Bool(bool),
    /// An object or a list: it exists, but no operator compares it.
    Composite,
}

/// The names rules may use, for error messages and the documentation.
pub const FIELD_NAMES: &[&str] = &[
    "verb",
    "stage",
    "level",
    "auditID",
    "requestURI",
    "user.username",
    "user.groups",
    "impersonatedUser.username",
    "impersonatedUser.groups",
    "sourceIPs",
    "userAgent",
    "objectRef.resource",
    "objectRef.subresource",
    "objectRef.namespace",
    "objectRef.name",
    "objectRef.apiGroup",
    "objectRef.apiVersion",
    "responseStatus.code",
    "responseStatus.reason",
    "annotations[KEY]",
    "requestObject.PATH",
    "responseObject.PATH",
];

impl Field {
    pub fn parse(text: &str) -> Result<Field, String> {
        let simple = match text {
            "verb" => Some(Field::Verb),
            "stage" => Some(Field::Stage),
            "level" => Some(Field::Level),
            "auditID" => Some(Field::AuditId),
            "requestURI" => Some(Field::RequestUri),
            "user.username" => Some(Field::Username),
            "user.groups" => Some(Field::Groups),
            "impersonatedUser.username" => Some(Field::ImpersonatedUsername),
            "impersonatedUser.groups" => Some(Field::ImpersonatedGroups),
            "sourceIPs" => Some(Field::SourceIps),
            "userAgent" => Some(Field::UserAgent),
            "objectRef.resource" => Some(Field::Resource),
            "objectRef.subresource" => Some(Field::Subresource),
            "objectRef.namespace" => Some(Field::Namespace),
            "objectRef.name" => Some(Field::Name),
            "objectRef.apiGroup" => Some(Field::ApiGroup),
            "objectRef.apiVersion" => Some(Field::ApiVersion),
            "responseStatus.code" => Some(Field::Code),
            "responseStatus.reason" => Some(Field::Reason),
            _ => None,
        };
        if let Some(field) = simple {
            return Ok(field);
        }
        if let Some(key) = text
            .strip_prefix("annotations[")
            .and_then(|rest| rest.strip_suffix(']'))
        {
            if !key.is_empty() {
                return Ok(Field::Annotation(key.to_string()));
            }
        }
        for (prefix, make) in [
            (
                "requestObject",
                Field::RequestObject as fn(Vec<Segment>) -> Field,
            ),
            ("responseObject", Field::ResponseObject),
        ] {
            if let Some(rest) = text.strip_prefix(prefix) {
                if rest.is_empty() {
                    return Ok(make(Vec::new()));
                }
                if let Some(path) = rest.strip_prefix('.') {
                    return Ok(make(parse_path(path)?));
                }
            }
        }
        Err(format!(
            "unknown field {text:?}; the fields are: {}",
            FIELD_NAMES.join(", ")
        ))
    }

    /// Calls `f` with each value the field has in `event` until `f` returns true; says
    /// whether it did.
    pub fn any<'e>(
        &self,
        event: &'e Event<'_>,
        objects: &'e Objects,
        f: &mut dyn FnMut(Val<'e>) -> bool,
    ) -> bool {
        let one = |s: Option<&'e str>, f: &mut dyn FnMut(Val<'e>) -> bool| {
            s.is_some_and(|s| f(Val::Str(s)))
        };
        let object = event.object_ref.as_ref();
        match self {
            Field::Verb => one(event.verb.as_deref(), f),
            Field::Stage => one(event.stage.as_deref(), f),
            Field::Level => one(event.level.as_deref(), f),
            Field::AuditId => one(event.audit_id.as_deref(), f),
            Field::RequestUri => one(event.request_uri.as_deref(), f),
            Field::Username => one(event.user.username.as_deref(), f),
            Field::Groups => event.user.groups.iter().any(|g| f(Val::Str(g))),
            Field::ImpersonatedUsername => one(
                event
                    .impersonated_user
                    .as_ref()
                    .and_then(|u| u.username.as_deref()),
                f,
            ),
            Field::ImpersonatedGroups => event
                .impersonated_user
                .as_ref()
                .is_some_and(|u| u.groups.iter().any(|g| f(Val::Str(g)))),
            Field::SourceIps => event.source_ips.iter().any(|ip| f(Val::Str(ip))),
            Field::UserAgent => one(event.user_agent.as_deref(), f),
            Field::Resource => one(object.and_then(|o| o.resource.as_deref()), f),
            Field::Subresource => one(object.and_then(|o| o.subresource.as_deref()), f),
            Field::Namespace => one(object.and_then(|o| o.namespace.as_deref()), f),
            Field::Name => one(object.and_then(|o| o.name.as_deref()), f),
            Field::ApiGroup => one(object.and_then(|o| o.api_group.as_deref()), f),
            Field::ApiVersion => one(object.and_then(|o| o.api_version.as_deref()), f),
            Field::Code => event.code().is_some_and(|c| f(Val::Int(c))),
            Field::Reason => one(
                event
                    .response_status
                    .as_ref()
                    .and_then(|s| s.reason.as_deref()),
                f,
            ),
            Field::Annotation(key) => one(objects.annotation(event, key), f),
            Field::RequestObject(path) => objects
                .request(event)
                .is_some_and(|root| walk(root, path, f)),
            Field::ResponseObject(path) => objects
                .response(event)
                .is_some_and(|root| walk(root, path, f)),
        }
    }

    /// Whether the field needs the request or response body parsed.
    pub fn reads_objects(&self) -> bool {
        matches!(self, Field::RequestObject(_) | Field::ResponseObject(_))
    }
}

fn parse_path(path: &str) -> Result<Vec<Segment>, String> {
    let mut segments = Vec::new();
    let mut rest = path;
    while !rest.is_empty() {
        let (segment, tail) = if let Some(quoted) = rest.strip_prefix('[') {
            let end = quoted
                .find(']')
                .ok_or_else(|| format!("unclosed [ in field path {path:?}"))?;
            (Segment::Key(quoted[..end].to_string()), &quoted[end + 1..])
        } else {
            let end = rest.find(['.', '[']).unwrap_or(rest.len());
            let word = &rest[..end];
            let segment = match word {
                "" => return Err(format!("empty step in field path {path:?}")),
                "*" => Segment::Any,
                "@keys" => Segment::Keys,
                _ => Segment::Key(word.to_string()),
            };
            (segment, &rest[end..])
        };
        segments.push(segment);
        rest = tail.strip_prefix('.').unwrap_or(tail);
    }
    Ok(segments)
}

fn walk<'e>(node: &'e Json, path: &[Segment], f: &mut dyn FnMut(Val<'e>) -> bool) -> bool {
    let Some((first, rest)) = path.split_first() else {
        return match node {
            Json::Null => false,
            Json::Bool(b) => f(Val::Bool(*b)),
            Json::Number(n) => match n.as_i64() {
                Some(i) => f(Val::Int(i)),
                None => f(Val::Float(n.as_f64().unwrap_or(f64::NAN))),
            },
            Json::String(s) => f(Val::Str(s)),
            Json::Array(_) | Json::Object(_) => f(Val::Composite),
        };
    };
    match (first, node) {
        (Segment::Key(key), Json::Object(map)) => map.get(key).is_some_and(|v| walk(v, rest, f)),
        (Segment::Any, Json::Array(items)) => items.iter().any(|v| walk(v, rest, f)),
        (Segment::Any, Json::Object(map)) => map.values().any(|v| walk(v, rest, f)),
        (Segment::Keys, Json::Object(map)) if rest.is_empty() => map.keys().any(|k| f(Val::Str(k))),
        _ => false,
    }
}

/// The request and response bodies of one event, parsed at most once and only when a rule
/// reads them.
#[derive(Default)]
pub struct Objects {
    request: std::cell::OnceCell<Option<Json>>,
    response: std::cell::OnceCell<Option<Json>>,
    annotations: std::cell::OnceCell<Vec<(String, String)>>,
}

impl Objects {
    pub fn request(&self, event: &Event<'_>) -> Option<&Json> {
        self.request
            .get_or_init(|| {
                event
                    .request_object
                    .and_then(|raw| serde_json::from_str(raw.get()).ok())
            })
            .as_ref()
    }

    /// The value of annotation `key`: annotations are parsed the first time a rule asks.
    pub fn annotation(&self, event: &Event<'_>, key: &str) -> Option<&str> {
        self.annotations
            .get_or_init(|| {
                event
                    .annotations
                    .and_then(|raw| serde_json::from_str::<Pairs<'_>>(raw.get()).ok())
                    .map(|pairs| {
                        pairs
                            .0
                            .into_iter()
                            .map(|(k, v)| (k.0.into_owned(), v.0.into_owned()))
                            .collect()
                    })
                    .unwrap_or_default()
            })
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }

    pub fn response(&self, event: &Event<'_>) -> Option<&Json> {
        self.response
            .get_or_init(|| {
                event
                    .response_object
                    .and_then(|raw| serde_json::from_str(raw.get()).ok())
            })
            .as_ref()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_parse_with_wildcards_keys_and_brackets() {
        assert_eq!(
            Field::parse("requestObject.spec.containers.*.securityContext").unwrap(),
            Field::RequestObject(vec![
                Segment::Key("spec".into()),
                Segment::Key("containers".into()),
                Segment::Any,
                Segment::Key("securityContext".into()),
            ])
        );
        assert_eq!(
            Field::parse("requestObject.metadata.annotations[example.com/x]").unwrap(),
            Field::RequestObject(vec![
                Segment::Key("metadata".into()),
                Segment::Key("annotations".into()),
                Segment::Key("example.com/x".into()),
            ])
        );
        assert_eq!(
            Field::parse("annotations[authorization.k8s.io/decision]").unwrap(),
            Field::Annotation("authorization.k8s.io/decision".into())
        );
        assert!(Field::parse("user.name")
            .unwrap_err()
            .contains("unknown field"));
        assert!(Field::parse("requestObject.a..b").is_err());
    }
}
