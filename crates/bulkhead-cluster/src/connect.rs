//! Connecting as kubectl does: the kubeconfig named by `--kubeconfig`, else the files of
//! `KUBECONFIG` merged (the first to set a value wins), else `~/.kube/config`, else the
//! in-cluster service account; the current context or `--context`. Client certificates,
//! bearer tokens and exec credential plugins are kube-rs's own handling.

use std::path::PathBuf;
use std::time::Duration;

use kube::config::{KubeConfigOptions, Kubeconfig};
use kube::{Client, Config};

use crate::error::ClusterError;

/// Which cluster to read, as the command line names it.
#[derive(Clone, Debug, Default)]
pub struct Target {
    /// A kubeconfig file (`--kubeconfig`); without it `KUBECONFIG` or `~/.kube/config`.
    pub kubeconfig: Option<PathBuf>,
    /// A context of the kubeconfig (`--context`); without it the current context.
    pub context: Option<String>,
}

/// A client and what it is connected to, for messages and the snapshot.
pub struct Connection {
    pub client: Client,
    /// The API server's URL.
    pub server: String,
    /// The kubeconfig context, or `in-cluster`.
    pub context: String,
}

/// Builds a client for `target`. Nothing is sent yet: an unreachable server or rejected
/// credentials show on the first request.
pub async fn connect(target: &Target) -> Result<Connection, ClusterError> {
    let kubeconfig = match &target.kubeconfig {
        Some(path) => Some(Kubeconfig::read_from(path).map_err(|e| {
            ClusterError::Config(format!("cannot read kubeconfig {}: {e}", path.display()))
        })?),
        None => match Kubeconfig::from_env() {
            Ok(Some(config)) => Some(config),
            Ok(None) => default_kubeconfig()?,
            Err(e) => {
                return Err(ClusterError::Config(format!(
                    "cannot read the kubeconfig files of KUBECONFIG: {e}"
                )))
            }
        },
    };
    let (mut config, context) = match kubeconfig {
        Some(kubeconfig) => {
            let context = target
                .context
                .clone()
                .or_else(|| kubeconfig.current_context.clone());
            if let Some(name) = &context {
                if !kubeconfig.contexts.iter().any(|c| &c.name == name) {
                    let known: Vec<&str> = kubeconfig
                        .contexts
                        .iter()
                        .map(|c| c.name.as_str())
                        .collect();
                    return Err(ClusterError::Config(format!(
                        "context {name:?} is not in the kubeconfig (contexts: {})",
                        if known.is_empty() {
                            "none".to_string()
                        } else {
                            known.join(", ")
                        }
                    )));
                }
            }
            let options = KubeConfigOptions {
                context: context.clone(),
                cluster: None,
                user: None,
            };
            let config = Config::from_custom_kubeconfig(kubeconfig, &options)
                .await
                .map_err(|e| ClusterError::Config(format!("cannot use the kubeconfig: {e}")))?;
            (config, context.unwrap_or_default())
        }
        None => {
            if target.context.is_some() {
                return Err(ClusterError::Config(
                    "--context names a kubeconfig context, but no kubeconfig was found (set KUBECONFIG or --kubeconfig)".into(),
                ));
            }
            let config = Config::incluster().map_err(|e| {
                ClusterError::Config(format!(
                    "no kubeconfig found (--kubeconfig, KUBECONFIG, ~/.kube/config) and not running in a pod: {e}"
                ))
            })?;
            (config, "in-cluster".to_string())
        }
    };
    config.connect_timeout = Some(Duration::from_secs(10));
    config.read_timeout = Some(Duration::from_secs(60));
    let server = config
        .cluster_url
        .to_string()
        .trim_end_matches('/')
        .to_string();
    let client = Client::try_from(config)
        .map_err(|e| ClusterError::Config(format!("cannot set up a client for {server}: {e}")))?;
    Ok(Connection {
        client,
        server,
        context,
    })
}

/// `~/.kube/config` when it exists; `None` (so the in-cluster account is tried) otherwise.
fn default_kubeconfig() -> Result<Option<Kubeconfig>, ClusterError> {
    let Some(home) = std::env::var_os("HOME").filter(|h| !h.is_empty()) else {
        return Ok(None);
    };
    let path = PathBuf::from(home).join(".kube").join("config");
    if !path.exists() {
        return Ok(None);
    }
    Kubeconfig::read_from(&path).map(Some).map_err(|e| {
        ClusterError::Config(format!("cannot read kubeconfig {}: {e}", path.display()))
    })
}

/// The context a connection to `target` would use (`--context`, else the kubeconfig's
/// current context, else `in-cluster` without a kubeconfig), read without connecting: a
/// scan that fails is still filed under its cluster's name.
pub fn context_name(target: &Target) -> Option<String> {
    if let Some(context) = &target.context {
        return Some(context.clone());
    }
    let kubeconfig = match &target.kubeconfig {
        Some(path) => Kubeconfig::read_from(path).ok(),
        None => match Kubeconfig::from_env() {
            Ok(Some(config)) => Some(config),
            Ok(None) => default_kubeconfig().ok().flatten(),
            Err(_) => None,
        },
    };
    match kubeconfig {
        Some(config) => config.current_context,
        None => Some("in-cluster".to_string()),
    }
}
