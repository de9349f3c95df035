//! Exposure: what is reachable from outside the cluster, through what, and what the
//! workloads' ingress policies still let in.

use std::collections::HashMap;

use bulkhead_model::{LabelSelector, Node, Object};
use serde::Serialize;

use crate::connset::{ConnSet, Protocol};
use crate::model::namespace_of;
use crate::routes::{is_route, route_backends};
use crate::Network;

/// One way in from outside the cluster.
#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Exposure {
    /// `Service/ns/name (LoadBalancer)`, `Ingress/ns/name host/path`, `hostPort 8080`...
    pub through: String,
    /// `namespace/name` of the workload behind it.
    pub workload: String,
    /// The ports the entry point forwards to on the pods.
    pub ports: String,
    /// What the workload's ingress policies allow from outside, restricted to those ports.
    pub allowed: String,
    /// Whether anything gets through.
    pub reachable: bool,
    /// The index of the workload in the network's workloads.
    #[serde(skip)]
    pub index: usize,
}

fn target_ports(network: &Network<'_>, workload: usize, port: &Node) -> ConnSet {
    let protocol = port
        .get("protocol")
        .and_then(Node::as_str)
        .and_then(Protocol::parse)
        .unwrap_or(Protocol::Tcp);
    let target = port.get("targetPort").or_else(|| port.get("port"));
    match target {
        Some(t) => match (t.as_i64(), t.as_str()) {
            (Some(n), _) => u16::try_from(n)
                .map(|n| ConnSet::port(protocol, n))
                .unwrap_or_default(),
            (None, Some(name)) => match name.parse::<u16>() {
                Ok(n) => ConnSet::port(protocol, n),
                Err(_) => {
                    let mut out = ConnSet::none();
                    for c in &network.workloads[workload].ports {
                        if c.name.as_deref() == Some(name) && c.protocol == protocol {
                            out.union_with(&ConnSet::port(protocol, c.port));
                        }
                    }
                    out
                }
            },
            _ => ConnSet::none(),
        },
        None => ConnSet::none(),
    }
}

/// The workloads of each namespace by label: key → value → workload indices, in order. A
/// Service's selector is tried only on the workloads that carry its first label instead of on
/// every workload of its namespace (thousands of Services times thousands of workloads).
type LabelIndex<'n> = HashMap<&'n str, HashMap<&'n str, HashMap<&'n str, Vec<usize>>>>;

fn label_index<'n>(network: &'n Network<'_>) -> LabelIndex<'n> {
    let mut index: LabelIndex<'n> = HashMap::new();
    for (i, w) in network.workloads.iter().enumerate() {
        let keys = index.entry(w.namespace.as_str()).or_default();
        for (key, value) in &w.labels {
            keys.entry(key.as_str())
                .or_default()
                .entry(value.as_str())
                .or_default()
                .push(i);
        }
    }
    index
}

fn service_workloads(
    network: &Network<'_>,
    index: &LabelIndex<'_>,
    service: &Object,
) -> Vec<usize> {
    let Some(sel) = service.root.path(&["spec", "selector"]) else {
        return Vec::new();
    };
    let Ok(selector) = LabelSelector::from_match_labels(Some(sel)) else {
        return Vec::new();
    };
    // A map selector: every requirement is `key In (value)`, and there is at least one.
    let Some(first) = selector.requirements.first() else {
        return Vec::new();
    };
    let ns = namespace_of(service);
    let Some(by_value) = index
        .get(ns.as_str())
        .and_then(|keys| keys.get(first.key.as_str()))
    else {
        return Vec::new();
    };
    let mut candidates: Vec<usize> = first
        .values
        .iter()
        .filter_map(|v| by_value.get(v.as_str()))
        .flatten()
        .copied()
        .collect();
    candidates.sort_unstable();
    candidates.dedup();
    candidates
        .into_iter()
        .filter(|&i| {
            let labels = &network.workloads[i].labels;
            selector.matches(|k| labels.get(k).map(String::as_str))
        })
        .collect()
}

fn push(
    out: &mut Vec<Exposure>,
    network: &Network<'_>,
    through: String,
    workload: usize,
    ports: ConnSet,
) {
    let (external, _) = network.external_ingress(workload);
    let allowed = external.intersect(&ports);
    out.push(Exposure {
        through,
        workload: network.workloads[workload].id(),
        ports: ports.to_string(),
        reachable: !allowed.is_empty(),
        allowed: allowed.to_string(),
        index: workload,
    });
}

