//! The effective settings of a scan: command-line flags over `.bulkhead.yaml` over defaults.

use std::path::Path;

use globset::{GlobBuilder, GlobSet, GlobSetBuilder};

use bulkhead_checks::pss::Level;
use bulkhead_checks::{select_checks, Check, Family, Options, Severity};

use crate::cli::{ReportArgs, ScanArgs};
use crate::config::{self, Config};

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
}

/// Reads the configuration (unless `--no-config`) and merges the flags over it.
pub fn resolve(args: &ScanArgs) -> Result<Settings, String> {
    let config_path = match (&args.config, args.no_config) {
        (Some(path), _) => Some(path.clone()),
        (None, true) => None,
        (None, false) => {
            let start = args
                .paths
                .iter()
                .find(|p| *p != "-")
                .map(|p| Path::new(p).to_path_buf())
                .unwrap_or_else(|| Path::new(".").to_path_buf());
            let start = if start.exists() {
                start
            } else {
                Path::new(".").to_path_buf()
            };
            config::find_upward(&start)
        }
    };
    let config = match config_path {
        Some(path) => config::load(&path)
            .map_err(|errors| format!("invalid configuration:\n  {}", errors.join("\n  ")))?,
        None => Config::default(),
    };
    let manifest = ManifestFlags {
        pss_version: args.pss_version.as_deref(),
        pss_level: args.pss_level.as_deref(),
        kubernetes_version: args.kubernetes_version.as_deref(),
        allowed_registries: &args.allowed_registries,
    };
    merge(&config, &args.report, None, &manifest)
}

/// The settings of `bulkhead node`: no configuration file (a node is not a project
/// directory); the node families unless `--select` names checks.
pub fn resolve_node(args: &ReportArgs) -> Result<Settings, String> {
    merge(
        &Config::default(),
        args,
        Some(&Family::NODE),
        &ManifestFlags::default(),
    )
}

/// Flags only `scan` has: they judge workloads and API versions, not node settings.
#[derive(Default)]
struct ManifestFlags<'a> {
    pss_version: Option<&'a str>,
    pss_level: Option<&'a str>,
    kubernetes_version: Option<&'a str>,
    allowed_registries: &'a [String],
}

/// Flags over configuration over defaults. `default_families` are the families that run when
/// neither the flags nor the configuration select checks (`None`: every check).
fn merge(
    config: &Config,
    args: &ReportArgs,
    default_families: Option<&[Family]>,
    manifest: &ManifestFlags<'_>,
) -> Result<Settings, String> {
    let select = if args.select.is_empty() {
        config.select.clone()
    } else {
        args.select.clone()
    };
    let ignore: Vec<String> = config.ignore.iter().chain(&args.ignore).cloned().collect();
    let mut checks = select_checks(&select, &ignore)?;
    if let (true, Some(families)) = (select.is_empty(), default_families) {
        // Filtered here rather than selected by name: a family with no check yet is no typo.
        checks.retain(|c| families.contains(&c.family));
    }
    let fail_on = match &args.fail_on {
        Some(s) => s.parse()?,
        None => config.fail_on.unwrap_or(Severity::High),
    };
    let pss_version = manifest
        .pss_version
        .or(config.pss_version.as_deref())
        .map(str::parse)
        .transpose()?
        .unwrap_or_default();
    let pss_level = manifest
        .pss_level
        .or(config.pss_level.as_deref())
        .map(str::parse)
        .transpose()?
        .unwrap_or(Level::Restricted);
    let kubernetes_version = manifest
        .kubernetes_version
        .or(config.kubernetes_version.as_deref())
        .map(parse_kubernetes_version)
        .transpose()?;
    let mut allowed_registries = config.allowed_registries.clone();
    allowed_registries.extend(manifest.allowed_registries.iter().cloned());
    let exclude_paths = glob_set(&config.exclude_paths)?;

    Ok(Settings {
        checks,
        options: Options {
            pss_version,
            kubernetes_version,
            allowed_registries,
            cert_expiry_days: args.cert_expiry_days,
        },
        fail_on,
        pss_level,
        severity: config.severity.clone(),
        exclude_paths,
        exclude_namespaces: config.exclude_namespaces.clone(),
        exclude_kinds: config.exclude_kinds.clone(),
        config_path: config.path.as_ref().map(|p| p.display().to_string()),
        framework: args.framework.clone().or(config.framework.clone()),
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
