//! RBAC objects read from the inventory: roles (with aggregation resolved), bindings,
//! subjects, service accounts, their token secrets and the workloads that run as them.

use std::collections::{BTreeSet, HashMap};
use std::fmt;

use bulkhead_model::{Inventory, LabelSelector, Location, Node, Object, PodSpec};
use serde::Serialize;

use crate::defaults;

/// `Role` or `ClusterRole`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
pub enum RoleKind {
    Role,
    ClusterRole,
}

impl RoleKind {
    pub fn name(self) -> &'static str {
        match self {
            RoleKind::Role => "Role",
            RoleKind::ClusterRole => "ClusterRole",
        }
    }
}

/// `RoleBinding` or `ClusterRoleBinding`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
pub enum BindingKind {
    RoleBinding,
    ClusterRoleBinding,
}

impl BindingKind {
    pub fn name(self) -> &'static str {
        match self {
            BindingKind::RoleBinding => "RoleBinding",
            BindingKind::ClusterRoleBinding => "ClusterRoleBinding",
        }
    }
}

/// One `PolicyRule`, with the role object and index it was written at.
#[derive(Clone, Debug)]
pub struct Rule<'a> {
    pub verbs: Vec<String>,
    pub api_groups: Vec<String>,
    pub resources: Vec<String>,
    pub resource_names: Vec<String>,
    pub non_resource_urls: Vec<String>,
    /// The role that holds this rule in its own `rules` (for aggregated rules: the
    /// aggregated-from ClusterRole), as `ClusterRole/view`.
    pub origin_role: String,
    /// The object the rule was written in; `None` for the built-in roles this tool knows.
    pub object: Option<&'a Object>,
    /// Index in the origin role's `rules`.
    pub index: usize,
}

impl<'a> Rule<'a> {
    /// JSON pointer of the rule inside its object.
    pub fn pointer(&self) -> String {
        format!("/rules/{}", self.index)
    }

    pub fn location(&self) -> Option<Location> {
        self.object.map(|o| o.locate(&self.pointer()))
    }

    /// A compact rendering: `get,list secrets [""]`, `get /healthz*`.
    pub fn summary(&self) -> String {
        let verbs = self.verbs.join(",");
        if !self.non_resource_urls.is_empty() {
            return format!("{verbs} {}", self.non_resource_urls.join(","));
        }
        let groups: Vec<String> = self
            .api_groups
            .iter()
            .map(|g| {
                if g.is_empty() {
                    "\"\"".into()
                } else {
                    g.clone()
                }
            })
            .collect();
        let mut out = format!(
            "{verbs} {} [{}]",
            self.resources.join(","),
            groups.join(",")
        );
        if !self.resource_names.is_empty() {
            out.push_str(&format!(" names={}", self.resource_names.join(",")));
        }
        out
    }

    fn read(node: &Node, origin_role: &str, object: Option<&'a Object>, index: usize) -> Self {
        Rule {
            verbs: strings(node.get("verbs")),
            api_groups: strings(node.get("apiGroups")),
            resources: strings(node.get("resources")),
            resource_names: strings(node.get("resourceNames")),
            non_resource_urls: strings(node.get("nonResourceURLs")),
            origin_role: origin_role.to_string(),
            object,
            index,
        }
    }

    /// A rule of a built-in role (no object).
    pub fn builtin(
        role: &str,
        index: usize,
        verbs: &[&str],
        groups: &[&str],
        resources: &[&str],
        urls: &[&str],
    ) -> Self {
        let own = |v: &[&str]| v.iter().map(|s| s.to_string()).collect();
        Rule {
            verbs: own(verbs),
            api_groups: own(groups),
            resources: own(resources),
            resource_names: Vec::new(),
            non_resource_urls: own(urls),
            origin_role: format!("ClusterRole/{role}"),
            object: None,
            index,
        }
    }
}

fn strings(node: Option<&Node>) -> Vec<String> {
    node.map(Node::as_seq)
        .unwrap_or(&[])
        .iter()
        .filter_map(Node::scalar_text)
        .collect()
}

