//! Detection rules as data: one YAML file per detection under `rules/`, plus `lists.yaml`
//! (named lists and macros every rule may use), embedded in the binary and compiled once.
//!
//! A rule either has a `condition` (judged on each event alone) or a `window` (a stateful
//! detection whose logic lives in [`crate::windows`] and whose size and threshold are data).

use bulkhead_checks::Severity;

use crate::condition::{Condition, Library};
use crate::template::Template;
use crate::yaml::{Doc, NodeExt};

include!(concat!(env!("OUT_DIR"), "/rule_files.rs"));

/// What every rule says about itself (the documentation and the alerts are made of it).
#[derive(Debug, Clone)]
pub struct RuleMeta {
    pub id: String,
    pub slug: String,
    pub title: String,
    pub severity: Severity,
    /// MITRE ATT&CK technique ids (`T1609`).
    pub mitre: Vec<String>,
    pub description: String,
    pub response: Vec<String>,
    pub file: String,
}

/// A rule judged on each event alone.
#[derive(Debug)]
pub struct Rule {
    pub meta: RuleMeta,
    pub condition: Condition,
    pub message: Template,
    /// Reads `requestObject`/`responseObject`: skipped for events that have neither.
    pub reads_objects: bool,
}

/// A stateful detection's parameters.
#[derive(Debug, Clone)]
pub struct WindowRule {
    pub meta: RuleMeta,
    pub kind: WindowKind,
    /// Window length in microseconds (for `new-user-agent`: how long an identity is learned).
    pub duration: i64,
    pub threshold: usize,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WindowKind {
    AuthFailureBurst,
    SecretListingAcrossNamespaces,
    TokenFromOutsideCluster,
    TokenNewUserAgent,
    FailedExecBurst,
}

impl WindowKind {
    fn parse(s: &str) -> Option<WindowKind> {
        Some(match s {
            "auth-failure-burst" => WindowKind::AuthFailureBurst,
            "secret-listing-across-namespaces" => WindowKind::SecretListingAcrossNamespaces,
            "token-from-outside-cluster" => WindowKind::TokenFromOutsideCluster,
            "token-new-user-agent" => WindowKind::TokenNewUserAgent,
            "failed-exec-burst" => WindowKind::FailedExecBurst,
            _ => return None,
        })
    }
}

/// The compiled rules.
#[derive(Debug)]
pub struct RuleSet {
    pub rules: Vec<Rule>,
    pub windows: Vec<WindowRule>,
}

/// What a user may change without writing rules: list contents and window sizes.
#[derive(Debug, Clone, Default)]
pub struct RuleOptions {
    /// Replaces the built-in list of that name.
    pub lists: Vec<(String, Vec<String>)>,
    /// `(rule id, duration in µs, threshold)`: replaces a window rule's parameters.
    pub windows: Vec<(String, Option<i64>, Option<usize>)>,
}

impl RuleSet {
    /// The built-in rules with the options applied.
    pub fn builtin(options: &RuleOptions) -> Result<RuleSet, String> {
        Self::compile(
            RULE_FILES
                .iter()
                .map(|(n, t)| (n.to_string(), t.to_string())),
            options,
        )
    }

