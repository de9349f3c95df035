//! The search: shortest paths from a start to the targets over the attack graph, one per
//! entry point, ranked, each with the single changes that would cut it.
//!
//! One breadth-first search from the targets over reversed edges gives every vertex its
//! distance and next step; lateral edges into a workload are found when the search reaches
//! it, for the classes not reached yet (so a flat network costs one row, not a matrix).
//! "What breaks this path" removes one step and searches forward from the path's start until
//! it meets a vertex whose own route does not use that step.

use std::collections::{HashMap, HashSet, VecDeque};

use bulkhead_netpol::ConnSet;
use serde::Serialize;

use crate::build::ANY_NODE;
use crate::graph::{AttackGraph, EdgeKind, Evidence, VertexKind};
use crate::lateral::{meets, IndexMap, IndexSet, Memo};
use crate::spec::{Start, Target};

/// A step of the graph, as a search can remove it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub(crate) enum StepKey {
    Edge(usize),
    /// From workload, to workload (network indexes).
    Lateral(usize, usize),
}

#[derive(Clone, Debug)]
enum Hop {
    Target,
    Edge(usize),
    /// To this workload, on these ports.
    Lateral(usize, ConnSet),
}

/// One step of a path.
#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Step {
    pub kind: EdgeKind,
    pub from: String,
    pub to: String,
    pub action: String,
    pub evidence: Vec<Evidence>,
    /// The single change that removes this step.
    pub fix: String,
    #[serde(skip)]
    pub(crate) key: Option<StepKey>,
}

/// A change that cuts a path, and how many of the reported paths it cuts.
#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Cut {
    /// The step it removes (1-based).
    pub step: usize,
    pub kind: EdgeKind,
    pub fix: String,
    /// How many of the reported paths the change cuts (this one included).
    pub cuts: usize,
}

/// One path from a start (an entry point) to a target.
#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PathReport {
    /// `internet`, or the start the search was given.
    pub from: String,
    /// The workload the internet enters through (paths from the internet).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub entry: Option<String>,
    /// The target asked for (`cluster-admin`, `node`...).
    pub target: String,
    /// The vertex reached (`node:*`, `cluster-admin`...).
    pub reached: String,
    pub severity: &'static str,
    pub length: usize,
    pub steps: Vec<Step>,
    /// The single changes that cut this path, most paths cut first; empty when no single
    /// change does (another way remains).
    pub cuts: Vec<Cut>,
    /// The network index of the entry workload (paths from the internet).
    #[serde(skip)]
    pub entry_workload: Option<usize>,
    #[serde(skip)]
    start_vertex: usize,
    #[serde(skip)]
    rank: usize,
}

/// A change, with every reported path it cuts.
#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Fix {
    pub fix: String,
    pub kind: EdgeKind,
    /// Indexes into the paths (0-based) it cuts.
    pub paths: Vec<usize>,
}

/// What a search found.
#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Found {
    pub from: String,
    pub targets: Vec<String>,
    pub paths: Vec<PathReport>,
    /// Every change that cuts at least one path, those cutting most first.
    pub fixes: Vec<Fix>,
    /// What the search could not evaluate or why a start has fewer edges than expected.
    pub notes: Vec<String>,
}

fn severity(target: &Target) -> &'static str {
    match target {
        Target::ClusterAdmin => "critical",
        _ => "high",
    }
}

fn target_rank(target: &Target) -> usize {
    match target {
        Target::ClusterAdmin => 0,
        Target::Node => 1,
        Target::Secret { .. } => 2,
        Target::Namespace(_) => 3,
        Target::CloudMetadata => 4,
    }
}

