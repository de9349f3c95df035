//! Attack-path scenarios, in the style of the NetworkPolicy truth tables: one small world per
//! scenario, variants that change one thing, and for each variant the path found from the
//! internet (or "none"). Each table is asserted row by row and kept as a reviewed snapshot
//! with the evidence of the first path.
//!
//! The world: namespace `shop` with an exposed `web` (a LoadBalancer Service, container port
//! 8080, no token of its own) and whatever the scenario adds.

use bulkhead_checks::rules::attack_paths::facts;
use bulkhead_checks::{Context, Options};
use bulkhead_model::{load_text, Inventory, Limits};
use bulkhead_paths::{AttackGraph, Found, Start, Target};

/// A workload of `kind` with one container; `extra` is YAML indented for the pod spec.
fn workload(
    kind: &str,
    ns: &str,
    name: &str,
    port: Option<u16>,
    spec: &str,
    container: &str,
) -> String {
    let api = if kind == "Pod" { "v1" } else { "apps/v1" };
    let ports = port
        .map(|p| format!("\n          ports:\n            - containerPort: {p}"))
        .unwrap_or_default();
    let body = format!(
        "      containers:\n        - name: {name}\n          image: registry.example/{name}:1{ports}{container}\n{spec}"
    );
    format!(
        "apiVersion: {api}\nkind: {kind}\nmetadata:\n  name: {name}\n  namespace: {ns}\nspec:\n  selector:\n    matchLabels: {{app: {name}}}\n  template:\n    metadata:\n      labels: {{app: {name}}}\n    spec:\n{body}---\n"
    )
}

/// The exposed front end; `spec` and `container` add to its pod spec and container.
fn web(spec: &str, container: &str) -> String {
    let service = "apiVersion: v1\nkind: Service\nmetadata:\n  name: web\n  namespace: shop\nspec:\n  type: LoadBalancer\n  selector: {app: web}\n  ports:\n    - port: 80\n      targetPort: 8080\n---\n";
    let spec = format!("      automountServiceAccountToken: false\n{spec}");
    service.to_string() + &workload("Deployment", "shop", "web", Some(8080), &spec, container)
}

fn admin_binding(ns: &str, sa: &str) -> String {
    format!(
        "apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRoleBinding\nmetadata:\n  name: {sa}-admin\nsubjects:\n  - kind: ServiceAccount\n    name: {sa}\n    namespace: {ns}\nroleRef:\n  kind: ClusterRole\n  name: cluster-admin\n  apiGroup: rbac.authorization.k8s.io\n---\n"
    )
}

const PRIVILEGED: &str = "\n          securityContext:\n            privileged: true";
const NO_TOKEN: &str = "      automountServiceAccountToken: false\n";

const DEFAULT_DENY_INGRESS: &str = "apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata:\n  name: default-deny\n  namespace: shop\nspec:\n  podSelector: {}\n  policyTypes: [Ingress]\n---\n";

const WEB_FROM_ANYWHERE: &str = "apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata:\n  name: web-from-anywhere\n  namespace: shop\nspec:\n  podSelector:\n    matchLabels: {app: web}\n  policyTypes: [Ingress]\n  ingress:\n    - from:\n        - ipBlock: {cidr: 0.0.0.0/0}\n      ports:\n        - port: 8080\n---\n";

fn search(yaml: &str, targets: &[Target]) -> Found {
    let loaded = load_text("world.yaml", yaml, &Limits::default());
    assert!(loaded.errors.is_empty(), "{:?}\n{yaml}", loaded.errors);
    let inventory = Inventory::new(loaded.objects);
    let options = Options::default();
    let cx = Context::new(&inventory, &options);
    let facts = facts(&cx);
    let graph = AttackGraph::build(&inventory, cx.rbac(), cx.network(), &facts);
    graph
        .search(&Start::Internet, targets)
        .expect("the internet is always a start")
}

/// `internet → a → b → target`, or `none`.
fn route(found: &Found) -> String {
    match found.paths.first() {
        None => "none".into(),
        Some(p) => std::iter::once("internet")
            .chain(p.steps.iter().map(|s| s.to.as_str()))
            .collect::<Vec<_>>()
            .join(" → "),
    }
}

