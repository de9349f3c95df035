//! `bulkhead snapshot`: a live cluster written as a YAML snapshot, for offline audits and as
//! compliance evidence.

use std::io::Write;
use std::path::Path;

use super::{cluster, EXIT_ERROR, EXIT_OK};
use crate::cli::SnapshotArgs;

pub fn run(args: &SnapshotArgs) -> u8 {
    match snapshot(args) {
        Ok(()) => EXIT_OK,
        Err(message) => {
            eprintln!("bulkhead: error: {message}");
            EXIT_ERROR
        }
    }
}

fn snapshot(args: &SnapshotArgs) -> Result<(), String> {
    // The snapshot is of a cluster whatever the flags say: the current context by default.
    let mut connection = args.cluster.clone();
    connection.cluster = true;
    let snapshot = cluster::read(&connection, &args.namespaces.namespaces)?;
    match &args.output {
        Some(path) => write_atomically(path, &snapshot.text),
        None => {
            let mut out = std::io::stdout().lock();
            // A closed pipe is not an error worth reporting.
            let _ = out.write_all(snapshot.text.as_bytes());
            Ok(())
        }
    }
}

/// Writes `text` to `path` through a temporary file in the same directory, so a reader
/// never sees half a snapshot.
pub fn write_atomically(path: &Path, text: &str) -> Result<(), String> {
    let dir = path
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "snapshot".into());
    let temporary = dir.join(format!(".{name}.{}.tmp", std::process::id()));
    std::fs::write(&temporary, text)
        .and_then(|()| std::fs::rename(&temporary, path))
        .map_err(|e| {
            let _ = std::fs::remove_file(&temporary);
            format!("cannot write {}: {e}", path.display())
        })
}
