//! `bulkhead audit-webhook`: the receiver started, alerts written until SIGINT/SIGTERM, then
//! the queue drained and the summary printed.

use std::io::Write;
use std::sync::atomic::Ordering;

use bulkhead_audit::output::summary;
use bulkhead_server::audit_webhook::{start, WebhookOptions};

use super::{audit, EXIT_ERROR};
use crate::cli::AuditWebhookArgs;

pub fn run(args: &AuditWebhookArgs) -> u8 {
    match webhook(args) {
        Ok(code) => code,
        Err(message) => {
            eprintln!("bulkhead: error: {message}");
            EXIT_ERROR
        }
    }
}

fn webhook(args: &AuditWebhookArgs) -> Result<u8, String> {
    let listen = args
        .listen
        .parse()
        .map_err(|_| format!("--listen {:?}: expected ADDRESS:PORT", args.listen))?;
    let threshold = audit::fail_on(&args.detect)?;
    let detector = audit::detector(&args.detect, None, None)?;
    let writer = audit::writer(&args.detect)?;
    let runtime = tokio::runtime::Runtime::new().map_err(|e| e.to_string())?;
    runtime.block_on(async {
        let running = start(
            WebhookOptions {
                listen,
                tls_cert: args.tls_cert.clone(),
                tls_key: args.tls_key.clone(),
                queue: args.queue,
                max_body_bytes: args.max_body_bytes,
            },
            detector,
            Box::new(writer),
        )
        .await?;
        eprintln!("bulkhead: receiving audit events on https://{}", running.addr);
        wait_for_signal().await;
        let counters = std::sync::Arc::clone(&running.counters);
        let detector = running.shutdown().await?;
        let _ = std::io::stdout().flush();
        eprintln!(
            "{} batches accepted ({} events), {} events judged, {} batches refused while the queue was full (retried by the sender), {} bad requests",
            counters.batches_accepted.load(Ordering::Relaxed),
            counters.events_accepted.load(Ordering::Relaxed),
            counters.events_processed.load(Ordering::Relaxed),
            counters.batches_refused_full.load(Ordering::Relaxed),
            counters.bad_requests.load(Ordering::Relaxed),
        );
        eprint!("{}", summary(&detector.stats));
        Ok(audit::exit_code(&detector.stats, 0, threshold, args.detect.exit_zero))
    })
}

pub(crate) async fn wait_for_signal() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{signal, SignalKind};
        if let Ok(mut term) = signal(SignalKind::terminate()) {
            tokio::select! {
                _ = tokio::signal::ctrl_c() => {}
                _ = term.recv() => {}
            }
            return;
        }
    }
    let _ = tokio::signal::ctrl_c().await;
}
