//! Where a search starts and what it looks for, as the CLI spells them.

use std::fmt;

/// Where an attacker starts.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Start {
    /// Anywhere outside the cluster: every exposed workload is an entry point.
    Internet,
    /// A compromised workload: `pod:NS/NAME` (any workload kind).
    Workload { namespace: String, name: String },
    /// An identity: `sa:NS:NAME`, `user:NAME`, `group:NAME`.
    Identity(String),
    /// Root on a node (any node, when the inputs describe none).
    Node,
    /// Root on the node the inputs name: `node:NAME`.
    NamedNode(String),
}

/// What an attacker wants.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Target {
    ClusterAdmin,
    /// Root on a node.
    Node,
    /// The credentials of the node's cloud identity, through the metadata endpoint.
    CloudMetadata,
    Secret {
        namespace: String,
        name: String,
    },
    /// Running code as any service account of a namespace.
    Namespace(String),
}

impl Start {
    /// `internet`, `pod:NS/NAME`, `sa:NS:NAME`, `user:NAME`, `group:NAME`, `node`,
    /// `node:NAME`.
    pub fn parse(text: &str) -> Result<Start, String> {
        if text == "internet" {
            return Ok(Start::Internet);
        }
        if text == "node" {
            return Ok(Start::Node);
        }
        if let Some(name) = text.strip_prefix("node:").filter(|n| !n.is_empty()) {
            return Ok(Start::NamedNode(name.into()));
        }
        if let Some(rest) = text.strip_prefix("pod:") {
            let (namespace, name) = rest
                .split_once('/')
                .filter(|(ns, n)| !ns.is_empty() && !n.is_empty())
                .ok_or_else(|| format!("{text}: expected pod:NAMESPACE/NAME"))?;
            return Ok(Start::Workload {
                namespace: namespace.into(),
                name: name.into(),
            });
        }
        if ["sa:", "user:", "group:"]
            .iter()
            .any(|p| text.strip_prefix(p).is_some_and(|r| !r.is_empty()))
        {
            return Ok(Start::Identity(text.into()));
        }
        Err(format!(
            "{text}: expected internet, pod:NS/NAME, sa:NS:NAME, user:NAME, group:NAME, node or node:NAME"
        ))
    }
}

impl Target {
    /// `cluster-admin`, `node`, `cloud-metadata`, `secret:NS/NAME`, `namespace:NS`.
    pub fn parse(text: &str) -> Result<Target, String> {
        match text {
            "cluster-admin" => return Ok(Target::ClusterAdmin),
            "node" => return Ok(Target::Node),
            "cloud-metadata" => return Ok(Target::CloudMetadata),
            _ => {}
        }
        if let Some(rest) = text.strip_prefix("secret:") {
            let (namespace, name) = rest
                .split_once('/')
                .filter(|(ns, n)| !ns.is_empty() && !n.is_empty())
                .ok_or_else(|| format!("{text}: expected secret:NAMESPACE/NAME"))?;
            return Ok(Target::Secret {
                namespace: namespace.into(),
                name: name.into(),
            });
        }
        if let Some(ns) = text.strip_prefix("namespace:").filter(|n| !n.is_empty()) {
            return Ok(Target::Namespace(ns.into()));
        }
        Err(format!(
            "{text}: expected cluster-admin, node, cloud-metadata, secret:NS/NAME or namespace:NS"
        ))
    }

    /// The default targets: cluster-admin, the nodes, and the cloud metadata endpoint.
    pub fn defaults() -> Vec<Target> {
        vec![Target::ClusterAdmin, Target::Node, Target::CloudMetadata]
    }
}

impl fmt::Display for Start {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Start::Internet => f.write_str("internet"),
            Start::Workload { namespace, name } => write!(f, "pod:{namespace}/{name}"),
            Start::Identity(id) => f.write_str(id),
            Start::Node => f.write_str("node"),
            Start::NamedNode(name) => write!(f, "node:{name}"),
        }
    }
}

impl fmt::Display for Target {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Target::ClusterAdmin => f.write_str("cluster-admin"),
            Target::Node => f.write_str("node"),
            Target::CloudMetadata => f.write_str("cloud-metadata"),
            Target::Secret { namespace, name } => write!(f, "secret:{namespace}/{name}"),
            Target::Namespace(ns) => write!(f, "namespace:{ns}"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn starts_and_targets_parse_as_the_cli_spells_them() {
        assert_eq!(Start::parse("internet"), Ok(Start::Internet));
        assert_eq!(
            Start::parse("pod:web/api"),
            Ok(Start::Workload {
                namespace: "web".into(),
                name: "api".into()
            })
        );
        assert_eq!(
            Start::parse("sa:ops:backup"),
            Ok(Start::Identity("sa:ops:backup".into()))
        );
        assert_eq!(
            Start::parse("node:worker-1"),
            Ok(Start::NamedNode("worker-1".into()))
        );
        assert!(Start::parse("pod:web").is_err());
        assert!(Start::parse("user:").is_err());
        assert_eq!(
            Target::parse("secret:ops/db"),
            Ok(Target::Secret {
                namespace: "ops".into(),
                name: "db".into()
            })
        );
        assert_eq!(
            Target::parse("namespace:ops"),
            Ok(Target::Namespace("ops".into()))
        );
        assert!(Target::parse("admin").is_err());
    }
}
