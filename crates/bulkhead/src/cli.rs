//! Command-line arguments.

use clap::{Args, Parser, Subcommand, ValueEnum};

pub use crate::commands::cluster::{ClusterArgs, NamespaceArgs};

/// Kubernetes security auditor: finds what is unsafe in your manifests, exactly where it is.
#[derive(Parser, Debug)]
#[command(name = "bulkhead", version, about, propagate_version = true)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Scan manifests: files, directories (recursively), globs, or `-` for standard input;
    /// or a live cluster (`--cluster`, `--context`, `--kubeconfig`).
    Scan(Box<ScanArgs>),
    /// Write what a live cluster holds as a YAML snapshot (one document per object, without
    /// managedFields or Secret values) for offline audits and as evidence; `bulkhead scan
    /// SNAPSHOT` later gives the same findings as the live scan.
    Snapshot(SnapshotArgs),
    /// List every check with its id, name, severity, family and compliance ids.
    Checks(ChecksArgs),
    /// Show the documentation of a check.
    Explain(ExplainArgs),
    /// List the compliance frameworks `scan --framework` reports on, or one framework's controls.
    Frameworks(FrameworksArgs),
    /// RBAC analysis: who can do what, and paths to cluster-admin.
    Rbac(crate::commands::rbac::RbacArgs),
    /// NetworkPolicy analysis: reachability, explanations, exposure, diffs.
    Netpol(crate::commands::netpol::NetpolArgs),
    /// Audit this node (or a copy of one under `--root`): control-plane and kubelet settings,
    /// file modes and owners, certificates, component versions (the control-plane, kubelet,
    /// node-files and versions checks, unless `--select` names others).
    Node(Box<NodeArgs>),
    /// Drift between the manifests and what runs: security-relevant fields that differ
    /// (server defaults forgiven), live objects no manifest holds, manifests never applied
    /// (exit 1 on security drift).
    Drift(Box<crate::commands::drift::DriftArgs>),
    /// Adopt Bulkhead in a repository: write a commented .bulkhead.yaml and, with
    /// `--baseline`, a baseline of today's findings so that only new ones fail.
    Init(crate::commands::init::InitArgs),
    /// Print a shell completion script: `bulkhead completions bash > /etc/bash_completion.d/bulkhead`.
    Completions(CompletionsArgs),
    /// Print the manual page (roff): `bulkhead man > bulkhead.1; man -l bulkhead.1`.
    Man,
    /// Run as a Language Server on standard input and output: findings as diagnostics in the
    /// editor for open YAML and JSON manifests.
    Lsp,
    /// Detect threats in Kubernetes audit logs: JSON lines, EventList documents, gzip
    /// rotations, a directory of them in time order, or `-` for standard input.
    AuditLog(Box<AuditLogArgs>),
    /// Receive the API server's audit webhook (EventList POSTs over HTTPS) and detect threats
    /// as events arrive.
    AuditWebhook(Box<AuditWebhookArgs>),
    /// Fix findings in place with minimal text edits (comments, key order, quoting and
    /// layout kept); `--diff` shows the edits instead. Safe fixes by default, `--unsafe` for
    /// the ones that may change how a workload behaves.
    Fix(Box<crate::commands::fix::FixArgs>),
    /// The scans a history store holds (`scan --store`, `serve`): a trend table, the
    /// findings new and resolved between two scans (`diff A B`), a framework's score over
    /// time (`score FRAMEWORK`).
    History(Box<crate::commands::history::HistoryArgs>),
    /// Watch a live cluster: scans on a schedule and on demand (POST /scan), a dashboard,
    /// Prometheus metrics, health endpoints, alerts on new findings.
    Serve(Box<crate::commands::serve::ServeArgs>),
    /// Attack paths: the shortest chains from the internet (or `--from` a workload, an
    /// identity, a node) to cluster-admin, the nodes and the cloud metadata endpoint, along
    /// the connections the NetworkPolicies allow, each step with its evidence and the single
    /// changes that cut it (exit 1 when a path exists).
    AttackPaths(Box<crate::commands::attack_paths::AttackPathsArgs>),
    /// Serve the validating admission webhook: the API server asks before it stores an object,
    /// and the checks answer — deny (enforce), warn, or record (audit), per namespace.
    Admission(Box<crate::commands::admission::AdmissionArgs>),
}

