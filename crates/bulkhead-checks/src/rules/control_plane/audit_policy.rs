//! The audit policy (`audit.k8s.io/v1` `Policy`) evaluated the way the API server evaluates
//! it, and the representative requests the audit-policy checks judge.
//!
//! Rules are tried in order and the first that matches a request decides its level; a
//! request no rule matches is not logged. A rule matches when every selector it has matches
//! (users, user groups, verbs, then resources and namespaces for resource requests, or
//! non-resource URLs); a rule with no selector matches everything. `omitStages` (the
//! policy's and the rule's, united) never changes the level, only which stages are written.
//!
//! The checks judge representative requests: an ordinary authenticated user (group
//! `system:authenticated`) making a given request in a namespace the policy does not name,
//! in each namespace it does name (a rule limited to one namespace can hide exactly that
//! namespace), and across all namespaces for list and watch. Findings point at the rule that
//! decides (its `level`), or at `rules` when no rule matches.

use std::collections::BTreeSet;

use bulkhead_model::{Node, Object};

use crate::{Severity, Sink};

/// Whether an object is an audit policy the API server would read.
pub fn is_audit_policy(object: &Object) -> bool {
    object.kind == "Policy" && object.group() == "audit.k8s.io"
}

/// How much of a request the audit log records.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Level {
    None,
    Metadata,
    Request,
    RequestResponse,
}

impl Level {
    fn parse(text: &str) -> Option<Level> {
        Some(match text {
            "None" => Level::None,
            "Metadata" => Level::Metadata,
            "Request" => Level::Request,
            "RequestResponse" => Level::RequestResponse,
            _ => return None,
        })
    }
}

/// A request as the audit policy sees it (the authorizer's attributes).
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Request {
    pub user: String,
    pub groups: Vec<String>,
    pub verb: String,
    pub target: Target,
}

/// What a request is about.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Target {
    Resource {
        group: String,
        resource: String,
        subresource: String,
        /// Empty for cluster-scoped resources and for requests across all namespaces.
        namespace: String,
        /// Empty for list, watch and create.
        name: String,
        /// Whether the resource lives in namespaces (an empty namespace then means a request
        /// across all of them).
        namespaced: bool,
    },
    NonResource {
        path: String,
    },
}

impl Request {
    /// `create pods/exec in namespace default`, `create clusterroles.rbac.authorization.k8s.io`.
    pub fn describe(&self) -> String {
        match &self.target {
            Target::Resource {
                group,
                resource,
                subresource,
                namespace,
                namespaced,
                ..
            } => {
                let mut text = format!("{} {resource}", self.verb);
                if !group.is_empty() {
                    text.push('.');
                    text.push_str(group);
                }
                if !subresource.is_empty() {
                    text.push('/');
                    text.push_str(subresource);
                }
                if !namespace.is_empty() {
                    text.push_str(&format!(" in namespace {namespace}"));
                } else if *namespaced {
                    text.push_str(" across all namespaces");
                }
                text
            }
            Target::NonResource { path } => format!("{} {path}", self.verb),
        }
    }
}

/// One rule of a policy, read with its position.
pub struct Rule<'a> {
    /// Index in `rules`.
    pub index: usize,
    /// The level as written (`None` when missing).
    pub level_text: Option<&'a str>,
    /// The level the API server applies; an unknown or missing level (which the API server
    /// rejects when loading the policy) is taken as `None`.
    pub level: Level,
    users: Vec<&'a str>,
    user_groups: Vec<&'a str>,
    verbs: Vec<&'a str>,
    resources: Vec<GroupResources<'a>>,
    namespaces: Vec<&'a str>,
    non_resource_urls: Vec<&'a str>,
    omit_stages: Vec<&'a str>,
}

struct GroupResources<'a> {
    group: &'a str,
    resources: Vec<&'a str>,
    resource_names: Vec<&'a str>,
}