/// Runs every variant, checks each against its expected route, and renders the table with
/// the first path's steps and cuts for review.
fn table(name: &str, targets: &[Target], rows: &[(&str, String, &str)]) -> String {
    let mut out = format!("scenario: {name}\n");
    for (variant, yaml, expected) in rows {
        let found = search(yaml, targets);
        let got = route(&found);
        assert_eq!(&got, expected, "{name} / {variant}");
        out.push_str(&format!("\n{variant}:\n  {got}\n"));
        if let Some(p) = found.paths.first() {
            for (i, s) in p.steps.iter().enumerate() {
                out.push_str(&format!("  {}. {} {}\n", i + 1, s.kind.name(), s.action));
                for e in &s.evidence {
                    let at = e
                        .location
                        .as_ref()
                        .map(|l| format!(" @{}:{}", l.position.line, l.position.column))
                        .unwrap_or_default();
                    let check = e
                        .check
                        .as_deref()
                        .map(|c| format!("{c} "))
                        .unwrap_or_default();
                    out.push_str(&format!("       {check}{}{at}\n", e.text));
                }
            }
            for c in &p.cuts {
                out.push_str(&format!("  cut by step {}: {}\n", c.step, c.fix));
            }
        }
    }
    out
}

#[test]
fn a_default_deny_cuts_the_flat_namespace() {
    // `api` serves 8443 and runs as a service account bound to cluster-admin.
    let api = workload(
        "Deployment",
        "shop",
        "api",
        Some(8443),
        "      serviceAccountName: api\n",
        "",
    ) + &admin_binding("shop", "api");
    let base = web("", "") + &api;
    let rows = [
        (
            "no policy in shop",
            base.clone(),
            "internet → deployment:shop/web → deployment:shop/api → sa:shop:api → cluster-admin",
        ),
        (
            "default-deny ingress in shop",
            base.clone() + DEFAULT_DENY_INGRESS,
            "none",
        ),
        (
            "default-deny, web open to the internet on 8080",
            base.clone() + DEFAULT_DENY_INGRESS + WEB_FROM_ANYWHERE,
            "none",
        ),
        (
            "api serves nothing web could connect to",
            web("", "")
                + &workload(
                    "Deployment",
                    "shop",
                    "api",
                    None,
                    "      serviceAccountName: api\n",
                    "",
                )
                + &admin_binding("shop", "api"),
            "none",
        ),
    ];
    insta::assert_snapshot!(table("default-deny", &[Target::ClusterAdmin], &rows));
}

#[test]
fn a_privileged_daemonset_is_the_way_to_the_node() {
    // The agent serves 9100 on every node and runs privileged; `runner` holds a cluster-admin
    // token and serves nothing, so the only way to it is through a node.
    let runner = workload(
        "Deployment",
        "ci",
        "runner",
        None,
        "      serviceAccountName: runner\n",
        "",
    ) + &admin_binding("ci", "runner");
    let agent = |container: &str| {
        workload(
            "DaemonSet",
            "monitoring",
            "agent",
            Some(9100),
            NO_TOKEN,
            container,
        )
    };
    let rows = [
        (
            "privileged agent",
            web("", "") + &agent(PRIVILEGED) + &runner,
            "internet → deployment:shop/web → daemonset:monitoring/agent → node:* → sa:ci:runner → cluster-admin",
        ),
        ("unprivileged agent", web("", "") + &agent("") + &runner, "none"),
    ];
    insta::assert_snapshot!(table(
        "privileged-daemonset",
        &[Target::ClusterAdmin],
        &rows
    ));
}

#[test]
fn a_token_on_a_shared_node() {
    // The exposed web runs privileged; a DaemonSet's cluster-admin token is on every node, a
    // Deployment's only on the nodes it may be scheduled to.
    let daemonset = workload(
        "DaemonSet",
        "kube-system",
        "cni",
        None,
        "      serviceAccountName: cni\n",
        "",
    ) + &admin_binding("kube-system", "cni");
    let pinned = |node: &str| {
        workload(
            "Deployment",
            "ops",
            "deployer",
            None,
            &format!("      serviceAccountName: deployer\n      nodeName: {node}\n"),
            "",
        ) + &admin_binding("ops", "deployer")
    };
    let rows = [
        (
            "a DaemonSet's token",
            web("", PRIVILEGED) + &daemonset,
            "internet → deployment:shop/web → node:* → sa:kube-system:cni → cluster-admin",
        ),
        (
            "web pinned to edge-1, the token pinned to core-1",
            web("      nodeName: edge-1\n", PRIVILEGED) + &pinned("core-1"),
            "none",
        ),
        (
            "both pinned to core-1",
            web("      nodeName: core-1\n", PRIVILEGED) + &pinned("core-1"),
            "internet → deployment:shop/web → node:core-1 → sa:ops:deployer → cluster-admin",
        ),
        (
            "web unpinned: it may land on core-1",
            web("", PRIVILEGED) + &pinned("core-1"),
            "internet → deployment:shop/web → node:* → sa:ops:deployer → cluster-admin",
        ),
    ];
    insta::assert_snapshot!(table("shared-node", &[Target::ClusterAdmin], &rows));
}

