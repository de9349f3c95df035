//! `bulkhead serve`: wiring only. Flags over the `serve:` section of `.bulkhead.yaml` over
//! defaults, then `bulkhead_server::serve` runs until SIGINT or SIGTERM.

use std::path::PathBuf;
use std::time::Duration;

use bulkhead_cluster::Target;
use bulkhead_engine::config::{self, serve::parse_duration, ServeConfig};
use bulkhead_engine::{settings, ConfigChoice, Flags};
use bulkhead_history::{Store, DEFAULT_STORE};
use bulkhead_server::admission::Defaults;
use bulkhead_server::serve::admission_mount::AdmissionOptions;
use bulkhead_server::serve::alerts::{AlertOptions, Backoff, Format};
use bulkhead_server::serve::{self as server, AuditOptions, ServeOptions, TlsFiles};
use bulkhead_server::tls::TlsOptions;
use clap::Args;

use super::cluster::{ClusterArgs, NamespaceArgs};
use super::{audit, audit_webhook, EXIT_ERROR, EXIT_OK};
use crate::cli::AuditDetectArgs;

const DEFAULT_LISTEN: &str = "0.0.0.0:8080";
const DEFAULT_INTERVAL: Duration = Duration::from_secs(3600);
const DEFAULT_ALERT_QUEUE: usize = 100;
const DEFAULT_TREND_SCANS: usize = 60;
const SHUTDOWN_GRACE: Duration = Duration::from_secs(5);

/// `bulkhead serve`.
#[derive(Args, Debug)]
#[command(
    after_help = "Endpoints: GET / (dashboard), /healthz, /readyz, /metrics, /status; POST /scan (a scan now); POST /audit with --audit."
)]
pub struct ServeArgs {
    #[command(flatten)]
    pub cluster: ClusterArgs,

    #[command(flatten)]
    pub namespaces: NamespaceArgs,

    /// Address to listen on (plain HTTP, or HTTPS with --tls-cert) [default: serve.listen, then 0.0.0.0:8080].
    #[arg(long, value_name = "ADDR")]
    pub listen: Option<String>,

    /// Time between the end of one scan and the start of the next (30s, 15m, 1h, 1h30m)
    /// [default: serve.interval, then 1h].
    #[arg(long, value_name = "DURATION")]
    pub interval: Option<String>,

    /// POST new findings at or above --alert-min-severity to this URL.
    #[arg(long, value_name = "URL")]
    pub alert_url: Option<String>,

    /// The alert body: json (generic) or slack [default: serve.alerts.format, then json].
    #[arg(long, value_name = "FORMAT")]
    pub alert_format: Option<String>,

    /// Alert on new findings at or above this severity [default: serve.alerts.min-severity,
    /// then high].
    #[arg(long, value_name = "SEVERITY")]
    pub alert_min_severity: Option<String>,

    /// Alert messages held while the endpoint is down; beyond it new ones are dropped and
    /// counted, and their findings offered again after the next scan [default: 100].
    #[arg(long, value_name = "MESSAGES")]
    pub alert_queue: Option<usize>,

    /// First wait before an alert is sent again (doubled each failure, at most 5 minutes).
    #[arg(long, value_name = "DURATION", default_value = "1s", hide = true)]
    pub alert_retry: String,

    /// Host the audit webhook receiver at POST /audit on the same listener; its alerts are
    /// written to standard output as JSON lines and counted in the metrics.
    #[arg(long)]
    pub audit: bool,

    /// Judge each scan against this framework in the dashboard's report (every framework's
    /// score is in the metrics).
    #[arg(long, value_name = "ID")]
    pub framework: Option<String>,

    /// The configuration file [default: the nearest .bulkhead.yaml from the working
    /// directory up].
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,

    /// Ignore .bulkhead.yaml.
    #[arg(long, conflicts_with = "config")]
    pub no_config: bool,

    /// The history store every scan (failed ones too) is written to and the dashboard's
    /// trend is read from: a SQLite file, or a postgres:// URL [default: serve.store, then
    /// bulkhead.db in the working directory].
    #[arg(long, value_name = "PATH|URL")]
    pub store: Option<String>,

    /// Keep no history: the dashboard's trend is the last scans of this process.
    #[arg(long, conflicts_with = "store")]
    pub no_store: bool,

    /// After each good scan, write its PolicyReports (wgpolicyk8s.io) into the cluster:
    /// server-side apply of what changed, Bulkhead's reports no longer produced deleted.
    #[arg(long)]
    pub write_policyreports: bool,

    /// Serve HTTPS with this PEM certificate chain (with --tls-key); the files are read
    /// again when they change [default: serve.tls.cert].
    #[arg(long, value_name = "FILE", requires = "tls_key")]
    pub tls_cert: Option<PathBuf>,

    /// The private key of --tls-cert [default: serve.tls.key].
    #[arg(long, value_name = "FILE", requires = "tls_cert")]
    pub tls_key: Option<PathBuf>,

