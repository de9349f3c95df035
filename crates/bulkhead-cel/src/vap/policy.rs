//! One ValidatingAdmissionPolicy, compiled: its match constraints, param kind, match
//! conditions, variables and validations.

use bulkhead_model::{pointer, Inventory, LabelSelector, Node, Object};
use kube_cel::cel;

use super::Context;
use crate::expression::Expression;
use crate::value::map_of;

/// What a policy's expressions may read.
const POLICY_VARIABLES: &[&str] = &[
    "object",
    "oldObject",
    "request",
    "params",
    "namespaceObject",
    "variables",
];

#[derive(Debug)]
pub struct Validation {
    pub expression: Expression,
    pub message: Option<String>,
    pub message_expression: Option<Expression>,
}

#[derive(Debug)]
pub struct Policy {
    pub name: String,
    pub constraints: Option<Node>,
    /// `paramKind` as (apiVersion, kind).
    pub param_kind: Option<(String, String)>,
    pub match_conditions: Vec<(String, Expression)>,
    pub variables: Vec<(String, Expression)>,
    pub validations: Vec<Validation>,
    broken: bool,
}

impl Policy {
    /// A policy that could not be compiled: its bindings evaluate nothing (the policy itself
    /// carries the errors).
    pub fn broken(name: &str) -> Policy {
        Policy {
            name: name.to_string(),
            constraints: None,
            param_kind: None,
            match_conditions: Vec::new(),
            variables: Vec::new(),
            validations: Vec::new(),
            broken: true,
        }
    }

    pub fn is_broken(&self) -> bool {
        self.broken
    }

    /// Judges one object with one param: for every failing validation, `Ok(message)`; for
    /// what could not be evaluated, `Err(why)`. Empty when the object passes or a match
    /// condition leaves it alone.
    pub fn judge(&self, cx: &Context, params: cel::Value) -> Vec<Result<String, String>> {
        let mut bindings: Vec<(&str, cel::Value)> = vec![
            ("object", cx.object.clone()),
            ("oldObject", cel::Value::Null),
            ("request", cx.request.clone()),
            ("params", params),
            ("namespaceObject", cx.namespace.clone()),
            ("variables", map_of(Vec::new())),
        ];
        for (name, condition) in &self.match_conditions {
            match condition.evaluate_bool(&bindings) {
                Ok(true) => {}
                Ok(false) => return Vec::new(),
                Err(e) => return vec![Err(format!("matchCondition {name:?}: {e}"))],
            }
        }
        let mut values: Vec<(&str, cel::Value)> = Vec::new();
        let mut failed: Vec<(&str, String)> = Vec::new();
        for (name, expression) in &self.variables {
            match expression.evaluate(&bindings) {
                Ok(v) => values.push((name, v)),
                Err(e) => failed.push((name, e)),
            }
            if let Some(slot) = bindings.iter_mut().find(|(n, _)| *n == "variables") {
                slot.1 = map_of(values.clone());
            }
        }
        let mut out = Vec::new();
        for validation in &self.validations {
            let text = &validation.expression.text;
            if let Some((name, e)) = failed
                .iter()
                .find(|(name, _)| text.contains(&format!("variables.{name}")))
            {
                out.push(Err(format!("variable {name:?}: {e}")));
                continue;
            }
            match validation.expression.evaluate_bool(&bindings) {
                Ok(true) => {}
                Ok(false) => out.push(Ok(self.message(validation, &bindings))),
                Err(e) => out.push(Err(format!("expression {text:?}: {e}"))),
            }
        }
        out
    }

    /// `messageExpression`, else `message`, else what the API server says by default.
    fn message(&self, validation: &Validation, bindings: &[(&str, cel::Value)]) -> String {
        let fallback = || {
            validation
                .message
                .clone()
                .unwrap_or_else(|| format!("failed expression: {}", validation.expression.text))
        };
        match &validation.message_expression {
            Some(m) => match m.evaluate_string(bindings) {
                Ok(text) if !text.trim().is_empty() => text,
                _ => fallback(),
            },
            None => fallback(),
        }
    }
}

