//! What a check is: metadata as data, documentation from its doc comment, and one function.

use std::collections::HashMap;
use std::sync::OnceLock;

use bulkhead_model::{Inventory, Object, PodSpec};
use bulkhead_netpol::Network;
use bulkhead_node::kubelet::Kubelet;
use bulkhead_node::{command_lines, CommandLine, Component};
use bulkhead_rbac::Rbac;

use crate::compliance::Compliance;
use crate::family::Family;
use crate::pss::{self, Version};
use crate::rules::references::pod_sources::PodSources;
use crate::severity::Severity;
use crate::sink::Sink;

/// Settings that change what checks consider acceptable.
#[derive(Clone, Debug, Default)]
pub struct Options {
    /// The Pod Security Standards version the PSS controls follow (`--pss-version`).
    pub pss_version: Version,
    /// The Kubernetes version the manifests are meant for (`--kubernetes-version`), as
    /// (major, minor); `None` means the newest this build knows.
    pub kubernetes_version: Option<(u32, u32)>,
    /// Registries (or registry/path prefixes) images may come from (`--allowed-registry`);
    /// empty means any.
    pub allowed_registries: Vec<String>,
    /// Certificates expiring within this many days are reported (`--cert-expiry-days`);
    /// `None` means 30.
    pub cert_expiry_days: Option<u32>,
    /// The project's custom rules (`rules:` in `.bulkhead.yaml`, `--rules DIR`); each has its
    /// check among the checks a scan runs.
    pub custom_rules: std::sync::Arc<crate::custom::CustomRules>,
}

impl Options {
    /// The warning window for certificate expiry, in days.
    pub fn cert_expiry_days(&self) -> u32 {
        self.cert_expiry_days.unwrap_or(30)
    }
}

/// Everything a check may look at besides the object in hand.
pub struct Context<'a> {
    pub inventory: &'a Inventory,
    pub options: &'a Options,
    /// The RBAC model of the inventory, resolved once on first use and shared by every check
    /// that needs it (aggregation and binding resolution are the expensive part).
    rbac: OnceLock<Rbac<'a>>,
    /// Every component command line of the inventory, found once.
    command_lines: OnceLock<Vec<CommandLine<'a>>>,
    /// Every kubelet of the inventory with its config file and drop-ins, resolved once.
    kubelets: OnceLock<Vec<Kubelet<'a>>>,
    /// The network model (workloads, policies, namespaces), built once for every network
    /// check instead of once by each.
    network: OnceLock<Network<'a>>,
    /// The ValidatingAdmissionPolicies of the inventory evaluated over its objects, once.
    admission: OnceLock<Vec<bulkhead_cel::vap::Outcome>>,
    /// Every custom rule's verdict on every object it selects, evaluated once.
    custom: OnceLock<Vec<crate::custom::Judged>>,
    /// The RBAC escalation graph (default options), built once for the checks that search it.
    rbac_graph: OnceLock<bulkhead_rbac::Graph>,
    /// Each inventory object's pod spec (by position), found once and shared by the dozens of
    /// pod checks that ask for it.
    pod_specs: Vec<OnceLock<Option<PodSpec<'a>>>>,
    /// What could create pods in each namespace, for the checks that ask whether a selector
    /// or a reference matches anything.
    pod_sources: OnceLock<PodSources<'a>>,
    /// The Pod Security Standards entries of every control at the configured version, worked
    /// out once instead of for every workload by every PSS check.
    pss_entries: OnceLock<HashMap<&'static str, Option<Vec<String>>>>,
}

impl<'a> Context<'a> {
    pub fn new(inventory: &'a Inventory, options: &'a Options) -> Self {
        Context {
            inventory,
            options,
            rbac: OnceLock::new(),
            command_lines: OnceLock::new(),
            kubelets: OnceLock::new(),
            network: OnceLock::new(),
            admission: OnceLock::new(),
            custom: OnceLock::new(),
            rbac_graph: OnceLock::new(),
            pod_specs: (0..inventory.len()).map(|_| OnceLock::new()).collect(),
            pod_sources: OnceLock::new(),
            pss_entries: OnceLock::new(),
        }
    }