#[derive(Args, Debug)]
pub struct CompletionsArgs {
    /// The shell: bash, zsh, fish, elvish or powershell.
    #[arg(value_enum)]
    pub shell: clap_complete::Shell,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum SarifLimit {
    Github,
    None,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum ColorChoice {
    Auto,
    Always,
    Never,
}

/// What every command that reports findings accepts: which checks run, the report formats
/// and where they go, when the exit code says "findings", and the framework to judge.
#[derive(Args, Debug)]
pub struct ReportArgs {
    /// Report format: text (full diagnostics), concise (one line per finding), grouped (by
    /// file and object), statistics, json, sarif, junit, markdown, html, policyreport. Repeat
    /// it to write several reports (pair each with an `-o`).
    #[arg(
        long = "format",
        short = 'f',
        value_name = "FORMAT",
        default_value = "text"
    )]
    pub formats: Vec<String>,

    /// Where to write each report, in the order of the formats. With one file fewer than
    /// formats, the first format goes to standard output.
    #[arg(long = "output", short = 'o', value_name = "FILE")]
    pub outputs: Vec<String>,

    /// Exit with 1 when a finding is at or above this severity [default: high, or for `scan`
    /// the configuration's fail-on].
    #[arg(long, value_name = "SEVERITY")]
    pub fail_on: Option<String>,

    /// Always exit with 0, whatever was found or could not be read.
    #[arg(long)]
    pub exit_zero: bool,

    /// Run only these checks: ids, id prefixes, slugs or families (comma-separated or repeated).
    #[arg(long, value_delimiter = ',', value_name = "CHECKS")]
    pub select: Vec<String>,

    /// Do not run these checks: ids, id prefixes, slugs or families.
    #[arg(long, value_delimiter = ',', value_name = "CHECKS")]
    pub ignore: Vec<String>,

    /// Show (and fail on) only findings at or above this severity; the rest are counted as
    /// hidden in the summary.
    #[arg(long, value_name = "SEVERITY")]
    pub min_severity: Option<String>,

    /// Show (and fail on) only findings of these severities (comma-separated or repeated).
    #[arg(long = "severity", value_delimiter = ',', value_name = "SEVERITIES")]
    pub severities: Vec<String>,

    /// Print a table of the checks that fired, by count, severity and name, instead of the
    /// findings (the same as `-f statistics`).
    #[arg(long)]
    pub statistics: bool,

    /// Keep the SARIF report within an upload's limits: `github` (at most 5,000 results, the
    /// most severe, and 10 MB gzipped) or `none` [default: github when GITHUB_ACTIONS is set].
    #[arg(long, value_enum, value_name = "LIMIT")]
    pub sarif_limit: Option<SarifLimit>,

    /// Colour in the text report: auto (a terminal, unless NO_COLOR is set), always, never.
    #[arg(long, value_enum, default_value = "auto")]
    pub color: ColorChoice,

    /// Report certificates that expire within this many days [default: 30].
    #[arg(long, value_name = "DAYS")]
    pub cert_expiry_days: Option<u32>,

    /// Also judge every control of this framework (`cis-1.12`, `pss-restricted`, ...; see
    /// `bulkhead frameworks`): pass, fail, warn (a finding on a control the framework marks manual), manual or not evaluated.
    #[arg(long, value_name = "ID")]
    pub framework: Option<String>,
}

#[derive(Args, Debug)]
pub struct ScanArgs {
    /// Files, directories, globs, or `-` for standard input.
    #[arg(required_unless_present_any = CLUSTER_FLAGS, value_name = "PATH")]
    pub paths: Vec<String>,

    #[command(flatten)]
    pub cluster: ClusterArgs,

    #[command(flatten)]
    pub namespaces: NamespaceArgs,

    /// With --cluster: also write the snapshot the findings' lines and columns point into.
    #[arg(long, value_name = "FILE")]
    pub snapshot: Option<std::path::PathBuf>,

    #[command(flatten)]
    pub report: ReportArgs,

    /// Pod Security Standards version the PSS checks follow: `latest` (default) or `v1.N`.
    #[arg(long, value_name = "VERSION")]
    pub pss_version: Option<String>,

    /// Pod Security Standards level to hold workloads to: `restricted` (default) or
    /// `baseline`, which drops findings only the restricted level asks for.
    #[arg(long, value_name = "LEVEL")]
    pub pss_level: Option<String>,

    /// Configuration file [default: the nearest .bulkhead.yaml at or above the first path].
    #[arg(long, value_name = "FILE", conflicts_with = "no_config")]
    pub config: Option<std::path::PathBuf>,