impl AttackGraph<'_> {
    /// The vertices a target stands for (none when the inputs have no such thing).
    pub fn target_vertices(&self, target: &Target) -> Vec<usize> {
        match target {
            Target::ClusterAdmin => self.find("cluster-admin").into_iter().collect(),
            Target::Node => (0..self.vertices.len())
                .filter(|&v| self.vertices[v].kind == VertexKind::Node)
                .collect(),
            Target::CloudMetadata => self.find("cloud-metadata").into_iter().collect(),
            Target::Secret { namespace, name } => self
                .find(&format!("secret:{namespace}/{name}"))
                .into_iter()
                .collect(),
            Target::Namespace(ns) => self.find(&format!("ns:{ns}")).into_iter().collect(),
        }
    }

    /// The vertex a start names, or why there is none.
    pub fn start_vertex(&self, start: &Start) -> Result<usize, String> {
        match start {
            Start::Internet => Ok(0),
            Start::Node => self.find(ANY_NODE).ok_or_else(|| {
                if self.known_nodes.is_empty() {
                    "the graph has no node".to_string()
                } else {
                    "the inputs describe their nodes: start from one with node:NAME".to_string()
                }
            }),
            Start::NamedNode(name) => self
                .find(&format!("node:{name}"))
                .ok_or_else(|| format!("node:{name}: no such node in the inputs")),
            Start::Workload { namespace, name } => {
                self.find_workload(namespace, name).ok_or_else(|| {
                    format!("pod:{namespace}/{name}: no such workload in the inputs")
                })
            }
            Start::Identity(id) => self
                .find(id)
                .ok_or_else(|| format!("{id}: no such identity in the inputs (it is bound nowhere and runs no workload)")),
        }
    }

    /// Every vertex's next step toward the nearest target.
    fn reverse(&self, targets: &[usize], memo: &mut Memo) -> Vec<Option<Hop>> {
        let net = &self.network;
        let mut hop: Vec<Option<Hop>> = vec![None; self.vertices.len()];
        let mut queue = VecDeque::new();
        for &t in targets {
            hop[t] = Some(Hop::Target);
            queue.push_back(t);
        }
        // The classes not reached yet, as bits. Those whose egress policies name few
        // classes wait on those classes only; the others (egress open, or naming many) are
        // tried against every destination; those whose egress is shut never connect.
        // The classes tried against every destination are grouped by the ports their
        // egress may use at most (`None`: any), so a destination serving none of a group's
        // ports skips the whole group (egress only to DNS, for instance).
        let classes = net.classes.len();
        let words = classes.div_ceil(64);
        let mut pending = vec![0u64; words];
        let mut open: Vec<(Option<ConnSet>, Vec<u64>)> = Vec::new();
        let mut waiting: Vec<Vec<u32>> = vec![Vec::new(); classes];
        let mut add_open = |s: usize, ports: Option<ConnSet>| {
            let slot = match open.iter().position(|(p, _)| *p == ports) {
                Some(i) => i,
                None => {
                    open.push((ports, vec![0u64; words]));
                    open.len() - 1
                }
            };
            open[slot].1[s / 64] |= 1u64 << (s % 64);
        };
        for s in 0..classes {
            let bit = (s / 64, 1u64 << (s % 64));
            match net.egress_reach(s) {
                None => {
                    pending[bit.0] |= bit.1;
                    add_open(s, net.egress_ports(s));
                }
                Some(reach) => {
                    let count: usize = reach.iter().map(|w| w.count_ones() as usize).sum();
                    if count == 0 {
                        continue;
                    }
                    pending[bit.0] |= bit.1;
                    if count * 8 > classes {
                        add_open(s, net.egress_ports(s));
                        continue;
                    }
                    for (i, &word) in reach.iter().enumerate() {
                        let mut word = word;
                        while word != 0 {
                            waiting[i * 64 + word.trailing_zeros() as usize].push(s as u32);
                            word &= word - 1;
                        }
                    }
                }
            }
        }
        let mut candidates = vec![0u64; words];
        let mut scanned: HashSet<(usize, ConnSet)> = HashSet::new();
        while let Some(v) = queue.pop_front() {
            for &e in &self.incoming[v] {
                let from = self.edges[e].from;
                if hop[from].is_none() {
                    hop[from] = Some(Hop::Edge(e));
                    queue.push_back(from);
                }
            }
            let Some(&d) = self.vertex_workload.get(&v) else {
                continue;
            };
            let served = &self.served[d];
            if served.is_empty() {
                continue;
            }
            let dc = net.workloads[d].class;
            // Workloads of one class serving the same ports admit the same sources: one
            // scan for all of them.
            if !scanned.insert((dc, served.clone())) {
                continue;
            }
            // Only the classes the rules' peer sets let through (both ways) can connect: the
            // others would be kept pending unchanged, so skipping them finds the same hops.
            let mut admit = |s: usize, hop: &mut Vec<Option<Hop>>| -> bool {
                let members = &net.classes[s].workloads;
                if !members
                    .iter()
                    .any(|&x| hop[self.workload_vertex[x]].is_none())
                {
                    return true;
                }
                if !net.egress_may_reach(s, dc) {
                    return false;
                }
                let conns = memo.conns(net, s, dc);
                if !meets(conns, served) {
                    return false;
                }
                let allowed = conns.intersect(served);
                for &x in members {
                    let xv = self.workload_vertex[x];
                    if hop[xv].is_some() {
                        continue;
                    }
                    hop[xv] = Some(Hop::Lateral(d, allowed.clone()));
                    queue.push_back(xv);
                }
                true
            };
            candidates.iter_mut().for_each(|c| *c = 0);
            for (ports, members) in &open {
                if ports.as_ref().is_some_and(|p| !meets(p, served)) {
                    continue;
                }
                for ((c, m), p) in candidates.iter_mut().zip(members).zip(&pending) {
                    *c |= m & p;
                }
            }
            for &s in &waiting[dc] {
                let (i, b) = (s as usize / 64, 1u64 << (s % 64));
                candidates[i] |= pending[i] & b;
            }
            if let Some(sources) = net.ingress_sources(dc) {
                for (c, s) in candidates.iter_mut().zip(&sources) {
                    *c &= s;
                }
            }
            for (i, word) in candidates.iter_mut().enumerate() {
                while *word != 0 {
                    let s = i * 64 + word.trailing_zeros() as usize;
                    *word &= *word - 1;
                    if admit(s, &mut hop) {
                        pending[i] &= !(1 << (s % 64));
                    }
                }
            }
        }
        hop
    }

    fn steps_from(&self, start: usize, hop: &[Option<Hop>]) -> Option<(Vec<Step>, usize)> {
        let mut steps = Vec::new();
        let mut v = start;
        loop {
            match hop[v].as_ref()? {
                Hop::Target => return Some((steps, v)),
                Hop::Edge(e) => {
                    let edge = &self.edges[*e];
                    steps.push(Step {
                        kind: edge.kind,
                        from: self.vertices[edge.from].id.clone(),
                        to: self.vertices[edge.to].id.clone(),
                        action: edge.action.clone(),
                        evidence: edge.evidence.clone(),
                        fix: edge.fix.clone(),
                        key: Some(StepKey::Edge(*e)),
                    });
                    v = edge.to;
                }
                Hop::Lateral(d, conns) => {
                    let src = self.vertex_workload[&v];
                    let (evidence, fix) = self.lateral_evidence(src, *d);
                    let to = self.workload_vertex[*d];
                    steps.push(Step {
                        kind: EdgeKind::Lateral,
                        from: self.vertices[v].id.clone(),
                        to: self.vertices[to].id.clone(),
                        action: format!(
                            "connects to {} on {conns}, a port it serves",
                            self.network.workloads[*d].id()
                        ),
                        evidence,
                        fix,
                        key: Some(StepKey::Lateral(src, *d)),
                    });
                    v = to;
                }
            }
            if steps.len() > self.vertices.len() {
                return None;
            }
        }
    }

    /// The shortest paths from `start` to each target, one per entry point, ranked, with the
    /// changes that cut them.
    pub fn search(&self, start: &Start, targets: &[Target]) -> Result<Found, String> {
        self.search_with(start, targets, true)
    }

    /// [`AttackGraph::search`], with the cuts ("what breaks this path") only when `cuts`:
    /// they cost a probe per step of every path, which a check that only reports the paths
    /// does not need.
    pub fn search_with(
        &self,
        start: &Start,
        targets: &[Target],
        cuts: bool,
    ) -> Result<Found, String> {
        let from = self.start_vertex(start)?;
        let mut memo = if cuts || targets.len() > 1 {
            Memo::default()
        } else {
            Memo::forgetful()
        };
        let mut paths: Vec<PathReport> = Vec::new();
        let mut groups: Vec<(Vec<usize>, usize, usize)> = Vec::new();
        let mut hops: Vec<Vec<Option<Hop>>> = Vec::new();
        let mut notes = Vec::new();
        for target in targets {
            let vertices = self.target_vertices(target);
            if vertices.is_empty() {
                continue;
            }
            let hop = self.reverse(&vertices, &mut memo);
            let first = paths.len();
            for (entry, steps, reached) in self.paths_of(from, &hop) {
                let entry_workload = entry
                    .as_deref()
                    .and_then(|id| self.find(id))
                    .and_then(|v| self.vertex_workload.get(&v).copied());
                paths.push(PathReport {
                    from: start.to_string(),
                    entry_workload,
                    entry,
                    target: target.to_string(),
                    reached: self.vertices[reached].id.clone(),
                    severity: severity(target),
                    length: steps.len(),
                    steps,
                    cuts: Vec::new(),
                    start_vertex: from,
                    rank: target_rank(target),
                });
            }
            groups.push((vertices, first, paths.len()));
            hops.push(hop);
        }
        if from != 0 {
            if let Some(note) = self.notes.get(&from) {
                notes.push(format!("{}: {note}", self.vertices[from].id));
            }
        }
        let fixes = if cuts {
            self.cuts(&mut paths, &groups, &hops, &mut memo)
        } else {
            Vec::new()
        };
        // Rank: target, then length, then the entry point; keep fixes' indexes right.
        let mut order: Vec<usize> = (0..paths.len()).collect();
        order.sort_by(|&a, &b| {
            let (p, q) = (&paths[a], &paths[b]);
            (p.rank, p.length, &p.entry, &p.reached).cmp(&(q.rank, q.length, &q.entry, &q.reached))
        });
        let mut position = vec![0; paths.len()];
        for (new, &old) in order.iter().enumerate() {
            position[old] = new;
        }
        let mut slots: Vec<Option<PathReport>> = paths.into_iter().map(Some).collect();
        let paths: Vec<PathReport> = order.iter().filter_map(|&i| slots[i].take()).collect();
        let fixes = fixes
            .into_iter()
            .map(|mut f| {
                f.paths = f.paths.iter().map(|&i| position[i]).collect();
                f.paths.sort_unstable();
                f
            })
            .collect();
        Ok(Found {
            from: start.to_string(),
            targets: targets.iter().map(Target::to_string).collect(),
            paths,
            fixes,
            notes,
        })
    }

    /// The paths of one search result: one per entry point from the internet, else one.
    fn paths_of(
        &self,
        from: usize,
        hop: &[Option<Hop>],
    ) -> Vec<(Option<String>, Vec<Step>, usize)> {
        let mut out = Vec::new();
        if from == 0 {
            for (e, edge) in self.edges.iter().enumerate() {
                if edge.from != 0 || edge.kind != EdgeKind::Entry {
                    continue;
                }
                let Some((rest, reached)) = self.steps_from(edge.to, hop) else {
                    continue;
                };
                let mut steps = vec![Step {
                    kind: edge.kind,
                    from: self.vertices[0].id.clone(),
                    to: self.vertices[edge.to].id.clone(),
                    action: edge.action.clone(),
                    evidence: edge.evidence.clone(),
                    fix: edge.fix.clone(),
                    key: Some(StepKey::Edge(e)),
                }];
                steps.extend(rest);
                out.push((Some(self.vertices[edge.to].id.clone()), steps, reached));
            }
        } else if let Some((steps, reached)) = self.steps_from(from, hop) {
            if !steps.is_empty() {
                out.push((None, steps, reached));
            }
        }
        out
    }

    /// For every step of every path: whether the path's start still reaches the target
    /// without it, and so how many paths each change cuts.
    fn cuts(
        &self,
        paths: &mut [PathReport],
        groups: &[(Vec<usize>, usize, usize)],
        hops: &[Vec<Option<Hop>>],
        memo: &mut Memo,
    ) -> Vec<Fix> {
        let mut cut_by: HashMap<StepKey, Vec<usize>> = HashMap::new();
        let mut about: HashMap<StepKey, (String, EdgeKind)> = HashMap::new();
        for (g, (_, first, end)) in groups.iter().enumerate() {
            let hop = &hops[g];
            // Per removed step, the paths through it, and what searches for it learnt.
            let mut by_key: HashMap<StepKey, Vec<usize>> = HashMap::new();
            for (i, p) in paths.iter().enumerate().take(*end).skip(*first) {
                for s in &p.steps {
                    if let Some(k) = s.key {
                        by_key.entry(k).or_default().push(i);
                        about.entry(k).or_insert_with(|| (s.fix.clone(), s.kind));
                    }
                }
            }
            let mut keys: Vec<_> = by_key.into_iter().collect();
            keys.sort_unstable_by_key(|(k, _)| *k);
            for (key, through) in keys {
                let mut probe = Probe::new(self, hop, key);
                for i in through {
                    let p = &paths[i];
                    let cut = match p.steps.first().and_then(|s| s.key) {
                        // Every entry point has one entry edge: removing it cuts its path.
                        Some(entry) if p.start_vertex == 0 && entry == key => true,
                        _ => {
                            let start = if p.start_vertex == 0 {
                                self.find(&p.steps[0].to).unwrap_or(0)
                            } else {
                                p.start_vertex
                            };
                            !probe.reaches(start, memo)
                        }
                    };
                    if cut {
                        cut_by.entry(key).or_default().push(i);
                    }
                }
            }
        }
        for (i, p) in paths.iter_mut().enumerate() {
            let mut cuts: Vec<Cut> = p
                .steps
                .iter()
                .enumerate()
                .filter_map(|(n, s)| {
                    let cut = cut_by.get(&s.key?)?;
                    cut.contains(&i).then(|| Cut {
                        step: n + 1,
                        kind: s.kind,
                        fix: s.fix.clone(),
                        cuts: cut.len(),
                    })
                })
                .collect();
            cuts.sort_by(|a, b| b.cuts.cmp(&a.cuts).then(a.step.cmp(&b.step)));
            p.cuts = cuts;
        }
        // One change may remove several steps (a token read from two nodes): merge by text.
        let mut merged: HashMap<String, Fix> = HashMap::new();
        for (key, cut) in cut_by {
            let Some((fix, kind)) = about.get(&key).cloned() else {
                continue;
            };
            let entry = merged.entry(fix.clone()).or_insert(Fix {
                fix,
                kind,
                paths: Vec::new(),
            });
            entry.paths.extend(cut);
        }
        let mut fixes: Vec<Fix> = merged
            .into_values()
            .map(|mut f| {
                f.paths.sort_unstable();
                f.paths.dedup();
                f
            })
            .collect();
        fixes.sort_by(|a, b| b.paths.len().cmp(&a.paths.len()).then(a.fix.cmp(&b.fix)));
        fixes
    }
}

