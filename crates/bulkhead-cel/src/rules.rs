//! Custom rules: the project's own checks, declared in YAML (`rules:` in `.bulkhead.yaml`,
//! or files under `--rules DIR`) with a CEL expression over `object`.
//!
//! ```yaml
//! rules:
//!   - id: ACME001
//!     severity: high
//!     title: Deployments name an owning team
//!     match: {kinds: [Deployment], namespaces: [prod], labelSelector: {matchLabels: {tier: web}}}
//!     expression: "has(object.metadata.labels) && 'team' in object.metadata.labels"
//!     message: "'Deployment ' + object.metadata.name + ' has no team label'"
//!     path: metadata.labels.team
//!     compliance: {nsa: ["Appendix A"]}
//! ```
//!
//! The expression says what a good object looks like: `false` is a finding (as a
//! ValidatingAdmissionPolicy's validation denies when false). Every problem in a rule file
//! is an error at its line and column; a rule that does not compile never runs quietly.

use std::path::Path;

use bulkhead_model::{parse_document, Limits, Node, Object, SourceFile, Value};
use bulkhead_model::{LabelSelector, Span};
use kube_cel::cel;

use crate::expression::{CompileError, Expression};

/// The variables a custom rule's expressions may read.
pub const RULE_VARIABLES: &[&str] = &["object", "oldObject"];

/// The severities a rule may declare, as the checks spell them.
const SEVERITIES: &[&str] = &["critical", "high", "medium", "low", "info"];

/// One custom rule, compiled.
#[derive(Debug)]
pub struct Rule {
    pub id: String,
    pub severity: String,
    pub title: String,
    pub description: Option<String>,
    pub remediation: Option<String>,
    pub kinds: Vec<String>,
    pub namespaces: Vec<String>,
    pub selector: Option<LabelSelector>,
    pub expression: Expression,
    pub message: Option<Expression>,
    /// Where findings point, as a JSON pointer relative to the object.
    pub pointer: String,
    pub compliance: RuleCompliance,
    /// `path:line:col` of the rule's declaration, for listings and errors.
    pub declared_at: String,
}

/// Framework controls a rule's findings bear on, as the built-in checks carry them.
#[derive(Debug, Default, Clone)]
pub struct RuleCompliance {
    pub cis: Vec<String>,
    pub pss: Vec<String>,
    pub nsa: Vec<String>,
    pub mitre: Vec<String>,
}

/// What one rule says about one object.
#[derive(Debug, Clone, PartialEq)]
pub enum Verdict {
    Pass,
    /// The expression was false: the message to report.
    Fail(String),
    /// The expression could not be evaluated on this object (a type error, a missing field
    /// read without `has()`): said, never passed.
    Error(String),
}

impl Rule {
    /// Whether the rule's `match` selects `object`.
    pub fn applies(&self, object: &Object) -> bool {
        (self.kinds.is_empty() || self.kinds.iter().any(|k| k == "*" || *k == object.kind))
            && (self.namespaces.is_empty()
                || object
                    .namespace
                    .as_deref()
                    .is_some_and(|ns| self.namespaces.iter().any(|n| n == ns)))
            && self
                .selector
                .as_ref()
                .is_none_or(|s| s.matches(|key| object.label(key)))
    }

    /// Judges one object, given as its CEL value (converted once for every rule).
    pub fn judge(&self, object: &cel::Value) -> Verdict {
        let bindings = [("object", object.clone()), ("oldObject", cel::Value::Null)];
        match self.expression.evaluate_bool(&bindings) {
            Ok(true) => Verdict::Pass,
            Ok(false) => Verdict::Fail(match &self.message {
                None => self.title.clone(),
                Some(m) => match m.evaluate_string(&bindings) {
                    Ok(text) if !text.trim().is_empty() => text,
                    Ok(_) => self.title.clone(),
                    Err(e) => format!("{} (message expression failed: {e})", self.title),
                },
            }),
            Err(e) => Verdict::Error(e),
        }
    }
}