/// A Role or ClusterRole with its effective rules (aggregation resolved).
#[derive(Clone, Debug)]
pub struct Role<'a> {
    pub kind: RoleKind,
    pub namespace: Option<String>,
    pub name: String,
    pub rules: Vec<Rule<'a>>,
    /// `None` for a built-in role this tool supplies because the inputs do not define it.
    pub object: Option<&'a Object>,
    pub default: bool,
    /// `aggregationRule.clusterRoleSelectors`, if any.
    pub aggregation: Vec<LabelSelector>,
}

impl Role<'_> {
    pub fn display(&self) -> String {
        match &self.namespace {
            Some(ns) => format!("{}/{ns}/{}", self.kind.name(), self.name),
            None => format!("{}/{}", self.kind.name(), self.name),
        }
    }
}

/// A subject of a binding.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(tag = "kind")]
pub enum Subject {
    User {
        name: String,
    },
    Group {
        name: String,
    },
    ServiceAccount {
        /// `None` when neither the subject nor its RoleBinding names a namespace: it lands in
        /// the namespace the manifest is applied to.
        namespace: Option<String>,
        name: String,
    },
}

impl Subject {
    pub fn user(name: &str) -> Self {
        Subject::User { name: name.into() }
    }
    pub fn group(name: &str) -> Self {
        Subject::Group { name: name.into() }
    }
    pub fn service_account(namespace: &str, name: &str) -> Self {
        Subject::ServiceAccount {
            namespace: Some(namespace.into()),
            name: name.into(),
        }
    }

    /// Parses `sa:ns:name` (or `serviceaccount:ns:name`, `system:serviceaccount:ns:name`),
    /// `user:name`, `group:name`.
    pub fn parse(text: &str) -> Result<Self, String> {
        if let Some(rest) = text.strip_prefix("system:serviceaccount:") {
            return Self::parse(&format!("sa:{rest}"));
        }
        let (kind, rest) = text.split_once(':').ok_or_else(|| {
            format!("subject {text:?}: expected sa:NS:NAME, user:NAME or group:NAME")
        })?;
        match kind {
            "sa" | "serviceaccount" => {
                let (ns, name) = rest
                    .split_once(':')
                    .or_else(|| rest.split_once('/'))
                    .ok_or_else(|| format!("subject {text:?}: expected sa:NAMESPACE:NAME"))?;
                if ns.is_empty() || name.is_empty() {
                    return Err(format!("subject {text:?}: expected sa:NAMESPACE:NAME"));
                }
                Ok(Subject::service_account(ns, name))
            }
            "user" if !rest.is_empty() => Ok(Subject::user(rest)),
            "group" if !rest.is_empty() => Ok(Subject::group(rest)),
            _ => Err(format!(
                "subject {text:?}: expected sa:NS:NAME, user:NAME or group:NAME"
            )),
        }
    }

    /// The username the API server sees for a service account, or the subject's name.
    pub fn name(&self) -> &str {
        match self {
            Subject::User { name }
            | Subject::Group { name }
            | Subject::ServiceAccount { name, .. } => name,
        }
    }

    /// Whether this is a built-in identity of Kubernetes (`system:` users and groups other than
    /// the catch-all groups, service accounts of `kube-system`).
    pub fn is_default(&self) -> bool {
        match self {
            Subject::User { name } => name.starts_with("system:") && name != "system:anonymous",
            Subject::Group { name } => {
                name.starts_with("system:") && !defaults::is_broad_group(name)
            }
            Subject::ServiceAccount { namespace, .. } => {
                namespace.as_deref() == Some("kube-system")
            }
        }
    }

    /// The groups this identity is a member of by construction (not counting groups an
    /// authenticator may add).
    pub fn implicit_groups(&self) -> Vec<String> {
        match self {
            Subject::User { name } if name == "system:anonymous" => {
                vec!["system:unauthenticated".into()]
            }
            Subject::User { .. } => vec!["system:authenticated".into()],
            Subject::Group { .. } => Vec::new(),
            Subject::ServiceAccount { namespace, .. } => {
                let mut groups = vec!["system:serviceaccounts".to_string()];
                if let Some(ns) = namespace {
                    groups.push(format!("system:serviceaccounts:{ns}"));
                }
                groups.push("system:authenticated".into());
                groups
            }
        }
    }
}

