//! The detector: rules on each event (in parallel), the checks on request objects, then the
//! windows in event order. Readers and the webhook receiver feed it batches; it hands alerts
//! to a [`Sink`].

use std::collections::{BTreeMap, HashMap};

use rayon::prelude::*;

use crate::alert::{Alert, Source};
use crate::cidr::Cidr;
use crate::event::Event;
use crate::field::Objects;
use crate::requests::{RequestChecks, RequestStats};
use crate::rules::{Rule, RuleSet};
use crate::windows::Windows;

/// Where alerts and unreadable input go.
pub trait Sink {
    fn alert(&mut self, alert: &Alert);
    /// A line (or document) that is not an audit event: counted and reported, never fatal.
    fn unreadable(&mut self, origin: &str, line: u64, message: &str);
}

/// Most identities the summary names one by one; the rest are counted together.
const MAX_SUMMARY_IDENTITIES: usize = 10_000;

/// What a run saw.
#[derive(Debug, Default)]
pub struct Stats {
    pub events: u64,
    /// Events outside `--since`/`--until`.
    pub outside_time: u64,
    pub unreadable: u64,
    pub alerts: u64,
    pub by_rule: BTreeMap<String, (String, u64)>,
    pub by_identity: HashMap<String, u64>,
    pub other_identities: u64,
    pub requests: RequestStats,
    /// The most severe alert so far.
    pub worst: Option<bulkhead_checks::Severity>,
}

/// One event read, with where it was read.
pub struct Item<'a> {
    pub event: Event<'a>,
    pub line: u64,
}

pub struct Detector {
    rules: Vec<Rule>,
    windows: Windows,
    requests: Option<RequestChecks>,
    since: Option<i64>,
    until: Option<i64>,
    pub stats: Stats,
}

/// How a detector is set up.
pub struct DetectorOptions {
    pub requests: Option<RequestChecks>,
    pub ranges: Vec<Cidr>,
    pub since: Option<i64>,
    pub until: Option<i64>,
}

impl Detector {
    pub fn new(rules: RuleSet, options: DetectorOptions) -> Detector {
        Detector {
            rules: rules.rules,
            windows: Windows::new(rules.windows, options.ranges),
            requests: options.requests,
            since: options.since,
            until: options.until,
            stats: Stats::default(),
        }
    }

    /// Identities the windows hold right now.
    pub fn tracked_identities(&self) -> usize {
        self.windows.tracked()
    }

    /// Judges a batch of events in order and hands every alert to `sink` (alerts of one
    /// event before those of the next). `origin` names the input in alerts (`file:line`).
    pub fn process(&mut self, origin: &str, items: &[Item<'_>], sink: &mut dyn Sink) {
        let judged: Vec<(bool, Vec<Alert>, RequestStats)> = items
            .par_iter()
            .map(|item| {
                let mut out = Vec::new();
                let mut stats = RequestStats::default();
                let in_time = self.in_time(&item.event);
                if in_time {
                    self.judge(&item.event, &mut stats, &mut out);
                }
                (in_time, out, stats)
            })
            .collect();
        let mut window_alerts = Vec::new();
        for (item, (in_time, mut alerts, requests)) in items.iter().zip(judged) {
            self.stats.events += 1;
            if !in_time {
                self.stats.outside_time += 1;
                continue;
            }
            self.stats.requests.judged += requests.judged;
            self.stats.requests.patches_without_object += requests.patches_without_object;
            self.stats.requests.unreadable += requests.unreadable;
            if let Some(now) = item.event.time_micros() {
                self.windows.observe(&item.event, now, &mut window_alerts);
                alerts.append(&mut window_alerts);
            }
            for mut alert in alerts {
                if !origin.is_empty() {
                    alert.origin = Some(if item.line > 0 {
                        format!("{origin}:{}", item.line)
                    } else {
                        origin.to_string()
                    });
                }
                self.count(&alert);
                sink.alert(&alert);
            }
        }
    }

    fn in_time(&self, event: &Event<'_>) -> bool {
        if self.since.is_none() && self.until.is_none() {
            return true;
        }
        let Some(t) = event.time_micros() else {
            return false;
        };
        self.since.is_none_or(|s| t >= s) && self.until.is_none_or(|u| t < u)
    }

    /// The rules and the checks on one event (no state: runs in parallel).
    pub fn judge(&self, event: &Event<'_>, stats: &mut RequestStats, out: &mut Vec<Alert>) {
        if !event.is_final_stage() {
            return;
        }
        let objects = Objects::default();
        let has_body = event.request_object.is_some() || event.response_object.is_some();
        for rule in &self.rules {
            // A rule about the body cannot judge an event logged without one.
            if rule.reads_objects && !has_body {
                continue;
            }
            if rule.condition.matches(event, &objects) {
                let message = rule.message.render(event, &objects);
                out.push(Alert::new(&rule.meta, Source::Rule, message, event));
            }
        }
        if let Some(requests) = &self.requests {
            requests.judge(event, stats, out);
        }
    }

    /// Records an unreadable line.
    pub fn unreadable(&mut self, sink: &mut dyn Sink, origin: &str, line: u64, message: &str) {
        self.stats.unreadable += 1;
        sink.unreadable(origin, line, message);
    }

    fn count(&mut self, alert: &Alert) {
        let stats = &mut self.stats;
        stats.alerts += 1;
        stats.worst = stats.worst.max(Some(alert.severity));
        stats
            .by_rule
            .entry(alert.rule.clone())
            .or_insert_with(|| (alert.title.clone(), 0))
            .1 += 1;
        let who = if alert.user.is_empty() {
            "(anonymous)"
        } else {
            &alert.user
        };
        if let Some(n) = stats.by_identity.get_mut(who) {
            *n += 1;
        } else if stats.by_identity.len() < MAX_SUMMARY_IDENTITIES {
            stats.by_identity.insert(who.to_string(), 1);
        } else {
            stats.other_identities += 1;
        }
    }
}