#[test]
fn automount_false_cuts_the_token() {
    let exposed = |spec: &str| {
        let service = "apiVersion: v1\nkind: Service\nmetadata:\n  name: web\n  namespace: shop\nspec:\n  type: NodePort\n  selector: {app: web}\n  ports:\n    - port: 80\n      targetPort: 8080\n---\n";
        service.to_string()
            + &workload(
                "Deployment",
                "shop",
                "web",
                Some(8080),
                &format!("      serviceAccountName: web\n{spec}"),
                "",
            )
            + &admin_binding("shop", "web")
    };
    let rows = [
        (
            "token mounted",
            exposed(""),
            "internet → deployment:shop/web → sa:shop:web → cluster-admin",
        ),
        (
            "automountServiceAccountToken: false",
            exposed(NO_TOKEN),
            "none",
        ),
    ];
    insta::assert_snapshot!(table("automount", &[Target::ClusterAdmin], &rows));
}

#[test]
fn cloud_metadata_needs_egress_to_it() {
    let egress = "apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata:\n  name: no-metadata\n  namespace: shop\nspec:\n  podSelector: {}\n  policyTypes: [Egress]\n  egress:\n    - to:\n        - ipBlock: {cidr: 0.0.0.0/0, except: [169.254.169.254/32]}\n---\n";
    let rows = [
        (
            "no egress policy",
            web("", ""),
            "internet → deployment:shop/web → cloud-metadata",
        ),
        (
            "egress excepts 169.254.169.254",
            web("", "") + egress,
            "none",
        ),
        (
            "hostNetwork ignores egress policies",
            web("      hostNetwork: true\n", "") + egress,
            "internet → deployment:shop/web → cloud-metadata",
        ),
    ];
    insta::assert_snapshot!(table("cloud-metadata", &[Target::CloudMetadata], &rows));
}

#[test]
fn the_fix_that_cuts_most_paths_comes_first() {
    // Two exposed front ends reach the same privileged exporter: hardening the exporter cuts
    // both paths to the node, narrowing either front end only one.
    let second = "apiVersion: v1\nkind: Service\nmetadata:\n  name: shop-admin\n  namespace: shop\nspec:\n  type: LoadBalancer\n  selector: {app: shop-admin}\n  ports:\n    - port: 80\n      targetPort: 8080\n---\n"
        .to_string()
        + &workload("Deployment", "shop", "shop-admin", Some(8080), NO_TOKEN, "");
    let exporter = workload(
        "Deployment",
        "shop",
        "exporter",
        Some(9100),
        NO_TOKEN,
        PRIVILEGED,
    );
    let found = search(&(web("", "") + &second + &exporter), &[Target::Node]);
    let entries: Vec<_> = found
        .paths
        .iter()
        .filter_map(|p| p.entry.as_deref())
        .collect();
    // The exporter has no way in of its own, so each front end is one entry point.
    assert_eq!(
        entries,
        ["deployment:shop/shop-admin", "deployment:shop/web"],
        "{found:#?}"
    );
    let first = &found.fixes[0];
    assert_eq!(first.paths, [0, 1]);
    assert!(first.fix.contains("exporter"), "{}", first.fix);
    for p in &found.paths {
        assert_eq!(p.cuts[0].cuts, 2, "{:#?}", p.cuts);
        assert_eq!(p.cuts.last().map(|c| c.cuts), Some(1));
    }
}

/// A Node object with labels and taints (YAML flow mappings/sequences, or empty).
fn node(name: &str, labels: &str, taints: &str) -> String {
    let taints = if taints.is_empty() {
        String::new()
    } else {
        format!("spec:\n  taints: {taints}\n")
    };
    format!(
        "apiVersion: v1\nkind: Node\nmetadata:\n  name: {name}\n  labels: {{kubernetes.io/hostname: {name}{labels}}}\n{taints}---\n"
    )
}