    /// Do not read any .bulkhead.yaml.
    #[arg(long)]
    pub no_config: bool,

    /// Report only findings that are not in this baseline file (the rest are counted).
    #[arg(long, value_name = "FILE")]
    pub baseline: Option<std::path::PathBuf>,

    /// Write the current findings' fingerprints to this baseline file.
    #[arg(long, value_name = "FILE")]
    pub write_baseline: Option<std::path::PathBuf>,

    /// Also show suppressed and baselined findings (they never fail the scan).
    #[arg(long)]
    pub show_suppressed: bool,

    /// Kubernetes version the manifests target (for deprecated and removed APIs), e.g. `1.32`.
    #[arg(long, value_name = "VERSION")]
    pub kubernetes_version: Option<String>,

    /// A registry (or registry/path prefix) images may come from; repeat for several.
    /// Without it, any registry is accepted.
    #[arg(long = "allowed-registry", value_name = "REGISTRY")]
    pub allowed_registries: Vec<String>,

    /// Largest single YAML or JSON document to read, in bytes.
    #[arg(long, value_name = "BYTES")]
    pub max_document_bytes: Option<usize>,

    /// Also run the custom rules (CEL) in the YAML files of this directory (repeatable);
    /// see docs/custom-rules.md.
    #[arg(long = "rules", value_name = "DIR")]
    pub rules: Vec<std::path::PathBuf>,
    /// Also record this scan in a history store (a SQLite file, created when missing, or a
    /// `postgres://` URL): `bulkhead history` then shows trends and new or resolved findings.
    #[arg(long, value_name = "URL")]
    pub store: Option<String>,

    /// The cluster name the scan is recorded under [default: the kubeconfig context with
    /// --cluster, else `local`].
    #[arg(long, value_name = "NAME", requires = "store")]
    pub store_cluster: Option<String>,

    /// With --cluster: write the findings into the cluster as wgpolicyk8s.io PolicyReports
    /// (one per namespace, in parts of at most 1 MiB, plus a ClusterPolicyReport) by
    /// server-side apply, only those that changed, deleting Bulkhead's reports no longer produced.
    #[arg(long)]
    pub write_policyreports: bool,
    #[command(flatten)]
    pub render: RenderArgs,
}

/// How kustomizations and Helm charts named as paths are rendered.
#[derive(Args, Debug)]
pub struct RenderArgs {
    /// Scan a kustomization's or chart's files as they are, instead of building it with
    /// kustomize (`kubectl kustomize`) or rendering it with `helm template`.
    #[arg(long)]
    pub no_render: bool,

    /// A values file for `helm template` (repeat for several).
    #[arg(long = "helm-values", value_name = "FILE")]
    pub helm_values: Vec<std::path::PathBuf>,

    /// A `helm template --set` assignment, `key=value` (repeat for several).
    #[arg(long = "helm-set", value_name = "KEY=VALUE")]
    pub helm_set: Vec<String>,
}

impl RenderArgs {
    pub fn options(&self) -> bulkhead_engine::render::Options {
        bulkhead_engine::render::Options {
            enabled: !self.no_render,
            helm_values: self.helm_values.clone(),
            helm_set: self.helm_set.clone(),
        }
    }
}

/// The flags that make a live cluster the input (instead of paths).
pub const CLUSTER_FLAGS: [&str; 3] = ["cluster", "context", "kubeconfig"];

/// `bulkhead snapshot`: a live cluster to a YAML file.
#[derive(Args, Debug)]
pub struct SnapshotArgs {
    #[command(flatten)]
    pub cluster: ClusterArgs,

    #[command(flatten)]
    pub namespaces: NamespaceArgs,

    /// Where to write the snapshot [default: standard output].
    #[arg(long = "output", short = 'o', value_name = "FILE")]
    pub output: Option<std::path::PathBuf>,
}

/// `bulkhead node`: the node it runs on, or a copy of one.
#[derive(Args, Debug)]
pub struct NodeArgs {
    /// The node's root directory: `/` on the node itself, `/host` in a Pod that mounts the
    /// host's files there, or a copy of a node's files. Reports show the node's own paths.
    #[arg(long, value_name = "DIR", default_value = "/")]
    pub root: std::path::PathBuf,

    #[command(flatten)]
    pub report: ReportArgs,