impl Rule<'_> {
    /// Pointer to the rule's level, where findings about what the rule decides point.
    pub fn level_pointer(&self) -> String {
        format!("/rules/{}/level", self.index)
    }

    /// `rule 3 (level: None)`, for messages.
    pub fn describe(&self) -> String {
        match self.level_text {
            Some(text) if Level::parse(text).is_some() => {
                format!("rule {} (`level: {text}`)", self.index)
            }
            Some(text) => format!(
                "rule {} (`level: {text}`, not a level the API server accepts)",
                self.index
            ),
            None => format!("rule {} (no level)", self.index),
        }
    }

    /// A rule with no selector at all: it matches every request.
    pub fn is_catch_all(&self) -> bool {
        self.users.is_empty()
            && self.user_groups.is_empty()
            && self.verbs.is_empty()
            && self.resources.is_empty()
            && self.namespaces.is_empty()
            && self.non_resource_urls.is_empty()
    }

    /// Whether the rule matches a request (the API server's `ruleMatches`).
    pub fn matches(&self, request: &Request) -> bool {
        if !self.users.is_empty() && !self.users.contains(&request.user.as_str()) {
            return false;
        }
        if !self.user_groups.is_empty()
            && !request
                .groups
                .iter()
                .any(|g| self.user_groups.contains(&g.as_str()))
        {
            return false;
        }
        if !self.verbs.is_empty() && !self.verbs.contains(&request.verb.as_str()) {
            return false;
        }
        if !self.namespaces.is_empty() || !self.resources.is_empty() {
            return self.matches_resource(request);
        }
        if !self.non_resource_urls.is_empty() {
            let Target::NonResource { path } = &request.target else {
                return false;
            };
            return self.non_resource_urls.iter().any(|spec| {
                *spec == "*"
                    || spec == path
                    || (spec.ends_with('*') && path.starts_with(spec.trim_end_matches('*')))
            });
        }
        true
    }

    fn matches_resource(&self, request: &Request) -> bool {
        let Target::Resource {
            group,
            resource,
            subresource,
            namespace,
            name,
            ..
        } = &request.target
        else {
            return false;
        };
        if !self.namespaces.is_empty() && !self.namespaces.contains(&namespace.as_str()) {
            return false;
        }
        if self.resources.is_empty() {
            return true;
        }
        let combined = if subresource.is_empty() {
            resource.clone()
        } else {
            format!("{resource}/{subresource}")
        };
        self.resources
            .iter()
            .filter(|gr| gr.group == group)
            .any(|gr| {
                if gr.resources.is_empty() {
                    return true;
                }
                if !gr.resource_names.is_empty() && !gr.resource_names.contains(&name.as_str()) {
                    return false;
                }
                gr.resources.iter().any(|res| {
                    *res == combined
                        || *res == "*"
                        || (!subresource.is_empty() && res.strip_prefix("*/") == Some(subresource))
                        || res.strip_suffix("/*") == Some(resource.as_str())
                })
            })
    }
}

/// The stages that record a request; with all of them omitted only `Panic` is left, and a
/// request that does not crash the API server leaves no event.
const RECORDING_STAGES: &[&str] = &["RequestReceived", "ResponseStarted", "ResponseComplete"];

/// A policy's rules and its own `omitStages`.
pub struct Policy<'a> {
    pub object: &'a Object,
    pub rules: Vec<Rule<'a>>,
    omit_stages: Vec<&'a str>,
}

/// What the policy decides for one request.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Decision {
    /// The index of the first matching rule; `None` when no rule matches.
    pub rule: Option<usize>,
    pub level: Level,
    /// Whether the omitted stages leave the request without any event although its level
    /// is above `None` (only `Panic` remains).
    pub all_stages_omitted: bool,
}

impl Decision {
    /// Whether the request leaves an audit event.
    pub fn is_logged(&self) -> bool {
        self.level > Level::None && !self.all_stages_omitted
    }
}

fn strings(node: Option<&Node>) -> Vec<&str> {
    node.map(Node::as_seq)
        .unwrap_or(&[])
        .iter()
        .filter_map(Node::as_str)
        .collect()
}

