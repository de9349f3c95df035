//! Lateral movement: a workload reaches another where the NetworkPolicy reachability allows a
//! connection to a port the destination serves. Computed on demand and remembered per class
//! pair, so a search touches only the pairs it needs (the full matrix of 5,000 workloads is
//! 25 million pairs; a search toward a few powerful workloads needs a few of its rows).

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

use bulkhead_netpol::{ConnSet, Direction, Network, Protocol};

use crate::graph::{AttackGraph, Evidence};

/// A multiply-rotate hasher for the class-pair keys: millions of lookups, keys the inputs
/// cannot choose, so the default DoS-resistant hasher buys nothing here.
#[derive(Default)]
pub(crate) struct PairHasher(u64);

impl Hasher for PairHasher {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.write_u64(u64::from(b));
        }
    }
    fn write_u32(&mut self, n: u32) {
        self.write_u64(u64::from(n));
    }
    fn write_usize(&mut self, n: usize) {
        self.write_u64(n as u64);
    }
    fn write_u64(&mut self, n: u64) {
        self.0 = (self.0.rotate_left(5) ^ n).wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
    }
}

/// A set of vertex or class indexes, hashed with [`PairHasher`].
pub(crate) type IndexSet = std::collections::HashSet<usize, BuildHasherDefault<PairHasher>>;
/// A map from vertex indexes, hashed with [`PairHasher`].
pub(crate) type IndexMap<V> = HashMap<usize, V, BuildHasherDefault<PairHasher>>;

/// Whether two connection sets share a port, without building their intersection.
pub(crate) fn meets(a: &ConnSet, b: &ConnSet) -> bool {
    Protocol::ALL.iter().any(|&p| {
        let (x, y) = (a.intervals(p), b.intervals(p));
        let (mut i, mut j) = (0, 0);
        while i < x.len() && j < y.len() {
            let ((a0, a1), (b0, b1)) = (x[i], y[j]);
            if a0 <= b1 && b0 <= a1 {
                return true;
            }
            if a1 < b1 {
                i += 1;
            } else {
                j += 1;
            }
        }
        false
    })
}

/// Class-to-class connections computed so far, interned.
#[derive(Default)]
pub(crate) struct Memo {
    cells: HashMap<(u32, u32), u32, BuildHasherDefault<PairHasher>>,
    table: Vec<ConnSet>,
    index: HashMap<ConnSet, u32>,
    /// Per source class, every destination class it may connect to and the interned
    /// connections: what a forward search expands, computed once per class.
    rows: HashMap<u32, Vec<(u32, u32)>, BuildHasherDefault<PairHasher>>,
    /// Remember nothing: a single search asks each pair about once, so remembering costs
    /// memory for nothing ([`Memo::conns`] then answers from `scratch`).
    forget: bool,
    scratch: ConnSet,
}

impl Memo {
    /// A memo that remembers nothing: for one search without cuts.
    pub(crate) fn forgetful() -> Memo {
        Memo {
            forget: true,
            ..Memo::default()
        }
    }

    fn intern(&mut self, c: ConnSet) -> u32 {
        match self.index.get(&c) {
            Some(&id) => id,
            None => {
                self.table.push(c.clone());
                let id = (self.table.len() - 1) as u32;
                self.index.insert(c, id);
                id
            }
        }
    }

    /// A row [`Memo::row`] computed, with the table its ids index.
    pub(crate) fn row_view(&self, src: usize) -> (&[(u32, u32)], &[ConnSet]) {
        (
            self.rows.get(&(src as u32)).map_or(&[], Vec::as_slice),
            &self.table,
        )
    }

    /// The destination classes `src` has a non-empty connection to, in class order, each
    /// with its interned connections.
    pub(crate) fn row(&mut self, network: &Network<'_>, src: usize) {
        let key = src as u32;
        if !self.rows.contains_key(&key) {
            let mut row = Vec::new();
            for dst in 0..network.classes.len() {
                if !network.egress_may_reach(src, dst) {
                    continue;
                }
                let c = match self.cells.get(&(key, dst as u32)) {
                    Some(&id) => id,
                    None => {
                        let c = network.class_connections(src, dst);
                        if c.is_empty() {
                            continue;
                        }
                        self.intern(c)
                    }
                };
                if !self.table[c as usize].is_empty() {
                    row.push((dst as u32, c));
                }
            }
            self.rows.insert(key, row);
        }
    }

    pub(crate) fn conns(&mut self, network: &Network<'_>, src: usize, dst: usize) -> &ConnSet {
        if self.forget {
            self.scratch = network.class_connections(src, dst);
            return &self.scratch;
        }
        let key = (src as u32, dst as u32);
        let id = match self.cells.get(&key) {
            Some(&id) => id,
            None => {
                let c = network.class_connections(src, dst);
                let id = self.intern(c);
                self.cells.insert(key, id);
                id
            }
        };
        &self.table[id as usize]
    }
}

impl AttackGraph<'_> {
    /// Why workload `src` may connect to workload `dst`: the policies (or their absence) on
    /// each side, where they are written.
    pub(crate) fn lateral_evidence(&self, src: usize, dst: usize) -> (Vec<Evidence>, String) {
        let net = &self.network;
        let verdict = net.verdict(src, dst);
        let (s, d) = (&net.workloads[src], &net.workloads[dst]);
        let mut evidence = Vec::new();
        for (side, direction, who) in [
            (&verdict.egress, Direction::Egress, s),
            (&verdict.ingress, Direction::Ingress, d),
        ] {
            if side.isolated_by.is_empty() {
                evidence.push(Evidence::at(
                    format!(
                        "no NetworkPolicy isolates the {} of {}",
                        direction.field(),
                        who.id()
                    ),
                    Some(who.object.locate("")),
                ));
                continue;
            }
            for allow in &side.allows {
                let p = &net.policies[allow.policy];
                let pointer = format!(
                    "/{}/{}/{}",
                    p.spec_path.replace('.', "/"),
                    direction.field(),
                    allow.rule
                );
                evidence.push(Evidence::at(
                    format!(
                        "{} rule {} of {} allows {}",
                        direction.field(),
                        allow.rule,
                        p.id(),
                        allow.conns
                    ),
                    Some(p.object.locate(&pointer)),
                ));
            }
        }
        let ingress_isolated = !verdict.ingress.isolated_by.is_empty();
        let fix = if ingress_isolated {
            let rules: Vec<String> = verdict
                .ingress
                .allows
                .iter()
                .map(|a| format!("rule {} of {}", a.rule, net.policies[a.policy].id()))
                .collect();
            format!(
                "narrow {} so that it does not admit {}",
                rules.join(" and "),
                s.id()
            )
        } else {
            format!(
                "add an ingress NetworkPolicy for {} that admits only its real clients (a default-deny in {})",
                d.id(),
                d.namespace
            )
        };
        (evidence, fix)
    }
}
