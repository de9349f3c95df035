//! The live cluster as an input of any command: the connection flags, the read (with a
//! progress bar on a terminal), and "paths or --cluster" turned into what the engine takes.
//! The cluster is read into a snapshot text that the engine loads like any file.

use std::io::IsTerminal;
use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use bulkhead_cluster::{Options, Progress, Target};
use bulkhead_engine::Sources;
use bulkhead_model::{load_inputs, Input, Inventory, Limits, LoadError};
use clap::Args;
use indicatif::{ProgressBar, ProgressStyle};

/// Flags that read a live cluster instead of files.
#[derive(Args, Debug, Clone, Default)]
pub struct ClusterArgs {
    /// Read the live cluster of the current kubeconfig context (KUBECONFIG, ~/.kube/config,
    /// or the in-cluster service account) instead of files.
    #[arg(long)]
    pub cluster: bool,

    /// The kubeconfig context to read (implies --cluster).
    #[arg(long, value_name = "NAME")]
    pub context: Option<String>,

    /// The kubeconfig file to use (implies --cluster) [default: KUBECONFIG, then
    /// ~/.kube/config, then the in-cluster service account].
    #[arg(long, value_name = "FILE")]
    pub kubeconfig: Option<PathBuf>,

    /// No progress bar (while the cluster is read, and while a scan reads and checks).
    #[arg(long, short = 'q')]
    pub quiet: bool,
}

/// Namespaces a cluster read is limited to.
#[derive(Args, Debug, Clone, Default)]
pub struct NamespaceArgs {
    /// With --cluster: read namespaced objects of this namespace only (repeat for several);
    /// cluster-wide objects (nodes, ClusterRoles, ...) are always read.
    #[arg(long = "namespace", short = 'n', value_name = "NAMESPACE")]
    pub namespaces: Vec<String>,
}

impl ClusterArgs {
    /// Whether a live cluster was asked for.
    pub fn wanted(&self) -> bool {
        self.cluster || self.context.is_some() || self.kubeconfig.is_some()
    }
}

/// A cluster read: the snapshot text and the name findings will show for it.
pub struct Snapshot {
    pub name: String,
    pub text: String,
}

/// Reads the cluster into a snapshot. Any failure that stops the read is one line.
pub fn read(args: &ClusterArgs, namespaces: &[String]) -> Result<Snapshot, String> {
    let target = Target {
        kubeconfig: args.kubeconfig.clone(),
        context: args.context.clone(),
    };
    let bar = (!args.quiet && std::io::stderr().is_terminal()).then(Bar::new);
    let options = Options {
        namespaces: namespaces.to_vec(),
        progress: bar.clone().map(|b| Arc::new(b) as Arc<dyn Progress>),
        ..Options::default()
    };
    let read = bulkhead_cluster::read_snapshot(&target, &options);
    if let Some(bar) = bar {
        bar.finish();
    }
    let (text, collection) = read.map_err(|e| e.to_string())?;
    let context = if collection.context.is_empty() {
        "cluster".to_string()
    } else {
        collection.context.clone()
    };
    drop(collection);
    Ok(Snapshot {
        name: format!("cluster:{context}"),
        text,
    })
}

/// The engine's sources: the live cluster when asked for, else the paths.
pub fn sources(
    paths: &[String],
    args: &ClusterArgs,
    namespaces: &[String],
) -> Result<Sources, String> {
    if !args.wanted() {
        return Ok(Sources::Paths(paths.to_vec()));
    }
    if !paths.is_empty() {
        return Err("give either paths or --cluster, not both".into());
    }
    let snapshot = read(args, namespaces)?;
    Ok(Sources::Inputs(vec![Input::Text {
        name: snapshot.name,
        text: snapshot.text,
    }]))
}

/// For commands that query an inventory (`rbac`, `netpol`): the live cluster's objects
/// when asked for, with what could not be read; `None` when the paths are the input.
pub fn inventory(
    paths: &[String],
    args: &ClusterArgs,
) -> Result<Option<(Inventory, Vec<LoadError>)>, String> {
    if !args.wanted() {
        return Ok(None);
    }
    if !paths.is_empty() {
        return Err("give either paths or --cluster, not both".into());
    }
    let snapshot = read(args, &[])?;
    let input = Input::Text {
        name: snapshot.name,
        text: snapshot.text,
    };
    let loaded = load_inputs(&[input], &Limits::default());
    let inventory = Inventory::new(loaded.objects);
    let mut errors = loaded.errors;
    errors.extend(bulkhead_engine::unread::of(&inventory).errors);
    Ok(Some((inventory, errors)))
}

/// The progress bar: resources done of all, the objects read so far, the latest resource.
#[derive(Clone)]
struct Bar {
    bar: ProgressBar,
    objects: Arc<AtomicUsize>,
}

impl Bar {
    fn new() -> Self {
        let bar = ProgressBar::new(0);
        bar.set_style(
            ProgressStyle::with_template(
                "{spinner} reading the cluster [{bar:30}] {pos}/{len} resources, {msg}",
            )
            .unwrap_or_else(|_| ProgressStyle::default_bar())
            .progress_chars("=> "),
        );
        bar.enable_steady_tick(Duration::from_millis(120));
        Bar {
            bar,
            objects: Arc::new(AtomicUsize::new(0)),
        }
    }

    fn finish(&self) {
        self.bar.finish_and_clear();
    }
}

impl Progress for Bar {
    fn started(&self, _resource: &str, total: usize) {
        if self.bar.length() < Some(total as u64) {
            self.bar.set_length(total as u64);
        }
    }

    fn read(&self, resource: &str, count: usize) {
        let objects = self.objects.fetch_add(count, Ordering::Relaxed) + count;
        self.bar
            .set_message(format!("{objects} objects ({resource})"));
    }

    fn finished(&self, resource: &str) {
        if resource != "nodes/proxy" {
            self.bar.inc(1);
        }
    }
}
