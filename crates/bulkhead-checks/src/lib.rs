//! Bulkhead's checks: the [`Check`] type and registry, the engine that runs checks over an
//! [`Inventory`](bulkhead_model::Inventory), [`Finding`]s with severity, location, compliance
//! ids and fingerprints, and every built-in check under [`rules`], one file each.

pub mod check;
pub mod compliance;
pub mod custom;
pub mod docs;
pub mod engine;
pub mod family;
pub mod fingerprint;
pub mod frameworks;
pub mod policy;
pub mod pss;
pub mod registry;
pub mod rules;
pub mod select;
pub mod severity;
pub mod sink;

pub use check::{Check, Context, Options, Reads, Run};
pub use compliance::Compliance;
pub use custom::CustomRules;
pub use engine::{run_checks, run_checks_observed};
pub use family::Family;
pub use registry::all_checks;
pub use select::{find_check, select_checks};
pub use severity::Severity;
pub use sink::{Finding, Sink};
