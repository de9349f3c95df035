//! The HTTP side: `POST /validate` (AdmissionReview in, AdmissionReview out), `/healthz`
//! and `/metrics`. Handlers stay thin: limits first, then [`review`], then [`decide`].
//!
//! Requests that are not a review the webhook can answer (not JSON, another review version,
//! no uid, too large, too slow) get an HTTP error with a one-line reason; the API server
//! then applies the configuration's `failurePolicy` (`Fail` denies, `Ignore` allows).

use std::io::Write;
use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::body::{to_bytes, Bytes};
use axum::extract::{Request, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;

use super::decision::{decide, Subject};
use super::judge::{Judge, Verdict};
use super::metrics::Metrics;
use super::mode::Defaults;
use super::namespaces::Namespaces;
use super::review::{self, Parsed, Unanswerable};

/// Everything a review needs, shared by the handlers.
pub struct Admission {
    pub judge: Judge,
    pub defaults: Defaults,
    pub namespaces: Namespaces,
    pub metrics: Metrics,
    /// Largest review body accepted, in bytes.
    pub max_body_bytes: usize,
    /// Longest time a client may take to send the body.
    pub read_timeout: Duration,
}

/// The webhook's routes, for [`crate::tls::serve_tls`] or for a server that mounts them
/// beside its own.
pub fn router(admission: Arc<Admission>) -> Router {
    Router::new()
        .route("/validate", post(validate))
        .route("/healthz", get(|| async { "ok\n" }))
        .route("/metrics", get(metrics))
        .with_state(admission)
}

async fn metrics(State(admission): State<Arc<Admission>>) -> Response {
    (
        [(
            header::CONTENT_TYPE,
            "application/openmetrics-text; version=1.0.0; charset=utf-8",
        )],
        admission.metrics.encode(),
    )
        .into_response()
}

fn refuse(
    admission: &Admission,
    status: StatusCode,
    reason: &'static str,
    text: String,
) -> Response {
    admission.metrics.rejected(reason);
    (status, format!("{text}\n")).into_response()
}

async fn validate(State(admission): State<Arc<Admission>>, request: Request) -> Response {
    let limit = admission.max_body_bytes;
    let declared = request
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if declared.is_some_and(|n| n > limit as u64) {
        return too_large(&admission, limit);
    }
    let body =
        match tokio::time::timeout(admission.read_timeout, to_bytes(request.into_body(), limit))
            .await
        {
            Ok(Ok(body)) => body,
            Ok(Err(e)) if is_length_limit(&e) => return too_large(&admission, limit),
            Ok(Err(e)) => {
                return refuse(
                    &admission,
                    StatusCode::BAD_REQUEST,
                    "unreadable",
                    format!("the request body could not be read: {e}"),
                )
            }
            Err(_) => {
                return refuse(
                    &admission,
                    StatusCode::REQUEST_TIMEOUT,
                    "timeout",
                    format!(
                        "the request body did not arrive within {} ms",
                        admission.read_timeout.as_millis()
                    ),
                )
            }
        };
    let judging = Arc::clone(&admission);
    // Judging is CPU work (the checks run on rayon's pool): off the async workers.
    match tokio::task::spawn_blocking(move || answer(&judging, &body)).await {
        Ok(Ok(json)) => ([(header::CONTENT_TYPE, "application/json")], json).into_response(),
        Ok(Err(Unanswerable(text))) => {
            refuse(&admission, StatusCode::BAD_REQUEST, "malformed", text)
        }
        Err(e) => refuse(
            &admission,
            StatusCode::INTERNAL_SERVER_ERROR,
            "internal",
            format!("judging the review failed: {e}"),
        ),
    }
}

fn too_large(admission: &Admission, limit: usize) -> Response {
    refuse(
        admission,
        StatusCode::PAYLOAD_TOO_LARGE,
        "too_large",
        format!("the review is larger than {limit} bytes (--max-body-bytes)"),
    )
}

fn is_length_limit(error: &axum::Error) -> bool {
    let mut source: Option<&(dyn std::error::Error + 'static)> = Some(error);
    while let Some(e) = source {
        if e.is::<http_body_util::LengthLimitError>() {
            return true;
        }
        source = e.source();
    }
    false
}

/// Parses, judges and decides one review; the answer's JSON.
fn answer(admission: &Admission, body: &Bytes) -> Result<String, Unanswerable> {
    let started = Instant::now();
    let request = match review::parse(body)? {
        Parsed::Request(request) => request,
        Parsed::Unreadable {
            uid,
            namespace,
            reason,
        } => {
            // Judged as an object that cannot be read: denied where the namespace enforces.
            let policy = admission
                .namespaces
                .with(&namespace, |labels| admission.defaults.policy(labels));
            let subject = Subject {
                kind: "the object",
                namespace: "",
                name: "",
            };
            let decision = decide(&uid, &subject, Verdict::Unjudged(reason), &policy);
            admission
                .metrics
                .review(decision.outcome, policy.mode(), &[], 0, started.elapsed());
            return Ok(decision.response.to_json().to_string());
        }
    };
    let policy = admission.namespaces.with(&request.namespace, |labels| {
        admission.defaults.policy(labels)
    });
    let verdict = admission.judge.judge(&request);
    let subject = Subject {
        kind: &request.kind.kind,
        namespace: &request.namespace,
        name: &request.name,
    };
    let decision = decide(&request.uid, &subject, verdict, &policy);
    if !request.dry_run {
        admission.metrics.review(
            decision.outcome,
            policy.mode(),
            &decision.findings,
            decision.suppressed,
            started.elapsed(),
        );
        if !decision.audit.is_empty() {
            log_audit(&request, &decision.audit, decision.outcome);
        }
    }
    Ok(decision.response.to_json().to_string())
}

/// One JSON line per audited finding on standard output, for a log pipeline.
fn log_audit(request: &review::Request, records: &[serde_json::Value], outcome: &str) {
    let mut out = std::io::stdout().lock();
    for record in records {
        let mut line = serde_json::json!({
            "uid": request.uid,
            "operation": request.operation,
            "kind": request.kind.kind,
            "namespace": request.namespace,
            "name": request.name,
            "outcome": outcome,
        });
        if let (Some(line), Some(record)) = (line.as_object_mut(), record.as_object()) {
            line.extend(record.clone());
        }
        let _ = writeln!(out, "{line}");
    }
}
