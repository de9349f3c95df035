//! Stateful detections over event time: sliding windows per identity, in bounded memory.
//!
//! Every table holds at most [`MAX_TRACKED`] identities; when it is full, identities idle
//! longer than the window go first, then the least recently seen. Per identity, a window
//! keeps at most `threshold` timestamps (that is all "threshold events within the window"
//! needs), so memory depends on the number of active identities, never on the log's size.

use std::collections::{HashMap, VecDeque};
use std::hash::Hash;
use std::net::IpAddr;

use crate::alert::{Alert, Source};
use crate::cidr::Cidr;
use crate::event::Event;
use crate::rules::{WindowKind, WindowRule};
use crate::time::format_duration;

/// Identities tracked per window table.
pub const MAX_TRACKED: usize = 100_000;

/// Most user agents remembered per service account.
const MAX_AGENTS: usize = 32;

struct Bounded<K, V> {
    map: HashMap<K, (i64, V)>,
    cap: usize,
}

impl<K: Hash + Eq + Clone, V> Bounded<K, V> {
    fn new(cap: usize) -> Self {
        Bounded {
            map: HashMap::new(),
            cap,
        }
    }

    /// The entry for `key`, created with `make` and stamped `now`.
    fn entry(&mut self, key: &K, now: i64, horizon: i64, make: impl FnOnce() -> V) -> &mut V {
        if !self.map.contains_key(key) && self.map.len() >= self.cap {
            self.evict(now, horizon);
        }
        let slot = self.map.entry(key.clone()).or_insert_with(|| (now, make()));
        slot.0 = slot.0.max(now);
        &mut slot.1
    }

    fn evict(&mut self, now: i64, horizon: i64) {
        self.map.retain(|_, (seen, _)| now - *seen <= horizon);
        if self.map.len() >= self.cap {
            let mut seen: Vec<i64> = self.map.values().map(|(t, _)| *t).collect();
            let middle = seen.len() / 2;
            let (_, cut, _) = seen.select_nth_unstable(middle);
            let cut = *cut;
            self.map.retain(|_, (t, _)| *t > cut);
        }
    }

    fn len(&self) -> usize {
        self.map.len()
    }
}

impl<V> Bounded<String, V> {
    /// [`Bounded::entry`] without allocating the key when it is already there (always
    /// `Some`: the entry is created when missing).
    fn entry_str(
        &mut self,
        key: &str,
        now: i64,
        horizon: i64,
        make: impl FnOnce() -> V,
    ) -> Option<&mut V> {
        if !self.map.contains_key(key) {
            self.entry(&key.to_string(), now, horizon, make);
        }
        let slot = self.map.get_mut(key)?;
        slot.0 = slot.0.max(now);
        Some(&mut slot.1)
    }
}

/// Times of recent events of one identity, at most `threshold` of them.
#[derive(Default)]
struct Burst {
    times: VecDeque<i64>,
    quiet_until: i64,
}

impl Burst {
    /// Records an event at `now`; true when `threshold` fell within `duration` (then quiet
    /// for one window, so a burst gives one alert).
    fn hit(&mut self, now: i64, duration: i64, threshold: usize) -> bool {
        self.times.push_back(now);
        while self.times.len() > threshold {
            self.times.pop_front();
        }
        while self.times.front().is_some_and(|t| now - *t > duration) {
            self.times.pop_front();
        }
        if self.times.len() >= threshold && now >= self.quiet_until {
            self.quiet_until = now + duration;
            return true;
        }
        false
    }
}

struct Agents {
    first_seen: i64,
    products: Vec<String>,
}

/// The state of every window rule.
pub struct Windows {
    rules: Vec<WindowRule>,
    ranges: Vec<Cidr>,
    bursts: Vec<Bounded<String, Burst>>,
    namespaces: Bounded<String, VecDeque<(i64, String)>>,
    outside: Bounded<(String, String), ()>,
    agents: Bounded<String, Agents>,
}

impl Windows {
    pub fn new(rules: Vec<WindowRule>, ranges: Vec<Cidr>) -> Windows {
        Windows {
            bursts: rules.iter().map(|_| Bounded::new(MAX_TRACKED)).collect(),
            rules,
            ranges,
            namespaces: Bounded::new(MAX_TRACKED),
            outside: Bounded::new(MAX_TRACKED),
            agents: Bounded::new(MAX_TRACKED),
        }
    }

    /// Identities held across all tables (for the memory bound's tests and stats).
    pub fn tracked(&self) -> usize {
        self.bursts.iter().map(Bounded::len).sum::<usize>()
            + self.namespaces.len()
            + self.outside.len()
            + self.agents.len()
    }