impl<'a> Policy<'a> {
    pub fn read(object: &'a Object) -> Policy<'a> {
        let rules = object
            .root
            .get("rules")
            .map(Node::as_seq)
            .unwrap_or(&[])
            .iter()
            .enumerate()
            .map(|(index, rule)| {
                let level_text = rule.get("level").and_then(Node::as_str);
                Rule {
                    index,
                    level_text,
                    level: level_text.and_then(Level::parse).unwrap_or(Level::None),
                    users: strings(rule.get("users")),
                    user_groups: strings(rule.get("userGroups")),
                    verbs: strings(rule.get("verbs")),
                    resources: rule
                        .get("resources")
                        .map(Node::as_seq)
                        .unwrap_or(&[])
                        .iter()
                        .map(|gr| GroupResources {
                            group: gr.get("group").and_then(Node::as_str).unwrap_or(""),
                            resources: strings(gr.get("resources")),
                            resource_names: strings(gr.get("resourceNames")),
                        })
                        .collect(),
                    namespaces: strings(rule.get("namespaces")),
                    non_resource_urls: strings(rule.get("nonResourceURLs")),
                    omit_stages: strings(rule.get("omitStages")),
                }
            })
            .collect();
        Policy {
            object,
            rules,
            omit_stages: strings(object.root.get("omitStages")),
        }
    }

    /// The level of a request: the first matching rule's, `None` when no rule matches.
    pub fn decide(&self, request: &Request) -> Decision {
        self.decide_from(0, request)
    }

    /// The decision the rules from `start` on would make (what a rule hides from the rules
    /// after it).
    pub fn decide_from(&self, start: usize, request: &Request) -> Decision {
        match self.rules.iter().skip(start).find(|r| r.matches(request)) {
            Some(rule) => {
                let omitted = |stage: &&str| {
                    rule.omit_stages.contains(stage) || self.omit_stages.contains(stage)
                };
                Decision {
                    rule: Some(rule.index),
                    level: rule.level,
                    all_stages_omitted: RECORDING_STAGES.iter().all(omitted),
                }
            }
            None => Decision {
                rule: None,
                level: Level::None,
                all_stages_omitted: false,
            },
        }
    }

    /// The namespaces the rules name: representative requests are tried in each, since a
    /// rule limited to one namespace can hide that namespace's requests.
    fn named_namespaces(&self) -> BTreeSet<&'a str> {
        self.rules
            .iter()
            .flat_map(|r| r.namespaces.iter().copied())
            .filter(|ns| !ns.is_empty())
            .collect()
    }
}

/// A kind of request the audit-policy checks need logged: a verb on a resource.
pub struct Probe {
    pub verb: &'static str,
    pub group: &'static str,
    pub resource: &'static str,
    pub subresource: &'static str,
    pub namespaced: bool,
}

/// The user of the representative requests: an ordinary authenticated user, in the group
/// every authenticated user is in and in no other.
pub const EXAMPLE_USER: &str = "jane@example.com";

/// Namespaces that stand in for "any namespace the policy does not name": the first the
/// policy does not name is used.
const UNNAMED_NAMESPACES: &[&str] = &["default", "example", "example-2"];

/// The concrete requests for a probe: by [`EXAMPLE_USER`], in a namespace the policy does not
/// name (`default`, or `example` when `default` is named), in every namespace it names, and
/// across all namespaces for list and watch; with a name for the verbs that take one.
pub fn requests(policy: &Policy<'_>, probe: &Probe) -> Vec<Request> {
    let mut namespaces: Vec<String> = Vec::new();
    if probe.namespaced {
        let named = policy.named_namespaces();
        if let Some(unnamed) = UNNAMED_NAMESPACES.iter().find(|ns| !named.contains(*ns)) {
            namespaces.push(unnamed.to_string());
        }
        namespaces.extend(named.into_iter().map(str::to_string));
        if matches!(probe.verb, "list" | "watch") {
            namespaces.push(String::new());
        }
    } else {
        namespaces.push(String::new());
    }
    let name = match probe.verb {
        "list" | "watch" | "create" | "deletecollection" if probe.subresource.is_empty() => "",
        _ => "example",
    };
    namespaces
        .into_iter()
        .map(|namespace| Request {
            user: EXAMPLE_USER.to_string(),
            groups: vec!["system:authenticated".to_string()],
            verb: probe.verb.to_string(),
            target: Target::Resource {
                group: probe.group.to_string(),
                resource: probe.resource.to_string(),
                subresource: probe.subresource.to_string(),
                namespace,
                name: name.to_string(),
                namespaced: probe.namespaced,
            },
        })
        .collect()
}

