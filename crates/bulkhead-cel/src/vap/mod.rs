//! ValidatingAdmissionPolicy offline: the policies (`admissionregistration.k8s.io/v1`) and
//! bindings found among the inputs are evaluated against the other objects they select, as
//! the API server would on CREATE: `matchConstraints` and the binding's `matchResources`,
//! `paramKind` with `paramRef` (by name or selector, where the param object is in the inputs),
//! `matchConditions`, `variables`, `validations` with `message`/`messageExpression`, and the
//! binding's `validationActions`.
//!
//! What cannot be decided from the inputs is said ([`Outcome::NotEvaluated`]), never passed:
//! an expression that does not compile or fails on an object, a policy a binding names that
//! is not in the inputs, a param that is not there, a namespace selector over a namespace
//! that was not scanned.

mod matching;
mod policy;

use bulkhead_model::{Inventory, Node, Object};
use kube_cel::cel;

use crate::value::{map_of, string, to_cel};
pub use matching::{group_version, resource_of};
use matching::{matches, namespace_of, Match};
pub use policy::{compile, Policy};

const GROUP: &str = "admissionregistration.k8s.io";

/// Where a verdict about a whole object points: its name.
pub const AT_OBJECT: &str = "/metadata/name";

/// What evaluating the policies found. Objects are indexes into the inventory's objects.
#[derive(Debug, Clone, PartialEq)]
pub enum Outcome {
    /// `object` would be refused (or warned about, or audited) by a policy through a binding.
    Denied {
        object: usize,
        policy: String,
        binding: String,
        /// The binding's `validationActions` (`Deny`, `Warn`, `Audit`).
        actions: Vec<String>,
        message: String,
    },
    /// Something that decides admission could not be evaluated: reported at `object` (a
    /// policy, a binding or the object under review), at `pointer`.
    NotEvaluated {
        object: usize,
        pointer: String,
        message: String,
    },
}

/// Whether `object` is a ValidatingAdmissionPolicy or one of its bindings.
pub fn is_admission_object(object: &Object) -> bool {
    group_version(&object.api_version).0 == GROUP
        && matches!(
            object.kind.as_str(),
            "ValidatingAdmissionPolicy" | "ValidatingAdmissionPolicyBinding"
        )
}

