//! `bulkhead audit-log`: audit logs read, judged, alerts written, a summary on stderr.

use std::io::Write;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use bulkhead_audit::output::summary;
use bulkhead_audit::sources::{follow_file, read_all};
use bulkhead_audit::time::parse_time_bound;

use super::{audit, EXIT_ERROR};
use crate::cli::AuditLogArgs;

pub fn run(args: &AuditLogArgs) -> u8 {
    match audit_log(args) {
        Ok(code) => code,
        Err(message) => {
            eprintln!("bulkhead: error: {message}");
            EXIT_ERROR
        }
    }
}

fn audit_log(args: &AuditLogArgs) -> Result<u8, String> {
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_micros() as i64)
        .unwrap_or(0);
    let since = args
        .since
        .as_deref()
        .map(|s| parse_time_bound(s, now))
        .transpose()?;
    let until = args
        .until
        .as_deref()
        .map(|s| parse_time_bound(s, now))
        .transpose()?;
    let threshold = audit::fail_on(&args.detect)?;
    let mut detector = audit::detector(&args.detect, since, until)?;
    let mut writer = audit::writer(&args.detect)?;
    let errors = if args.follow {
        let [path] = args.paths.as_slice() else {
            return Err("--follow takes one file (the live log)".to_string());
        };
        let stop = Arc::new(AtomicBool::new(false));
        stop_on_interrupt(&stop);
        let stop_flag = Arc::clone(&stop);
        follow_file(path, &mut detector, &mut writer, &move || {
            stop_flag.load(Ordering::Relaxed)
        })
        .err()
        .into_iter()
        .collect()
    } else {
        read_all(&args.paths, &mut detector, &mut writer)
    };
    let _ = writer.out.flush();
    for e in &errors {
        eprintln!("bulkhead: error: {e}");
    }
    if let Some(e) = &writer.failed {
        if e.kind() != std::io::ErrorKind::BrokenPipe {
            eprintln!("bulkhead: error: writing alerts: {e}");
        }
    }
    eprint!("{}", summary(&detector.stats));
    Ok(audit::exit_code(
        &detector.stats,
        errors.len(),
        threshold,
        args.detect.exit_zero,
    ))
}

/// Ctrl-C (SIGINT) or SIGTERM ends `--follow` cleanly: the summary is still printed.
fn stop_on_interrupt(stop: &Arc<AtomicBool>) {
    static STOP: std::sync::OnceLock<Arc<AtomicBool>> = std::sync::OnceLock::new();
    let _ = STOP.set(Arc::clone(stop));
    extern "C" fn handle(_: libc::c_int) {
        if let Some(stop) = STOP.get() {
            stop.store(true, Ordering::Relaxed);
        }
    }
    #[cfg(unix)]
    // SAFETY: the handler only stores to an atomic, which is async-signal-safe.
    unsafe {
        libc::signal(libc::SIGINT, handle as *const () as libc::sighandler_t);
        libc::signal(libc::SIGTERM, handle as *const () as libc::sighandler_t);
    }
}
