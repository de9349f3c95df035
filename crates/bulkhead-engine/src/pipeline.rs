//! One scan, from inputs to a result: discover → load → filter → inventory → checks →
//! policy (Pod Security level, severity overrides, suppressions, baseline) → framework.
//!
//! The command line, `serve`, the admission webhook and the audit receiver all come through
//! here; what differs between them is only where the objects come from and where the
//! [`Outcome`] goes.

use std::path::PathBuf;
use std::time::{Duration, Instant};

use bulkhead_checks::frameworks::FrameworkReport;
use bulkhead_checks::policy::inline;
use bulkhead_checks::pss::Level;
use bulkhead_checks::rules::workload::PSS_CHECKS;
use bulkhead_checks::{run_checks, run_checks_observed, Finding};
use bulkhead_model::{
    discover, identity, load_inputs_observed, schema, Input, Inventory, Limits, LoadError,
    LoadStats, Loaded,
};

use crate::baseline::{self, Baseline};
use crate::frameworks;
use crate::progress::Progress;
use crate::render;
use crate::settings::Settings;
use crate::unread;

/// Where a scan's objects come from.
pub enum Sources {
    /// Files, directories, globs, or `-` for standard input, discovered as `scan` does.
    Paths(Vec<String>),
    /// Inputs already named (text of an admission request, a snapshot written in memory).
    Inputs(Vec<Input>),
    /// Objects a collector already read (a node audit), with what it could not read.
    Loaded(Loaded),
}

/// One scan's request.
pub struct Request<'a> {
    pub sources: Sources,
    pub settings: &'a Settings,
    pub limits: Limits,
    /// Findings whose fingerprints this baseline holds are marked as baselined.
    pub baseline: Option<&'a Baseline>,
    /// Where to write the baseline of this scan's findings (before any baseline applies).
    pub write_baseline: Option<PathBuf>,
    /// Told how reading and checking advance (a progress bar); `None` for none.
    pub progress: Option<&'a dyn Progress>,
}

impl<'a> Request<'a> {
    /// A request with default limits and no baseline.
    pub fn new(sources: Sources, settings: &'a Settings) -> Self {
        Self {
            sources,
            settings,
            limits: Limits::default(),
            baseline: None,
            write_baseline: None,
            progress: None,
        }
    }
}

/// What a scan produced. The inventory is kept: reports quote its source text, and `rbac`,
/// `netpol` and the framework coverage read it.
pub struct Outcome {
    pub inventory: Inventory,
    pub findings: Vec<Finding>,
    /// What could not be read or was read with a warning, and suppression errors.
    pub errors: Vec<LoadError>,
    pub stats: LoadStats,
    /// The framework the settings name, judged over every finding (hidden ones included: a
    /// control does not pass because its findings were not shown).
    pub framework: Option<FrameworkReport>,
    /// Findings left out by the settings' severity filter (counted, never listed or failed).
    pub hidden: usize,
    pub elapsed: Duration,
}

/// Runs one scan.
pub fn run(request: Request<'_>) -> Result<Outcome, String> {
    let started = Instant::now();
    let settings = request.settings;
    let framework = frameworks::of_settings(settings)?;
    let progress = request.progress.unwrap_or(&Silent);
    let (loaded, rendered) = load_rendered(request.sources, settings, &request.limits, progress);
    let Loaded {
        objects,
        mut errors,
        stats,
    } = loaded;
    let inventory = Inventory::new(objects);
    errors.extend(inventory.duplicate_warnings());
    errors.extend(inline::validate_with(
        &inventory,
        &settings.options.custom_rules.checks(),
    ));
    let gaps = unread::of(&inventory);
    errors.extend(gaps.errors);
    progress.stage("checking", inventory.len());
    let mut findings = run_checks_observed(&inventory, &settings.checks, &settings.options, &|n| {
        progress.advance(n)
    });
    apply_policy(&mut findings, settings);
    render::place(&mut findings, &inventory, &rendered);
    if let Some(path) = &request.write_baseline {
        baseline::write(path, &findings)?;
    }
    if let Some(baseline) = request.baseline {
        baseline.apply(&mut findings);
    }
    let framework = framework
        .map(|f| frameworks::evaluate(f, &inventory, &errors, &findings, settings, &gaps.blind));
    let before = findings.len();
    findings.retain(|f| settings.shown.shows(f.severity));
    Ok(Outcome {
        inventory,
        hidden: before - findings.len(),
        findings,
        errors,
        stats,
        framework,
        elapsed: started.elapsed(),
    })
}

