//! `bulkhead admission`: the validating admission webhook, served until SIGINT/SIGTERM.

use std::path::PathBuf;
use std::time::Duration;

use bulkhead_cluster::{connect, Target};
use bulkhead_engine::{settings, ConfigChoice, Flags};
use bulkhead_server::admission::{start, AdmissionOptions, Defaults};
use clap::Args;

use super::EXIT_ERROR;
use crate::cli::ClusterArgs;

/// `bulkhead admission`.
#[derive(Args, Debug)]
pub struct AdmissionArgs {
    /// Address to listen on.
    #[arg(long, value_name = "ADDR", default_value = "0.0.0.0:8443")]
    pub listen: String,

    /// The server certificate chain (PEM); reloaded when the file changes.
    #[arg(long, value_name = "FILE")]
    pub tls_cert: PathBuf,

    /// The server private key (PEM); reloaded when the file changes.
    #[arg(long, value_name = "FILE")]
    pub tls_key: PathBuf,

    /// What to do in namespaces without a bulkhead.dev/enforce, /warn or /audit label:
    /// enforce (deny at --enforce-at, warn below), warn (allow, with a warning per finding),
    /// or audit (allow, log and count).
    #[arg(long, value_name = "MODE", default_value = "warn")]
    pub default_mode: String,

    /// The severity enforcing namespaces deny from (a bulkhead.dev/enforce label with a
    /// severity overrides it).
    #[arg(long, value_name = "SEVERITY", default_value = "high")]
    pub enforce_at: String,

    /// The severity warnings and audit records start at, unless a label says otherwise.
    #[arg(long, value_name = "SEVERITY", default_value = "low")]
    pub report_at: String,

    /// Run only these checks: ids, id prefixes, slugs or families.
    #[arg(long, value_delimiter = ',', value_name = "CHECKS")]
    pub select: Vec<String>,

    /// Do not run these checks: ids, id prefixes, slugs or families.
    #[arg(long, value_delimiter = ',', value_name = "CHECKS")]
    pub ignore: Vec<String>,

    /// Pod Security Standards level to hold workloads to: `restricted` (default) or `baseline`.
    #[arg(long, value_name = "LEVEL")]
    pub pss_level: Option<String>,

    /// A registry (or registry/path prefix) images may come from; repeat for several.
    #[arg(long = "allowed-registry", value_name = "REGISTRY")]
    pub allowed_registries: Vec<String>,

    /// Configuration file (.bulkhead.yaml) for checks, severities and exclusions [default: none].
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,

    /// Largest review accepted, in bytes (an object and its old version).
    #[arg(long, value_name = "BYTES", default_value = "6291456")]
    pub max_body_bytes: usize,

    /// Longest time a client may take to send a review, in milliseconds.
    #[arg(long, value_name = "MS", default_value = "5000")]
    pub read_timeout_ms: u64,

    /// Read the namespaces' bulkhead.dev labels from this cluster and watch them; without
    /// these flags every namespace gets --default-mode.
    #[command(flatten)]
    pub cluster: ClusterArgs,
}

pub fn run(args: &AdmissionArgs) -> u8 {
    match serve(args) {
        Ok(()) => super::EXIT_OK,
        Err(message) => {
            eprintln!("bulkhead: error: {message}");
            EXIT_ERROR
        }
    }
}

fn serve(args: &AdmissionArgs) -> Result<(), String> {
    let listen = args
        .listen
        .parse()
        .map_err(|_| format!("--listen {:?}: expected ADDRESS:PORT", args.listen))?;
    let defaults = Defaults {
        mode: args
            .default_mode
            .parse()
            .map_err(|e| format!("--default-mode: {e}"))?,
        enforce_at: args
            .enforce_at
            .parse()
            .map_err(|e| format!("--enforce-at: {e}"))?,
        report_at: args
            .report_at
            .parse()
            .map_err(|e| format!("--report-at: {e}"))?,
    };
    let flags = Flags {
        select: args.select.clone(),
        ignore: args.ignore.clone(),
        pss_level: args.pss_level.clone(),
        allowed_registries: args.allowed_registries.clone(),
        ..Flags::default()
    };
    let choice = match &args.config {
        Some(path) => ConfigChoice::File(path.clone()),
        None => ConfigChoice::Ignore,
    };
    let settings = settings::resolve(&flags, &choice, &[])?;
    let runtime = tokio::runtime::Runtime::new().map_err(|e| e.to_string())?;
    runtime.block_on(async {
        let mut options =
            AdmissionOptions::new(listen, args.tls_cert.clone(), args.tls_key.clone());
        options.defaults = defaults;
        options.max_body_bytes = args.max_body_bytes;
        options.read_timeout = Duration::from_millis(args.read_timeout_ms);
        if args.cluster.wanted() {
            let target = Target {
                kubeconfig: args.cluster.kubeconfig.clone(),
                context: args.cluster.context.clone(),
            };
            let connection = connect(&target).await.map_err(|e| e.to_string())?;
            eprintln!(
                "bulkhead: reading namespace labels from {} ({})",
                connection.server, connection.context
            );
            options.cluster = Some(connection.client);
        }
        let running = start(options, settings, super::audit_webhook::wait_for_signal()).await?;
        eprintln!(
            "bulkhead: admission webhook on https://{}/validate ({} checks; default mode {})",
            running.addr,
            running.admission.judge.checks(),
            args.default_mode
        );
        running.finish().await
    })
}
