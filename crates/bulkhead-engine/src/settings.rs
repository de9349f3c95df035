//! The effective settings of a scan: flags over `.bulkhead.yaml` over defaults.
//!
//! Front ends translate what their user wrote (command-line flags, a server's configuration,
//! a webhook's options) into [`Flags`]; the merge with the configuration file happens here
//! once, so every front end means the same thing by the same setting.

use std::path::{Path, PathBuf};

use globset::{GlobBuilder, GlobSet, GlobSetBuilder};

use bulkhead_checks::pss::Level;
use bulkhead_checks::{select_checks, Check, Family, Options, Severity};

use crate::config::{self, Config};

/// What a front end's user asked for, before the configuration file is merged in. Every
/// field is optional: empty means "the configuration's, else the default".
#[derive(Clone, Debug, Default)]
pub struct Flags {
    /// Checks to run: ids, id prefixes, slugs or families.
    pub select: Vec<String>,
    /// Checks not to run (added to the configuration's).
    pub ignore: Vec<String>,
    /// The failure threshold, as written (`high`).
    pub fail_on: Option<String>,
    /// Days before expiry at which certificates are reported.
    pub cert_expiry_days: Option<u32>,
    /// The framework to judge (`cis-1.12`).
    pub framework: Option<String>,
    /// Pod Security Standards version (`latest`, `v1.30`).
    pub pss_version: Option<String>,
    /// Pod Security Standards level (`restricted`, `baseline`).
    pub pss_level: Option<String>,
    /// Kubernetes version the manifests target (`1.32`).
    pub kubernetes_version: Option<String>,
    /// Registries images may come from (added to the configuration's).
    pub allowed_registries: Vec<String>,
    /// Show only findings at or above this severity (`medium`).
    pub min_severity: Option<String>,
    /// Show only findings of exactly these severities (`critical,high`).
    pub severities: Vec<String>,
    /// Directories of custom rule files (`--rules DIR`), added to the configuration's rules.
    pub rules_dirs: Vec<PathBuf>,
}

/// Which findings a report shows, by severity. Hidden findings are counted, never failed:
/// what a person asked not to see must not fail their build either.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SeverityFilter {
    /// Findings below this are hidden.
    pub min: Option<Severity>,
    /// When not empty, only these severities are shown.
    pub exact: Vec<Severity>,
}

impl SeverityFilter {
    /// Whether a finding of `severity` is shown.
    pub fn shows(&self, severity: Severity) -> bool {
        self.min.is_none_or(|min| severity >= min)
            && (self.exact.is_empty() || self.exact.contains(&severity))
    }

    /// Whether the filter hides anything at all.
    pub fn is_active(&self) -> bool {
        self.min.is_some() || !self.exact.is_empty()
    }

    /// How the filter reads on the command line, for reports that say what was hidden.
    pub fn describe(&self) -> String {
        let mut parts = Vec::new();
        if let Some(min) = self.min {
            parts.push(format!("--min-severity {min}"));
        }
        if !self.exact.is_empty() {
            let list: Vec<String> = self.exact.iter().map(|s| s.to_string()).collect();
            parts.push(format!("--severity {}", list.join(",")));
        }
        parts.join(" ")
    }
}

/// Which `.bulkhead.yaml` to read.
#[derive(Clone, Debug, Default)]
pub enum ConfigChoice {
    /// The nearest one at or above the first of these paths (or the working directory).
    #[default]
    Nearest,
    /// The nearest one at or above `start`.
    NearestTo(PathBuf),
    /// This file.
    File(PathBuf),
    /// None at all.
    Ignore,
}

pub struct Settings {
    pub checks: Vec<&'static Check>,
    pub options: Options,
    pub fail_on: Severity,
    pub pss_level: Level,
    pub severity: Vec<(String, Severity)>,
    pub exclude_paths: GlobSet,
    pub exclude_namespaces: Vec<String>,
    pub exclude_kinds: Vec<String>,
    /// The configuration file that was read, if any.
    pub config_path: Option<String>,
    /// The framework to evaluate: `--framework`, else the configuration's.
    pub framework: Option<String>,
    /// Which findings are shown (and can fail the scan).
    pub shown: SeverityFilter,
    /// The configuration's baseline file (a `--baseline` flag goes before it).
    pub baseline: Option<PathBuf>,
    /// How kustomizations and Helm charts named as paths are rendered.
    pub render: crate::render::Options,
}

/// Reads the configuration `choice` names and merges the flags over it. `paths` are the
/// scanned paths: the nearest configuration is looked for from the first of them.
pub fn resolve(flags: &Flags, choice: &ConfigChoice, paths: &[String]) -> Result<Settings, String> {
    let nearest_to = |start: PathBuf| {
        let start = if start.exists() {
            start
        } else {
            Path::new(".").to_path_buf()
        };
        config::find_upward(&start)
    };
    let config_path = match choice {
        ConfigChoice::File(path) => Some(path.clone()),
        ConfigChoice::Ignore => None,
        ConfigChoice::NearestTo(start) => nearest_to(start.clone()),
        ConfigChoice::Nearest => nearest_to(
            paths
                .iter()
                .find(|p| *p != "-")
                .map(|p| Path::new(p).to_path_buf())
                .unwrap_or_else(|| Path::new(".").to_path_buf()),
        ),
    };
    let config = match config_path {
        Some(path) => config::load(&path)
            .map_err(|errors| format!("invalid configuration:\n  {}", errors.join("\n  ")))?,
        None => Config::default(),
    };
    merge(&config, flags, None)
}