    /// The pod spec of `object` ([`PodSpec::of`]), found once per object of the inventory;
    /// an object from elsewhere has it found each time.
    pub fn pod_spec<'o>(&'o self, object: &'o Object) -> Option<PodSpec<'o>> {
        match self.index_of(object) {
            Some(i) => self.pod_specs[i]
                .get_or_init(|| PodSpec::of(&self.inventory.objects()[i]))
                .clone(),
            None => PodSpec::of(object),
        }
    }

    /// The position of `object` in the inventory, if it is one of its objects (by address:
    /// the inventory never moves its objects).
    fn index_of(&self, object: &Object) -> Option<usize> {
        let objects = self.inventory.objects();
        let size = std::mem::size_of::<Object>().max(1);
        let offset = (object as *const Object as usize).checked_sub(objects.as_ptr() as usize)?;
        let i = offset / size;
        (offset % size == 0 && i < objects.len() && std::ptr::eq(&objects[i], object)).then_some(i)
    }

    /// The Pod Security Standards entries for a violation of `control` at the configured
    /// version; `None` when the control is not part of that version (the check then reports
    /// nothing). Looked up in a table made once per scan.
    pub fn pss_entries(&self, control: &str) -> Option<Vec<String>> {
        let version = self.options.pss_version;
        let table = self.pss_entries.get_or_init(|| {
            pss::CONTROLS
                .iter()
                .map(|c| (c.id, entries_at(c.id, version)))
                .collect()
        });
        match table.get(control) {
            Some(entries) => entries.clone(),
            None => entries_at(control, version),
        }
    }

    /// What could create pods in each namespace of the inventory, found once per scan.
    pub fn pod_sources(&self) -> &PodSources<'a> {
        self.pod_sources.get_or_init(|| PodSources::new(self))
    }

    /// Every component command line of the inventory, found once per scan.
    pub fn every_command_line(&self) -> &[CommandLine<'a>] {
        self.command_lines
            .get_or_init(|| command_lines(self.inventory))
    }

    /// Every kubelet of the inventory (`Kubelet::resolve`), found once per scan.
    pub fn kubelets(&self) -> &[Kubelet<'a>] {
        self.kubelets.get_or_init(|| {
            let lines = self.command_lines(Component::Kubelet).cloned();
            Kubelet::resolve_lines(self.inventory, lines)
        })
    }

    /// The command lines of one control-plane or node component (static Pods, processes,
    /// systemd units), each flag with its location.
    pub fn command_lines(&self, component: Component) -> impl Iterator<Item = &CommandLine<'a>> {
        self.every_command_line()
            .iter()
            .filter(move |l| l.component == component)
    }

    /// The network model with default options, built on first use and shared.
    pub fn network(&self) -> &Network<'a> {
        self.network
            .get_or_init(|| Network::build(self.inventory, bulkhead_netpol::Options::default()))
    }

    /// What the inventory's ValidatingAdmissionPolicies say about its objects, evaluated once
    /// per scan for every check that reports it.
    pub fn admission(&self) -> &[bulkhead_cel::vap::Outcome] {
        self.admission
            .get_or_init(|| bulkhead_cel::vap::evaluate(self.inventory))
    }

    /// The custom rules' verdicts over the inventory, evaluated once per scan.
    pub fn custom_verdicts(&self) -> &[crate::custom::Judged] {
        self.custom
            .get_or_init(|| self.options.custom_rules.judge(self.inventory))
    }

    pub fn rbac(&self) -> &Rbac<'a> {
        self.rbac.get_or_init(|| Rbac::load(self.inventory))
    }

    /// The escalation graph of [`Context::rbac`] with default options, built on first use
    /// and shared (the RBAC path check and the attack-path check both search it).
    pub fn rbac_graph(&self) -> &bulkhead_rbac::Graph {
        self.rbac_graph
            .get_or_init(|| self.rbac().graph(bulkhead_rbac::QueryOptions::default()))
    }
}

/// The entries of `control` at `version`; `None` when the control is not part of it.
fn entries_at(control: &str, version: Version) -> Option<Vec<String>> {
    pss::active(control, version).then(|| pss::entries(control, version))
}