    /// Compiles rule files (`lists.yaml` holds lists and macros; every other file is one rule).
    pub fn compile(
        files: impl IntoIterator<Item = (String, String)>,
        options: &RuleOptions,
    ) -> Result<RuleSet, String> {
        let mut docs = Vec::new();
        for (name, text) in files {
            docs.push((name.clone(), Doc::parse(&format!("rules/{name}"), &text)?));
        }
        let mut library = Library::default();
        for (name, doc) in &docs {
            if name != "lists.yaml" {
                continue;
            }
            if let Some(lists) = doc.root.get("lists") {
                for (list_name, node) in doc.map(lists)? {
                    let items = doc
                        .seq(node)?
                        .iter()
                        .map(|n| doc.scalar_text(n))
                        .collect::<Result<Vec<_>, _>>()?;
                    library.lists.insert(list_name.to_string(), items);
                }
            }
            if let Some(macros) = doc.root.get("macros") {
                for (macro_name, node) in doc.map(macros)? {
                    library.macros.insert(macro_name.to_string(), (doc, node));
                }
            }
        }
        for (name, items) in &options.lists {
            if !library.lists.contains_key(name) {
                let mut known: Vec<&String> = library.lists.keys().collect();
                known.sort();
                return Err(format!(
                    "unknown list {name:?}; the lists are: {}",
                    known
                        .iter()
                        .map(|s| s.as_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                ));
            }
            library.lists.insert(name.clone(), items.clone());
        }
        let mut set = RuleSet {
            rules: Vec::new(),
            windows: Vec::new(),
        };
        for (name, doc) in docs.iter().filter(|(n, _)| n != "lists.yaml") {
            let root = &doc.root;
            let meta = meta(name, doc)?;
            match (root.get("condition"), root.get("window")) {
                (Some(condition), None) => {
                    let condition = Condition::compile(doc, condition, &library, 0)?;
                    let message = Template::parse(doc.required_str(root, "message")?)
                        .map_err(|e| doc.error(root, &e))?;
                    set.rules.push(Rule {
                        reads_objects: condition.reads_objects(),
                        meta,
                        condition,
                        message,
                    });
                }
                (None, Some(window)) => {
                    let kind_text = doc.required_str(window, "kind")?;
                    let kind = WindowKind::parse(kind_text).ok_or_else(|| {
                        doc.error(window, &format!("unknown window kind {kind_text:?}"))
                    })?;
                    let duration =
                        crate::time::parse_duration_micros(doc.required_str(window, "duration")?)
                            .map_err(|e| doc.error(window, &e))?;
                    let threshold = match window.get("threshold") {
                        Some(n) => n
                            .as_f64()
                            .filter(|n| *n >= 1.0)
                            .ok_or_else(|| doc.error(n, "threshold is a positive number"))?
                            as usize,
                        None => 1,
                    };
                    set.windows.push(WindowRule {
                        meta,
                        kind,
                        duration,
                        threshold,
                    });
                }
                _ => return Err(doc.error(root, "a rule has either a condition or a window")),
            }
        }
        for (id, duration, threshold) in &options.windows {
            let rule = set
                .windows
                .iter_mut()
                .find(|w| &w.meta.id == id)
                .ok_or_else(|| format!("{id} is not a window rule"))?;
            if let Some(d) = duration {
                rule.duration = *d;
            }
            if let Some(t) = threshold {
                rule.threshold = (*t).max(1);
            }
        }
        let mut ids: Vec<&str> = set.all_meta().map(|m| m.id.as_str()).collect();
        ids.sort_unstable();
        if let Some(w) = ids.windows(2).find(|w| w[0] == w[1]) {
            return Err(format!("rule id {} is used twice", w[0]));
        }
        Ok(set)
    }

    /// Every rule's metadata, in id order.
    pub fn all_meta(&self) -> impl Iterator<Item = &RuleMeta> {
        let mut all: Vec<&RuleMeta> = self
            .rules
            .iter()
            .map(|r| &r.meta)
            .chain(self.windows.iter().map(|w| &w.meta))
            .collect();
        all.sort_by(|a, b| a.id.cmp(&b.id));
        all.into_iter()
    }
}

fn meta(name: &str, doc: &Doc) -> Result<RuleMeta, String> {
    let root = &doc.root;
    let id = doc.required_str(root, "id")?;
    let valid_id =
        id.len() == 6 && id.starts_with("BHA") && id[3..].bytes().all(|b| b.is_ascii_digit());
    if !valid_id {
        return Err(doc.error(root, &format!("rule id {id:?} is not BHA and three digits")));
    }
    if !name.starts_with(id) {
        return Err(doc.error(
            root,
            &format!("the file of rule {id} is named {id}-<slug>.yaml"),
        ));
    }
    let severity_node = root
        .get("severity")
        .ok_or_else(|| doc.error(root, "missing \"severity\""))?;
    let severity: Severity = doc
        .str(severity_node)?
        .parse()
        .map_err(|e: String| doc.error(severity_node, &e))?;
    let mitre = match root.get("mitre") {
        Some(n) if n.as_str().is_some() => vec![doc.str(n)?.to_string()],
        Some(n) => doc
            .seq(n)?
            .iter()
            .map(|n| doc.str(n).map(str::to_string))
            .collect::<Result<_, _>>()?,
        None => return Err(doc.error(root, "missing \"mitre\"")),
    };
    let response = match root.get("response") {
        Some(n) => doc
            .seq(n)?
            .iter()
            .map(|n| doc.str(n).map(str::to_string))
            .collect::<Result<_, _>>()?,
        None => return Err(doc.error(root, "missing \"response\"")),
    };
    Ok(RuleMeta {
        id: id.to_string(),
        slug: doc.required_str(root, "slug")?.to_string(),
        title: doc.required_str(root, "title")?.to_string(),
        severity,
        mitre,
        description: doc.required_str(root, "description")?.trim().to_string(),
        response,
        file: name.to_string(),
    })
}
