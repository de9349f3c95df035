//! The shipped schema data (`schema/kubernetes.json`, made by `schema/generate.py`), read once
//! per Kubernetes version into tables the validator walks.

use std::collections::HashMap;
use std::sync::OnceLock;

use serde_json::Value as Json;

const DATA: &str = include_str!("../../schema/kubernetes.json");

/// The type a field must have.
#[derive(Clone, Debug, PartialEq)]
pub enum Type {
    String,
    /// A base64-encoded string (`[]byte` in Go: Secret `data`, CA bundles).
    Base64,
    Integer,
    Number,
    Boolean,
    IntOrString,
    /// A resource quantity: a string or a number.
    Quantity,
    /// Anything (embedded objects, JSON, free-form objects).
    Any,
    /// An object of a known definition (an index into [`Schema::definitions`]).
    Object(usize),
    Array(Box<Type>),
    Map(Box<Type>),
}

/// An object definition: its fields, which are required, whether unknown fields are refused.
#[derive(Debug)]
pub struct Definition {
    pub properties: HashMap<Box<str>, Type>,
    pub required: Vec<Box<str>>,
    pub strict: bool,
}

/// The schema of one Kubernetes version.
#[derive(Debug)]
pub struct Schema {
    /// `1.37`.
    pub version: (u32, u32),
    /// `apps/v1/Deployment` → its definition.
    kinds: HashMap<Box<str>, usize>,
    pub definitions: Vec<Definition>,
}

impl Schema {
    /// The definition of a built-in `apiVersion`/`kind`, if Kubernetes has one.
    pub fn kind(&self, api_version: &str, kind: &str) -> Option<usize> {
        self.kinds
            .get(format!("{api_version}/{kind}").as_str())
            .copied()
    }
}

/// A shipped version (major, minor) and its schema, read on first use.
type Shipped = (u32, u32, OnceLock<Option<Schema>>);

/// The shipped versions, oldest first.
pub fn versions() -> Vec<(u32, u32)> {
    let mut versions: Vec<(u32, u32)> = data()
        .get("versions")
        .and_then(Json::as_object)
        .map(|v| v.keys().filter_map(|k| parse(k)).collect())
        .unwrap_or_default();
    versions.sort_unstable();
    versions
}

/// The schema for `target`: that version if shipped, else the nearest shipped one; the
/// newest without a target.
pub fn schema(target: Option<(u32, u32)>) -> Option<&'static Schema> {
    static SCHEMAS: OnceLock<Vec<Shipped>> = OnceLock::new();
    let schemas = SCHEMAS.get_or_init(|| {
        versions()
            .into_iter()
            .map(|(major, minor)| (major, minor, OnceLock::new()))
            .collect()
    });
    let (major, minor, cell) = match target {
        None => schemas.last()?,
        Some(target) => schemas.iter().min_by_key(|(major, minor, _)| {
            let distance =
                (*major as i64 - target.0 as i64) * 1000 + *minor as i64 - target.1 as i64;
            distance.abs()
        })?,
    };
    cell.get_or_init(|| build((*major, *minor))).as_ref()
}

fn data() -> &'static Json {
    static DATA_JSON: OnceLock<Json> = OnceLock::new();
    DATA_JSON.get_or_init(|| serde_json::from_str(DATA).unwrap_or(Json::Null))
}

fn parse(version: &str) -> Option<(u32, u32)> {
    let (major, minor) = version.split_once('.')?;
    Some((major.parse().ok()?, minor.parse().ok()?))
}

fn build(version: (u32, u32)) -> Option<Schema> {
    let data = data();
    let bodies = data.get("types")?.as_array()?;
    let entry = data
        .get("versions")?
        .get(format!("{}.{}", version.0, version.1))?;
    let table: Vec<&Json> = entry
        .get("types")?
        .as_array()?
        .iter()
        .filter_map(|i| bodies.get(i.as_u64()? as usize))
        .collect();
    let index: HashMap<&str, usize> = table
        .iter()
        .enumerate()
        .filter_map(|(i, body)| Some((body.get("n")?.as_str()?, i)))
        .collect();
    let definitions = table
        .iter()
        .map(|body| Definition {
            properties: body
                .get("p")
                .and_then(Json::as_object)
                .map(|p| {
                    p.iter()
                        .map(|(k, code)| (k.as_str().into(), type_of(code, &index)))
                        .collect()
                })
                .unwrap_or_default(),
            required: body
                .get("r")
                .and_then(Json::as_array)
                .map(|r| r.iter().filter_map(Json::as_str).map(Into::into).collect())
                .unwrap_or_default(),
            strict: body.get("x").is_some(),
        })
        .collect();
    let kinds = entry
        .get("kinds")?
        .as_object()?
        .iter()
        .filter_map(|(kind, name)| Some((kind.as_str().into(), *index.get(name.as_str()?)?)))
        .collect();
    Some(Schema {
        version,
        kinds,
        definitions,
    })
}

fn type_of(code: &Json, index: &HashMap<&str, usize>) -> Type {
    match code {
        Json::String(code) => match code.as_str() {
            "s" => Type::String,
            "y" => Type::Base64,
            "i" => Type::Integer,
            "n" => Type::Number,
            "b" => Type::Boolean,
            "si" => Type::IntOrString,
            "sn" => Type::Quantity,
            name => index.get(name).map_or(Type::Any, |&i| Type::Object(i)),
        },
        Json::Object(map) => match (map.get("a"), map.get("m")) {
            (Some(item), _) => Type::Array(Box::new(type_of(item, index))),
            (_, Some(value)) => Type::Map(Box::new(type_of(value, index))),
            _ => Type::Any,
        },
        _ => Type::Any,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_shipped_version_reads_and_knows_the_core_kinds() {
        let shipped = versions();
        assert!(shipped.len() >= 8, "{shipped:?}");
        for version in shipped {
            let schema = schema(Some(version)).expect("the schema reads");
            assert_eq!(schema.version, version);
            for (api_version, kind) in [
                ("v1", "Pod"),
                ("apps/v1", "Deployment"),
                ("rbac.authorization.k8s.io/v1", "ClusterRole"),
                ("networking.k8s.io/v1", "NetworkPolicy"),
            ] {
                assert!(
                    schema.kind(api_version, kind).is_some(),
                    "{kind} {version:?}"
                );
            }
        }
        assert_eq!(schema(Some((1, 20))).unwrap().version, versions()[0]);
        assert_eq!(
            schema(Some((1, 99))).unwrap().version,
            *versions().last().unwrap()
        );
        assert_eq!(schema(None).unwrap().version, *versions().last().unwrap());
    }
}
