//! Label selectors (`matchLabels` and `matchExpressions`) with Kubernetes semantics.

use crate::node::Node;

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Operator {
    In,
    NotIn,
    Exists,
    DoesNotExist,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Requirement {
    pub key: String,
    pub operator: Operator,
    pub values: Vec<String>,
}

/// A `metav1.LabelSelector`. Every requirement must hold; the empty selector matches everything.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct LabelSelector {
    pub requirements: Vec<Requirement>,
}

impl LabelSelector {
    /// Reads a `LabelSelector` node (`{matchLabels: ..., matchExpressions: [...]}`).
    pub fn from_node(node: &Node) -> Result<Self, String> {
        let mut selector = Self::from_match_labels(node.get("matchLabels"))?;
        for expr in node
            .get("matchExpressions")
            .map(Node::as_seq)
            .unwrap_or(&[])
        {
            let key = expr
                .get("key")
                .and_then(Node::as_str)
                .ok_or("matchExpressions entry without a key")?;
            let operator = match expr.get("operator").and_then(Node::as_str) {
                Some("In") => Operator::In,
                Some("NotIn") => Operator::NotIn,
                Some("Exists") => Operator::Exists,
                Some("DoesNotExist") => Operator::DoesNotExist,
                other => return Err(format!("unknown selector operator {other:?}")),
            };
            let values: Vec<String> = expr
                .get("values")
                .map(Node::as_seq)
                .unwrap_or(&[])
                .iter()
                .filter_map(Node::scalar_text)
                .collect();
            let needs_values = matches!(operator, Operator::In | Operator::NotIn);
            if needs_values == values.is_empty() {
                return Err(format!(
                    "operator {operator:?} on key {key:?} {} values",
                    if needs_values { "needs" } else { "takes no" }
                ));
            }
            selector.requirements.push(Requirement {
                key: key.to_string(),
                operator,
                values,
            });
        }
        Ok(selector)
    }

    /// Reads a plain `key: value` map selector, as in `Service.spec.selector`.
    pub fn from_match_labels(node: Option<&Node>) -> Result<Self, String> {
        let mut requirements = Vec::new();
        for entry in node.map(Node::as_map).unwrap_or(&[]) {
            let value = entry
                .value
                .scalar_text()
                .ok_or_else(|| format!("label {:?} has a non-scalar value", entry.key))?;
            requirements.push(Requirement {
                key: entry.key.to_string(),
                operator: Operator::In,
                values: vec![value],
            });
        }
        Ok(LabelSelector { requirements })
    }

    pub fn is_empty(&self) -> bool {
        self.requirements.is_empty()
    }

    /// Whether a set of labels, given as a lookup, satisfies every requirement.
    pub fn matches<'a>(&self, label: impl Fn(&str) -> Option<&'a str>) -> bool {
        self.requirements.iter().all(|r| {
            let value = label(&r.key);
            match r.operator {
                Operator::In => value.is_some_and(|v| r.values.iter().any(|x| x == v)),
                Operator::NotIn => value.is_none_or(|v| r.values.iter().all(|x| x != v)),
                Operator::Exists => value.is_some(),
                Operator::DoesNotExist => value.is_none(),
            }
        })
    }
}