/// Reads the rules of a `rules:` list (or a file that is one), `file` being where it was
/// written. Errors are `path:line:col: message` lines.
pub fn read_rules(file: &SourceFile, node: &Node) -> Result<Vec<Rule>, Vec<String>> {
    let mut reader = Reader {
        file,
        errors: Vec::new(),
    };
    let mut rules = Vec::new();
    match &node.value {
        Value::Seq(items) => {
            for item in items {
                if let Some(rule) = reader.rule(item) {
                    rules.push(rule);
                }
            }
        }
        _ => reader.error(node.span, "rules: expected a list of rules"),
    }
    for (i, rule) in rules.iter().enumerate() {
        if rules[..i].iter().any(|r| r.id == rule.id) {
            reader.errors.push(format!(
                "{}: duplicate rule id {:?}",
                rule.declared_at, rule.id
            ));
        }
    }
    if reader.errors.is_empty() {
        Ok(rules)
    } else {
        Err(reader.errors)
    }
}

/// Reads every `*.yaml`/`*.yml` file of `dir` (sorted by name): each holds a list of rules,
/// or a mapping with a `rules:` list.
pub fn read_dir(dir: &Path) -> Result<Vec<Rule>, Vec<String>> {
    let shown = dir.display();
    let entries = std::fs::read_dir(dir).map_err(|e| vec![format!("{shown}: cannot read: {e}")])?;
    let mut paths: Vec<_> = entries
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.is_file() && p.extension().is_some_and(|x| x == "yaml" || x == "yml"))
        .collect();
    paths.sort();
    let (mut rules, mut errors) = (Vec::new(), Vec::new());
    for path in paths {
        match read_file(&path) {
            Ok(mut r) => rules.append(&mut r),
            Err(mut e) => errors.append(&mut e),
        }
    }
    if errors.is_empty() {
        Ok(rules)
    } else {
        Err(errors)
    }
}

/// Reads one rule file.
pub fn read_file(path: &Path) -> Result<Vec<Rule>, Vec<String>> {
    let shown = path.display().to_string();
    let text =
        std::fs::read_to_string(path).map_err(|e| vec![format!("{shown}: cannot read: {e}")])?;
    read_text(&SourceFile::new(shown, text))
}

/// Reads rule-file text: a list of rules or a mapping with a `rules:` list.
pub fn read_text(file: &SourceFile) -> Result<Vec<Rule>, Vec<String>> {
    let root = parse_document(file, &Limits::default()).map_err(|errors| {
        errors
            .into_iter()
            .map(|e| {
                let (line, column) = (e.line.unwrap_or(1), e.column.unwrap_or(1));
                format!("{}:{line}:{column}: {}", e.path, e.message)
            })
            .collect::<Vec<_>>()
    })?;
    let Some(root) = root else {
        return Ok(Vec::new());
    };
    match root.get("rules") {
        Some(list) if root.is_map() => {
            if let Some(other) = root.as_map().iter().find(|e| &*e.key != "rules") {
                let (line, column) = file.line_col(other.key_span.start);
                return Err(vec![format!(
                    "{}:{line}:{column}: unknown key {:?} (a rule file holds `rules:`)",
                    file.path, other.key
                )]);
            }
            read_rules(file, list)
        }
        _ => read_rules(file, &root),
    }
}

struct Reader<'a> {
    file: &'a SourceFile,
    errors: Vec<String>,
}

const RULE_KEYS: &[&str] = &[
    "id",
    "severity",
    "title",
    "description",
    "remediation",
    "match",
    "expression",
    "message",
    "path",
    "compliance",
];

