//! Kubernetes audit-log threat detection.
//!
//! Audit events (`audit.k8s.io/v1`) are read as a stream ([`read`]), judged by detection rules
//! written as data ([`rules`], files under `rules/`), by stateful windows ([`windows`]) and by
//! the scan's own checks on the objects requests carry ([`requests`]); alerts go to a
//! [`detect::Sink`] ([`output`] writes text or JSON lines). The command line and the webhook
//! receiver both drive a [`Detector`].

pub mod alert;
pub mod cidr;
pub mod condition;
pub mod detect;
pub mod docs;
pub mod event;
pub mod field;
pub mod output;
pub mod read;
pub mod requests;
pub mod rules;
pub mod sources;
pub mod template;
pub mod text;
pub mod time;
pub mod windows;
mod yaml;

pub use alert::Alert;
pub use detect::{Detector, DetectorOptions, Item, Sink, Stats};
pub use event::Event;
pub use requests::RequestChecks;
pub use rules::{RuleOptions, RuleSet};
