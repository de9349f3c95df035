//! A small HTTPS Kubernetes API server for tests and benchmarks: it speaks the real wire
//! protocol for what a read-only client uses — `/version`, `/api` and `/apis` discovery,
//! namespaced and cluster-wide lists with `limit`/`continue` (and 410 Gone on an expired
//! token), metadata-only lists (`PartialObjectMetadataList`), single objects, the kubelet's
//! `configz` through `nodes/NAME/proxy`, watches (`?watch=true`, streaming the changes a
//! test makes with [`Server::apply`] and [`Server::delete`]), `Status` errors for 401/403/404 — with client
//! certificate and bearer token authentication and configurable per-resource denials.
//!
//! It serves real objects (YAML files) and records every request, so a test can compare
//! what a client asked for with what an RBAC role grants. Its fidelity is checked by
//! `kubectl` itself (see this crate's tests). Loopback only.

pub mod handler;
pub mod pki;
pub mod resources;
mod serve;
pub mod status;
pub mod store;
pub mod write;

use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::sync::atomic::AtomicUsize;
use std::sync::{Arc, Mutex};

use serde_json::{json, Value};

pub use handler::{Denial, Recorded};
pub use pki::{Authority, Pem};
pub use store::{objects_from_paths, to_json, Store};

/// What the server is started with.
pub struct Options {
    pub objects: Vec<Value>,
    /// `gitVersion` of `/version`, e.g. `v1.32.3`.
    pub git_version: String,
    pub denials: Vec<Denial>,
    /// Node name → its kubelet's configuration (served by `configz`).
    pub configz: BTreeMap<String, Value>,
    /// How many continue tokens to answer with 410 Gone before honouring them.
    pub expire_continues: usize,
    /// Serve `wgpolicyk8s.io/v1alpha2` PolicyReport and ClusterPolicyReport, as if their
    /// CRDs were installed, writable with server-side apply and delete.
    pub policy_reports: bool,
}

impl Options {
    pub fn new(objects: Vec<Value>) -> Self {
        Options {
            objects,
            git_version: "v1.32.3".to_string(),
            denials: Vec::new(),
            configz: BTreeMap::new(),
            expire_continues: 0,
            policy_reports: false,
        }
    }
}

/// The user a client certificate names, and the bearer token the server accepts.
pub const CERT_USER: &str = "bulkhead-scanner";
pub const TOKEN_USER: &str = "system:serviceaccount:bulkhead:scanner";
pub const TOKEN: &str = "bulkhead-test-token";

/// A running server. It stops when dropped.
pub struct Server {
    pub address: SocketAddr,
    pub ca: Pem,
    /// A client certificate for [`CERT_USER`].
    pub client: Pem,
    state: Arc<handler::State>,
    _stop: tokio::sync::oneshot::Sender<()>,
}

impl Server {
    /// Starts a server on an ephemeral loopback port, on its own thread.
    pub fn start(options: Options) -> Result<Server, String> {
        Self::start_on("127.0.0.1:0", options)
    }