/// Services of the service ports selected by `filter`, mapped to the workloads behind them.
fn service_exposures(
    network: &Network<'_>,
    index: &LabelIndex<'_>,
    service: &Object,
    through: &str,
    only_port: Option<&Node>,
    out: &mut Vec<Exposure>,
) {
    let ports = service
        .root
        .path(&["spec", "ports"])
        .map(Node::as_seq)
        .unwrap_or(&[]);
    for w in service_workloads(network, index, service) {
        let mut conns = ConnSet::none();
        for p in ports {
            let matches = match only_port {
                None => true,
                Some(wanted) => {
                    wanted.scalar_text() == p.get("port").and_then(Node::scalar_text)
                        || wanted.scalar_text() == p.get("name").and_then(Node::scalar_text)
                }
            };
            if matches {
                conns.union_with(&target_ports(network, w, p));
            }
        }
        push(out, network, through.to_string(), w, conns);
    }
}

/// Every way in from outside the cluster that the objects describe.
pub fn exposures(network: &Network<'_>, objects: &[Object]) -> Vec<Exposure> {
    let mut out = Vec::new();
    // Indexes, so that thousands of Services and routes do not each scan everything.
    let index = label_index(network);
    let mut services: HashMap<(String, &str), &Object> = HashMap::new();
    for s in objects {
        if s.kind == "Service" && s.group().is_empty() {
            services
                .entry((namespace_of(s), s.name.as_str()))
                .or_insert(s);
        }
    }
    for o in objects {
        match (o.kind.as_str(), o.group()) {
            ("Service", "") => {
                let spec = o.root.get("spec");
                let ty = spec
                    .and_then(|s| s.get("type"))
                    .and_then(Node::as_str)
                    .unwrap_or("ClusterIP");
                let external_ips = spec
                    .and_then(|s| s.get("externalIPs"))
                    .is_some_and(|e| !e.as_seq().is_empty());
                let mut ways = Vec::new();
                if ty == "LoadBalancer" || ty == "NodePort" {
                    ways.push(ty);
                }
                if external_ips {
                    ways.push("externalIPs");
                }
                if !ways.is_empty() {
                    let through = format!(
                        "Service/{}/{} ({})",
                        namespace_of(o),
                        o.name,
                        ways.join(", ")
                    );
                    service_exposures(network, &index, o, &through, None, &mut out);
                }
            }
            _ if is_route(o) => {
                for backend in route_backends(o) {
                    let key = (backend.namespace.clone(), backend.service.as_str());
                    if let Some(svc) = services.get(&key) {
                        service_exposures(
                            network,
                            &index,
                            svc,
                            &backend.through,
                            backend.port,
                            &mut out,
                        );
                    }
                }
            }
            _ => {}
        }
    }
    for (i, w) in network.workloads.iter().enumerate() {
        if w.host_network {
            let mut ports = ConnSet::none();
            for p in &w.ports {
                ports.union_with(&ConnSet::port(p.protocol, p.port));
            }
            out.push(Exposure {
                through: "hostNetwork".into(),
                workload: w.id(),
                allowed: ports.to_string(),
                reachable: !ports.is_empty(),
                ports: ports.to_string(),
                index: i,
            });
            continue;
        }
        let mut ports = ConnSet::none();
        for p in &w.ports {
            if p.host_port.is_some() {
                ports.union_with(&ConnSet::port(p.protocol, p.port));
            }
        }
        if !ports.is_empty() {
            push(&mut out, network, "hostPort".into(), i, ports);
        }
    }
    out
}

/// What a workload may send to one external range.
#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RangeEgress {
    /// The range, as [`crate::ExternalPeer::id`] names it.
    pub range: String,
    pub allowed: String,
}

/// A workload's egress to internet (public) addresses.
#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PublicEgress {
    pub workload: String,
    /// Everything it may send to some public address.
    pub allowed: String,
    /// Per public range, what it may send there (ranges it may not reach are left out).
    pub ranges: Vec<RangeEgress>,
}

/// Every workload's egress to the external ranges that hold public addresses.
pub fn public_egress(network: &Network<'_>) -> Vec<PublicEgress> {
    let public: Vec<usize> = (0..network.externals.len())
        .filter(|&e| network.externals[e].is_public())
        .collect();
    network
        .workloads
        .iter()
        .enumerate()
        .map(|(w, workload)| {
            let mut all = ConnSet::none();
            let mut ranges = Vec::new();
            for &e in &public {
                let conns = network.to_external(w, e);
                if conns.is_empty() {
                    continue;
                }
                all.union_with(&conns);
                ranges.push(RangeEgress {
                    range: network.externals[e].id(),
                    allowed: conns.to_string(),
                });
            }
            PublicEgress {
                workload: workload.id(),
                allowed: all.to_string(),
                ranges,
            }
        })
        .collect()
}
