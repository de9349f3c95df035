//! Live cluster collection: connect as kubectl does ([`connect`]), read what the checks need
//! ([`collect`]: discovery, paginated lists, metadata-only Secrets, each kubelet's
//! `configz`, what could not be read), and write it as a YAML snapshot ([`snapshot`]) that
//! the ordinary loader reads — so findings on a live cluster have a line and column in the
//! snapshot, and the snapshot scanned later gives the same answer.
//!
//! kube-rs and tokio live here and in the command line only; the model and the checks never
//! see them.

pub mod collect;
pub mod connect;
pub mod error;
pub mod kinds;
pub mod policyreports;
pub mod snapshot;
mod yaml;

use bulkhead_model::Node;
use serde_json::Value;

pub use collect::{collect, Collection, Options, Progress, Unread};
pub use connect::{connect, context_name, Connection, Target};
pub use error::ClusterError;
pub use snapshot::{render, SNAPSHOT_API_VERSION, SNAPSHOT_KIND};

/// Connects to `target`, reads it and renders the snapshot, on a runtime of its own (the
/// command line has no other async work).
pub fn read_snapshot(
    target: &Target,
    options: &Options,
) -> Result<(String, Collection), ClusterError> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .map_err(|e| ClusterError::Config(format!("cannot start the cluster client: {e}")))?;
    runtime.block_on(async {
        let connection = connect(target).await?;
        let collection = collect(&connection, options).await?;
        let text = render(&collection, &snapshot::now_rfc3339());
        Ok((text, collection))
    })
}

/// A loaded value tree as JSON (tests compare what was written with what reads back).
pub fn to_json(node: &Node) -> Value {
    node.to_json()
}