impl fmt::Display for Subject {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Subject::User { name } => write!(f, "user:{name}"),
            Subject::Group { name } => write!(f, "group:{name}"),
            Subject::ServiceAccount { namespace, name } => write!(
                f,
                "sa:{}:{name}",
                namespace.as_deref().unwrap_or("<applied-namespace>")
            ),
        }
    }
}

/// A RoleBinding or ClusterRoleBinding.
#[derive(Clone, Debug)]
pub struct Binding<'a> {
    pub kind: BindingKind,
    /// `None` for ClusterRoleBindings, and for RoleBindings written without a namespace.
    pub namespace: Option<String>,
    pub name: String,
    pub role_kind: RoleKind,
    pub role_name: String,
    /// Each subject with its index in `subjects`.
    pub subjects: Vec<(Subject, usize)>,
    pub object: &'a Object,
    pub default: bool,
    /// A later definition with the same identity in the same root replaces this one: it is
    /// checked as written but grants nothing in the graph or in queries.
    pub shadowed: bool,
}

impl Binding<'_> {
    pub fn display(&self) -> String {
        match (&self.kind, &self.namespace) {
            (BindingKind::RoleBinding, Some(ns)) => format!("RoleBinding/{ns}/{}", self.name),
            (BindingKind::RoleBinding, None) => format!("RoleBinding/{}", self.name),
            (BindingKind::ClusterRoleBinding, _) => format!("ClusterRoleBinding/{}", self.name),
        }
    }

    pub fn role_display(&self) -> String {
        match (self.role_kind, &self.namespace) {
            (RoleKind::Role, Some(ns)) => format!("Role/{ns}/{}", self.role_name),
            (kind, _) => format!("{}/{}", kind.name(), self.role_name),
        }
    }

    pub fn subject_location(&self, index: usize) -> Location {
        self.object.locate(&format!("/subjects/{index}"))
    }

    /// A ClusterRoleBinding whose roleRef is a Role: the API server rejects it, so it grants
    /// nothing (the `binding-to-missing-role` check says so).
    pub fn is_invalid(&self) -> bool {
        self.kind == BindingKind::ClusterRoleBinding && self.role_kind == RoleKind::Role
    }

    pub fn role_ref_location(&self) -> Location {
        self.object.locate("/roleRef/name")
    }
}

/// A workload (any kind with a pod spec) and the service account its pods run as.
#[derive(Clone, Debug)]
pub struct Workload<'a> {
    pub object: &'a Object,
    pub namespace: Option<String>,
    pub service_account: String,
    /// Pointer to `serviceAccountName` (or where it would be).
    pub pointer: String,
    /// Whether the pods get a token of that service account: without one, compromising a
    /// container does not hand the service account over.
    pub token: TokenMount,
}

/// Whether a pod's containers hold a token of its service account, and what decided it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "state", content = "reason", rename_all = "camelCase")]
pub enum TokenMount {
    Mounted(String),
    NotMounted(String),
}

impl TokenMount {
    pub fn mounted(&self) -> bool {
        matches!(self, TokenMount::Mounted(_))
    }

    pub fn reason(&self) -> &str {
        match self {
            TokenMount::Mounted(reason) | TokenMount::NotMounted(reason) => reason,
        }
    }