/// `verbs` × `resources` as probes.
pub fn probes(
    verbs: &[&'static str],
    group: &'static str,
    resources: &[(&'static str, &'static str, bool)],
) -> Vec<Probe> {
    resources
        .iter()
        .flat_map(|&(resource, subresource, namespaced)| {
            verbs.iter().map(move |&verb| Probe {
                verb,
                group,
                resource,
                subresource,
                namespaced,
            })
        })
        .collect()
}

/// Requests the policy decides wrongly, grouped by the rule that decides them (`None`: no
/// rule matches), in rule order.
pub fn failures(
    policy: &Policy<'_>,
    probes: &[Probe],
    wrong: impl Fn(&Decision) -> bool,
) -> Vec<(Option<usize>, Decision, Vec<Request>)> {
    let mut grouped: Vec<(Option<usize>, Decision, Vec<Request>)> = Vec::new();
    for probe in probes {
        for request in requests(policy, probe) {
            let decision = policy.decide(&request);
            if !wrong(&decision) {
                continue;
            }
            match grouped
                .iter_mut()
                .find(|(rule, d, _)| *rule == decision.rule && d.level == decision.level)
            {
                Some((_, _, list)) => list.push(request),
                None => grouped.push((decision.rule, decision, vec![request])),
            }
        }
    }
    grouped.sort_by_key(|(rule, _, _)| rule.unwrap_or(usize::MAX));
    grouped
}

/// The requests grouped by resource, each with its verbs and the namespaces it was tried
/// in: `create, get pods/exec in namespace default; create clusterroles.rbac.authorization.k8s.io`.
pub fn list_requests(requests: &[Request]) -> String {
    const SHOWN: usize = 5;
    struct Group<'r> {
        resource: String,
        verbs: Vec<&'r str>,
        namespaces: Vec<&'r str>,
        across_all: bool,
    }
    let mut groups: Vec<Group<'_>> = Vec::new();
    for r in requests {
        let (resource, namespace, namespaced) = match &r.target {
            Target::Resource {
                group,
                resource,
                subresource,
                namespace,
                namespaced,
                ..
            } => {
                let mut text = resource.clone();
                if !group.is_empty() {
                    text.push('.');
                    text.push_str(group);
                }
                if !subresource.is_empty() {
                    text.push('/');
                    text.push_str(subresource);
                }
                (text, namespace.as_str(), *namespaced)
            }
            Target::NonResource { path } => (path.clone(), "", false),
        };
        let index = match groups.iter().position(|g| g.resource == resource) {
            Some(i) => i,
            None => {
                groups.push(Group {
                    resource,
                    verbs: Vec::new(),
                    namespaces: Vec::new(),
                    across_all: false,
                });
                groups.len() - 1
            }
        };
        let group = &mut groups[index];
        if !group.verbs.contains(&r.verb.as_str()) {
            group.verbs.push(&r.verb);
        }
        if !namespace.is_empty() && !group.namespaces.contains(&namespace) {
            group.namespaces.push(namespace);
        }
        group.across_all |= namespaced && namespace.is_empty();
    }
    let mut parts: Vec<String> = groups
        .iter()
        .take(SHOWN)
        .map(|g| {
            let mut text = format!("{} {}", g.verbs.join(", "), g.resource);
            match g.namespaces.as_slice() {
                [] => {}
                [one] => text.push_str(&format!(" in namespace {one}")),
                many => text.push_str(&format!(" in namespaces {}", many.join(", "))),
            }
            if g.across_all {
                text.push_str(if g.namespaces.is_empty() {
                    " across all namespaces"
                } else {
                    " and across all namespaces"
                });
            }
            text
        })
        .collect();
    if groups.len() > SHOWN {
        parts.push(format!(
            "requests on {} more resources",
            groups.len() - SHOWN
        ));
    }
    parts.join("; ")
}

