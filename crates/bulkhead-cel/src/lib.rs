//! CEL for Bulkhead: expressions in the Common Expression Language with the Kubernetes CEL
//! libraries (`kube-cel` over `cel`), used two ways:
//!
//! - [`rules`]: the project's own checks, declared in YAML with an expression over `object`;
//! - [`vap`]: ValidatingAdmissionPolicies and their bindings found among the inputs,
//!   evaluated offline against the objects they select.
//!
//! Functions an expression calls are checked when it is compiled ([`library`]): an
//! expression using something this build cannot evaluate is an error, never a silent pass.
//! This crate knows objects ([`bulkhead_model`]) but not checks or findings.

pub mod expression;
pub mod library;
pub mod rules;
pub mod value;
pub mod vap;

pub use expression::{CompileError, Expression};
pub use rules::{Rule, Verdict};