/// Whether vertices still reach the target once one step is removed: a forward search that
/// stops at the first vertex whose own shortest route does not use the step. Vertices found
/// unable to reach it are remembered across the paths that share the step.
struct Probe<'g, 'a> {
    graph: &'g AttackGraph<'a>,
    hop: &'g [Option<Hop>],
    removed: StepKey,
    /// Per vertex: whether its shortest route uses the removed step.
    affected: IndexMap<bool>,
    dead: IndexSet,
}

impl<'g, 'a> Probe<'g, 'a> {
    fn new(graph: &'g AttackGraph<'a>, hop: &'g [Option<Hop>], removed: StepKey) -> Self {
        Probe {
            graph,
            hop,
            removed,
            affected: IndexMap::default(),
            dead: IndexSet::default(),
        }
    }

    /// Whether `v`'s shortest route (if any) goes through the removed step.
    fn uses_removed(&mut self, v: usize) -> bool {
        let mut chain = Vec::new();
        let mut u = v;
        let answer = loop {
            if let Some(&known) = self.affected.get(&u) {
                break known;
            }
            chain.push(u);
            let (key, next) = match &self.hop[u] {
                None | Some(Hop::Target) => break false,
                Some(Hop::Edge(e)) => (StepKey::Edge(*e), self.graph.edges[*e].to),
                Some(Hop::Lateral(d, _)) => (
                    StepKey::Lateral(self.graph.vertex_workload[&u], *d),
                    self.graph.workload_vertex[*d],
                ),
            };
            if key == self.removed {
                break true;
            }
            if chain.len() > self.graph.vertices.len() {
                break true;
            }
            u = next;
        };
        for c in chain {
            self.affected.insert(c, answer);
        }
        answer
    }

