//! The shipped schema data (`schema/kubernetes.json`, made by `schema/generate.py`) as tables
//! the validator walks. `build.rs` turns the JSON into these constants when the crate is
//! built: a scan pays nothing to read them (parsing the JSON and building hash maps for one
//! version used to cost a few milliseconds, several percent of a 1,000-object scan).

/// The type a field must have.
#[derive(Clone, Copy, Debug, PartialEq)]
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
    /// An object of the definition with this name id, as the version at hand defines it
    /// ([`Schema::definition`]); anything when that version has no such definition.
    Object(usize),
    Array(&'static Type),
    Map(&'static Type),
}

/// An object definition: its fields, which are required, whether unknown fields are refused.
#[derive(Debug)]
pub struct Definition {
    /// Sorted by field name.
    properties: &'static [(&'static str, Type)],
    /// In the order the data lists them (the order missing ones are reported in).
    pub required: &'static [&'static str],
    pub strict: bool,
}

impl Definition {
    /// The type of the field `name`, if the definition has it.
    pub fn property(&self, name: &str) -> Option<&'static Type> {
        self.properties
            .binary_search_by(|(key, _)| (*key).cmp(name))
            .ok()
            .map(|i| &self.properties[i].1)
    }
}

/// The schema of one Kubernetes version.
#[derive(Debug)]
pub struct Schema {
    /// `1.37`.
    pub version: (u32, u32),
    /// `apps/v1/Deployment` → its definition (an index into `DEFINITIONS`), sorted by key.
    kinds: &'static [(&'static str, u16)],
    /// Name id → this version's definition of that name (`NONE`: it has none).
    by_name: &'static [u16; NAME_COUNT],
}

/// No definition of a name in a version.
const NONE: u16 = u16::MAX;

include!(concat!(env!("OUT_DIR"), "/schema_tables.rs"));

impl Schema {
    /// The definition of a built-in `apiVersion`/`kind`, if Kubernetes has one.
    pub fn kind(&self, api_version: &str, kind: &str) -> Option<&'static Definition> {
        // Compares with the key `apiVersion/kind` without building it.
        let wanted = || {
            api_version
                .bytes()
                .chain(std::iter::once(b'/'))
                .chain(kind.bytes())
        };
        let i = self
            .kinds
            .binary_search_by(|(key, _)| key.bytes().cmp(wanted()))
            .ok()?;
        DEFINITIONS.get(usize::from(self.kinds[i].1))
    }

    /// This version's definition of the name id of a [`Type::Object`].
    pub fn definition(&self, name: usize) -> Option<&'static Definition> {
        match *self.by_name.get(name)? {
            NONE => None,
            body => DEFINITIONS.get(usize::from(body)),
        }
    }
}

/// The shipped versions, oldest first.
pub fn versions() -> Vec<(u32, u32)> {
    SCHEMAS.iter().map(|s| s.version).collect()
}

/// The schema for `target`: that version if shipped, else the nearest shipped one; the
/// newest without a target.
pub fn schema(target: Option<(u32, u32)>) -> Option<&'static Schema> {
    match target {
        None => SCHEMAS.last(),
        Some(target) => SCHEMAS.iter().min_by_key(|s| {
            let (major, minor) = s.version;
            let distance = (major as i64 - target.0 as i64) * 1000 + minor as i64 - target.1 as i64;
            distance.abs()
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The lookups binary-search the generated tables: they must be sorted, without
    /// duplicates, and every definition index and name id must exist.
    #[test]
    fn the_generated_tables_are_sorted_and_their_indexes_exist() {
        for definition in DEFINITIONS {
            let keys: Vec<&str> = definition.properties.iter().map(|(k, _)| *k).collect();
            assert!(keys.windows(2).all(|w| w[0] < w[1]), "{keys:?}");
            for (key, _) in definition.properties {
                assert!(definition.property(key).is_some(), "{key}");
            }
            assert!(definition.property("noSuchField").is_none());
        }
        for schema in SCHEMAS {
            assert!(schema.kinds.windows(2).all(|w| w[0].0 < w[1].0));
            for (key, body) in schema.kinds {
                assert!(usize::from(*body) < DEFINITIONS.len(), "{key}");
                let (api_version, kind) = key.rsplit_once('/').expect("apiVersion/kind");
                assert!(schema.kind(api_version, kind).is_some(), "{key}");
            }
            for &body in schema.by_name {
                assert!(body == NONE || usize::from(body) < DEFINITIONS.len());
            }
            assert!(schema.kind("v1", "NoSuchKind").is_none());
        }
        let pod = schema(None).and_then(|s| s.kind("v1", "Pod")).expect("Pod");
        let Some(Type::Object(spec)) = pod.property("spec") else {
            panic!("a Pod's spec is an object");
        };
        let spec = schema(None)
            .and_then(|s| s.definition(*spec))
            .expect("PodSpec");
        assert!(spec.required.contains(&"containers"));
        assert!(matches!(
            spec.property("containers"),
            Some(Type::Array(Type::Object(_)))
        ));
    }

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
