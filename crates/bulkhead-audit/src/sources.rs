//! What `audit-log` reads: files (plain or gzip), directories (their audit files in time
//! order), `-` for standard input; or one live file, followed.

use std::path::Path;
use std::time::Duration;

use crate::detect::{Detector, Sink};
use crate::read::{directory_files, follow, open, read_stream};

/// How often a followed file is polled for new lines.
pub const FOLLOW_POLL: Duration = Duration::from_millis(200);

/// Reads every source in order. A source that cannot be read is an error message in the
/// result; the others are still read.
pub fn read_all(paths: &[String], detector: &mut Detector, sink: &mut dyn Sink) -> Vec<String> {
    let mut errors = Vec::new();
    for path in paths {
        if path == "-" {
            let stdin = std::io::stdin().lock();
            if let Err(e) = read_stream("-", stdin, detector, sink) {
                errors.push(format!("-: {e}"));
            }
            continue;
        }
        let p = Path::new(path);
        let files = if p.is_dir() {
            match directory_files(p) {
                Ok(files) if files.is_empty() => {
                    errors.push(format!(
                        "{path}: no audit log files (*.log, *.log.gz, *.json, *.jsonl)"
                    ));
                    continue;
                }
                Ok(files) => files,
                Err(e) => {
                    errors.push(format!("{path}: {e}"));
                    continue;
                }
            }
        } else {
            vec![p.to_path_buf()]
        };
        for file in files {
            let name = file.display().to_string();
            let result = open(&file).and_then(|reader| read_stream(&name, reader, detector, sink));
            if let Err(e) = result {
                errors.push(format!("{name}: {e}"));
            }
        }
    }
    errors
}

/// Follows one live file across rotation until `stop` says so.
pub fn follow_file(
    path: &str,
    detector: &mut Detector,
    sink: &mut dyn Sink,
    stop: &dyn Fn() -> bool,
) -> Result<(), String> {
    let p = Path::new(path);
    if path == "-" || p.is_dir() {
        return Err(format!(
            "--follow takes one file (the live log), not {path:?}"
        ));
    }
    follow(p, detector, sink, stop, FOLLOW_POLL).map_err(|e| format!("{path}: {e}"))
}
