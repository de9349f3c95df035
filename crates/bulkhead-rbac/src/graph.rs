//! The escalation graph: identities, workloads, namespaces and a cluster-admin sink, with
//! an edge for each way one step gains the next one's power, and shortest paths to the sink.

use std::collections::{BTreeSet, HashMap, HashSet, VecDeque};

use bulkhead_model::Location;
use serde::Serialize;

use crate::defaults::{self, MASTERS};
use crate::model::{BindingKind, Rbac, Rule, Subject, TokenSecret};
use crate::query::{rule_allows, Evidence, QueryOptions, Request, Target};

/// A node of the escalation graph.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(tag = "type", rename_all = "camelCase")]
pub enum NodeKind {
    Identity {
        subject: Subject,
    },
    Workload {
        kind: String,
        namespace: Option<String>,
        name: String,
    },
    /// Code running as any service account of a namespace (by creating a pod there, or
    /// requesting any of its tokens).
    Namespace {
        namespace: String,
    },
    /// Code running as the service accounts of the pods already running in a namespace (by
    /// exec, attach, ephemeral containers, or changing a pod).
    RunningPods {
        namespace: String,
    },
    ClusterAdmin,
}

impl NodeKind {
    /// The id used in the CLI and in outputs: `user:alice`, `sa:ops:backup`,
    /// `pod:payments/api` (any workload kind), `ns:ops`, `pods:ops`, `cluster-admin`.
    pub fn id(&self) -> String {
        match self {
            NodeKind::Identity { subject } => subject.to_string(),
            NodeKind::Workload {
                kind,
                namespace,
                name,
            } => format!(
                "{}:{}/{name}",
                kind.to_lowercase(),
                namespace.as_deref().unwrap_or("<applied-namespace>")
            ),
            NodeKind::Namespace { namespace } => format!("ns:{namespace}"),
            NodeKind::RunningPods { namespace } => format!("pods:{namespace}"),
            NodeKind::ClusterAdmin => "cluster-admin".into(),
        }
    }

    /// Human wording for text output.
    pub fn describe(&self) -> String {
        match self {
            NodeKind::Namespace { namespace } => {
                format!("any service account of namespace {namespace}")
            }
            NodeKind::RunningPods { namespace } => {
                format!("the service accounts of the pods running in {namespace}")
            }
            NodeKind::ClusterAdmin => "cluster-admin (full control of the cluster)".into(),
            other => other.id(),
        }
    }
}

/// Why an edge exists.
#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Step {
    pub from: String,
    pub to: String,
    /// What the step does, in words.
    pub action: String,
    /// The binding, role and rule that grant it (RBAC steps).
    pub evidence: Option<Evidence>,
    /// The other object the step relies on: the workload's `serviceAccountName`, the token
    /// Secret.
    pub location: Option<Location>,
    /// The step is a fact of every cluster (a built-in identity and its built-in binding),
    /// not something the inputs hold.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub builtin: bool,
}

/// What an edge records.
#[derive(Clone, Debug)]
struct StepData {
    action: String,
    evidence: Option<Evidence>,
    location: Option<Location>,
    builtin: bool,
}

/// Verbs, group, resource, subresource, and what allowing them means.
type SinkRule = (
    &'static [&'static str],
    &'static str,
    &'static str,
    Option<&'static str>,
    &'static str,
);

#[derive(Clone, Debug)]
struct Edge {
    to: usize,
    step: usize,
}

/// The escalation graph of an inventory.
#[derive(Debug, Default)]
pub struct Graph {
    pub nodes: Vec<NodeKind>,
    index: HashMap<NodeKind, usize>,
    edges: Vec<Vec<Edge>>,
    steps: Vec<StepData>,
    edge_set: HashSet<(usize, usize)>,
    /// Identity nodes that paths start from (bound subjects, declared service accounts).
    roots: BTreeSet<usize>,
    /// Why a node has no edge one would expect (a workload whose token is not mounted).
    notes: HashMap<usize, String>,
}

/// A shortest path from a start node to cluster-admin.
#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Path {
    pub from: String,
    pub steps: Vec<Step>,
}

const POD_CREATORS: &[(&str, &str)] = &[
    ("", "pods"),
    ("", "replicationcontrollers"),
    ("apps", "deployments"),
    ("apps", "daemonsets"),
    ("apps", "statefulsets"),
    ("apps", "replicasets"),
    ("batch", "jobs"),
    ("batch", "cronjobs"),
];

