//! The catalogues of every framework Bulkhead reports on.
//!
//! Pod Security Standards come from [`crate::pss::CONTROLS`]. The others are data files under
//! `frameworks/` in this crate, embedded at build time and read with Bulkhead's own YAML
//! loader: `id`, `title`, `automated`, `scope` (manifests, rbac, control-plane, node,
//! process) and, for controls no check decides, `guidance`.

use std::sync::OnceLock;

use bulkhead_model::{parse_document, Limits, Node, SourceFile};

use crate::frameworks::{Control, Framework, Scope};
use crate::pss::{self, Level};
use crate::Check;

/// Every framework, in a fixed order.
pub fn all_frameworks() -> &'static [Framework] {
    static ALL: OnceLock<Vec<Framework>> = OnceLock::new();
    ALL.get_or_init(|| {
        let mut all = Vec::new();
        for level in [Level::Baseline, Level::Restricted] {
            all.push(pss_framework(level));
        }
        all.extend(DATA.iter().map(|(meta, text)| from_data(meta, text)));
        all
    })
}

pub fn find_framework(id: &str) -> Option<&'static Framework> {
    all_frameworks()
        .iter()
        .find(|f| f.id.eq_ignore_ascii_case(id))
}

fn pss_framework(level: Level) -> Framework {
    let controls = pss::CONTROLS
        .iter()
        .filter(|c| c.level <= level)
        // At the restricted level, a baseline control with an override is judged by it.
        .filter(|c| level == Level::Baseline || c.overridden_by.is_none())
        .map(|c| Control {
            id: c.id.to_string(),
            title: format!("{} ({})", c.id, c.level.as_str()),
            automated: true,
            manual: false,
            scope: Scope::Manifests,
            guidance: None,
            needs: Vec::new(),
        })
        .collect();
    let (id, name, ids_of): (&'static str, &'static str, IdsOf) = match level {
        Level::Restricted => (
            "pss-restricted",
            "Pod Security Standards: restricted",
            |c| pss_ids(c, "restricted:"),
        ),
        _ => ("pss-baseline", "Pod Security Standards: baseline", |c| {
            pss_ids(c, "baseline:")
        }),
    };
    Framework {
        id,
        name,
        version: "v1.37",
        controls,
        ids_of,
    }
}

fn pss_ids(check: &Check, prefix: &str) -> Vec<String> {
    check
        .compliance
        .pss
        .iter()
        .filter_map(|e| e.strip_prefix(prefix))
        .map(str::to_string)
        .collect()
}

/// Which of a check's compliance lists holds a framework's control ids.
type IdsOf = fn(&Check) -> Vec<String>;

/// Static facts of a data-file framework.
struct Meta {
    id: &'static str,
    name: &'static str,
    version: &'static str,
    ids_of: IdsOf,
    /// Whether the framework marks each control automated or manual (CIS does); where it
    /// does not, `automated: false` means "not marked", and no control is manual.
    marks_manual: bool,
}

fn ids(list: &[&str]) -> Vec<String> {
    list.iter().map(|s| s.to_string()).collect()
}

const DATA: &[(Meta, &str)] = &[
    (
        Meta {
            id: "cis-1.12",
            name: "CIS Kubernetes Benchmark",
            version: "v1.12",
            ids_of: |c| ids(c.compliance.cis),
            marks_manual: true,
        },
        include_str!("../../frameworks/cis-1.12.yaml"),
    ),
    (
        Meta {
            id: "nsa-cisa-1.2",
            name: "NSA-CISA Kubernetes Hardening Guidance",
            version: "v1.2",
            ids_of: |c| ids(c.compliance.nsa),
            marks_manual: false,
        },
        include_str!("../../frameworks/nsa-cisa-1.2.yaml"),
    ),
    (
        Meta {
            id: "mitre-containers",
            name: "MITRE ATT&CK for Containers",
            version: "v17",
            ids_of: |c| ids(c.compliance.mitre),
            marks_manual: false,
        },
        include_str!("../../frameworks/mitre-containers.yaml"),
    ),
    (
        Meta {
            id: "cis-docker-1.6",
            name: "CIS Docker Benchmark",
            version: "v1.6.0",
            ids_of: |c| crate::rules::node_host::cis_docker(c.id),
            marks_manual: true,
        },
        include_str!("../../frameworks/cis-docker-1.6.yaml"),
    ),
    (
        Meta {
            id: "cis-linux-2.0",
            name: "CIS Distribution Independent Linux Benchmark",
            version: "v2.0.0",
            ids_of: |c| crate::rules::node_host::cis_linux(c.id),
            marks_manual: true,
        },
        include_str!("../../frameworks/cis-linux-2.0.yaml"),
    ),
];

/// Reads a catalogue file. The files ship with the binary and are checked by tests, so a
/// malformed one (a missing id or title, an unknown scope) is a build defect, reported loudly.
fn from_data(meta: &Meta, text: &str) -> Framework {
    let file = SourceFile::new(format!("frameworks/{}.yaml", meta.id), text);
    let root = parse_document(&file, &Limits::default())
        .unwrap_or_else(|e| panic!("catalogue {}: {e:?}", meta.id))
        .unwrap_or_else(|| panic!("catalogue {} is empty", meta.id));
    let text_of = |n: &Node, key: &str| n.get(key).and_then(Node::as_str).map(str::to_string);
    let controls = root
        .get("controls")
        .map(Node::as_seq)
        .unwrap_or(&[])
        .iter()
        .enumerate()
        .map(|(i, c)| {
            // Ids must be strings: an unquoted `1.10` would read as the number 1.1.
            let id = text_of(c, "id")
                .unwrap_or_else(|| panic!("catalogue {}: control {i} has no string id", meta.id));
            let defect =
                |what: &str| -> ! { panic!("catalogue {}: control {id}: {what}", meta.id) };
            let automated = c
                .get("automated")
                .and_then(Node::as_bool)
                .unwrap_or_else(|| defect("`automated` is not true or false"));
            Control {
                title: text_of(c, "title").unwrap_or_else(|| defect("no title")),
                automated,
                manual: meta.marks_manual && !automated,
                scope: match text_of(c, "scope").as_deref() {
                    Some("manifests") => Scope::Manifests,
                    Some("rbac") => Scope::Rbac,
                    Some("control-plane") => Scope::ControlPlane,
                    Some("node") => Scope::Node,
                    Some("process") => Scope::Process,
                    _ => defect("scope is not manifests, rbac, control-plane, node or process"),
                },
                guidance: text_of(c, "guidance"),
                needs: c
                    .get("needs")
                    .map(Node::as_seq)
                    .unwrap_or(&[])
                    .iter()
                    .map(|n| {
                        n.as_str()
                            .map(str::to_string)
                            .unwrap_or_else(|| defect("`needs` items must be strings"))
                    })
                    .collect(),
                id,
            }
        })
        .collect();
    Framework {
        id: meta.id,
        name: meta.name,
        version: meta.version,
        controls,
        ids_of: meta.ids_of,
    }
}
