//! HTTPS serving of an axum [`Router`] with rustls, and certificate reload when the files
//! change on disk.
//!
//! Certificates are short-lived (cert-manager renews them every few weeks and rewrites the
//! mounted Secret in place), so a server that read them once would start failing handshakes
//! on the day they expire. The files are read again every [`TlsOptions::reload_every`]; when
//! their bytes differ from what is being served and they parse as a certificate chain and a
//! matching key, new connections get the new certificate. A pair that does not parse (a
//! half-written file, a key that does not match) is reported and the old one kept: serving
//! the previous certificate a little longer is better than serving none.

use std::future::Future;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum_server::tls_rustls::{RustlsAcceptor, RustlsConfig};
use hyper_util::rt::TokioTimer;
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer};
use rustls::ServerConfig;
use tokio::task::JoinHandle;

/// How the server treats files and slow peers.
#[derive(Clone, Debug)]
pub struct TlsOptions {
    /// How often the certificate and key files are compared with what is served.
    pub reload_every: Duration,
    /// Longest time a client may take for its TLS handshake.
    pub handshake_timeout: Duration,
    /// Longest time a client may take to send a request's head (request line and headers)
    /// once the connection is open or idle; a client that trickles bytes is disconnected.
    pub header_timeout: Duration,
}

impl Default for TlsOptions {
    fn default() -> Self {
        TlsOptions {
            reload_every: Duration::from_secs(2),
            handshake_timeout: Duration::from_secs(5),
            header_timeout: Duration::from_secs(5),
        }
    }
}

/// A running HTTPS server.
pub struct TlsServer {
    /// The address it listens on (useful with port 0).
    pub addr: SocketAddr,
    handle: axum_server::Handle<SocketAddr>,
    served: JoinHandle<std::io::Result<()>>,
    watcher: JoinHandle<()>,
}

impl TlsServer {
    /// Stops accepting, gives open requests `grace` to finish, and waits for the server.
    pub async fn shutdown(self, grace: Duration) -> Result<(), String> {
        self.handle.graceful_shutdown(Some(grace));
        self.finish().await
    }

    /// Waits until the server ends (after the `shutdown` future given to [`serve_tls`]).
    pub async fn finish(self) -> Result<(), String> {
        let result = self.served.await;
        self.watcher.abort();
        match result {
            Ok(Ok(())) => Ok(()),
            Ok(Err(e)) => Err(format!("server: {e}")),
            Err(e) => Err(format!("server task: {e}")),
        }
    }
}

/// Serves `router` over HTTPS on `addr` with the PEM certificate chain and key in `cert` and
/// `key`, reloading them when they change, until `shutdown` completes (then open requests
/// get ten seconds to finish). Returns once the socket listens.
pub async fn serve_tls(
    router: Router,
    addr: SocketAddr,
    cert: PathBuf,
    key: PathBuf,
    shutdown: impl Future<Output = ()> + Send + 'static,
    options: TlsOptions,
) -> Result<TlsServer, String> {
    install_crypto_provider();
    let (served_pem, server_config) = read_pair(&cert, &key)?;
    let config = RustlsConfig::from_config(server_config);
    let handle = axum_server::Handle::new();
    let acceptor = RustlsAcceptor::new(config.clone()).handshake_timeout(options.handshake_timeout);
    let mut server = axum_server::bind(addr)
        .acceptor(acceptor)
        .handle(handle.clone())
        .first_request_timeout(options.header_timeout);
    server
        .http_builder()
        .http1()
        .timer(TokioTimer::new())
        .header_read_timeout(options.header_timeout);
    let served = tokio::spawn(server.serve(router.into_make_service()));
    let listening = handle.listening().await;
    let Some(bound) = listening else {
        return Err(match served.await {
            Ok(Err(e)) => format!("cannot listen on {addr}: {e}"),
            _ => format!("cannot listen on {addr}"),
        });
    };
    let watcher = tokio::spawn(watch_files(
        config,
        cert,
        key,
        served_pem,
        options.reload_every,
    ));
    let stopper = handle.clone();
    tokio::spawn(async move {
        shutdown.await;
        stopper.graceful_shutdown(Some(Duration::from_secs(10)));
    });
    Ok(TlsServer {
        addr: bound,
        handle,
        served,
        watcher,
    })
}

/// One crypto provider in the whole graph (ring, as kube-rs uses); installing it twice is
/// harmless. rustls marks ring's provider deprecated for lacking post-quantum key exchange;
/// the alternative (aws-lc-rs) needs a C toolchain with cmake at build time.
fn install_crypto_provider() {
    #[allow(deprecated)]
    let _ = rustls::crypto::ring::default_provider().install_default();
}

/// The bytes of both files, as last served.
type PemPair = (Vec<u8>, Vec<u8>);

/// Reads and parses the certificate chain and key.
fn read_pair(cert: &Path, key: &Path) -> Result<(PemPair, Arc<ServerConfig>), String> {
    let cert_pem = std::fs::read(cert).map_err(|e| format!("{}: {e}", cert.display()))?;
    let key_pem = std::fs::read(key).map_err(|e| format!("{}: {e}", key.display()))?;
    let config = server_config(&cert_pem, &key_pem).map_err(|e| {
        format!(
            "TLS certificate {} or key {}: {e}",
            cert.display(),
            key.display()
        )
    })?;
    Ok(((cert_pem, key_pem), config))
}

fn server_config(cert_pem: &[u8], key_pem: &[u8]) -> Result<Arc<ServerConfig>, String> {
    let chain = CertificateDer::pem_slice_iter(cert_pem)
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| format!("certificate chain: {e}"))?;
    if chain.is_empty() {
        return Err("no certificate in the certificate file".to_string());
    }
    let key = PrivateKeyDer::from_pem_slice(key_pem).map_err(|e| format!("private key: {e}"))?;
    let mut config = ServerConfig::builder()
        .with_no_client_auth()
        .with_single_cert(chain, key)
        .map_err(|e| e.to_string())?;
    config.alpn_protocols = vec![b"h2".to_vec(), b"http/1.1".to_vec()];
    Ok(Arc::new(config))
}

/// Compares the files with what is served every `every`, and swaps in a changed pair once
/// it parses.
async fn watch_files(
    config: RustlsConfig,
    cert: PathBuf,
    key: PathBuf,
    mut served: PemPair,
    every: Duration,
) {
    let mut ticker = tokio::time::interval(every);
    ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    let mut last_error = String::new();
    loop {
        ticker.tick().await;
        let (Ok(cert_pem), Ok(key_pem)) =
            (tokio::fs::read(&cert).await, tokio::fs::read(&key).await)
        else {
            // Mid-swap (a Secret volume replaces a symlink); the next tick reads both again.
            continue;
        };
        if (&cert_pem, &key_pem) == (&served.0, &served.1) {
            continue;
        }
        match server_config(&cert_pem, &key_pem) {
            Ok(new) => {
                config.reload_from_config(new);
                served = (cert_pem, key_pem);
                last_error.clear();
                eprintln!("bulkhead: TLS certificate reloaded from {}", cert.display());
            }
            Err(e) if e != last_error => {
                eprintln!(
                    "bulkhead: TLS certificate {} changed but cannot be used ({e}); still serving the previous one",
                    cert.display()
                );
                last_error = e;
            }
            Err(_) => {}
        }
    }
}
