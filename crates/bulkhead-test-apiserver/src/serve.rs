//! TLS and HTTP: rustls with optional client certificates, hyper serving HTTP/1.1 and
//! HTTP/2 (kubectl negotiates h2), one task per connection; watches stream their events as
//! the store changes.

use std::convert::Infallible;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Duration;

use http::{Request, Response};
use http_body_util::BodyExt;
use hyper::body::{Bytes, Frame, Incoming};
use hyper_util::rt::{TokioExecutor, TokioIo};
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer};
use rustls::server::WebPkiClientVerifier;
use rustls::{RootCertStore, ServerConfig};
use tokio_rustls::TlsAcceptor;

use crate::handler::{self, State, Watch};
use crate::pki::Pem;

pub fn tls_config(ca: &Pem, server: &Pem) -> Result<Arc<ServerConfig>, String> {
    // ring is the one crypto provider of the whole dependency graph (kube-rs uses it too);
    // a test server on loopback has no use for post-quantum key exchange.
    #[allow(deprecated)]
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let mut roots = RootCertStore::empty();
    let ca_cert = CertificateDer::from_pem_slice(ca.cert.as_bytes()).map_err(|e| e.to_string())?;
    roots.add(ca_cert).map_err(|e| e.to_string())?;
    let verifier = WebPkiClientVerifier::builder_with_provider(Arc::new(roots), provider.clone())
        .allow_unauthenticated()
        .build()
        .map_err(|e| e.to_string())?;
    let chain =
        vec![CertificateDer::from_pem_slice(server.cert.as_bytes()).map_err(|e| e.to_string())?];
    let key = PrivateKeyDer::from_pem_slice(server.key.as_bytes()).map_err(|e| e.to_string())?;
    let mut config = ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| e.to_string())?
        .with_client_cert_verifier(verifier)
        .with_single_cert(chain, key)
        .map_err(|e| e.to_string())?;
    config.alpn_protocols = vec![b"h2".to_vec(), b"http/1.1".to_vec()];
    Ok(Arc::new(config))
}

pub fn run(
    listener: std::net::TcpListener,
    tls: Arc<ServerConfig>,
    state: Arc<State>,
    stop: tokio::sync::oneshot::Receiver<()>,
) {
    let Ok(runtime) = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
    else {
        return;
    };
    runtime.block_on(async move {
        let Ok(listener) = tokio::net::TcpListener::from_std(listener) else {
            return;
        };
        let acceptor = TlsAcceptor::from(tls);
        tokio::pin!(stop);
        loop {
            let accepted = tokio::select! {
                _ = &mut stop => return,
                accepted = listener.accept() => accepted,
            };
            let Ok((tcp, _)) = accepted else { continue };
            let acceptor = acceptor.clone();
            let state = Arc::clone(&state);
            tokio::spawn(async move {
                let Ok(stream) = acceptor.accept(tcp).await else {
                    return;
                };
                let user = stream
                    .get_ref()
                    .1
                    .peer_certificates()
                    .and_then(|certs| certs.first())
                    .and_then(|cert| common_name(cert.as_ref()));
                let service = hyper::service::service_fn(move |request| {
                    let state = Arc::clone(&state);
                    let user = user.clone();
                    async move {
                        Ok::<_, Infallible>(answer(state, user.as_deref(), request).await)
                    }
                });
                let _ = hyper_util::server::conn::auto::Builder::new(TokioExecutor::new())
                    .serve_connection(TokioIo::new(stream), service)
                    .await;
            });
        }
    });
}

/// A whole answer, or a watch's events as they come.
enum Answer {
    Whole(Option<Bytes>),
    Events(tokio::sync::mpsc::Receiver<Bytes>),
}

impl hyper::body::Body for Answer {
    type Data = Bytes;
    type Error = Infallible;

    fn poll_frame(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, Infallible>>> {
        match self.get_mut() {
            Answer::Whole(body) => Poll::Ready(body.take().map(|b| Ok(Frame::data(b)))),
            Answer::Events(events) => events
                .poll_recv(cx)
                .map(|event| event.map(|b| Ok(Frame::data(b)))),
        }
    }
}

/// Streams the changes a watch follows, one JSON event per line, until the client goes away
/// or its `timeoutSeconds` pass.
fn stream_events(state: Arc<State>, watch: Watch) -> Answer {
    let (sender, events) = tokio::sync::mpsc::channel(64);
    tokio::spawn(async move {
        let mut versions = state.store.subscribe();
        let mut seen = watch.after;
        let deadline =
            tokio::time::Instant::now() + Duration::from_secs(watch.timeout.unwrap_or(1800).max(1));
        loop {
            let changes = state.store.changes_after(
                seen,
                &watch.group,
                &watch.plural,
                watch.namespace.as_deref(),
            );
            for change in changes {
                seen = change.resource_version;
                let mut line = serde_json::to_vec(
                    &serde_json::json!({"type": change.kind, "object": change.object}),
                )
                .unwrap_or_default();
                line.push(b'\n');
                if sender.send(Bytes::from(line)).await.is_err() {
                    return;
                }
            }
            tokio::select! {
                changed = versions.changed() => if changed.is_err() { return },
                _ = sender.closed() => return,
                _ = tokio::time::sleep_until(deadline) => return,
            }
        }
    });
    Answer::Events(events)
}

async fn answer(
    state: Arc<State>,
    certificate_user: Option<&str>,
    request: Request<Incoming>,
) -> Response<Answer> {
    let header = |name: &str| {
        request
            .headers()
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::to_string)
    };
    let authorization = header("authorization");
    let accept = header("accept").unwrap_or_default();
    let content_type = header("content-type").unwrap_or_default();
    let user = handler::authenticate(&state, authorization.as_deref(), certificate_user);
    let (parts, body) = request.into_parts();
    // Bodies are small here (objects a test applies); a broken stream reads as empty.
    let body = body
        .collect()
        .await
        .map(|b| b.to_bytes())
        .unwrap_or_default();
    let reply = handler::handle(
        &state,
        user.as_deref(),
        &handler::Incoming {
            method: parts.method.as_str(),
            path: parts.uri.path(),
            query: parts.uri.query().unwrap_or(""),
            accept: &accept,
            content_type: &content_type,
            body: &body,
        },
    );
    let body = match reply.watch {
        Some(watch) => stream_events(Arc::clone(&state), watch),
        None => Answer::Whole(Some(Bytes::from(reply.body))),
    };
    let mut response = Response::new(body);
    *response.status_mut() =
        http::StatusCode::from_u16(reply.status).unwrap_or(http::StatusCode::INTERNAL_SERVER_ERROR);
    response.headers_mut().insert(
        http::header::CONTENT_TYPE,
        http::HeaderValue::from_static("application/json"),
    );
    response
}

/// The subject's common name of a DER certificate.
fn common_name(der: &[u8]) -> Option<String> {
    let (_, cert) = x509_parser::parse_x509_certificate(der).ok()?;
    let cn = cert.subject().iter_common_name().next()?;
    cn.as_str().ok().map(str::to_string)
}
