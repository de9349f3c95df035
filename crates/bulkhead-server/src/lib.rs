//! Bulkhead's long-running front ends. Heavy dependencies (tokio, axum, rustls) live here, so
//! the core crates build without them.

pub mod admission;
pub mod audit_webhook;
pub mod tls;