#[test]
fn the_scheduler_constraints_decide_which_tokens_share_a_node() {
    // The exposed web runs privileged (its node is the attacker's) and `deployer` holds a
    // cluster-admin token. With Node objects in the inputs, the token is only on the nodes
    // deployer's nodeSelector, required affinity and tolerations admit; without them, any
    // unpinned pod may share web's node.
    let deployer = |spec: &str| {
        workload(
            "Deployment",
            "ops",
            "deployer",
            None,
            &format!("      serviceAccountName: deployer\n{spec}"),
            "",
        ) + &admin_binding("ops", "deployer")
    };
    let edge_only = "      nodeSelector: {pool: edge}\n";
    let core_only = "      nodeSelector: {pool: core}\n";
    let core_affinity = "      affinity:\n        nodeAffinity:\n          requiredDuringSchedulingIgnoredDuringExecution:\n            nodeSelectorTerms:\n              - matchExpressions:\n                  - {key: pool, operator: In, values: [core]}\n";
    let not_edge_affinity = "      affinity:\n        nodeAffinity:\n          requiredDuringSchedulingIgnoredDuringExecution:\n            nodeSelectorTerms:\n              - matchExpressions:\n                  - {key: pool, operator: NotIn, values: [edge]}\n";
    let tolerates_ops = "      tolerations:\n        - {key: dedicated, operator: Equal, value: ops, effect: NoSchedule}\n";
    let tolerates_all = "      tolerations:\n        - {operator: Exists}\n";
    let nodes = node("edge-1", ", pool: edge", "") + &node("core-1", ", pool: core", "");
    let tainted = node("edge-1", ", pool: edge", "")
        + &node(
            "ops-1",
            ", pool: ops",
            "[{key: dedicated, value: ops, effect: NoSchedule}]",
        );
    let prefer = node("edge-1", ", pool: edge", "")
        + &node(
            "ops-1",
            ", pool: ops",
            "[{key: dedicated, value: ops, effect: PreferNoSchedule}]",
        );
    let web_edge = || web(edge_only, PRIVILEGED);
    let rows = [
        (
            "nodes unknown: deployer may land anywhere",
            web(edge_only, PRIVILEGED) + &deployer(core_only),
            "internet → deployment:shop/web → node:* → sa:ops:deployer → cluster-admin",
        ),
        (
            "web on edge, deployer on core (nodeSelector)",
            web_edge() + &deployer(core_only) + &nodes,
            "none",
        ),
        (
            "both on edge",
            web_edge() + &deployer(edge_only) + &nodes,
            "internet → deployment:shop/web → node:edge-1 → sa:ops:deployer → cluster-admin",
        ),
        (
            "deployer unconstrained shares edge-1",
            web_edge() + &deployer("") + &nodes,
            "internet → deployment:shop/web → node:edge-1 → sa:ops:deployer → cluster-admin",
        ),
        (
            "deployer's required affinity keeps it on core",
            web_edge() + &deployer(core_affinity) + &nodes,
            "none",
        ),
        (
            "deployer's affinity only excludes edge",
            web_edge() + &deployer(not_edge_affinity) + &nodes,
            "none",
        ),
        (
            "web unconstrained may land on core-1 beside deployer",
            web("", PRIVILEGED) + &deployer(core_affinity) + &nodes,
            "internet → deployment:shop/web → node:core-1 → sa:ops:deployer → cluster-admin",
        ),
        (
            "web tainted off ops-1, deployer only there",
            web("", PRIVILEGED)
                + &deployer(&format!(
                    "      nodeSelector: {{pool: ops}}\n{tolerates_ops}"
                ))
                + &tainted,
            "none",
        ),
        (
            "web tolerates every taint",
            web(tolerates_all, PRIVILEGED)
                + &deployer(&format!(
                    "      nodeSelector: {{pool: ops}}\n{tolerates_ops}"
                ))
                + &tainted,
            "internet → deployment:shop/web → node:ops-1 → sa:ops:deployer → cluster-admin",
        ),
        (
            "PreferNoSchedule does not keep web off",
            web("", PRIVILEGED) + &deployer("      nodeSelector: {pool: ops}\n") + &prefer,
            "internet → deployment:shop/web → node:ops-1 → sa:ops:deployer → cluster-admin",
        ),
    ];
    insta::assert_snapshot!(table("node-placement", &[Target::ClusterAdmin], &rows));
}

