//! `.bulkhead.yaml`: project settings under version control.
//!
//! ```yaml
//! select: [workload, BHS001]          # checks to run (ids, id prefixes, slugs, families)
//! ignore: [BHQ002]                    # checks not to run
//! severity: {BHW006: info}            # severity overrides per check
//! exclude:
//!   paths: ["vendor/**", "*.test.yaml"]
//!   namespaces: [kube-system]
//!   kinds: [CustomResourceDefinition]
//! allowed-registries: [registry.example/]
//! pss: {level: restricted, version: v1.30}
//! kubernetes-version: "1.30"
//! fail-on: medium
//! framework: cis-1.12                 # the framework to judge each scan against
//! baseline: .bulkhead-baseline.json   # accepted findings, relative to this file
//! serve: {interval: 1h}               # `bulkhead serve` (see [`serve`])
//! rules:                              # custom rules in CEL (docs/custom-rules.md)
//!   - {id: ACME001, title: ..., expression: "...", message: "...", path: ...}
//! ```
//!
//! Found upward from the first scanned path, or named with `--config`. Unknown keys and
//! unknown check ids are errors with their line and column: a typo must never silently
//! turn a setting off.

use std::path::{Path, PathBuf};

use bulkhead_checks::frameworks::catalogue::find_framework;
use bulkhead_checks::{find_check, select_checks, Severity};
use bulkhead_model::{parse_document, Limits, Node, SourceFile, Value};

#[path = "config_serve.rs"]
pub mod serve;
pub use serve::ServeConfig;

pub const FILE_NAMES: [&str; 2] = [".bulkhead.yaml", ".bulkhead.yml"];

#[derive(Debug, Default)]
pub struct Config {
    pub path: Option<PathBuf>,
    pub select: Vec<String>,
    pub ignore: Vec<String>,
    pub severity: Vec<(String, Severity)>,
    pub exclude_paths: Vec<String>,
    pub exclude_namespaces: Vec<String>,
    pub exclude_kinds: Vec<String>,
    pub allowed_registries: Vec<String>,
    pub pss_level: Option<String>,
    pub pss_version: Option<String>,
    pub kubernetes_version: Option<String>,
    pub fail_on: Option<Severity>,
    pub framework: Option<String>,
    /// The baseline file, resolved against the configuration file's directory.
    pub baseline: Option<PathBuf>,
    /// `serve:`, the long-running mode's settings.
    pub serve: ServeConfig,
    /// Custom rules declared under `rules:`.
    pub rules: Vec<std::sync::Arc<bulkhead_cel::Rule>>,
}

/// The nearest `.bulkhead.yaml` at or above `start`.
pub fn find_upward(start: &Path) -> Option<PathBuf> {
    let start = std::fs::canonicalize(start).ok()?;
    let mut dir = if start.is_dir() {
        Some(start.as_path())
    } else {
        start.parent()
    };
    while let Some(d) = dir {
        for name in FILE_NAMES {
            let candidate = d.join(name);
            if candidate.is_file() {
                return Some(candidate);
            }
        }
        dir = d.parent();
    }
    None
}

/// Reads and validates a configuration file. Errors are `path:line:col: message` lines.
pub fn load(path: &Path) -> Result<Config, Vec<String>> {
    let shown = path.display().to_string();
    let text =
        std::fs::read_to_string(path).map_err(|e| vec![format!("{shown}: cannot read: {e}")])?;
    let file = SourceFile::new(shown.clone(), text);
    let root = parse_document(&file, &Limits::default()).map_err(|errors| {
        errors
            .into_iter()
            .map(|e| {
                format!(
                    "{}:{}:{}: {}",
                    e.path,
                    e.line.unwrap_or(1),
                    e.column.unwrap_or(1),
                    e.message
                )
            })
            .collect::<Vec<_>>()
    })?;
    let mut reader = Reader {
        file: &file,
        errors: Vec::new(),
        rule_ids: Vec::new(),
    };
    let mut config = Config {
        path: Some(path.to_path_buf()),
        ..Config::default()
    };
    if let Some(root) = root {
        reader.read(&root, &mut config);
    }
    if reader.errors.is_empty() {
        Ok(config)
    } else {
        Err(reader.errors)
    }
}

struct Reader<'a> {
    file: &'a SourceFile,
    errors: Vec<String>,
    /// The ids of the custom rules the configuration declares.
    rule_ids: Vec<String>,
}

