//! The Bulkhead object model: everything a scan looks at becomes a Kubernetes-shaped
//! [`Object`] whose every field knows its file, line and column, in one [`Inventory`].
//!
//! This crate reads sources ([`discover`], [`load`]), types YAML the way Kubernetes does
//! ([`yaml::scalar`]), guards against hostile input ([`Limits`]) and offers the views checks
//! need: [`PodSpec`] over every workload kind, and [`LabelSelector`] matching. It knows
//! nothing of checks or reports.

pub mod calendar;
pub mod discover;
pub mod document;
pub mod identity;
pub mod inventory;
pub mod limits;
pub mod load;
pub mod node;
pub mod object;
pub mod podspec;
pub mod schema;
pub mod selector;
pub mod source;
pub mod span;
pub mod typing;
pub mod yaml;

pub use discover::{discover, Discovery, Input};
pub use document::parse_document;
pub use inventory::Inventory;
pub use limits::Limits;
pub use load::{
    load_inputs, load_inputs_observed, load_source, ErrorSeverity, LoadError, LoadStats, Loaded,
};
pub use node::{escape_token, Entry, Node, Value};
pub use object::{pointer, Location, Object, ObjectRef, Origin};
pub use podspec::{Container, ContainerKind, PodSpec};
pub use selector::LabelSelector;
pub use source::SourceFile;
pub use span::{Position, Span};

/// Loads text as if it were a file named `name` (tests, fuzzing, admission requests).
pub fn load_text(name: &str, text: &str, limits: &Limits) -> Loaded {
    load_inputs(
        &[Input::Text {
            name: name.to_string(),
            text: text.to_string(),
        }],
        limits,
    )
}