    /// The API server's rule: the pod's `automountServiceAccountToken` wins, else the
    /// ServiceAccount's, else the token is mounted; a projected `serviceAccountToken` volume
    /// mounts one whatever the flags say.
    fn of(pod: &PodSpec<'_>, account: Option<&Object>, account_name: &str) -> Self {
        let projected = pod
            .get("volumes")
            .map(Node::as_seq)
            .unwrap_or(&[])
            .iter()
            .filter_map(|v| v.path(&["projected", "sources"]))
            .flat_map(Node::as_seq)
            .any(|source| source.get("serviceAccountToken").is_some());
        if projected {
            return TokenMount::Mounted(
                "a projected serviceAccountToken volume mounts a token".into(),
            );
        }
        let flag = |node: Option<&Node>| node.and_then(Node::as_bool);
        match (
            flag(pod.get("automountServiceAccountToken")),
            flag(account.and_then(|sa| sa.root.get("automountServiceAccountToken"))),
        ) {
            (Some(false), _) => TokenMount::NotMounted(
                "the pod sets automountServiceAccountToken: false".into(),
            ),
            (Some(true), _) => {
                TokenMount::Mounted("the pod sets automountServiceAccountToken: true".into())
            }
            (None, Some(false)) => TokenMount::NotMounted(format!(
                "service account {account_name} sets automountServiceAccountToken: false and the pod does not override it"
            )),
            _ => TokenMount::Mounted("automountServiceAccountToken is not false".into()),
        }
    }
}

/// A `kubernetes.io/service-account-token` Secret.
#[derive(Clone, Debug)]
pub struct TokenSecret<'a> {
    pub object: &'a Object,
    pub namespace: Option<String>,
    pub name: String,
    pub service_account: String,
}

/// A role's identity: kind, namespace (for Roles), name.
type RoleKey = (RoleKind, Option<String>, String);

/// Everything RBAC in one inventory.
#[derive(Debug, Default)]
pub struct Rbac<'a> {
    pub roles: Vec<Role<'a>>,
    pub bindings: Vec<Binding<'a>>,
    /// Service accounts declared as objects.
    pub service_accounts: Vec<&'a Object>,
    pub workloads: Vec<Workload<'a>>,
    pub token_secrets: Vec<TokenSecret<'a>>,
    /// Each role identity with, per root (`None`: a built-in this tool supplies), the
    /// definition in force: the last one of that root, as `kubectl apply` leaves it.
    role_index: HashMap<RoleKey, Vec<(Option<u32>, usize)>>,
    sa_names: BTreeSet<(Option<String>, String)>,
}

impl<'a> Rbac<'a> {
    /// Reads every RBAC object, service account, token secret and workload of the inventory,
    /// adds the built-in ClusterRoles the inputs refer to without defining, and resolves
    /// ClusterRole aggregation to a fixed point.
    pub fn load(inventory: &'a Inventory) -> Self {
        let mut rbac = Rbac::default();
        for kind in ["Role", "ClusterRole"] {
            for object in inventory.of_kind(kind) {
                if !object.group().starts_with("rbac.authorization.k8s.io") {
                    continue;
                }
                rbac.add_role(object);
            }
        }
        for kind in ["RoleBinding", "ClusterRoleBinding"] {
            for object in inventory.of_kind(kind) {
                if !object.group().starts_with("rbac.authorization.k8s.io") {
                    continue;
                }
                rbac.add_binding(object, inventory.is_shadowed(object));
            }
        }
        for object in inventory.of_kind("ServiceAccount") {
            rbac.sa_names
                .insert((object.namespace.clone(), object.name.clone()));
            rbac.service_accounts.push(object);
        }
        for object in inventory.of_kind("Secret") {
            let typ = object.root.get("type").and_then(Node::as_str);
            let sa = object.annotation("kubernetes.io/service-account.name");
            if let (Some("kubernetes.io/service-account-token"), Some(sa)) = (typ, sa) {
                rbac.token_secrets.push(TokenSecret {
                    object,
                    namespace: object.namespace.clone(),
                    name: object.name.clone(),
                    service_account: sa.to_string(),
                });
            }
        }
        for object in inventory.objects() {
            let Some(pod) = PodSpec::of(object) else {
                continue;
            };
            let (service_account, field) = pod
                .service_account()
                .map_or(("default", "serviceAccountName"), |named| named);
            let account = inventory.get(
                "ServiceAccount",
                object.namespace.as_deref(),
                service_account,
            );
            let token = TokenMount::of(&pod, account, service_account);
            let service_account = service_account.to_string();
            rbac.workloads.push(Workload {
                object,
                namespace: object.namespace.clone(),
                service_account,
                pointer: pod.pointer_to(field),
                token,
            });
        }
        rbac.add_missing_builtins();
        rbac.aggregate();
        rbac
    }