#[test]
fn a_daemonset_follows_its_node_selector_and_the_taints() {
    // A cluster-admin DaemonSet token is on every node it may run on: its nodeSelector and
    // tolerations count, the node-condition taints it tolerates by default do not.
    let cni = |spec: &str| {
        workload(
            "DaemonSet",
            "kube-system",
            "cni",
            None,
            &format!("      serviceAccountName: cni\n{spec}"),
            "",
        ) + &admin_binding("kube-system", "cni")
    };
    let edge = "      nodeSelector: {pool: edge}\n";
    let nodes = node("edge-1", ", pool: edge", "")
        + &node(
            "gpu-1",
            ", pool: gpu",
            "[{key: nvidia.com/gpu, effect: NoSchedule}]",
        );
    let not_ready = node(
        "edge-1",
        ", pool: edge",
        "[{key: node.kubernetes.io/not-ready, effect: NoExecute}]",
    );
    let rows = [
        (
            "the agent everywhere, web on edge",
            web(edge, PRIVILEGED) + &cni("") + &nodes,
            "internet → deployment:shop/web → node:edge-1 → sa:kube-system:cni → cluster-admin",
        ),
        (
            "the agent only on gpu nodes (it tolerates their taint)",
            web(edge, PRIVILEGED)
                + &cni("      nodeSelector: {pool: gpu}\n      tolerations: [{key: nvidia.com/gpu, operator: Exists}]\n")
                + &nodes,
            "none",
        ),
        (
            "a not-ready node still runs the agent (web tolerates everything)",
            web("      tolerations: [{operator: Exists}]\n", PRIVILEGED) + &cni("") + &not_ready,
            "internet → deployment:shop/web → node:edge-1 → sa:kube-system:cni → cluster-admin",
        ),
        (
            "a deployment that does not tolerate the not-ready taint stays off",
            web("", PRIVILEGED) + &cni("") + &not_ready,
            "none",
        ),
    ];
    insta::assert_snapshot!(table("daemonset-placement", &[Target::ClusterAdmin], &rows));
}

#[test]
fn egress_policies_narrow_the_lateral_step() {
    // `api` serves 8443 with a cluster-admin token; what web's egress allows decides whether
    // web can take the lateral step (the search skips classes by their egress peers and
    // ports before computing any connection: each row checks one of those shortcuts).
    let api = workload(
        "Deployment",
        "shop",
        "api",
        Some(8443),
        "      serviceAccountName: api\n",
        "",
    ) + &admin_binding("shop", "api");
    let egress = |rules: &str| {
        format!("apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata:\n  name: web-egress\n  namespace: shop\nspec:\n  podSelector:\n    matchLabels: {{app: web}}\n  policyTypes: [Egress]\n  egress:\n{rules}---\n")
    };
    let dns = "    - ports: [{protocol: UDP, port: 53}, {protocol: TCP, port: 53}]\n";
    let ip_block = "    - to: [{ipBlock: {cidr: 10.0.0.0/8}}]\n";
    let to_api =
        "    - to: [{podSelector: {matchLabels: {app: api}}}]\n      ports: [{port: 8443}]\n";
    let to_api_other_port =
        "    - to: [{podSelector: {matchLabels: {app: api}}}]\n      ports: [{port: 9000}]\n";
    let base = web("", "") + &api;
    let rows = [
        (
            "egress open",
            base.clone(),
            "internet → deployment:shop/web → deployment:shop/api → sa:shop:api → cluster-admin",
        ),
        (
            "egress shut (no rule)",
            base.clone() + &egress("    []\n"),
            "none",
        ),
        ("egress only to DNS", base.clone() + &egress(dns), "none"),
        (
            "DNS and an ipBlock (which names no pod)",
            base.clone() + &egress(&format!("{ip_block}{dns}")),
            "none",
        ),
        (
            "to api on the port it serves",
            base.clone() + &egress(&format!("{dns}{to_api}")),
            "internet → deployment:shop/web → deployment:shop/api → sa:shop:api → cluster-admin",
        ),
        (
            "to api on another port",
            base.clone() + &egress(&format!("{dns}{to_api_other_port}")),
            "none",
        ),
    ];
    insta::assert_snapshot!(table("egress", &[Target::ClusterAdmin], &rows));
}