    /// Feeds one event (in time order) to every window; returns the alerts it completes.
    pub fn observe(&mut self, event: &Event<'_>, now: i64, out: &mut Vec<Alert>) {
        if !event.is_final_stage() {
            return;
        }
        for (i, rule) in self.rules.iter().enumerate() {
            let message = match rule.kind {
                WindowKind::AuthFailureBurst => {
                    if !matches!(event.code(), Some(401 | 403)) {
                        continue;
                    }
                    let who = identity(event);
                    let burst = self.bursts[i].entry(&who, now, rule.duration, Burst::default);
                    if !burst.hit(now, rule.duration, rule.threshold) {
                        continue;
                    }
                    format!(
                        "{who} was refused (401/403) {} times within {}",
                        rule.threshold,
                        format_duration(rule.duration)
                    )
                }
                WindowKind::FailedExecBurst => {
                    let exec = event.resource() == "pods"
                        && matches!(event.subresource(), "exec" | "attach");
                    if !exec || event.code().is_none_or(|c| c < 400) {
                        continue;
                    }
                    let who = identity(event);
                    let burst = self.bursts[i].entry(&who, now, rule.duration, Burst::default);
                    if !burst.hit(now, rule.duration, rule.threshold) {
                        continue;
                    }
                    format!(
                        "{who} failed to exec or attach into pods {} times within {}",
                        rule.threshold,
                        format_duration(rule.duration)
                    )
                }
                WindowKind::SecretListingAcrossNamespaces => {
                    let listing = event.resource() == "secrets"
                        && matches!(event.verb(), "list" | "watch" | "get")
                        && event.subresource().is_empty()
                        && !event.namespace().is_empty()
                        // Kubelets read the secrets of their pods, in every namespace.
                        && !event.username().starts_with("system:node:")
                        && event.code().is_some_and(|c| c < 400);
                    if !listing {
                        continue;
                    }
                    let who = identity(event);
                    let seen = self
                        .namespaces
                        .entry(&who, now, rule.duration, VecDeque::new);
                    let ns = event.namespace();
                    seen.retain(|(t, n)| n != ns && now - *t <= rule.duration);
                    seen.push_back((now, ns.to_string()));
                    while seen.len() > rule.threshold {
                        seen.pop_front();
                    }
                    if seen.len() < rule.threshold {
                        continue;
                    }
                    let namespaces: Vec<String> = seen.iter().map(|(_, n)| n.clone()).collect();
                    // One alert per burst: start counting again.
                    seen.clear();
                    format!(
                        "{who} read secrets in {} namespaces within {}: {}",
                        rule.threshold,
                        format_duration(rule.duration),
                        namespaces.join(", ")
                    )
                }
                WindowKind::TokenFromOutsideCluster => {
                    let Some(sa) = service_account(event) else {
                        continue;
                    };
                    let Some(ip) = event.source_ips.iter().find(|ip| {
                        ip.parse::<IpAddr>()
                            .is_ok_and(|a| !self.ranges.iter().any(|r| r.contains(a)))
                    }) else {
                        continue;
                    };
                    let key = (sa.to_string(), ip.to_string());
                    let fresh = self
                        .outside
                        .map
                        .get(&key)
                        .is_none_or(|(t, _)| now - *t > rule.duration);
                    self.outside.entry(&key, now, rule.duration, || ());
                    if let Some(slot) = self.outside.map.get_mut(&key) {
                        slot.0 = now;
                    }
                    if !fresh {
                        continue;
                    }
                    format!("service account {sa} used its token from {ip}, outside the cluster's ranges")
                }
                WindowKind::TokenNewUserAgent => {
                    let Some(sa) = service_account(event) else {
                        continue;
                    };
                    let product = product(event.user_agent.as_deref().unwrap_or(""));
                    let Some(agents) = self.agents.entry_str(sa, now, i64::MAX / 2, || Agents {
                        first_seen: now,
                        products: Vec::new(),
                    }) else {
                        continue;
                    };
                    if agents.products.iter().any(|p| p == product) {
                        continue;
                    }
                    let learning = now - agents.first_seen < rule.duration;
                    if agents.products.len() < MAX_AGENTS {
                        agents.products.push(product.to_string());
                    }
                    if learning {
                        continue;
                    }
                    format!(
                        "service account {sa} used a new user agent {:?} (seen before: {})",
                        event.user_agent.as_deref().unwrap_or(""),
                        agents.products[..agents.products.len() - 1].join(", ")
                    )
                }
            };
            out.push(Alert::new(&rule.meta, Source::Window, message, event));
        }
    }
}

/// The identity a window counts: the user, or the source address of anonymous requests.
fn identity(event: &Event<'_>) -> String {
    match event.username() {
        "" | "system:anonymous" => format!(
            "anonymous@{}",
            event.source_ips.first().map(|s| &**s).unwrap_or("?")
        ),
        user => user.to_string(),
    }
}

fn service_account<'e>(event: &'e Event<'_>) -> Option<&'e str> {
    let user = event.username();
    user.starts_with("system:serviceaccount:").then_some(user)
}

/// `kubectl/v1.30.1 (linux/amd64) kubernetes/abc` → `kubectl`: versions change on upgrade,
/// the program does not.
fn product(agent: &str) -> &str {
    agent.split(['/', ' ']).next().unwrap_or(agent)
}