/// The settings of a node audit: no configuration file (a node is not a project directory);
/// the node families unless `select` names checks. Manifest-only flags (Pod Security,
/// Kubernetes version, registries) are not read: they judge workloads, not node settings.
pub fn resolve_node(flags: &Flags) -> Result<Settings, String> {
    let node_flags = Flags {
        pss_version: None,
        pss_level: None,
        kubernetes_version: None,
        allowed_registries: Vec::new(),
        ..flags.clone()
    };
    merge(&Config::default(), &node_flags, Some(&Family::NODE))
}

/// Flags over configuration over defaults. `default_families` are the families that run when
/// neither the flags nor the configuration select checks (`None`: every check).
fn merge(
    config: &Config,
    args: &Flags,
    default_families: Option<&[Family]>,
) -> Result<Settings, String> {
    let select = if args.select.is_empty() {
        config.select.clone()
    } else {
        args.select.clone()
    };
    let ignore: Vec<String> = config.ignore.iter().chain(&args.ignore).cloned().collect();
    let mut rules = Vec::new();
    for dir in &args.rules_dirs {
        rules.extend(
            bulkhead_cel::rules::read_dir(dir)
                .map(|r| r.into_iter().map(std::sync::Arc::new))
                .map_err(|errors| format!("invalid custom rules:\n  {}", errors.join("\n  ")))?,
        );
    }
    let custom =
        crate::custom::select(config.rules.iter().cloned().chain(rules), &select, &ignore)?;
    let mut checks = if custom.only_custom {
        Vec::new()
    } else {
        select_checks(&custom.select, &custom.ignore)?
    };
    if let (true, Some(families)) = (select.is_empty(), default_families) {
        // Filtered here rather than selected by name: a family with no check yet is no typo.
        checks.retain(|c| families.contains(&c.family));
    }
    if !custom.rules.is_empty() {
        // What a custom rule could not evaluate is always said, unless asked not to be.
        let unevaluated = &bulkhead_checks::rules::policy::CUSTOM_RULE_NOT_EVALUATED;
        let not_ignored = select_checks(&[], &custom.ignore)?;
        if !checks.iter().any(|c| c.id == unevaluated.id)
            && not_ignored.iter().any(|c| c.id == unevaluated.id)
        {
            checks.push(unevaluated);
        }
    }
    checks.extend(custom.rules.checks());
    let fail_on = match &args.fail_on {
        Some(s) => s.parse()?,
        None => config.fail_on.unwrap_or(Severity::High),
    };
    let pss_version = args
        .pss_version
        .as_deref()
        .or(config.pss_version.as_deref())
        .map(str::parse)
        .transpose()?
        .unwrap_or_default();
    let pss_level = args
        .pss_level
        .as_deref()
        .or(config.pss_level.as_deref())
        .map(str::parse)
        .transpose()?
        .unwrap_or(Level::Restricted);
    let kubernetes_version = args
        .kubernetes_version
        .as_deref()
        .or(config.kubernetes_version.as_deref())
        .map(parse_kubernetes_version)
        .transpose()?;
    let mut allowed_registries = config.allowed_registries.clone();
    allowed_registries.extend(args.allowed_registries.iter().cloned());
    let exclude_paths = glob_set(&config.exclude_paths)?;
    let shown = SeverityFilter {
        min: args
            .min_severity
            .as_deref()
            .map(|s| s.parse().map_err(|e| format!("--min-severity: {e}")))
            .transpose()?,
        exact: args
            .severities
            .iter()
            .map(|s| s.parse().map_err(|e| format!("--severity: {e}")))
            .collect::<Result<_, String>>()?,
    };

    Ok(Settings {
        checks,
        options: Options {
            pss_version,
            kubernetes_version,
            allowed_registries,
            cert_expiry_days: args.cert_expiry_days,
            // Their checks are in `checks`, so reports and frameworks count them as run.
            custom_rules: std::sync::Arc::new(custom.rules),
        },
        fail_on,
        pss_level,
        severity: config.severity.clone(),
        exclude_paths,
        exclude_namespaces: config.exclude_namespaces.clone(),
        exclude_kinds: config.exclude_kinds.clone(),
        config_path: config.path.as_ref().map(|p| p.display().to_string()),
        framework: args.framework.clone().or(config.framework.clone()),
        shown,
        baseline: config.baseline.clone(),
        render: Default::default(),
    })
}

/// Patterns without a leading `/` match anywhere in the path (`vendor/**` excludes
/// `deploy/vendor/x.yaml` too).
fn glob_set(patterns: &[String]) -> Result<GlobSet, String> {
    let mut builder = GlobSetBuilder::new();
    for pattern in patterns {
        let anchored = match pattern.strip_prefix('/') {
            Some(rest) => rest.to_string(),
            None => format!("**/{pattern}"),
        };
        for p in [pattern.trim_start_matches('/').to_string(), anchored] {
            let glob = GlobBuilder::new(&p)
                .literal_separator(true)
                .build()
                .map_err(|e| format!("exclude.paths: invalid glob {pattern:?}: {e}"))?;
            builder.add(glob);
        }
    }
    builder.build().map_err(|e| e.to_string())
}

/// `1.32`, `v1.32` or `1.32.4` → (1, 32).
pub fn parse_kubernetes_version(text: &str) -> Result<(u32, u32), String> {
    let bad = || format!("invalid Kubernetes version {text:?} (expected e.g. 1.32)");
    let mut parts = text.trim_start_matches('v').split('.');
    let major = parts.next().and_then(|p| p.parse().ok()).ok_or_else(bad)?;
    let minor = parts.next().and_then(|p| p.parse().ok()).ok_or_else(bad)?;
    Ok((major, minor))
}
