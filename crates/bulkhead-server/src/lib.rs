//! Bulkhead's long-running front ends: the audit webhook receiver, and `serve` (scheduled
//! cluster scans, metrics, alerts, a dashboard). Heavy dependencies (tokio, axum, rustls)
//! live here, so the core crates build without them.

pub mod admission;
pub mod audit_webhook;
pub mod serve;
pub mod tls;