    /// Whether a vertex reached by the probe settles the question: it still has its own
    /// route to the target.
    fn settles(&mut self, v: usize) -> bool {
        self.hop[v].is_some() && !self.uses_removed(v)
    }

    fn reaches(&mut self, start: usize, memo: &mut Memo) -> bool {
        let g = self.graph;
        let net = &g.network;
        if self.settles(start) {
            return true;
        }
        let mut seen = IndexSet::default();
        seen.insert(start);
        let mut expanded_classes = IndexSet::default();
        let mut queue = VecDeque::from([start]);
        // Each vertex is judged when first found, so a probe that has a way around the
        // removed step ends at the first such neighbour instead of after a whole level.
        while let Some(u) = queue.pop_front() {
            if self.dead.contains(&u) {
                continue;
            }
            for &e in &g.outgoing[u] {
                let to = g.edges[e].to;
                if self.removed == StepKey::Edge(e) || !seen.insert(to) {
                    continue;
                }
                if self.settles(to) {
                    return true;
                }
                queue.push_back(to);
            }
            let Some(&x) = g.vertex_workload.get(&u) else {
                continue;
            };
            let sc = net.workloads[x].class;
            // Workloads of one class connect alike: one scan per source class, except
            // around a removed lateral step, which is per workload.
            let removed_here = matches!(self.removed, StepKey::Lateral(a, _) if a == x);
            if !removed_here && !expanded_classes.insert(sc) {
                continue;
            }
            memo.row(net, sc);
            let (row, table) = memo.row_view(sc);
            for &(dc, id) in row {
                let conns = &table[id as usize];
                for &w in &net.classes[dc as usize].workloads {
                    let wv = g.workload_vertex[w];
                    if w == x
                        || self.removed == StepKey::Lateral(x, w)
                        || seen.contains(&wv)
                        || !meets(conns, &g.served[w])
                    {
                        continue;
                    }
                    seen.insert(wv);
                    if self.settles(wv) {
                        return true;
                    }
                    queue.push_back(wv);
                }
            }
        }
        self.dead.extend(seen);
        false
    }
}