impl Reader<'_> {
    fn at(&self, offset: u32) -> String {
        let (line, column) = self.file.line_col(offset);
        format!("{}:{line}:{column}", self.file.path)
    }

    fn error(&mut self, span: Span, message: impl std::fmt::Display) {
        let at = self.at(span.start);
        self.errors.push(format!("{at}: {message}"));
    }

    fn string(&mut self, node: &Node, what: &str) -> Option<String> {
        match &node.value {
            Value::Str(s) => Some(s.to_string()),
            Value::Int(_) | Value::Float(_) => node.scalar_text(),
            _ => {
                self.error(node.span, format!("{what}: expected a string"));
                None
            }
        }
    }

    fn strings(&mut self, node: &Node, what: &str) -> Vec<String> {
        if !matches!(node.value, Value::Seq(_)) {
            self.error(node.span, format!("{what}: expected a list of strings"));
            return Vec::new();
        }
        node.as_seq()
            .iter()
            .filter_map(|item| self.string(item, what))
            .collect()
    }

    fn rule(&mut self, node: &Node) -> Option<Rule> {
        if !node.is_map() {
            self.error(
                node.span,
                "a rule must be a mapping (id, severity, expression, ...)",
            );
            return None;
        }
        let before = self.errors.len();
        for entry in node.as_map() {
            if !RULE_KEYS.contains(&&*entry.key) {
                let at = self.at(entry.key_span.start);
                self.errors.push(format!(
                    "{at}: unknown key {:?} (known: {})",
                    entry.key,
                    RULE_KEYS.join(", ")
                ));
            }
        }
        let required = |this: &mut Self, key: &str| {
            let found = node.get(key);
            if found.is_none() {
                this.error(node.span, format!("rule: missing {key:?}"));
            }
            found
        };
        let id = required(self, "id").and_then(|n| self.string(n, "id"));
        if let (Some(id), Some(n)) = (&id, node.get("id")) {
            let well_formed = !id.is_empty()
                && id
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
            if !well_formed {
                self.error(
                    n.span,
                    format!("id: {id:?} must be letters, digits, - or _"),
                );
            } else if id.to_ascii_uppercase().starts_with("BH") {
                self.error(
                    n.span,
                    format!("id: {id:?}: ids starting with BH are Bulkhead's own"),
                );
            }
        }
        let severity = match node.get("severity") {
            None => Some("medium".to_string()),
            Some(n) => {
                let s = self.string(n, "severity").map(|s| s.to_ascii_lowercase());
                if let Some(bad) = s.as_ref().filter(|s| !SEVERITIES.contains(&s.as_str())) {
                    self.error(
                        n.span,
                        format!(
                            "severity: unknown severity {bad:?} ({})",
                            SEVERITIES.join(", ")
                        ),
                    );
                }
                s
            }
        };
        let title = required(self, "title").and_then(|n| self.string(n, "title"));
        let description = node
            .get("description")
            .and_then(|n| self.string(n, "description"));
        let remediation = node
            .get("remediation")
            .and_then(|n| self.string(n, "remediation"));
        let (kinds, namespaces, selector) = self.matcher(node.get("match"));
        let expression = required(self, "expression").and_then(|n| self.expression(n));
        let message = node.get("message").and_then(|n| self.expression(n));
        let pointer = match node.get("path") {
            None => crate::vap::AT_OBJECT.to_string(),
            Some(n) => self
                .string(n, "path")
                .map(|p| field_pointer(&p))
                .unwrap_or_default(),
        };
        let compliance = self.compliance(node.get("compliance"));
        if self.errors.len() > before {
            return None;
        }
        Some(Rule {
            id: id?,
            severity: severity?,
            title: title?,
            description,
            remediation,
            kinds,
            namespaces,
            selector,
            expression: expression?,
            message,
            pointer,
            compliance,
            declared_at: self.at(node.span.start),
        })
    }

    fn matcher(
        &mut self,
        node: Option<&Node>,
    ) -> (Vec<String>, Vec<String>, Option<LabelSelector>) {
        let mut out = (Vec::new(), Vec::new(), None);
        let Some(node) = node else { return out };
        if !node.is_map() {
            self.error(
                node.span,
                "match: expected a mapping (kinds, namespaces, labelSelector)",
            );
            return out;
        }
        for e in node.as_map() {
            match &*e.key {
                "kinds" => out.0 = self.strings(&e.value, "match.kinds"),
                "namespaces" => out.1 = self.strings(&e.value, "match.namespaces"),
                "labelSelector" => match LabelSelector::from_node(&e.value) {
                    Ok(s) => out.2 = Some(s),
                    Err(err) => self.error(e.value.span, format!("match.labelSelector: {err}")),
                },
                other => {
                    let at = self.at(e.key_span.start);
                    self.errors.push(format!(
                        "{at}: unknown key \"match.{other}\" (known: kinds, namespaces, labelSelector)"
                    ));
                }
            }
        }
        out
    }

    fn compliance(&mut self, node: Option<&Node>) -> RuleCompliance {
        let mut out = RuleCompliance::default();
        let Some(node) = node else { return out };
        if !node.is_map() {
            self.error(
                node.span,
                "compliance: expected a mapping (cis, pss, nsa, mitre)",
            );
            return out;
        }
        for e in node.as_map() {
            let what = format!("compliance.{}", e.key);
            match &*e.key {
                "cis" => out.cis = self.strings(&e.value, &what),
                "pss" => out.pss = self.strings(&e.value, &what),
                "nsa" => out.nsa = self.strings(&e.value, &what),
                "mitre" => out.mitre = self.strings(&e.value, &what),
                other => {
                    let at = self.at(e.key_span.start);
                    self.errors.push(format!(
                        "{at}: unknown key \"compliance.{other}\" (known: cis, pss, nsa, mitre)"
                    ));
                }
            }
        }
        for id in &out.pss {
            let ok = id
                .split_once(':')
                .is_some_and(|(l, c)| matches!(l, "baseline" | "restricted") && !c.is_empty());
            if !ok {
                self.error(
                    node.span,
                    format!("compliance.pss: {id:?} is not <baseline|restricted>:<control>"),
                );
            }
        }
        out
    }

    fn expression(&mut self, node: &Node) -> Option<Expression> {
        let text = self.string(node, "expression")?;
        match Expression::compile(&text, RULE_VARIABLES) {
            Ok(e) => Some(e),
            Err(err) => {
                let (line, column) = expression_position(self.file, node, &err);
                self.errors.push(format!(
                    "{}:{line}:{column}: {}",
                    self.file.path, err.message
                ));
                None
            }
        }
    }
}

