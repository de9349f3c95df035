//! The HTTP endpoints. Handlers stay thin: they read the shared state or ask the scheduler.
//!
//! | path | answer |
//! |---|---|
//! | `GET /healthz` | 200 while the process serves |
//! | `GET /readyz` | 200 after the first good scan, else 503 with the reason |
//! | `GET /metrics` | the Prometheus exposition |
//! | `POST /scan` | a scan now; waits for it and answers its result (`?wait=false`: 202 at once) |
//! | `GET /status` | the latest attempt and the latest good scan, as JSON |
//! | `GET /` | the dashboard |

use std::sync::Arc;

use axum::extract::{Query, State as Extract};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;
use serde_json::json;
use tokio::sync::{mpsc, oneshot};

use super::dashboard;
use super::metrics::Metrics;
use super::schedule::Waiter;
use super::state::State;
use super::trend::TrendSource;
use crate::audit_webhook::Counters;

/// Scans shown in the trend charts.
pub const TREND_POINTS: usize = 60;

/// What the handlers share.
#[derive(Clone)]
pub struct Shared {
    pub state: Arc<State>,
    pub metrics: Arc<Metrics>,
    pub trend: Arc<dyn TrendSource>,
    pub requests: mpsc::Sender<Waiter>,
    /// The audit receiver's counters, when it runs in this process.
    pub audit: Option<Arc<Counters>>,
}

pub fn router(shared: Shared) -> Router {
    Router::new()
        .route("/", get(dashboard_page))
        .route("/healthz", get(healthz))
        .route("/readyz", get(readyz))
        .route("/metrics", get(metrics))
        .route("/status", get(status))
        .route("/scan", post(scan))
        .with_state(shared)
}

async fn healthz() -> &'static str {
    "ok\n"
}

async fn readyz(Extract(shared): Extract<Shared>) -> Response {
    if let Some(good) = shared.state.latest_good() {
        return (
            StatusCode::OK,
            format!("ready: scan {} succeeded\n", good.sequence),
        )
            .into_response();
    }
    let why = match shared
        .state
        .last_attempt()
        .and_then(|a| a.failure.map(|f| (a.sequence, f)))
    {
        Some((sequence, f)) => format!("not ready: scan {sequence} failed: {}\n", f.reason),
        None => "not ready: the first scan has not finished\n".to_string(),
    };
    (StatusCode::SERVICE_UNAVAILABLE, why).into_response()
}

async fn metrics(Extract(shared): Extract<Shared>, headers: HeaderMap) -> Response {
    if let Some(counters) = &shared.audit {
        shared.metrics.audit.copy_from(counters);
    }
    let accept = headers
        .get(header::ACCEPT)
        .and_then(|a| a.to_str().ok())
        .unwrap_or("");
    let (content_type, body) = shared.metrics.negotiate(accept);
    ([(header::CONTENT_TYPE, content_type)], body).into_response()
}

async fn status(Extract(shared): Extract<Shared>) -> Response {
    axum::Json(shared.state.to_json()).into_response()
}

#[derive(serde::Deserialize)]
struct ScanQuery {
    wait: Option<bool>,
}

async fn scan(Extract(shared): Extract<Shared>, Query(query): Query<ScanQuery>) -> Response {
    let (answer, answered) = oneshot::channel();
    if shared.requests.try_send(answer).is_err() {
        return (
            StatusCode::TOO_MANY_REQUESTS,
            [(header::RETRY_AFTER, "5")],
            "scans are already requested; try again when they have run\n",
        )
            .into_response();
    }
    if query.wait == Some(false) {
        return (StatusCode::ACCEPTED, axum::Json(json!({"requested": true}))).into_response();
    }
    match answered.await {
        Ok(attempt) => {
            let code = if attempt.failure.is_some() {
                StatusCode::BAD_GATEWAY
            } else {
                StatusCode::OK
            };
            (code, axum::Json(attempt.to_json())).into_response()
        }
        Err(_) => (StatusCode::SERVICE_UNAVAILABLE, "shutting down\n").into_response(),
    }
}

async fn dashboard_page(Extract(shared): Extract<Shared>) -> Response {
    let last = shared.state.last_attempt();
    let page = match shared.state.latest_good() {
        Some(report) => {
            let trend = Arc::clone(&shared.trend);
            // Rendering a large scan takes a while: off the async threads.
            let rendered = tokio::task::spawn_blocking(move || {
                let points = trend.points(&report.cluster, TREND_POINTS);
                dashboard::render(&report, &points, last.as_ref())
            })
            .await;
            match rendered {
                Ok(page) => page,
                Err(_) => dashboard::waiting(shared.state.last_attempt().as_ref()),
            }
        }
        None => dashboard::waiting(last.as_ref()),
    };
    (
        [
            (header::CONTENT_TYPE, "text/html; charset=utf-8".to_string()),
            (header::CONTENT_SECURITY_POLICY, page.csp),
            (header::X_CONTENT_TYPE_OPTIONS, "nosniff".to_string()),
            (header::CACHE_CONTROL, "no-store".to_string()),
        ],
        page.html,
    )
        .into_response()
}
