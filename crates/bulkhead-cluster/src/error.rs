//! Failures that stop a cluster read, each said in one line: what failed, which endpoint,
//! what to check. (A resource that cannot be read does not stop the read: see
//! [`crate::collect::Unread`].)

use std::fmt;

/// Why the cluster could not be read at all.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ClusterError {
    /// The kubeconfig, the context or the in-cluster account.
    Config(String),
    /// No connection: refused, unresolvable, timed out, or the TLS handshake failed.
    Unreachable(String),
    /// The API server answered 401 (or a credential plugin failed).
    Credentials(String),
    /// Anything else the API server answered before objects could be listed.
    Server(String),
}

impl fmt::Display for ClusterError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ClusterError::Config(m)
            | ClusterError::Unreachable(m)
            | ClusterError::Credentials(m)
            | ClusterError::Server(m) => f.write_str(m),
        }
    }
}

/// Classifies an error of the first request to `server` (`/version`).
pub fn classify(server: &str, context: &str, error: &kube::Error) -> ClusterError {
    match error {
        kube::Error::Api(status) if status.code == 401 => ClusterError::Credentials(format!(
            "the API server at {server} rejected the credentials of context {context:?} (401 Unauthorized): they are missing, expired or revoked; log in again or refresh the kubeconfig"
        )),
        kube::Error::Api(status) => ClusterError::Server(format!(
            "the API server at {server} answered {} {}: {}",
            status.code,
            status.reason,
            status.message
        )),
        kube::Error::Auth(e) => ClusterError::Credentials(format!(
            "cannot obtain credentials for context {context:?} (for {server}): {}; check the user's exec plugin or token in the kubeconfig",
            chain(e)
        )),
        other => {
            let detail = chain(other);
            let lower = detail.to_ascii_lowercase();
            let hint = if lower.contains("certificate") || lower.contains("tls") || lower.contains("handshake") {
                "TLS failed; check the cluster's certificate-authority in the kubeconfig"
            } else if lower.contains("timed out") || lower.contains("elapsed") {
                "timed out; check the server address and that the network reaches it"
            } else {
                "check the server address in the kubeconfig and that the cluster is running"
            };
            ClusterError::Unreachable(format!(
                "cannot reach the API server at {server}: {detail} ({hint})"
            ))
        }
    }
}

/// An error and its sources on one line, innermost last, without repeats.
pub fn chain(error: &dyn std::error::Error) -> String {
    let mut parts: Vec<String> = vec![error.to_string()];
    let mut source = error.source();
    while let Some(e) = source {
        let text = e.to_string();
        if !parts.iter().any(|p| p.contains(&text)) {
            parts.push(text);
        }
        source = e.source();
    }
    parts.join(": ").replace('\n', " ")
}