/// Evaluates every binding of the inventory over every object it selects.
pub fn evaluate(inventory: &Inventory) -> Vec<Outcome> {
    let objects = inventory.objects();
    let of_kind = |kind: &'static str| {
        objects
            .iter()
            .enumerate()
            .filter(move |(_, o)| o.kind == kind && group_version(&o.api_version).0 == GROUP)
    };
    let mut out = Vec::new();
    let mut policies = Vec::new();
    for (index, object) in of_kind("ValidatingAdmissionPolicy") {
        match compile(object) {
            Ok(policy) => policies.push((index, policy)),
            Err(errors) => {
                for (pointer, message) in errors {
                    out.push(Outcome::NotEvaluated {
                        object: index,
                        pointer,
                        message: format!(
                            "ValidatingAdmissionPolicy {:?} cannot be evaluated: {message}",
                            object.name
                        ),
                    });
                }
                // Named, so that its bindings do not also say it is missing.
                policies.push((index, Policy::broken(&object.name)));
            }
        }
    }
    // The targets' CEL values, converted once for every binding.
    let mut values: Vec<Option<cel::Value>> = vec![None; objects.len()];
    for (index, binding) in of_kind("ValidatingAdmissionPolicyBinding") {
        let spec = binding.root.get("spec");
        let policy_name = spec
            .and_then(|s| s.get("policyName"))
            .and_then(Node::as_str)
            .unwrap_or_default();
        let not_evaluated = |pointer: &str, message: String| Outcome::NotEvaluated {
            object: index,
            pointer: pointer.to_string(),
            message: format!(
                "ValidatingAdmissionPolicyBinding {:?} cannot be evaluated: {message}",
                binding.name
            ),
        };
        let Some((_, policy)) = policies.iter().find(|(_, p)| p.name == policy_name) else {
            out.push(not_evaluated(
                "/spec/policyName",
                format!("the policy {policy_name:?} it binds is not in the inputs"),
            ));
            continue;
        };
        if policy.is_broken() {
            continue;
        }
        let param_ref = spec.and_then(|s| s.get("paramRef"));
        if policy.param_kind.is_some() && param_ref.is_none() {
            out.push(not_evaluated(
                "/spec",
                format!(
                    "policy {policy_name:?} declares paramKind but the binding has no paramRef"
                ),
            ));
            continue;
        }
        let actions: Vec<String> = spec
            .and_then(|s| s.get("validationActions"))
            .map(Node::as_seq)
            .unwrap_or(&[])
            .iter()
            .filter_map(Node::scalar_text)
            .collect();
        let mut missing_params_reported = false;
        for (target, object) in objects.iter().enumerate() {
            if is_admission_object(object) {
                continue;
            }
            let selected = [
                matches(policy.constraints.as_ref(), object, inventory, true),
                matches(
                    spec.and_then(|s| s.get("matchResources")),
                    object,
                    inventory,
                    false,
                ),
            ];
            if selected.contains(&Match::No) {
                continue;
            }
            if let Some(Match::Unknown(why)) =
                selected.iter().find(|m| matches!(m, Match::Unknown(_)))
            {
                out.push(Outcome::NotEvaluated {
                    object: target,
                    pointer: AT_OBJECT.to_string(),
                    message: format!(
                        "cannot tell whether ValidatingAdmissionPolicy {policy_name:?} (binding {:?}) applies: {why}",
                        binding.name
                    ),
                });
                continue;
            }
            let params = match (&policy.param_kind, param_ref) {
                (Some(kind), Some(reference)) => {
                    let found = policy::params(inventory, kind, reference, object);
                    if found.is_empty() {
                        if !missing_params_reported {
                            missing_params_reported = true;
                            out.push(not_evaluated(
                                "/spec/paramRef",
                                format!(
                                    "no {} the paramRef names is in the inputs, so whether the policy denies cannot be told",
                                    kind.1
                                ),
                            ));
                        }
                        continue;
                    }
                    found.into_iter().map(|p| to_cel(&p.root)).collect()
                }
                _ => vec![cel::Value::Null],
            };
            let value = values[target]
                .get_or_insert_with(|| to_cel(&object.root))
                .clone();
            let context = Context {
                object: value,
                request: request_of(object),
                namespace: namespace_of(object)
                    .and_then(|ns| inventory.get("Namespace", None, ns))
                    .map_or(cel::Value::Null, |ns| to_cel(&ns.root)),
            };
            for param in params {
                for result in policy.judge(&context, param) {
                    out.push(match result {
                        Ok(message) => Outcome::Denied {
                            object: target,
                            policy: policy.name.clone(),
                            binding: binding.name.clone(),
                            actions: actions.clone(),
                            message,
                        },
                        Err(why) => Outcome::NotEvaluated {
                            object: target,
                            pointer: AT_OBJECT.to_string(),
                            message: format!(
                                "ValidatingAdmissionPolicy {policy_name:?} (binding {:?}) could not be evaluated on this object: {why}",
                                binding.name
                            ),
                        },
                    });
                }
            }
        }
    }
    out
}

/// What a policy's expressions see of one object under review.
pub struct Context {
    pub object: cel::Value,
    pub request: cel::Value,
    pub namespace: cel::Value,
}

/// The `request` variable for a CREATE of `object` by an unknown user.
fn request_of(object: &Object) -> cel::Value {
    let (group, version) = group_version(&object.api_version);
    map_of(vec![
        (
            "kind",
            map_of(vec![
                ("group", string(group)),
                ("version", string(version)),
                ("kind", string(&object.kind)),
            ]),
        ),
        (
            "resource",
            map_of(vec![
                ("group", string(group)),
                ("version", string(version)),
                ("resource", string(&resource_of(&object.kind))),
            ]),
        ),
        ("name", string(&object.name)),
        (
            "namespace",
            namespace_of(object).map_or(cel::Value::Null, string),
        ),
        ("operation", string("CREATE")),
        (
            "userInfo",
            map_of(vec![
                ("username", string("")),
                ("groups", cel::Value::List(Default::default())),
            ]),
        ),
        ("dryRun", cel::Value::Bool(false)),
    ])
}