    fn add_role(&mut self, object: &'a Object) {
        let kind = if object.kind == "Role" {
            RoleKind::Role
        } else {
            RoleKind::ClusterRole
        };
        let namespace = match kind {
            RoleKind::Role => object.namespace.clone(),
            RoleKind::ClusterRole => None,
        };
        let display = format!("{}/{}", kind.name(), object.name);
        let display = match &namespace {
            Some(ns) => format!("{}/{ns}/{}", kind.name(), object.name),
            None => display,
        };
        let rules = object
            .root
            .get("rules")
            .map(Node::as_seq)
            .unwrap_or(&[])
            .iter()
            .enumerate()
            .map(|(i, node)| Rule::read(node, &display, Some(object), i))
            .collect();
        let aggregation = object
            .root
            .path(&["aggregationRule", "clusterRoleSelectors"])
            .map(Node::as_seq)
            .unwrap_or(&[])
            .iter()
            .filter_map(|n| LabelSelector::from_node(n).ok())
            .collect();
        let default = defaults::is_default_object(object);
        self.insert_role(Role {
            kind,
            namespace,
            name: object.name.clone(),
            rules,
            object: Some(object),
            default,
            aggregation,
        });
    }

    /// Keeps every definition (each is checked); the index points at the last one of each
    /// root, which is what bindings of that root resolve to.
    fn insert_role(&mut self, role: Role<'a>) {
        let key = (role.kind, role.namespace.clone(), role.name.clone());
        let root = role.object.map(|o| o.origin.root);
        let index = self.roles.len();
        let roots = self.role_index.entry(key).or_default();
        match roots.iter_mut().find(|(r, _)| *r == root) {
            Some(entry) => entry.1 = index,
            None => roots.push((root, index)),
        }
        self.roles.push(role);
    }

    fn add_binding(&mut self, object: &'a Object, shadowed: bool) {
        let kind = if object.kind == "RoleBinding" {
            BindingKind::RoleBinding
        } else {
            BindingKind::ClusterRoleBinding
        };
        let namespace = match kind {
            BindingKind::RoleBinding => object.namespace.clone(),
            BindingKind::ClusterRoleBinding => None,
        };
        let role_ref = object.root.get("roleRef");
        let role_kind = match role_ref.and_then(|r| r.get("kind")).and_then(Node::as_str) {
            Some("Role") => RoleKind::Role,
            _ => RoleKind::ClusterRole,
        };
        let role_name = role_ref
            .and_then(|r| r.get("name"))
            .and_then(Node::as_str)
            .unwrap_or("")
            .to_string();
        let subjects = object
            .root
            .get("subjects")
            .map(Node::as_seq)
            .unwrap_or(&[])
            .iter()
            .enumerate()
            .filter_map(|(i, s)| {
                let name = s.get("name").and_then(Node::as_str)?.to_string();
                let subject = match s.get("kind").and_then(Node::as_str)? {
                    "User" => Subject::User { name },
                    "Group" => Subject::Group { name },
                    "ServiceAccount" => Subject::ServiceAccount {
                        namespace: s
                            .get("namespace")
                            .and_then(Node::as_str)
                            .map(str::to_string)
                            .or_else(|| namespace.clone()),
                        name,
                    },
                    _ => return None,
                };
                Some((subject, i))
            })
            .collect();
        let default = defaults::is_default_object(object);
        self.bindings.push(Binding {
            kind,
            namespace,
            name: object.name.clone(),
            role_kind,
            role_name,
            subjects,
            object,
            default,
            shadowed,
        });
    }