/// Compiles a ValidatingAdmissionPolicy object; errors are (JSON pointer, message) pairs.
pub fn compile(object: &Object) -> Result<Policy, Vec<(String, String)>> {
    let mut errors = Vec::new();
    let spec = object.root.get("spec");
    let param_kind = spec.and_then(|s| s.get("paramKind")).map(|p| {
        let text = |k: &str| {
            p.get(k)
                .and_then(Node::as_str)
                .unwrap_or_default()
                .to_string()
        };
        (text("apiVersion"), text("kind"))
    });
    let named = |section: &str, errors: &mut Vec<(String, String)>| {
        let mut out = Vec::new();
        for (i, item) in spec
            .and_then(|s| s.get(section))
            .map(Node::as_seq)
            .unwrap_or(&[])
            .iter()
            .enumerate()
        {
            let name = item.get("name").and_then(Node::as_str).unwrap_or_default();
            let at = pointer(["spec", section, &i.to_string(), "expression"]);
            if let Some(e) = compiled(item.get("expression"), &at, errors) {
                out.push((name.to_string(), e));
            }
        }
        out
    };
    let match_conditions = named("matchConditions", &mut errors);
    let variables = named("variables", &mut errors);
    let mut validations = Vec::new();
    let listed = spec
        .and_then(|s| s.get("validations"))
        .map(Node::as_seq)
        .unwrap_or(&[]);
    for (i, item) in listed.iter().enumerate() {
        let at = |field: &str| pointer(["spec", "validations", &i.to_string(), field]);
        let expression = compiled(item.get("expression"), &at("expression"), &mut errors);
        let message_expression = match item.get("messageExpression") {
            Some(m) => compiled(Some(m), &at("messageExpression"), &mut errors),
            None => None,
        };
        if let Some(expression) = expression {
            validations.push(Validation {
                expression,
                message: item.get("message").and_then(Node::as_str).map(String::from),
                message_expression,
            });
        }
    }
    if spec.and_then(|s| s.get("matchConstraints")).is_none() {
        errors.push(("/spec".into(), "spec.matchConstraints is required".into()));
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    Ok(Policy {
        name: object.name.clone(),
        constraints: spec.and_then(|s| s.get("matchConstraints")).cloned(),
        param_kind,
        match_conditions,
        variables,
        validations,
        broken: false,
    })
}

fn compiled(
    node: Option<&Node>,
    at: &str,
    errors: &mut Vec<(String, String)>,
) -> Option<Expression> {
    let Some(text) = node.and_then(Node::as_str) else {
        errors.push((
            at.to_string(),
            "expected a CEL expression (a string)".into(),
        ));
        return None;
    };
    match Expression::compile(text, POLICY_VARIABLES) {
        Ok(e) => Some(e),
        Err(err) => {
            let place = err
                .position
                .map(|p| format!(" (line {}, column {} of the expression)", p.line, p.column))
                .unwrap_or_default();
            errors.push((at.to_string(), format!("{}{place}", err.message)));
            None
        }
    }
}

/// The param objects a `paramRef` names for `object`: by name, or every object of the
/// param kind its selector matches, in `paramRef.namespace` or else the object's namespace.
pub fn params<'a>(
    inventory: &'a Inventory,
    (api_version, kind): &(String, String),
    reference: &Node,
    object: &Object,
) -> Vec<&'a Object> {
    let name = reference.get("name").and_then(Node::as_str);
    let namespace = reference
        .get("namespace")
        .and_then(Node::as_str)
        .or(super::namespace_of(object));
    let selector = reference
        .get("selector")
        .and_then(|s| LabelSelector::from_node(s).ok());
    inventory
        .of_kind(kind)
        .filter(|p| p.api_version == *api_version)
        .filter(|p| match (&p.namespace, namespace) {
            (Some(have), Some(want)) => have == want,
            _ => true,
        })
        .filter(|p| match (name, &selector) {
            (Some(name), _) => p.name == name,
            (None, Some(selector)) => selector.matches(|k| p.label(k)),
            (None, None) => false,
        })
        .collect()
}