    /// Do not run the components' executables with `--version` to learn their versions
    /// (the version checks then judge only versions written in manifests).
    #[arg(long)]
    pub no_version_probe: bool,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum ListFormat {
    Text,
    Json,
}

#[derive(Args, Debug)]
pub struct ChecksArgs {
    #[arg(long, value_enum, default_value = "text")]
    pub format: ListFormat,
}

#[derive(Args, Debug)]
pub struct FrameworksArgs {
    /// A framework id: list its controls instead of the frameworks.
    #[arg(value_name = "ID")]
    pub framework: Option<String>,

    #[arg(long, value_enum, default_value = "text")]
    pub format: ListFormat,
}

#[derive(Args, Debug)]
pub struct ExplainArgs {
    /// A check id (`BHW001`) or slug (`privileged-container`).
    pub check: String,
}

/// What both audit commands accept: the detections and where alerts go.
#[derive(Args, Debug)]
pub struct AuditDetectArgs {
    /// Alert format: `text` (one alert per line with its evidence) or `json` (JSON lines; the
    /// schema is in docs/audit-alerts.md).
    #[arg(long, short = 'f', value_name = "FORMAT", default_value = "text")]
    pub format: String,

    /// Write alerts to this file instead of standard output.
    #[arg(long, short = 'o', value_name = "FILE")]
    pub output: Option<std::path::PathBuf>,

    /// Exit with 1 when an alert is at or above this severity [default: high].
    #[arg(long, value_name = "SEVERITY", default_value = "high")]
    pub fail_on: String,

    /// Always exit with 0, whatever was found or could not be read.
    #[arg(long)]
    pub exit_zero: bool,

    /// The cluster's own address ranges: a service-account token used from elsewhere is
    /// reported (BHA103). Repeat for several [default: private, loopback, link-local, CGNAT].
    #[arg(long = "cluster-cidr", value_name = "CIDR")]
    pub cluster_cidrs: Vec<String>,

    /// Replace a rule list: `NAME=a,b,c` (see docs/audit-rules/lists.md), e.g.
    /// `disallowed_users=kubernetes-admin,root`.
    #[arg(long = "list", value_name = "NAME=ITEMS")]
    pub lists: Vec<String>,

    /// Resize a window rule: `ID=DURATION[,THRESHOLD]`, e.g. `BHA101=5m,50`.
    #[arg(long = "window", value_name = "ID=DURATION[,THRESHOLD]")]
    pub windows: Vec<String>,

    /// Do not judge the objects of create/update/patch requests with the scan's checks.
    #[arg(long)]
    pub no_request_checks: bool,

    /// Report check findings on request objects at or above this severity.
    #[arg(long, value_name = "SEVERITY", default_value = "medium")]
    pub request_check_severity: String,
}

/// `bulkhead audit-log`.
#[derive(Args, Debug)]
pub struct AuditLogArgs {
    /// Audit log files (plain or gzip), directories, or `-` for standard input.
    #[arg(required = true, value_name = "PATH")]
    pub paths: Vec<String>,

    /// Keep reading the (single) file as it grows, across rotation, until interrupted.
    #[arg(long)]
    pub follow: bool,

    /// Only events at or after this time: RFC 3339 (`2024-05-01T12:00:00Z`) or a duration
    /// before now (`30m`, `2h`, `7d`).
    #[arg(long, value_name = "TIME")]
    pub since: Option<String>,

    /// Only events before this time (RFC 3339 or a duration before now).
    #[arg(long, value_name = "TIME")]
    pub until: Option<String>,

    #[command(flatten)]
    pub detect: AuditDetectArgs,
}

/// `bulkhead audit-webhook`.
#[derive(Args, Debug)]
pub struct AuditWebhookArgs {
    /// Address to listen on.
    #[arg(long, value_name = "ADDR", default_value = "0.0.0.0:8443")]
    pub listen: String,

    /// The server certificate chain (PEM).
    #[arg(long, value_name = "FILE")]
    pub tls_cert: std::path::PathBuf,

    /// The server private key (PEM).
    #[arg(long, value_name = "FILE")]
    pub tls_key: std::path::PathBuf,

    /// Batches held between the receiver and the detector; when full, the API server is
    /// answered 429 with Retry-After and sends the batch again.
    #[arg(long, value_name = "BATCHES", default_value = "256")]
    pub queue: usize,

    /// Largest request body accepted, in bytes.
    #[arg(long, value_name = "BYTES", default_value = "16777216")]
    pub max_body_bytes: usize,

    #[command(flatten)]
    pub detect: AuditDetectArgs,
}
