//! Admission policies and the project's own rules (`BHY`): ValidatingAdmissionPolicies
//! found among the inputs, evaluated offline, and custom rules written in CEL.

pub mod custom_rule_not_evaluated;
pub mod policy_not_evaluated;
pub mod policy_would_deny;

use crate::check::Check;

pub use custom_rule_not_evaluated::CUSTOM_RULE_NOT_EVALUATED;
pub use policy_not_evaluated::POLICY_NOT_EVALUATED;
pub use policy_would_deny::POLICY_WOULD_DENY;

pub static CHECKS: &[&Check] = &[
    &POLICY_WOULD_DENY,
    &POLICY_NOT_EVALUATED,
    &CUSTOM_RULE_NOT_EVALUATED,
];