fn req(verb: &str, group: &str, resource: &str, sub: Option<&str>, name: Option<&str>) -> Request {
    Request {
        verb: verb.into(),
        target: Target::Resource {
            group: group.into(),
            resource: resource.into(),
            subresource: sub.map(str::to_string),
            name: name.map(str::to_string),
        },
        namespace: None,
    }
}

fn allows(rule: &Rule<'_>, verbs: &[&str], group: &str, resource: &str, sub: Option<&str>) -> bool {
    verbs
        .iter()
        .any(|v| rule_allows(rule, &req(v, group, resource, sub, None)))
}

/// Names a rule allows `verb` on (`None`: every name).
fn allowed_names<'r>(
    rule: &'r Rule<'_>,
    verb: &str,
    group: &str,
    resource: &str,
    sub: Option<&str>,
) -> Option<Option<&'r [String]>> {
    if allows(rule, &[verb], group, resource, sub) {
        return Some(None);
    }
    let probe = rule.resource_names.first()?;
    rule_allows(rule, &req(verb, group, resource, sub, Some(probe)))
        .then_some(Some(&rule.resource_names[..]))
}

impl Graph {
    fn node(&mut self, kind: NodeKind) -> usize {
        if let Some(&i) = self.index.get(&kind) {
            return i;
        }
        let i = self.nodes.len();
        self.index.insert(kind.clone(), i);
        self.nodes.push(kind);
        self.edges.push(Vec::new());
        i
    }

    fn edge(
        &mut self,
        from: usize,
        to: usize,
        action: String,
        evidence: Option<Evidence>,
        location: Option<Location>,
    ) {
        self.push_edge(
            from,
            to,
            StepData {
                action,
                evidence,
                location,
                builtin: false,
            },
        );
    }

    fn push_edge(&mut self, from: usize, to: usize, data: StepData) {
        if from == to || !self.edge_set.insert((from, to)) {
            return;
        }
        self.steps.push(data);
        let step = self.steps.len() - 1;
        self.edges[from].push(Edge { to, step });
    }

    pub fn find(&self, kind: &NodeKind) -> Option<usize> {
        self.index.get(kind).copied()
    }

    /// Finds a node by its id (`sa:ns:name`, `user:x`, `group:x`, `pod:ns/name` — a workload
    /// of any kind with that name, or a Deployment whose pods are named `name-...`).
    pub fn find_id(&self, id: &str) -> Option<usize> {
        if let Some(rest) = id
            .strip_prefix("pod:")
            .or_else(|| id.strip_prefix("workload:"))
        {
            let (ns, name) = rest.split_once('/')?;
            let candidates = self.nodes.iter().enumerate().filter_map(|(i, n)| match n {
                NodeKind::Workload {
                    namespace, name: w, ..
                } if namespace.as_deref() == Some(ns) => Some((i, w)),
                _ => None,
            });
            let mut best: Option<(usize, usize)> = None;
            for (i, w) in candidates {
                let score = if w == name {
                    usize::MAX
                } else if name.starts_with(&format!("{w}-")) {
                    w.len()
                } else {
                    continue;
                };
                if best.is_none_or(|(_, s)| score > s) {
                    best = Some((i, score));
                }
            }
            return best.map(|(i, _)| i);
        }
        let subject = Subject::parse(id).ok()?;
        self.find(&NodeKind::Identity { subject })
    }