/// The file line and column of a compile error inside an expression written at `node`:
/// block scalars (`|`, `>`) keep the expression's lines; single-line scalars start one
/// character later when quoted.
pub fn expression_position(file: &SourceFile, node: &Node, err: &CompileError) -> (u32, u32) {
    let (line, column) = file.line_col(node.span.start);
    let Some(at) = err.position else {
        return (line, column);
    };
    let raw = file.slice(node.span);
    if raw.starts_with('|') || raw.starts_with('>') {
        // Content starts on the next line; the block's indentation is its first line's.
        let content_line = line + at.line;
        let indent = file
            .line_text(line + 1)
            .chars()
            .take_while(|c| *c == ' ')
            .count() as u32;
        return (content_line, indent + at.column);
    }
    let quoted = raw.starts_with('"') || raw.starts_with('\'');
    if at.line <= 1 {
        (line, column + at.column - 1 + u32::from(quoted))
    } else {
        // A multi-line flow scalar: the line is right, the column is the expression's own.
        (line + at.line - 1, at.column)
    }
}

/// A field path as written in a rule (`spec.template.spec.hostNetwork`,
/// `spec.containers[0].image`, or a JSON pointer `/spec/replicas`) → JSON pointer.
pub fn field_pointer(path: &str) -> String {
    let path = path.trim();
    if path.is_empty() || path.starts_with('/') {
        return path.to_string();
    }
    let mut tokens: Vec<String> = Vec::new();
    for part in path.trim_start_matches("object.").split('.') {
        let mut rest = part;
        let name_end = rest.find('[').unwrap_or(rest.len());
        if name_end > 0 {
            tokens.push(rest[..name_end].to_string());
        }
        rest = &rest[name_end..];
        while let Some(close) = rest.find(']') {
            let inner = rest[1..close].trim_matches(|c| c == '\'' || c == '"');
            tokens.push(inner.to_string());
            rest = &rest[close + 1..];
        }
    }
    bulkhead_model::pointer(tokens)
}