    /// Also serve the validating admission webhook at POST /admission/validate (HTTPS only:
    /// needs the TLS certificate and key). Namespaces choose its mode with their
    /// bulkhead.dev/enforce, /warn or /audit labels; the others get warnings.
    #[arg(long)]
    pub admission: bool,

    /// Leave freed memory to the allocator after a result is replaced (for
    /// bench/serve.sh's comparison).
    #[arg(long, hide = true)]
    pub keep_freed_memory: bool,
}

pub fn run(args: &ServeArgs) -> u8 {
    match serve(args) {
        Ok(code) => code,
        Err(message) => {
            eprintln!("bulkhead: error: {message}");
            EXIT_ERROR
        }
    }
}

fn serve(args: &ServeArgs) -> Result<u8, String> {
    if !args.cluster.wanted() {
        return Err(
            "serve scans a live cluster: add --cluster (or --context, --kubeconfig)".into(),
        );
    }
    let choice = match (&args.config, args.no_config) {
        (Some(path), _) => ConfigChoice::File(path.clone()),
        (None, true) => ConfigChoice::Ignore,
        (None, false) => ConfigChoice::Nearest,
    };
    let flags = Flags {
        framework: args.framework.clone(),
        ..Flags::default()
    };
    let settings = settings::resolve(&flags, &choice, &[])?;
    let file = match &settings.config_path {
        Some(path) => {
            let mut file = config::load(std::path::Path::new(path))
                .map_err(|errors| format!("invalid configuration:\n  {}", errors.join("\n  ")))?
                .serve;
            relative_to(std::path::Path::new(path), &mut file);
            file
        }
        None => ServeConfig::default(),
    };
    let mut options = options(args, &file, settings)?;
    if args.admission || file.admission == Some(true) {
        options.admission = Some(AdmissionOptions {
            defaults: Defaults::default(),
            settings: settings::resolve(&flags, &choice, &[])?,
        });
    }
    let listen = options.listen;
    let history = match &options.store {
        Some(store) => format!("history in {} ({})", store.location(), store.backend()),
        None => "no history store".to_string(),
    };
    let runtime = tokio::runtime::Runtime::new().map_err(|e| e.to_string())?;
    let result = runtime.block_on(async {
        let serving = server::start(options).await?;
        eprintln!(
            "bulkhead: serving on {}://{} (scans every {}; listening from {listen}; {history})",
            if serving.tls { "https" } else { "http" },
            serving.addr,
            describe(args.interval.as_deref(), file.interval)
        );
        audit_webhook::wait_for_signal().await;
        eprintln!("bulkhead: stopping");
        let stopped = serving.shutdown().await?;
        if stopped.alerts_undelivered > 0 {
            eprintln!(
                "bulkhead: {} alert message{} not delivered",
                stopped.alerts_undelivered,
                if stopped.alerts_undelivered == 1 {
                    ""
                } else {
                    "s"
                }
            );
        }
        if let Some(detector) = stopped.audit {
            eprint!("{}", bulkhead_audit::output::summary(&detector.stats));
        }
        eprintln!("bulkhead: stopped");
        Ok(EXIT_OK)
    });
    // The checks of an abandoned scan run on a blocking thread that cannot be interrupted;
    // the process does not wait long for it.
    runtime.shutdown_timeout(SHUTDOWN_GRACE);
    result
}

/// Paths in the file (the store, the certificate and key) are relative to the file, as its
/// baseline is; a `postgres://` URL is left as it is.
fn relative_to(config: &std::path::Path, file: &mut ServeConfig) {
    let Some(dir) = config.parent() else {
        return;
    };
    let resolve = |value: &mut Option<String>| {
        if let Some(v) = value.as_mut() {
            if v.starts_with("postgres://") || v.starts_with("postgresql://") {
                return;
            }
            let (prefix, path) = match v.strip_prefix("sqlite://") {
                Some(rest) => ("sqlite://", rest),
                None => ("", v.as_str()),
            };
            if std::path::Path::new(path).is_relative() {
                *v = format!("{prefix}{}", dir.join(path).display());
            }
        }
    };
    resolve(&mut file.store);
    resolve(&mut file.tls_cert);
    resolve(&mut file.tls_key);
}

fn describe(flag: Option<&str>, file: Option<Duration>) -> String {
    match (flag, file) {
        (Some(f), _) => f.to_string(),
        (None, Some(d)) => format!("{}s", d.as_secs()),
        (None, None) => "1h".to_string(),
    }
}