/// Reads the sources, drops what the settings exclude (paths, namespaces, kinds), and checks
/// the objects read from manifests against the API schema of the target Kubernetes version.
pub fn load(sources: Sources, settings: &Settings, limits: &Limits) -> Loaded {
    load_observed(sources, settings, limits, &Silent)
}

/// [`load`], telling `progress` how many files there are and as each is read.
pub fn load_observed(
    sources: Sources,
    settings: &Settings,
    limits: &Limits,
    progress: &dyn Progress,
) -> Loaded {
    load_rendered(sources, settings, limits, progress).0
}

/// [`load_observed`], and the sources that were rendered (kustomizations, charts) for
/// [`render::place`].
fn load_rendered(
    sources: Sources,
    settings: &Settings,
    limits: &Limits,
    progress: &dyn Progress,
) -> (Loaded, Vec<render::Rendered>) {
    let read = !matches!(sources, Sources::Loaded(_));
    let mut rendered = Vec::new();
    let observe = |inputs: &[Input]| {
        progress.stage("reading", inputs.len());
        load_inputs_observed(inputs, limits, &|n| progress.advance(n))
    };
    let mut loaded = match sources {
        Sources::Paths(paths) => {
            let expanded = render::expand(&paths, &settings.render);
            let mut discovery = discover(&expanded.paths);
            discovery.inputs.retain(|input| match input {
                Input::File(_) => !settings.exclude_paths.is_match(input.display()),
                _ => true,
            });
            render::drop_patches(&mut discovery.inputs);
            discovery.inputs.extend(expanded.inputs);
            rendered = expanded.rendered;
            let mut loaded = observe(&discovery.inputs);
            identity::assign_roots(&mut loaded.objects, &paths);
            discovery.errors.extend(expanded.errors);
            discovery.errors.append(&mut loaded.errors);
            loaded.errors = discovery.errors;
            loaded
        }
        Sources::Inputs(inputs) => observe(&inputs),
        Sources::Loaded(loaded) => loaded,
    };
    loaded.objects.retain(|o| {
        !settings.exclude_kinds.contains(&o.kind)
            && !o
                .namespace
                .as_ref()
                .is_some_and(|ns| settings.exclude_namespaces.contains(ns))
    });
    if read {
        let violations = schema::validate(&mut loaded.objects, settings.options.kubernetes_version);
        loaded.errors.extend(violations);
    }
    (loaded, rendered)
}

/// Runs the selected checks over an inventory and applies the settings' policy (Pod
/// Security level, severity overrides). Suppressions written in the objects are applied by
/// the checks' sink.
pub fn check(inventory: &Inventory, settings: &Settings) -> Vec<Finding> {
    let mut findings = run_checks(inventory, &settings.checks, &settings.options);
    apply_policy(&mut findings, settings);
    findings
}

/// No progress to report to.
struct Silent;

impl Progress for Silent {
    fn stage(&self, _: &'static str, _: usize) {}
    fn advance(&self, _: usize) {}
}

/// Severity overrides and the Pod Security level from the settings.
fn apply_policy(findings: &mut Vec<Finding>, settings: &Settings) {
    if settings.pss_level == Level::Baseline {
        // Findings of the PSS controls that only the restricted level asks for.
        findings.retain(|f| {
            !PSS_CHECKS.iter().any(|c| c.id == f.check.id)
                || f.pss.iter().any(|e| e.starts_with("baseline:"))
        });
    }
    for f in findings.iter_mut() {
        if let Some((_, severity)) = settings.severity.iter().find(|(id, _)| id == f.check.id) {
            f.severity = *severity;
        }
    }
}