impl Reader<'_> {
    fn error(&mut self, node: &Node, message: impl std::fmt::Display) {
        let (line, column) = self.file.line_col(node.span.start);
        self.errors
            .push(format!("{}:{line}:{column}: {message}", self.file.path));
    }

    fn strings(&mut self, node: &Node, what: &str) -> Vec<String> {
        match &node.value {
            Value::Seq(items) => items
                .iter()
                .filter_map(|item| {
                    let text = item
                        .scalar_text()
                        .filter(|_| !matches!(item.value, Value::Null));
                    if text.is_none() {
                        self.error(item, format!("{what}: expected a string"));
                    }
                    text
                })
                .collect(),
            _ => {
                self.error(node, format!("{what}: expected a list"));
                Vec::new()
            }
        }
    }

    fn string(&mut self, node: &Node, what: &str) -> Option<String> {
        let text = match node.value {
            Value::Str(_) | Value::Int(_) | Value::Float(_) => node.scalar_text(),
            _ => None,
        };
        if text.is_none() {
            self.error(node, format!("{what}: expected a string"));
        }
        text
    }

    fn read(&mut self, root: &Node, config: &mut Config) {
        if !root.is_map() {
            return self.error(root, "the configuration must be a mapping");
        }
        // Rules first: `select` and `ignore` may name them.
        if let Some(rules) = root.get("rules") {
            match bulkhead_cel::rules::read_rules(self.file, rules) {
                Ok(rules) => config.rules = rules.into_iter().map(std::sync::Arc::new).collect(),
                Err(mut errors) => self.errors.append(&mut errors),
            }
        }
        self.rule_ids = config.rules.iter().map(|r| r.id.clone()).collect();
        for entry in root.as_map() {
            let value = &entry.value;
            match &*entry.key {
                "rules" => {}
                "select" => config.select = self.checks(value, "select"),
                "ignore" => config.ignore = self.checks(value, "ignore"),
                "severity" => {
                    for e in value.as_map() {
                        let check = find_check(&e.key);
                        let severity = e.value.as_str().map(str::parse::<Severity>);
                        match (check, severity) {
                            (None, _) => self
                                .error(&e.value, format!("severity: {:?} is not a check", e.key)),
                            (_, Some(Err(err))) => self.error(&e.value, format!("severity: {err}")),
                            (_, None) => self.error(
                                &e.value,
                                "severity: expected critical, high, medium, low or info",
                            ),
                            (Some(c), Some(Ok(s))) => config.severity.push((c.id.to_string(), s)),
                        }
                    }
                    if !value.is_map() {
                        self.error(value, "severity: expected a mapping of check to severity");
                    }
                }
                "exclude" => {
                    if !value.is_map() {
                        self.error(
                            value,
                            "exclude: expected a mapping (paths, namespaces, kinds)",
                        );
                    }
                    for e in value.as_map() {
                        match &*e.key {
                            "paths" => {
                                config.exclude_paths = self.strings(&e.value, "exclude.paths")
                            }
                            "namespaces" => {
                                config.exclude_namespaces =
                                    self.strings(&e.value, "exclude.namespaces")
                            }
                            "kinds" => {
                                config.exclude_kinds = self.strings(&e.value, "exclude.kinds")
                            }
                            other => self.key_error(
                                e,
                                &format!("exclude.{other}"),
                                &["paths", "namespaces", "kinds"],
                            ),
                        }
                    }
                }
                "allowed-registries" => {
                    config.allowed_registries = self.strings(value, "allowed-registries")
                }
                "pss" => {
                    if !value.is_map() {
                        self.error(value, "pss: expected a mapping (level, version)");
                    }
                    for e in value.as_map() {
                        match &*e.key {
                            "level" => {
                                config.pss_level = self.string(&e.value, "pss.level");
                                if let Some(Err(err)) = config
                                    .pss_level
                                    .as_deref()
                                    .map(str::parse::<bulkhead_checks::pss::Level>)
                                {
                                    self.error(&e.value, err);
                                }
                            }
                            "version" => {
                                config.pss_version = self.string(&e.value, "pss.version");
                                if let Some(Err(err)) = config
                                    .pss_version
                                    .as_deref()
                                    .map(str::parse::<bulkhead_checks::pss::Version>)
                                {
                                    self.error(&e.value, err);
                                }
                            }
                            other => {
                                self.key_error(e, &format!("pss.{other}"), &["level", "version"])
                            }
                        }
                    }
                }
                "kubernetes-version" => {
                    config.kubernetes_version = self.string(value, "kubernetes-version")
                }
                "framework" => {
                    config.framework = self.string(value, "framework");
                    if let Some(id) = config.framework.as_deref() {
                        if find_framework(id).is_none() {
                            let message = format!(
                                "framework: unknown framework {id:?} (see `bulkhead frameworks`)"
                            );
                            self.error(value, message);
                        }
                    }
                }
                "baseline" => {
                    config.baseline = self.string(value, "baseline").map(|name| {
                        let dir = config
                            .path
                            .as_deref()
                            .and_then(Path::parent)
                            .unwrap_or(Path::new("."));
                        dir.join(name)
                    })
                }
                "fail-on" => match value.as_str().map(str::parse::<Severity>) {
                    Some(Ok(s)) => config.fail_on = Some(s),
                    Some(Err(err)) => self.error(value, format!("fail-on: {err}")),
                    None => self.error(value, "fail-on: expected a severity"),
                },
                "serve" => self.serve(value, &mut config.serve),
                other => self.key_error(
                    entry,
                    other,
                    &[
                        "select",
                        "ignore",
                        "severity",
                        "exclude",
                        "allowed-registries",
                        "pss",
                        "kubernetes-version",
                        "fail-on",
                        "framework",
                        "baseline",
                        "serve",
                        "rules",
                    ],
                ),
            }
        }
    }

    fn checks(&mut self, node: &Node, what: &str) -> Vec<String> {
        let names = self.strings(node, what);
        for (name, item) in names.iter().zip(node.as_seq()) {
            if self.rule_ids.iter().any(|id| id.eq_ignore_ascii_case(name)) {
                continue;
            }
            if let Err(err) = select_checks(std::slice::from_ref(name), &[]) {
                self.error(item, format!("{what}: {err}"));
            }
        }
        names
    }

    fn key_error(&mut self, entry: &bulkhead_model::Entry, key: &str, known: &[&str]) {
        let (line, column) = self.file.line_col(entry.key_span.start);
        self.errors.push(format!(
            "{}:{line}:{column}: unknown key {key:?} (known: {})",
            self.file.path,
            known.join(", ")
        ));
    }
}