    /// Starts a server on `address` (a loopback address).
    pub fn start_on(address: &str, options: Options) -> Result<Server, String> {
        let authority = Authority::new("bulkhead-test-ca").map_err(|e| e.to_string())?;
        let server_cert = authority.server().map_err(|e| e.to_string())?;
        let client = authority
            .client(CERT_USER, &["bulkhead:scanners"])
            .map_err(|e| e.to_string())?;
        let listener = std::net::TcpListener::bind(address).map_err(|e| e.to_string())?;
        listener.set_nonblocking(true).map_err(|e| e.to_string())?;
        let address = listener.local_addr().map_err(|e| e.to_string())?;
        let (major, minor) = version_parts(&options.git_version);
        let extra: &[(&str, &str, bool)] = if options.policy_reports {
            &write::POLICY_REPORT_KINDS
        } else {
            &[]
        };
        let writable = extra
            .iter()
            .filter_map(|(api_version, kind, _)| {
                let group = api_version.split_once('/')?.0;
                Some((group.to_string(), format!("{}s", kind.to_ascii_lowercase())))
            })
            .collect();
        let state = Arc::new(handler::State {
            store: Store::with_kinds(options.objects, extra),
            writable,
            resource_version: std::sync::atomic::AtomicU64::new(10_000),
            version: json!({
                "major": major,
                "minor": minor,
                "gitVersion": options.git_version,
                "gitCommit": "0000000000000000000000000000000000000000",
                "gitTreeState": "clean",
                "buildDate": "2026-01-01T00:00:00Z",
                "goVersion": "go1.23.6",
                "compiler": "gc",
                "platform": "linux/amd64"
            }),
            tokens: BTreeMap::from([(TOKEN.to_string(), TOKEN_USER.to_string())]),
            denials: options.denials,
            configz: options.configz,
            expire_continues: AtomicUsize::new(options.expire_continues),
            requests: Mutex::new(Vec::new()),
            address: address.to_string(),
        });
        let tls = serve::tls_config(&authority.ca, &server_cert)?;
        let (stop, stopped) = tokio::sync::oneshot::channel();
        let serving = Arc::clone(&state);
        std::thread::Builder::new()
            .name("test-apiserver".into())
            .spawn(move || serve::run(listener, tls, serving, stopped))
            .map_err(|e| e.to_string())?;
        Ok(Server {
            address,
            ca: authority.ca.clone(),
            client,
            state,
            _stop: stop,
        })
    }

    pub fn url(&self) -> String {
        format!("https://{}", self.address)
    }

    /// The objects of a resource the server holds now (writes included), in list order.
    pub fn objects(&self, group: &str, plural: &str) -> Vec<Value> {
        self.state.store.with_list(group, plural, |list| {
            list.iter().map(|s| s.object.clone()).collect()
        })
    }

    /// Creates or replaces an object while the server runs (its kind must be one the server
    /// was started with); watches of its resource get an `ADDED` or `MODIFIED` event.
    pub fn apply(&self, object: Value) -> Result<(), String> {
        self.state.store.apply(object)
    }

    /// Deletes an object while the server runs; watches get a `DELETED` event.
    pub fn delete(&self, object: Value) -> Result<(), String> {
        self.state.store.delete(object)
    }

    /// Every request answered so far.
    pub fn requests(&self) -> Vec<Recorded> {
        self.state
            .requests
            .lock()
            .map(|r| r.clone())
            .unwrap_or_default()
    }

    /// A kubeconfig with one context, `test`, that authenticates with the client
    /// certificate (`Auth::Certificate`) or the bearer token (`Auth::Token`), or with a
    /// token the server does not know (`Auth::BadToken`).
    pub fn kubeconfig(&self, auth: Auth) -> String {
        let user = match auth {
            Auth::Certificate => format!(
                "    client-certificate-data: {}\n    client-key-data: {}\n",
                b64(&self.client.cert),
                b64(&self.client.key)
            ),
            Auth::Token => format!("    token: {TOKEN}\n"),
            Auth::BadToken => "    token: expired-or-revoked\n".to_string(),
        };
        format!(
            "apiVersion: v1\nkind: Config\nclusters:\n- name: test\n  cluster:\n    server: {}\n    certificate-authority-data: {}\nusers:\n- name: test\n  user:\n{user}contexts:\n- name: test\n  context:\n    cluster: test\n    user: test\ncurrent-context: test\n",
            self.url(),
            b64(&self.ca.cert),
        )
    }
}

/// How a kubeconfig authenticates.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Auth {
    Certificate,
    Token,
    BadToken,
}

fn b64(text: &str) -> String {
    use base64::Engine as _;
    base64::engine::general_purpose::STANDARD.encode(text)
}

fn version_parts(git_version: &str) -> (String, String) {
    let mut parts = git_version.trim_start_matches('v').split('.');
    let major = parts.next().unwrap_or("1").to_string();
    let minor = parts.next().unwrap_or("0").to_string();
    (major, minor)
}