/// Flags over the file over defaults.
fn options(
    args: &ServeArgs,
    file: &ServeConfig,
    settings: bulkhead_engine::Settings,
) -> Result<ServeOptions, String> {
    let listen_text = args
        .listen
        .clone()
        .or_else(|| file.listen.clone())
        .unwrap_or_else(|| DEFAULT_LISTEN.to_string());
    let listen = listen_text
        .parse()
        .map_err(|_| format!("listen address {listen_text:?}: expected ADDRESS:PORT"))?;
    let interval = match &args.interval {
        Some(text) => parse_duration(text).map_err(|e| format!("--interval {e}"))?,
        None => file.interval.unwrap_or(DEFAULT_INTERVAL),
    };
    let alerts = match args.alert_url.clone().or_else(|| file.alert_url.clone()) {
        Some(url) => {
            let format: Format = args
                .alert_format
                .as_deref()
                .or(file.alert_format.as_deref())
                .unwrap_or("json")
                .parse()?;
            let min_severity = match &args.alert_min_severity {
                Some(text) => text.parse()?,
                None => file
                    .alert_min_severity
                    .unwrap_or(bulkhead_checks::Severity::High),
            };
            let first = parse_duration(&args.alert_retry)
                .or_else(|_| parse_millis(&args.alert_retry))
                .map_err(|e| format!("--alert-retry {e}"))?;
            Some(AlertOptions {
                url,
                min_severity,
                format,
                queue: args
                    .alert_queue
                    .or(file.alert_queue)
                    .unwrap_or(DEFAULT_ALERT_QUEUE),
                backoff: Backoff {
                    first,
                    ..Backoff::default()
                },
            })
        }
        None => {
            if args.alert_format.is_some() || args.alert_min_severity.is_some() {
                return Err("--alert-format and --alert-min-severity need --alert-url".into());
            }
            None
        }
    };
    let audit = if args.audit || file.audit == Some(true) {
        let detect = audit_defaults();
        Some(AuditOptions {
            detector: audit::detector(&detect, None, None)?,
            sink: Box::new(audit::writer(&detect)?),
            queue: 256,
            max_body_bytes: 16 << 20,
        })
    } else {
        None
    };
    let namespaces = if args.namespaces.namespaces.is_empty() {
        file.namespaces.clone()
    } else {
        args.namespaces.namespaces.clone()
    };
    Ok(ServeOptions {
        listen,
        target: Target {
            kubeconfig: args.cluster.kubeconfig.clone(),
            context: args.cluster.context.clone(),
        },
        namespaces,
        settings,
        interval,
        alerts,
        audit,
        sinks: Vec::new(),
        trend_capacity: file.trend_scans.unwrap_or(DEFAULT_TREND_SCANS),
        store: store(args, file)?,
        write_policyreports: args.write_policyreports || file.write_policyreports == Some(true),
        tls: tls(args, file),
        admission: None,
        release_memory: (!args.keep_freed_memory).then_some(release_memory as fn()),
    })
}

/// The history store, opened (and migrated) before anything starts, so a store that cannot
/// be opened stops `serve` with its reason.
fn store(args: &ServeArgs, file: &ServeConfig) -> Result<Option<Store>, String> {
    if args.no_store {
        return Ok(None);
    }
    let location = args
        .store
        .clone()
        .or_else(|| file.store.clone())
        .unwrap_or_else(|| DEFAULT_STORE.to_string());
    Store::open(&location)
        .map(Some)
        .map_err(|e| format!("history store: {e}"))
}

/// HTTPS when a certificate and key are named (flags over the file; clap and the file's
/// reader already require both of a pair).
fn tls(args: &ServeArgs, file: &ServeConfig) -> Option<TlsFiles> {
    let (cert, key) = match (&args.tls_cert, &args.tls_key) {
        (Some(cert), Some(key)) => (cert.clone(), key.clone()),
        _ => (
            PathBuf::from(file.tls_cert.as_ref()?),
            PathBuf::from(file.tls_key.as_ref()?),
        ),
    };
    Some(TlsFiles {
        cert,
        key,
        options: TlsOptions::default(),
    })
}

/// Returns the free memory the calling thread's mimalloc heap holds (its empty pages, and
/// purges pending anywhere) to the system: mimalloc is the binary's global allocator (see
/// `main.rs`), and its collect call is not wrapped by the `mimalloc` crate.
fn release_memory() {
    extern "C" {
        fn mi_collect(force: bool);
    }
    // SAFETY: mi_collect takes no pointers and may be called from any thread at any time;
    // the symbol is in the mimalloc library the global allocator links.
    unsafe { mi_collect(true) }
}

/// `250ms`: the tests' short retry waits.
fn parse_millis(text: &str) -> Result<Duration, String> {
    text.strip_suffix("ms")
        .and_then(|n| n.parse::<u64>().ok())
        .filter(|n| *n > 0)
        .map(Duration::from_millis)
        .ok_or_else(|| format!("{text:?}: expected a duration such as 1s or 250ms"))
}

/// The audit detector as `audit-webhook` builds it by default, alerts as JSON lines.
fn audit_defaults() -> AuditDetectArgs {
    AuditDetectArgs {
        format: "json".into(),
        output: None,
        fail_on: "high".into(),
        exit_zero: true,
        cluster_cidrs: Vec::new(),
        lists: Vec::new(),
        windows: Vec::new(),
        no_request_checks: false,
        request_check_severity: "medium".into(),
    }
}