    /// Every edge as `(from, to, step)` with node indexes into [`Graph::nodes`]: the attack
    /// graph (`bulkhead-paths`) takes these escalation steps over as they are, so RBAC is
    /// modelled once.
    pub fn edges(&self) -> impl Iterator<Item = (usize, usize, Step)> + '_ {
        self.edges
            .iter()
            .enumerate()
            .flat_map(move |(from, edges)| {
                edges.iter().map(move |e| (from, e.to, self.step(from, e)))
            })
    }

    pub fn edge_count(&self) -> usize {
        self.edges.iter().map(Vec::len).sum()
    }

    fn step(&self, from: usize, edge: &Edge) -> Step {
        let data = &self.steps[edge.step];
        Step {
            from: self.nodes[from].id(),
            to: self.nodes[edge.to].id(),
            action: data.action.clone(),
            evidence: data.evidence.clone(),
            location: data.location.clone(),
            builtin: data.builtin,
        }
    }

    /// Why a node lacks an edge one would expect (a workload whose service-account token is
    /// not mounted), if anything is known.
    pub fn note(&self, node: usize) -> Option<&str> {
        self.notes.get(&node).map(String::as_str)
    }

    /// Every root identity that can reach cluster-admin, each with its shortest path, in
    /// order of path length then id. One breadth-first search from the sink over reversed
    /// edges gives every node's distance and next step.
    pub fn paths_to_admin(&self, options: QueryOptions) -> Vec<Path> {
        let Some(sink) = self.find(&NodeKind::ClusterAdmin) else {
            return Vec::new();
        };
        let mut reverse: Vec<Vec<(usize, usize)>> = vec![Vec::new(); self.nodes.len()];
        for (from, edges) in self.edges.iter().enumerate() {
            for (k, e) in edges.iter().enumerate() {
                reverse[e.to].push((from, k));
            }
        }
        // next[n] = (edge index in edges[n]) on a shortest path to the sink.
        let mut next: Vec<Option<usize>> = vec![None; self.nodes.len()];
        let mut dist: Vec<usize> = vec![usize::MAX; self.nodes.len()];
        dist[sink] = 0;
        let mut queue = VecDeque::from([sink]);
        while let Some(n) = queue.pop_front() {
            for &(from, k) in &reverse[n] {
                if dist[from] == usize::MAX {
                    dist[from] = dist[n] + 1;
                    next[from] = Some(k);
                    queue.push_back(from);
                }
            }
        }
        let mut paths: Vec<(usize, String, Path)> = self
            .roots
            .iter()
            .filter(|&&r| dist[r] != usize::MAX && r != sink)
            .filter(|&&r| match &self.nodes[r] {
                NodeKind::Identity { subject } => options.include_defaults || !subject.is_default(),
                _ => true,
            })
            .map(|&r| {
                let mut steps = Vec::new();
                let mut n = r;
                while let Some(k) = next[n] {
                    let edge = &self.edges[n][k];
                    steps.push(self.step(n, edge));
                    n = edge.to;
                }
                let id = self.nodes[r].id();
                (dist[r], id.clone(), Path { from: id, steps })
            })
            .collect();
        paths.sort_by(|a, b| (a.0, &a.1).cmp(&(b.0, &b.1)));
        paths.into_iter().map(|(_, _, p)| p).collect()
    }

    /// The shortest path from one node to cluster-admin, or `None`.
    pub fn path_from(&self, start: usize) -> Option<Path> {
        let sink = self.find(&NodeKind::ClusterAdmin)?;
        let mut parent: Vec<Option<(usize, usize)>> = vec![None; self.nodes.len()];
        let mut seen = vec![false; self.nodes.len()];
        seen[start] = true;
        let mut queue = VecDeque::from([start]);
        while let Some(n) = queue.pop_front() {
            if n == sink {
                break;
            }
            for (k, e) in self.edges[n].iter().enumerate() {
                if !seen[e.to] {
                    seen[e.to] = true;
                    parent[e.to] = Some((n, k));
                    queue.push_back(e.to);
                }
            }
        }
        if !seen[sink] || start == sink {
            return None;
        }
        let mut steps = Vec::new();
        let mut n = sink;
        while let Some((p, k)) = parent[n] {
            steps.push(self.step(p, &self.edges[p][k]));
            n = p;
        }
        steps.reverse();
        Some(Path {
            from: self.nodes[start].id(),
            steps,
        })
    }

    /// Every node reachable from `start` (itself excluded), by id.
    pub fn reachable_from(&self, start: usize) -> Vec<String> {
        let mut seen = vec![false; self.nodes.len()];
        seen[start] = true;
        let mut queue = VecDeque::from([start]);
        let mut out = Vec::new();
        while let Some(n) = queue.pop_front() {
            for e in &self.edges[n] {
                if !seen[e.to] {
                    seen[e.to] = true;
                    out.push(self.nodes[e.to].id());
                    queue.push_back(e.to);
                }
            }
        }
        out
    }
}

/// Paths as a Graphviz digraph.
pub fn to_dot(paths: &[Path]) -> String {
    let mut out = String::from("digraph escalation {\n  rankdir=LR;\n  \"cluster-admin\" [shape=doubleoctagon, color=red];\n");
    let mut seen = BTreeSet::new();
    for path in paths {
        for step in &path.steps {
            let line = format!(
                "  \"{}\" -> \"{}\" [label=\"{}\"];\n",
                escape(&step.from),
                escape(&step.to),
                escape(&step.action)
            );
            if seen.insert(line.clone()) {
                out.push_str(&line);
            }
        }
    }
    out.push_str("}\n");
    out
}

