//! Bulkhead as a Language Server (stdio): the findings of open YAML and JSON manifests as
//! diagnostics, at their exact ranges, with the check id as the code and a link to its
//! documentation; a code action writes `# bulkhead:ignore ID -- reason` above the line.
//!
//! Every analysis is the engine's scan of the workspace — the files on disk, with the open
//! documents' unsaved text in their place — so cross-object checks (a Service selecting no
//! pod, a missing ServiceAccount, reachability) see the other files as `bulkhead scan` does,
//! and suppressions and `.bulkhead.yaml` apply unchanged.

mod actions;
mod analysis;
mod documents;
mod positions;
mod server;

pub use server::{serve, serve_stdio};
