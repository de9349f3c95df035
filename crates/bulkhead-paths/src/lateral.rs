//! Lateral movement: a workload reaches another where the NetworkPolicy reachability allows a
//! connection to a port the destination serves. Computed on demand and remembered per class
//! pair, so a search touches only the pairs it needs (the full matrix of 5,000 workloads is
//! 25 million pairs; a search toward a few powerful workloads needs a few of its rows).

use std::collections::HashMap;

use bulkhead_netpol::{ConnSet, Direction, Network};

use crate::graph::{AttackGraph, Evidence};

/// Class-to-class connections computed so far, interned.
#[derive(Default)]
pub(crate) struct Memo {
    cells: HashMap<(u32, u32), u32>,
    table: Vec<ConnSet>,
    index: HashMap<ConnSet, u32>,
}

impl Memo {
    pub(crate) fn conns(&mut self, network: &Network<'_>, src: usize, dst: usize) -> &ConnSet {
        let key = (src as u32, dst as u32);
        let id = match self.cells.get(&key) {
            Some(&id) => id,
            None => {
                let c = network.class_connections(src, dst);
                let id = match self.index.get(&c) {
                    Some(&id) => id,
                    None => {
                        self.table.push(c.clone());
                        let id = (self.table.len() - 1) as u32;
                        self.index.insert(c, id);
                        id
                    }
                };
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