fn escape(s: &str) -> String {
    s.replace('\\', "\\\\").replace('"', "\\\"")
}

/// The first half of CSR approval: update (or patch) on `certificatesigningrequests/approval`.
pub fn approves_csrs(rule: &Rule<'_>) -> bool {
    allows(
        rule,
        &["update", "patch"],
        "certificates.k8s.io",
        "certificatesigningrequests",
        Some("approval"),
    )
}

/// The second half: `approve` on the signer that issues client certificates the API server
/// trusts for any user and group (`kubernetes.io/kube-apiserver-client`), by name, by the
/// `kubernetes.io/*` domain wildcard, or for every signer.
pub fn approves_client_signer(rule: &Rule<'_>) -> bool {
    match allowed_names(rule, "approve", "certificates.k8s.io", "signers", None) {
        Some(None) => true,
        Some(Some(names)) => names
            .iter()
            .any(|n| n == "kubernetes.io/kube-apiserver-client" || n == "kubernetes.io/*"),
        None => false,
    }
}

impl Rbac<'_> {
    /// Builds the escalation graph. Built-in default bindings to built-in subjects are left
    /// out unless `options.include_defaults`.
    pub fn graph(&self, options: QueryOptions) -> Graph {
        let mut g = Graph::default();
        let sink = g.node(NodeKind::ClusterAdmin);

        // Service accounts per namespace: declared, used by workloads, bound as subjects,
        // and every namespace's `default`.
        let mut accounts: BTreeSet<(String, String)> = BTreeSet::new();
        let mut namespaces: BTreeSet<String> = BTreeSet::new();
        for sa in &self.service_accounts {
            if let Some(ns) = &sa.namespace {
                accounts.insert((ns.clone(), sa.name.clone()));
            }
        }
        for w in &self.workloads {
            if let Some(ns) = &w.namespace {
                accounts.insert((ns.clone(), w.service_account.clone()));
            }
        }
        for b in self.bindings.iter().filter(|b| !b.shadowed) {
            namespaces.extend(b.namespace.clone());
            for (s, _) in &b.subjects {
                if let Subject::ServiceAccount {
                    namespace: Some(ns),
                    name,
                } = s
                {
                    accounts.insert((ns.clone(), name.clone()));
                }
            }
        }
        namespaces.extend(accounts.iter().map(|(ns, _)| ns.clone()));
        // Every cluster has kube-system and the controllers' service accounts in it, whether
        // the inputs hold them or not.
        namespaces.insert(defaults::KUBE_SYSTEM.to_string());
        for identity in defaults::BUILTIN_IDENTITIES {
            accounts.insert((defaults::KUBE_SYSTEM.to_string(), identity.name.to_string()));
        }
        for ns in &namespaces {
            accounts.insert((ns.clone(), "default".into()));
        }
        let mut by_namespace: HashMap<&str, Vec<usize>> = HashMap::new();
        for (ns, name) in &accounts {
            let sa = g.node(NodeKind::Identity {
                subject: Subject::service_account(ns, name),
            });
            g.roots.insert(sa);
            by_namespace.entry(ns).or_default().push(sa);
        }
        for ns in &namespaces {
            let node = g.node(NodeKind::Namespace {
                namespace: ns.clone(),
            });
            for &sa in by_namespace
                .get(ns.as_str())
                .map(Vec::as_slice)
                .unwrap_or(&[])
            {
                let name = g.nodes[sa].id();
                g.edge(
                    node,
                    sa,
                    format!(
                        "a pod created in {ns} can run as {name}, or its token can be requested"
                    ),
                    None,
                    None,
                );
            }
        }
        for identity in defaults::BUILTIN_IDENTITIES {
            let sa = g.node(NodeKind::Identity {
                subject: Subject::service_account(defaults::KUBE_SYSTEM, identity.name),
            });
            g.push_edge(
                sa,
                sink,
                StepData {
                    action: format!(
                        "built in (every cluster has it, whether the inputs hold it or not): {}",
                        identity.power
                    ),
                    evidence: None,
                    location: None,
                    builtin: true,
                },
            );
        }
        // Workloads run as their service accounts; running pods of a namespace are their SAs.
        // A workload whose token is not mounted hands nothing over when compromised.
        for w in &self.workloads {
            let Some(ns) = &w.namespace else { continue };
            let node = g.node(NodeKind::Workload {
                kind: w.object.kind.clone(),
                namespace: w.namespace.clone(),
                name: w.object.name.clone(),
            });
            let sa = g.node(NodeKind::Identity {
                subject: Subject::service_account(ns, &w.service_account),
            });
            if !w.token.mounted() {
                g.notes.insert(
                    node,
                    format!(
                        "its service-account token is not mounted ({}): compromising it does not hand over {}",
                        w.token.reason(),
                        g.nodes[sa].id()
                    ),
                );
                continue;
            }
            let location = Some(w.object.locate(&w.pointer));
            g.edge(
                node,
                sa,
                format!("runs as service account {}", w.service_account),
                None,
                location.clone(),
            );
            let pods = g.node(NodeKind::RunningPods {
                namespace: ns.clone(),
            });
            g.edge(
                pods,
                sa,
                format!(
                    "{} {} runs as {}",
                    w.object.kind, w.object.name, w.service_account
                ),
                None,
                location,
            );
        }

        // Implicit group memberships, to the groups that are bound.
        let bound_groups: BTreeSet<String> = self
            .bindings
            .iter()
            .filter(|b| !b.shadowed)
            .flat_map(|b| b.subjects.iter())
            .filter_map(|(s, _)| match s {
                Subject::Group { name } => Some(name.clone()),
                _ => None,
            })
            .collect();
        if bound_groups.contains(MASTERS) {
            let masters = g.node(NodeKind::Identity {
                subject: Subject::group(MASTERS),
            });
            g.edge(
                masters,
                sink,
                "system:masters bypasses RBAC".into(),
                None,
                None,
            );
        }
        let identities: Vec<usize> = (0..g.nodes.len())
            .filter(|&i| matches!(g.nodes[i], NodeKind::Identity { .. }))
            .collect();
        let mut users: BTreeSet<Subject> = BTreeSet::new();
        for b in self.bindings.iter().filter(|b| !b.shadowed) {
            for (s, _) in &b.subjects {
                if matches!(s, Subject::User { .. }) {
                    users.insert(s.clone());
                }
            }
        }
        let user_nodes: Vec<usize> = users
            .into_iter()
            .map(|subject| g.node(NodeKind::Identity { subject }))
            .collect();
        for &n in identities.iter().chain(&user_nodes) {
            let NodeKind::Identity { subject } = g.nodes[n].clone() else {
                continue;
            };
            g.roots.insert(n);
            for group in subject.implicit_groups() {
                if bound_groups.contains(&group) {
                    let gn = g.node(NodeKind::Identity {
                        subject: Subject::group(&group),
                    });
                    g.edge(n, gn, format!("member of {group}"), None, None);
                }
            }
        }

        // RBAC edges.
        let mut token_secrets: HashMap<&str, Vec<&TokenSecret<'_>>> = HashMap::new();
        for secret in &self.token_secrets {
            if let Some(ns) = &secret.namespace {
                token_secrets.entry(ns).or_default().push(secret);
            }
        }
        let all_namespaces: Vec<String> = namespaces.iter().cloned().collect();
        // CSR approval needs two halves, which may come from different rules and bindings:
        // per subject node, the evidence of each half.
        let mut csr: HashMap<usize, (Option<Evidence>, Option<Evidence>)> = HashMap::new();
        for binding in self.bindings.iter().filter(|b| !b.shadowed) {
            let Some(role) = self.role_of(binding) else {
                continue;
            };
            let subjects: Vec<(usize, usize)> = binding
                .subjects
                .iter()
                .filter(|(s, _)| {
                    options.include_defaults
                        || !((binding.default
                            || (role.default && role.name.starts_with("system:")))
                            && s.is_default())
                })
                .map(|(s, i)| {
                    let n = g.node(NodeKind::Identity { subject: s.clone() });
                    g.roots.insert(n);
                    (n, *i)
                })
                .collect();
            if subjects.is_empty() {
                continue;
            }
            let scope: Vec<String> = match binding.kind {
                BindingKind::ClusterRoleBinding => all_namespaces.clone(),
                BindingKind::RoleBinding => match &binding.namespace {
                    Some(ns) => vec![ns.clone()],
                    None => continue,
                },
            };
            let cluster = binding.kind == BindingKind::ClusterRoleBinding;
            for rule in &role.rules {
                if cluster {
                    let approval = approves_csrs(rule);
                    let signer = approves_client_signer(rule);
                    for &(from, index) in &subjects {
                        let entry = csr.entry(from).or_default();
                        let evidence =
                            || Some(Evidence::new(binding, index, &role.display(), Some(rule)));
                        if approval && entry.0.is_none() {
                            entry.0 = evidence();
                        }
                        if signer && entry.1.is_none() {
                            entry.1 = evidence();
                        }
                    }
                }
                let targets =
                    self.rule_targets(&mut g, rule, &scope, cluster, sink, &token_secrets);
                if targets.is_empty() {
                    continue;
                }
                for &(from, index) in &subjects {
                    let evidence = Evidence::new(binding, index, &role.display(), Some(rule));
                    for (target, action, location) in &targets {
                        g.edge(
                            from,
                            *target,
                            action.clone(),
                            Some(evidence.clone()),
                            location.clone(),
                        );
                    }
                }
            }
        }
        let mut csr: Vec<_> = csr.into_iter().collect();
        csr.sort_by_key(|(from, _)| *from);
        for (from, halves) in csr {
            if let (Some(approval), Some(signer)) = halves {
                g.edge(
                    from,
                    sink,
                    format!(
                        "can approve certificate signing requests for the kube-apiserver-client signer (a client certificate for system:masters): update on certificatesigningrequests/approval, and approve on signers through {} → {}",
                        signer.binding, signer.role
                    ),
                    Some(approval),
                    None,
                );
            }
        }
        g
    }

    /// The nodes one rule leads to, within a binding's scope.
    fn rule_targets(
        &self,
        g: &mut Graph,
        rule: &Rule<'_>,
        scope: &[String],
        cluster: bool,
        sink: usize,
        token_secrets: &HashMap<&str, Vec<&TokenSecret<'_>>>,
    ) -> Vec<(usize, String, Option<Location>)> {
        let mut out = Vec::new();
        let where_ = |ns: &str| {
            if cluster {
                "cluster-wide".to_string()
            } else {
                format!("in {ns}")
            }
        };
        let full = rule.verbs.iter().any(|v| v == "*")
            && rule.resources.iter().any(|r| r == "*")
            && rule.api_groups.iter().any(|r| r == "*")
            && rule.resource_names.is_empty();
        if full && cluster {
            out.push((
                sink,
                "has every verb on every resource cluster-wide".into(),
                None,
            ));
            return out;
        }
        if cluster {
            let sink_rules: &[SinkRule] = &[
                (&["escalate", "bind"], "rbac.authorization.k8s.io", "clusterroles", None, "can escalate or bind ClusterRoles cluster-wide"),
                (&["create", "update", "patch"], "admissionregistration.k8s.io", "mutatingwebhookconfigurations", None, "can register a mutating webhook that rewrites every pod"),
                (&["create", "update", "patch"], "admissionregistration.k8s.io", "validatingwebhookconfigurations", None, "can register a validating webhook that sees every request"),
                (&["get", "create"], "", "nodes", Some("proxy"), "can reach the kubelet API through nodes/proxy (run commands in any pod, unaudited)"),
                (&["create", "update", "patch"], "rbac.authorization.k8s.io", "clusterrolebindings", None, "can write ClusterRoleBindings"),
            ];
            for (verbs, group, resource, sub, action) in sink_rules {
                if allows(rule, verbs, group, resource, *sub) {
                    let bind_only = *resource == "clusterrolebindings";
                    // Writing bindings alone is checked against the writer's own rights; it
                    // escalates only together with `bind` (reported by the escalate/bind line).
                    if !bind_only {
                        out.push((sink, action.to_string(), None));
                    }
                }
            }
            for (resource, sub_kind) in [("users", "user"), ("groups", "group")] {
                if let Some(names) = allowed_names(rule, "impersonate", "", resource, None) {
                    match names {
                        None => out.push((
                            sink,
                            format!("can impersonate any {sub_kind} (system:masters included)"),
                            None,
                        )),
                        Some(names) => {
                            for name in names {
                                let subject = if sub_kind == "user" {
                                    Subject::user(name)
                                } else {
                                    Subject::group(name)
                                };
                                if sub_kind == "group" && name == MASTERS {
                                    out.push((
                                        sink,
                                        "can impersonate group system:masters".into(),
                                        None,
                                    ));
                                    continue;
                                }
                                let n = g.node(NodeKind::Identity { subject });
                                out.push((n, format!("can impersonate {sub_kind} {name}"), None));
                            }
                        }
                    }
                }
            }
        }
        // What the rule allows, decided once; the namespaces of the scope only multiply it.
        let pod_create = POD_CREATORS
            .iter()
            .find(|(g_, r)| allows(rule, &["create"], g_, r, None))
            .map(|(g_, r)| {
                if g_.is_empty() {
                    r.to_string()
                } else {
                    format!("{r}.{g_}")
                }
            });
        let ns_escalate = !cluster
            && allows(
                rule,
                &["escalate", "bind"],
                "rbac.authorization.k8s.io",
                "roles",
                None,
            );
        let exec = allows(rule, &["create", "get"], "", "pods", Some("exec"))
            || allows(rule, &["create", "get"], "", "pods", Some("attach"))
            || allows(
                rule,
                &["update", "patch"],
                "",
                "pods",
                Some("ephemeralcontainers"),
            )
            || allows(rule, &["update", "patch"], "", "pods", None);
        let token = allowed_names(rule, "create", "", "serviceaccounts", Some("token"));
        let impersonate_sa = allowed_names(rule, "impersonate", "", "serviceaccounts", None);
        let list = allows(rule, &["list", "watch"], "", "secrets", None);
        let get = allowed_names(rule, "get", "", "secrets", None);
        if !full
            && pod_create.is_none()
            && !ns_escalate
            && !exec
            && token.is_none()
            && impersonate_sa.is_none()
            && !list
            && get.is_none()
        {
            return out;
        }
        for ns in scope {
            let ns_node = || NodeKind::Namespace {
                namespace: ns.clone(),
            };
            if full {
                out.push((
                    g.node(ns_node()),
                    format!("has every permission {}", where_(ns)),
                    None,
                ));
                continue;
            }
            if let Some(what) = &pod_create {
                out.push((
                    g.node(ns_node()),
                    format!("can create {what} {}", where_(ns)),
                    None,
                ));
            }
            if ns_escalate {
                out.push((
                    g.node(ns_node()),
                    format!("can escalate or bind roles in {ns} (any permission there)"),
                    None,
                ));
            }
            if exec {
                let n = g.node(NodeKind::RunningPods {
                    namespace: ns.clone(),
                });
                out.push((
                    n,
                    format!("can exec into, attach to or change pods {}", where_(ns)),
                    None,
                ));
            }
            if let Some(names) = token {
                match names {
                    None => out.push((
                        g.node(ns_node()),
                        format!("can request a token for any service account {}", where_(ns)),
                        None,
                    )),
                    Some(names) => {
                        for name in names {
                            let n = g.node(NodeKind::Identity {
                                subject: Subject::service_account(ns, name),
                            });
                            out.push((n, format!("can request a token for {ns}/{name}"), None));
                        }
                    }
                }
            }
            if let Some(names) = impersonate_sa {
                match names {
                    None => out.push((
                        g.node(ns_node()),
                        format!("can impersonate any service account {}", where_(ns)),
                        None,
                    )),
                    Some(names) => {
                        for name in names {
                            let n = g.node(NodeKind::Identity {
                                subject: Subject::service_account(ns, name),
                            });
                            out.push((n, format!("can impersonate {ns}/{name}"), None));
                        }
                    }
                }
            }
            if list || get.is_some() {
                for secret in token_secrets
                    .get(ns.as_str())
                    .map(Vec::as_slice)
                    .unwrap_or(&[])
                {
                    let readable = list
                        || match get {
                            Some(None) => true,
                            Some(Some(names)) => names.contains(&secret.name),
                            None => false,
                        };
                    if !readable {
                        continue;
                    }
                    let n = g.node(NodeKind::Identity {
                        subject: Subject::service_account(ns, &secret.service_account),
                    });
                    let verb = if list { "list" } else { "get" };
                    out.push((
                        n,
                        format!(
                            "can {verb} secrets {}: reads token secret {ns}/{} of service account {}",
                            where_(ns),
                            secret.name,
                            secret.service_account
                        ),
                        Some(secret.object.locate("/type")),
                    ));
                }
            }
        }
        out
    }
}
