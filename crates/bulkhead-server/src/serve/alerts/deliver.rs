//! POSTing one alert body: an HTTP/1.1 client over plain TCP or rustls (the system's root
//! certificates), with a timeout. Anything but a 2xx answer is a failed delivery.

use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::{header, Method, Request, Uri};
use hyper_rustls::{HttpsConnector, HttpsConnectorBuilder};
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::client::legacy::Client;
use hyper_util::rt::TokioExecutor;

/// How long one delivery attempt may take.
pub const ATTEMPT_TIMEOUT: Duration = Duration::from_secs(10);

/// Sends alert bodies to one URL.
#[derive(Clone)]
pub struct Endpoint {
    url: Uri,
    client: Client<HttpsConnector<HttpConnector>, Full<Bytes>>,
}

impl Endpoint {
    /// Checks the URL and builds the client. An `https` URL needs the system's roots.
    pub fn new(url: &str) -> Result<Endpoint, String> {
        let uri: Uri = url.parse().map_err(|e| format!("alert URL {url:?}: {e}"))?;
        let https = match uri.scheme_str() {
            Some("https") => true,
            Some("http") => false,
            _ => return Err(format!("alert URL {url:?}: expected http:// or https://")),
        };
        if uri.host().is_none() {
            return Err(format!("alert URL {url:?}: no host"));
        }
        #[allow(deprecated)]
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let builder = match HttpsConnectorBuilder::new()
            .with_provider_and_native_roots(Arc::clone(&provider))
        {
            Ok(builder) => builder,
            Err(e) if https => {
                return Err(format!(
                    "alert URL {url:?}: no usable system root certificates for https: {e}"
                ))
            }
            // A plain-http endpoint needs no roots.
            Err(_) => HttpsConnectorBuilder::new().with_tls_config(
                rustls::ClientConfig::builder_with_provider(provider)
                    .with_safe_default_protocol_versions()
                    .map_err(|e| e.to_string())?
                    .with_root_certificates(rustls::RootCertStore::empty())
                    .with_no_client_auth(),
            ),
        };
        let connector = builder.https_or_http().enable_http1().build();
        Ok(Endpoint {
            url: uri,
            client: Client::builder(TokioExecutor::new()).build(connector),
        })
    }

    /// The URL without its path and query (which may hold a secret, as Slack's do).
    pub fn redacted(&self) -> String {
        format!(
            "{}://{}/…",
            self.url.scheme_str().unwrap_or("http"),
            self.url.authority().map(|a| a.as_str()).unwrap_or("")
        )
    }

    /// One attempt: `Ok` when the endpoint answered 2xx.
    pub async fn post(&self, body: Bytes) -> Result<(), String> {
        let request = Request::builder()
            .method(Method::POST)
            .uri(self.url.clone())
            .header(header::CONTENT_TYPE, "application/json")
            .header(
                header::USER_AGENT,
                concat!("bulkhead/", env!("CARGO_PKG_VERSION")),
            )
            .body(Full::new(body))
            .map_err(|e| e.to_string())?;
        let answer = tokio::time::timeout(ATTEMPT_TIMEOUT, self.client.request(request))
            .await
            .map_err(|_| format!("no answer within {}s", ATTEMPT_TIMEOUT.as_secs()))?
            .map_err(|e| format!("{}: {}", self.redacted(), chain(&e)))?;
        let status = answer.status();
        // Read the body so the connection can be reused.
        let _ = answer.into_body().collect().await;
        if status.is_success() {
            Ok(())
        } else {
            Err(format!("{} answered {status}", self.redacted()))
        }
    }
}

fn chain(error: &dyn std::error::Error) -> String {
    let mut text = error.to_string();
    let mut source = error.source();
    while let Some(e) = source {
        text.push_str(": ");
        text.push_str(&e.to_string());
        source = e.source();
    }
    text
}
