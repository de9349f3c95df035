//! The labels of every namespace, read from the cluster and kept current with a watch, so
//! that a review's mode is a map lookup and never a request to the API server.
//!
//! The webhook starts answering only after the first complete list: before it, an
//! enforcing namespace would look unlabelled and get the (weaker) default mode. A namespace
//! created after the list is known once its watch event arrives (milliseconds later); until
//! then it, too, gets the default mode.

use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, RwLock};
use std::time::Duration;

use futures::StreamExt;
use k8s_openapi::api::core::v1::Namespace;
use kube::runtime::watcher::{self, Event};
use kube::runtime::WatchStreamExt;
use kube::{Api, Client};
use tokio::task::JoinHandle;

pub type Labels = BTreeMap<String, String>;

/// Namespace name → labels, shared between the watch and the handlers.
#[derive(Clone, Default)]
pub struct Namespaces {
    inner: Arc<RwLock<HashMap<String, Labels>>>,
}

impl Namespaces {
    /// Fixed labels (no cluster): tests, and `--namespace-labels` style configuration.
    pub fn fixed(labels: HashMap<String, Labels>) -> Self {
        Namespaces {
            inner: Arc::new(RwLock::new(labels)),
        }
    }

    /// Reads the labels of `namespace` with `read`, under the lock (no copy).
    pub fn with<R>(&self, namespace: &str, read: impl FnOnce(Option<&Labels>) -> R) -> R {
        match self.inner.read() {
            Ok(map) => read(map.get(namespace)),
            Err(_) => read(None),
        }
    }

    fn set(&self, namespace: String, labels: Labels) {
        if let Ok(mut map) = self.inner.write() {
            map.insert(namespace, labels);
        }
    }

    fn remove(&self, namespace: &str) {
        if let Ok(mut map) = self.inner.write() {
            map.remove(namespace);
        }
    }

    fn replace(&self, all: HashMap<String, Labels>) {
        if let Ok(mut map) = self.inner.write() {
            *map = all;
        }
    }
}

fn name_and_labels(namespace: Namespace) -> Option<(String, Labels)> {
    let name = namespace.metadata.name?;
    Some((name, namespace.metadata.labels.unwrap_or_default()))
}

/// Lists the cluster's namespaces into `namespaces`, then keeps them current from a watch
/// (re-listing after a dropped or expired watch, with backoff). Returns once the first list
/// is complete, or an error if it is not within `first_list`.
pub async fn watch(
    client: Client,
    namespaces: Namespaces,
    first_list: Duration,
) -> Result<JoinHandle<()>, String> {
    let api: Api<Namespace> = Api::all(client);
    let mut events = watcher::watcher(api, watcher::Config::default())
        .default_backoff()
        .boxed();
    let (listed, first) = tokio::sync::oneshot::channel::<()>();
    let task = tokio::spawn(async move {
        let mut listed = Some(listed);
        let mut listing: Option<HashMap<String, Labels>> = None;
        let mut last_error = String::new();
        while let Some(event) = events.next().await {
            match event {
                Ok(Event::Init) => listing = Some(HashMap::new()),
                Ok(Event::InitApply(ns)) => {
                    if let (Some(all), Some((name, labels))) =
                        (listing.as_mut(), name_and_labels(ns))
                    {
                        all.insert(name, labels);
                    }
                }
                Ok(Event::InitDone) => {
                    namespaces.replace(listing.take().unwrap_or_default());
                    if let Some(listed) = listed.take() {
                        let _ = listed.send(());
                    }
                    last_error.clear();
                }
                Ok(Event::Apply(ns)) => {
                    if let Some((name, labels)) = name_and_labels(ns) {
                        namespaces.set(name, labels);
                    }
                }
                Ok(Event::Delete(ns)) => {
                    if let Some(name) = ns.metadata.name {
                        namespaces.remove(&name);
                    }
                }
                Err(e) => {
                    let text = e.to_string();
                    if text != last_error {
                        eprintln!("bulkhead: watching namespaces: {text} (retrying)");
                        last_error = text;
                    }
                }
            }
        }
    });
    match tokio::time::timeout(first_list, first).await {
        Ok(Ok(())) => Ok(task),
        _ => {
            task.abort();
            Err(format!(
                "could not list the cluster's namespaces within {} s (their bulkhead.dev labels choose each namespace's mode); check the credentials may list and watch namespaces",
                first_list.as_secs()
            ))
        }
    }
}
