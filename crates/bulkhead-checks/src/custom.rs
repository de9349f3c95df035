//! Custom rules beside the built-in checks: each rule of `bulkhead_cel::rules` becomes a
//! [`Check`] (family `policy`) that runs with the others, so that its findings travel the
//! same road as every other: selection, suppressions, baselines, severity overrides,
//! frameworks and every report format. The rules are evaluated once per scan
//! ([`Context::custom_verdicts`]); each rule's check reports its failures, and
//! `BHY003` reports what could not be evaluated.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock};

use rayon::prelude::*;

use bulkhead_cel::rules::{Rule, Verdict};
use bulkhead_cel::value::to_cel;
use bulkhead_model::Inventory;

use crate::check::{Check, Context, Run};
use crate::compliance::Compliance;
use crate::family::Family;
use crate::severity::Severity;
use crate::sink::Sink;

/// The custom rules of a scan, each with its check.
#[derive(Default)]
pub struct CustomRules {
    rules: Vec<(Arc<Rule>, &'static Check)>,
}

/// One rule's verdict on one object (indexes into the rules and the inventory's objects).
#[derive(Debug)]
pub struct Judged {
    pub rule: usize,
    pub object: usize,
    pub verdict: Verdict,
}

impl std::fmt::Debug for CustomRules {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_list()
            .entries(self.rules.iter().map(|(r, _)| &r.id))
            .finish()
    }
}

impl CustomRules {
    pub fn new(rules: impl IntoIterator<Item = Arc<Rule>>) -> Self {
        CustomRules {
            rules: rules
                .into_iter()
                .map(|rule| {
                    let check = check_of(&rule);
                    (rule, check)
                })
                .collect(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.rules.is_empty()
    }

    /// The checks the rules report under, in declaration order.
    pub fn checks(&self) -> Vec<&'static Check> {
        self.rules.iter().map(|(_, c)| *c).collect()
    }

    /// The rule at `index` of [`Judged::rule`].
    pub fn rule(&self, index: usize) -> Option<&Rule> {
        self.rules.get(index).map(|(r, _)| &**r)
    }

    /// Every rule over every object it selects; each object is turned into a CEL value
    /// once, for all the rules that select it.
    pub fn judge(&self, inventory: &Inventory) -> Vec<Judged> {
        if self.rules.is_empty() {
            return Vec::new();
        }
        inventory
            .objects()
            .par_iter()
            .enumerate()
            .flat_map_iter(|(index, object)| {
                let mut out = Vec::new();
                let mut value = None;
                for (rule_index, (rule, _)) in self.rules.iter().enumerate() {
                    if !rule.applies(object) {
                        continue;
                    }
                    let value = value.get_or_insert_with(|| to_cel(&object.root));
                    let verdict = rule.judge(value);
                    if verdict != Verdict::Pass {
                        out.push(Judged {
                            rule: rule_index,
                            object: index,
                            verdict,
                        });
                    }
                }
                out
            })
            .collect()
    }
}

/// What every custom rule's check runs: the failures of the rule the sink reports for.
fn report_failures(cx: &Context<'_>, sink: &mut Sink<'_>) {
    let id = sink.check().id;
    let rules = &cx.options.custom_rules;
    let objects = cx.inventory.objects();
    for judged in cx.custom_verdicts() {
        let (Some(rule), Some(object)) = (rules.rule(judged.rule), objects.get(judged.object))
        else {
            continue;
        };
        if let (true, Verdict::Fail(message)) = (rule.id == id, &judged.verdict) {
            sink.report(object, &rule.pointer, message.clone());
        }
    }
}

/// The check of a rule. Checks are `'static` (findings point at them); the same rule text
/// gives the same check, so a long-running front end that re-reads its rules does not grow.
fn check_of(rule: &Rule) -> &'static Check {
    static INTERNED: OnceLock<Mutex<HashMap<String, &'static Check>>> = OnceLock::new();
    let doc = documentation(rule);
    let severity: Severity = rule.severity.parse().unwrap_or(Severity::Medium);
    let c = &rule.compliance;
    let key = format!(
        "{}\u{0}{severity}\u{0}{doc}\u{0}{:?}\u{0}{:?}\u{0}{:?}\u{0}{:?}\u{0}{:?}",
        rule.id, rule.remediation, c.cis, c.pss, c.nsa, c.mitre
    );
    let mut interned = INTERNED
        .get_or_init(Default::default)
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner());
    interned.entry(key).or_insert_with(|| {
        let leak = |s: String| -> &'static str { Box::leak(s.into_boxed_str()) };
        let list = |items: &[String]| -> &'static [&'static str] {
            Box::leak(
                items
                    .iter()
                    .map(|s| leak(s.clone()))
                    .collect::<Vec<_>>()
                    .into_boxed_slice(),
            )
        };
        Box::leak(Box::new(Check {
            id: leak(rule.id.clone()),
            slug: leak(rule.id.to_ascii_lowercase()),
            severity,
            family: Family::Policy,
            remediation: leak(rule.remediation.clone().unwrap_or_default()),
            compliance: Compliance {
                cis: list(&c.cis),
                pss: list(&c.pss),
                nsa: list(&c.nsa),
                mitre: list(&c.mitre),
            },
            run: Run::Inventory(report_failures),
            reads: crate::Reads::Everything,
            doc: leak(doc),
        }))
    })
}

/// The rule's documentation in the shape of the built-in checks' (one leading space per
/// line, as a doc comment has).
fn documentation(rule: &Rule) -> String {
    let why = rule
        .description
        .clone()
        .unwrap_or_else(|| "A rule of this project.".to_string());
    let text = format!(
        "## What it checks\n{}\n\n## Why it matters\n{why}\n\n## Rule\nDeclared at {}:\n```cel\n{}\n```\n",
        rule.title, rule.declared_at, rule.expression.text
    );
    text.lines().map(|l| format!(" {l}\n")).collect()
}