/// Reports requests that are not logged, at the rule that decides them (its `level`), or at
/// `rules` when no rule matches. `what` names the requests for the message.
pub fn report_unlogged(
    sink: &mut Sink<'_>,
    policy: &Policy<'_>,
    probes: &[Probe],
    what: &str,
    severity: Severity,
) {
    for (rule, decision, requests) in failures(policy, probes, |d| !d.is_logged()) {
        let listed = list_requests(&requests);
        match rule.map(|i| &policy.rules[i]) {
            Some(rule) if decision.level > Level::None => sink.report_with(
                policy.object,
                &if rule.omit_stages.is_empty() {
                    "/omitStages".to_string()
                } else {
                    format!("/rules/{}/omitStages", rule.index)
                },
                severity,
                format!(
                    "{} is the first rule to match {what}, and its omitStages (with the policy's) leave no stage to record, so they are not logged: {listed}",
                    rule.describe()
                ),
            ),
            Some(rule) => sink.report_with(
                policy.object,
                &rule.level_pointer(),
                severity,
                format!(
                    "{} is the first rule to match {what}, so they are not logged: {listed}",
                    rule.describe()
                ),
            ),
            None if policy.rules.is_empty() => sink.report_with(
                policy.object,
                "/rules",
                severity,
                format!(
                    "the policy has no rules (the API server refuses to load it), so nothing is logged, {what} included"
                ),
            ),
            None => sink.report_with(
                policy.object,
                "/rules",
                severity,
                format!(
                    "no rule matches these {what}, and a request no rule matches is not logged: {listed}"
                ),
            ),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use bulkhead_model::{load_text, Limits};

    fn policy_object(rules: &str) -> Object {
        let text = format!("apiVersion: audit.k8s.io/v1\nkind: Policy\nrules:\n{rules}");
        let mut loaded = load_text("p.yaml", &text, &Limits::default());
        assert!(loaded.errors.is_empty(), "{:?}", loaded.errors);
        loaded.objects.remove(0)
    }

    fn request(verb: &str, group: &str, resource: &str, sub: &str, ns: &str) -> Request {
        Request {
            user: EXAMPLE_USER.to_string(),
            groups: vec!["system:authenticated".to_string()],
            verb: verb.to_string(),
            target: Target::Resource {
                group: group.to_string(),
                resource: resource.to_string(),
                subresource: sub.to_string(),
                namespace: ns.to_string(),
                name: String::new(),
                namespaced: !ns.is_empty(),
            },
        }
    }

    fn level(rules: &str, r: &Request) -> (Option<usize>, Level) {
        let object = policy_object(rules);
        let d = Policy::read(&object).decide(r);
        (d.rule, d.level)
    }

    #[test]
    fn the_first_matching_rule_decides() {
        let rules = "- level: Metadata\n  resources: [{group: '', resources: [secrets]}]\n- level: RequestResponse\n";
        let get = request("get", "", "secrets", "", "default");
        assert_eq!(level(rules, &get), (Some(0), Level::Metadata));
        let pods = request("get", "", "pods", "", "default");
        assert_eq!(level(rules, &pods), (Some(1), Level::RequestResponse));
    }

    #[test]
    fn no_matching_rule_means_not_logged() {
        let rules = "- level: Metadata\n  verbs: [delete]\n";
        let d = {
            let object = policy_object(rules);
            Policy::read(&object).decide(&request("get", "", "pods", "", "default"))
        };
        assert_eq!(d.rule, None);
        assert!(!d.is_logged());
    }

    #[test]
    fn subresources_match_exactly_or_by_wildcard() {
        let exec = request("create", "", "pods", "exec", "default");
        for (res, expected) in [
            ("pods", false),
            ("pods/exec", true),
            ("pods/*", true),
            ("*/exec", true),
            ("*", true),
            ("pods/attach", false),
            ("*/attach", false),
        ] {
            let rules =
                format!("- level: Request\n  resources: [{{group: '', resources: ['{res}']}}]\n");
            assert_eq!(level(&rules, &exec).0 == Some(0), expected, "{res}");
        }
        // `pods/*` also matches the pods resource itself.
        let pods = request("create", "", "pods", "", "default");
        let rules = "- level: Request\n  resources: [{group: '', resources: ['pods/*']}]\n";
        assert_eq!(level(rules, &pods).0, Some(0));
    }

    #[test]
    fn groups_must_match_exactly_and_empty_resources_match_the_whole_group() {
        let role = request(
            "create",
            "rbac.authorization.k8s.io",
            "roles",
            "",
            "default",
        );
        let core = "- level: Metadata\n  resources: [{group: '', resources: ['*']}]\n";
        assert_eq!(level(core, &role).0, None);
        let whole = "- level: Metadata\n  resources: [{group: rbac.authorization.k8s.io}]\n";
        assert_eq!(level(whole, &role).0, Some(0));
    }

    #[test]
    fn users_groups_verbs_and_namespaces_all_must_match() {
        let get = request("get", "", "secrets", "", "default");
        let cases = [
            ("users: [admin]", false),
            (&format!("users: ['{EXAMPLE_USER}']") as &str, true),
            ("userGroups: [system:nodes]", false),
            ("userGroups: [system:authenticated]", true),
            ("verbs: [list]", false),
            ("verbs: [get, list]", true),
            ("namespaces: [kube-system]", false),
            ("namespaces: [default]", true),
            ("nonResourceURLs: ['*']", false),
        ];
        for (selector, expected) in cases {
            let rules = format!("- level: None\n  {selector}\n");
            assert_eq!(level(&rules, &get).0 == Some(0), expected, "{selector}");
        }
    }

    #[test]
    fn resource_names_restrict_resources() {
        let mut get = request("get", "", "configmaps", "", "default");
        let rules = "- level: None\n  resources: [{group: '', resources: [configmaps], resourceNames: [lock]}]\n";
        assert_eq!(level(rules, &get).0, None);
        if let Target::Resource { name, .. } = &mut get.target {
            *name = "lock".to_string();
        }
        assert_eq!(level(rules, &get).0, Some(0));
    }

    #[test]
    fn non_resource_urls_match_by_prefix_wildcard() {
        let health = Request {
            user: EXAMPLE_USER.to_string(),
            groups: vec![],
            verb: "get".to_string(),
            target: Target::NonResource {
                path: "/healthz/etcd".to_string(),
            },
        };
        assert_eq!(
            level("- level: None\n  nonResourceURLs: ['/healthz*']\n", &health).0,
            Some(0)
        );
        assert_eq!(
            level("- level: None\n  nonResourceURLs: ['/healthz']\n", &health).0,
            None
        );
        let resource = request("get", "", "pods", "", "default");
        assert_eq!(
            level("- level: None\n  nonResourceURLs: ['*']\n", &resource).0,
            None
        );
    }

    #[test]
    fn omit_stages_keep_the_level_but_can_drop_every_event() {
        let object =
            policy_object("- level: Metadata\n  omitStages: [RequestReceived, ResponseStarted]\n");
        let mut policy = Policy::read(&object);
        let d = policy.decide(&request("get", "", "pods", "", "default"));
        assert_eq!(d.level, Level::Metadata);
        assert!(d.is_logged());
        policy.omit_stages = vec!["ResponseComplete"];
        let d = policy.decide(&request("get", "", "pods", "", "default"));
        assert_eq!(d.level, Level::Metadata);
        assert!(!d.is_logged());
    }

    #[test]
    fn requests_cover_named_namespaces_and_all_namespaces_for_lists() {
        let object = policy_object("- level: None\n  namespaces: [kube-system]\n");
        let policy = Policy::read(&object);
        let list = Probe {
            verb: "list",
            group: "",
            resource: "secrets",
            subresource: "",
            namespaced: true,
        };
        let described: Vec<String> = requests(&policy, &list)
            .iter()
            .map(Request::describe)
            .collect();
        assert_eq!(
            described,
            [
                "list secrets in namespace default",
                "list secrets in namespace kube-system",
                "list secrets across all namespaces"
            ]
        );
    }

    #[test]
    fn a_policy_naming_default_is_probed_in_another_namespace_too() {
        let object = policy_object("- level: Metadata\n  namespaces: [default]\n");
        let policy = Policy::read(&object);
        let create = Probe {
            verb: "create",
            group: "",
            resource: "pods",
            subresource: "",
            namespaced: true,
        };
        let found = requests(&policy, &create);
        let listed = list_requests(&found);
        assert_eq!(listed, "create pods in namespaces example, default");
        let unlogged: Vec<Request> = found
            .into_iter()
            .filter(|r| !policy.decide(r).is_logged())
            .collect();
        assert_eq!(list_requests(&unlogged), "create pods in namespace example");
    }
}
