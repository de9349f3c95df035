//! The Bulkhead engine: one scan from inputs to a result — discover, load, inventory,
//! checks, policy (configuration, suppressions, baseline), frameworks.
//!
//! Every front end calls it: the command line, `serve`, the admission webhook and the audit
//! receiver. None of them re-implements loading, checking or suppression; they only choose
//! where objects come from ([`Sources`]) and where the [`Outcome`] goes.

pub mod baseline;
pub mod config;
pub mod coverage;
pub mod custom;
pub mod frameworks;
pub mod pipeline;
pub mod progress;
pub mod render;
pub mod settings;
pub mod template;
pub mod unread;

pub use baseline::Baseline;
pub use pipeline::{check, run, Outcome, Request, Sources};
pub use progress::Progress;
pub use settings::{ConfigChoice, Flags, Settings, SeverityFilter};