    fn add_missing_builtins(&mut self) {
        let referenced: BTreeSet<String> = self
            .bindings
            .iter()
            .filter(|b| b.role_kind == RoleKind::ClusterRole && self.role_of(b).is_none())
            .map(|b| b.role_name.clone())
            .collect();
        for name in referenced {
            if let Some(role) = defaults::builtin_role(&name) {
                self.insert_role(role);
            }
        }
    }

    /// Resolves `aggregationRule`s: each aggregating ClusterRole gets the union of its own
    /// rules and those of every ClusterRole its selectors match, until nothing changes (so
    /// aggregation of aggregated roles works in any order).
    fn aggregate(&mut self) {
        let aggregating: Vec<usize> = (0..self.roles.len())
            .filter(|&i| !self.roles[i].aggregation.is_empty())
            .collect();
        if aggregating.is_empty() {
            return;
        }
        // For each aggregating role, the roles its selectors pick (never itself).
        let sources: Vec<(usize, Vec<usize>)> = aggregating
            .iter()
            .map(|&target| {
                let selectors = &self.roles[target].aggregation;
                let picked = self
                    .roles
                    .iter()
                    .enumerate()
                    .filter(|(i, r)| {
                        *i != target
                            && r.kind == RoleKind::ClusterRole
                            && self.is_in_force(*i)
                            && r.object.is_some_and(|o| {
                                selectors.iter().any(|s| s.matches(|k| o.label(k)))
                            })
                    })
                    .map(|(i, _)| i)
                    .collect();
                (target, picked)
            })
            .collect();
        loop {
            let mut changed = false;
            for (target, picked) in &sources {
                for &source in picked {
                    let additions: Vec<Rule<'a>> = self.roles[source]
                        .rules
                        .iter()
                        .filter(|rule| {
                            !self.roles[*target].rules.iter().any(|have| {
                                have.origin_role == rule.origin_role && have.index == rule.index
                            })
                        })
                        .cloned()
                        .collect();
                    if !additions.is_empty() {
                        changed = true;
                        self.roles[*target].rules.extend(additions);
                    }
                }
            }
            if !changed {
                break;
            }
        }
    }

    /// The role a binding refers to: a Role of the binding's namespace, or a ClusterRole, as
    /// defined last in the binding's root (else a built-in one).
    pub fn role_of(&self, binding: &Binding<'_>) -> Option<&Role<'a>> {
        let namespace = match binding.role_kind {
            RoleKind::Role => binding.namespace.as_deref(),
            RoleKind::ClusterRole => None,
        };
        let key = (
            binding.role_kind,
            namespace.map(str::to_string),
            binding.role_name.clone(),
        );
        let roots = self.role_index.get(&key)?;
        let root = Some(binding.object.origin.root);
        roots
            .iter()
            .find(|(r, _)| *r == root)
            .or_else(|| roots.iter().find(|(r, _)| r.is_none()))
            .map(|&(_, i)| &self.roles[i])
    }

    /// The role of that identity in force (the last definition read, of any root).
    pub fn role(&self, kind: RoleKind, namespace: Option<&str>, name: &str) -> Option<&Role<'a>> {
        let key = (kind, namespace.map(str::to_string), name.to_string());
        let roots = self.role_index.get(&key)?;
        roots.iter().map(|&(_, i)| i).max().map(|i| &self.roles[i])
    }

    /// Whether `roles[index]` is the definition in force in its root (not replaced by a later
    /// one with the same identity).
    fn is_in_force(&self, index: usize) -> bool {
        let role = &self.roles[index];
        let key = (role.kind, role.namespace.clone(), role.name.clone());
        self.role_index
            .get(&key)
            .is_some_and(|roots| roots.iter().any(|&(_, i)| i == index))
    }

    /// Whether a service account is known: declared, or the `default` one of a namespace
    /// (which Kubernetes creates in every namespace).
    pub fn service_account_exists(&self, namespace: Option<&str>, name: &str) -> bool {
        name == "default"
            || self
                .sa_names
                .contains(&(namespace.map(str::to_string), name.to_string()))
    }
}