/// How a check runs: on each object independently (in parallel), or once over the inventory.
#[derive(Clone, Copy)]
pub enum Run {
    Object(fn(&Context<'_>, &Object, &mut Sink<'_>)),
    Inventory(fn(&Context<'_>, &mut Sink<'_>)),
}

/// Which objects a per-object check reads: the engine runs it on those only, and a check
/// given any other object reports nothing. Declared on the check (`reads:`); a check that
/// declares nothing runs on every object.
#[derive(Clone, Copy, Debug)]
pub enum Reads {
    /// Every object.
    Everything,
    /// Objects of these kinds (in any API group: the check still tests the group itself).
    Kinds(&'static [&'static str]),
    /// Objects with a pod spec ([`PodSpec::of`]): workloads of every kind, custom ones too.
    PodSpecs,
}

/// One check. Declared with [`declare_check!`](crate::declare_check) so that its doc comment
/// becomes the text of `bulkhead explain` and of `docs/checks/`.
pub struct Check {
    /// Stable id: `BH`, the family letter, three digits (`BHW001`). Never reused.
    pub id: &'static str,
    /// Readable name in kebab case (`privileged-container`).
    pub slug: &'static str,
    pub severity: Severity,
    pub family: Family,
    /// One line: how to fix it.
    pub remediation: &'static str,
    pub compliance: Compliance,
    pub run: Run,
    /// The objects a per-object check reads ([`Reads::Everything`] unless declared).
    pub reads: Reads,
    /// The doc comment, verbatim (one leading space per line).
    pub doc: &'static str,
}

impl std::fmt::Debug for Check {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Check").field("id", &self.id).finish()
    }
}

impl Check {
    /// The documentation as Markdown, with the comment's leading space removed.
    pub fn documentation(&self) -> String {
        self.doc
            .lines()
            .map(|l| l.strip_prefix(' ').unwrap_or(l))
            .collect::<Vec<_>>()
            .join("\n")
            .trim()
            .to_string()
    }

    /// The first sentence under "What it checks": the one-line title shown in listings.
    pub fn title(&self) -> String {
        let doc = self.documentation();
        let body = doc
            .split_once("## What it checks")
            .map_or(doc.as_str(), |(_, rest)| rest);
        let paragraph: Vec<&str> = body
            .lines()
            .map(str::trim)
            .skip_while(|l| l.is_empty())
            .take_while(|l| !l.is_empty())
            .collect();
        let text = paragraph.join(" ");
        match text.find(". ") {
            Some(end) => text[..=end].trim().to_string(),
            None => text,
        }
    }
}

/// Declares a check whose documentation is its doc comment.
///
/// ```text
/// declare_check! {
///     /// ## What it checks
///     /// ...
///     pub static PRIVILEGED = Check { id: "BHW001", ... };
/// }
/// ```
#[macro_export]
macro_rules! declare_check {
    (
        $(#[doc = $doc:literal])*
        $vis:vis static $name:ident = Check {
            $($body:tt)*
        };
    ) => {
        $(#[doc = $doc])*
        $vis static $name: $crate::Check = $crate::__check_fields!(
            [doc: concat!($($doc, "\n"),*),] [reads: $crate::Reads::Everything,] $($body)*
        );
    };
}

/// The fields of [`declare_check!`], one at a time: `reads` replaces its default, every other
/// field is kept as written.
#[doc(hidden)]
#[macro_export]
macro_rules! __check_fields {
    ([$($done:tt)*] [$($reads:tt)*] reads : $value:expr $(, $($rest:tt)*)?) => {
        $crate::__check_fields!([$($done)*] [reads: $value,] $($($rest)*)?)
    };
    ([$($done:tt)*] [$($reads:tt)*] $field:ident : $value:expr $(, $($rest:tt)*)?) => {
        $crate::__check_fields!([$($done)* $field: $value,] [$($reads)*] $($($rest)*)?)
    };
    ([$($done:tt)*] [$($reads:tt)*]) => {
        $crate::Check { $($done)* $($reads)* }
    };
}
