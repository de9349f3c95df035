//! Kustomize sources: an overlay is built with the real `kubectl kustomize` (or `kustomize
//! build`), and findings land on the line of the file each field came from: the base, a
//! strategic-merge patch, a JSON 6902 patch file, or an inline patch in the kustomization.
//! Patch files are never judged as whole objects, built or not.

use std::process::Command;

use bulkhead_engine::{run, ConfigChoice, Flags, Outcome, Request, Settings, Sources};
use bulkhead_model::{load_text, Limits, Node};

const OVERLAY: &str = "tests/fixtures/kustomize/overlays/prod";

fn kustomize_installed() -> bool {
    let found = Command::new("kubectl")
        .args(["kustomize", "--help"])
        .output()
        .is_ok_and(|o| o.status.success())
        || Command::new("kustomize").arg("version").output().is_ok();
    assert!(
        found || std::env::var_os("CI").is_none(),
        "kubectl must be installed in CI (.ci/run installs kubernetes-client)"
    );
    if !found {
        eprintln!("neither kubectl nor kustomize installed; skipping");
    }
    found
}

fn settings(render: bool) -> Settings {
    let mut settings =
        bulkhead_engine::settings::resolve(&Flags::default(), &ConfigChoice::Ignore, &[]).unwrap();
    settings.render.enabled = render;
    settings
}

fn scan(path: &str, render: bool) -> Outcome {
    let settings = settings(render);
    run(Request::new(
        Sources::Paths(vec![path.to_string()]),
        &settings,
    ))
    .unwrap()
}

/// `(check, file name, line)` of every finding.
fn placed(outcome: &Outcome) -> Vec<(String, String, u32)> {
    let mut out: Vec<_> = outcome
        .findings
        .iter()
        .map(|f| {
            (
                f.check.id.to_string(),
                f.location
                    .path
                    .trim_start_matches("tests/fixtures/kustomize/")
                    .to_string(),
                f.location.position.line,
            )
        })
        .collect();
    out.sort();
    out
}

fn has(placed: &[(String, String, u32)], check: &str, file: &str, line: u32) -> bool {
    placed
        .iter()
        .any(|(c, f, l)| c == check && f == file && *l == line)
}

#[test]
fn findings_land_on_the_base_and_patch_lines() {
    if !kustomize_installed() {
        return;
    }
    let outcome = scan(OVERLAY, true);
    assert!(outcome.errors.is_empty(), "{:?}", outcome.errors);
    let placed = placed(&outcome);
    // The strategic-merge patch set privileged (its line 12).
    assert!(
        has(&placed, "BHW001", "overlays/prod/debug-patch.yaml", 12),
        "{placed:#?}"
    );
    // The inline JSON patch in the kustomization set hostNetwork (`value: true`, line 12).
    assert!(
        has(&placed, "BHW003", "overlays/prod/kustomization.yaml", 12),
        "{placed:#?}"
    );
    // The JSON patch file set hostPID (its line 3).
    assert!(
        has(&placed, "BHW003", "overlays/prod/json-patch.yaml", 3),
        "{placed:#?}"
    );
    // The base wrote the image (line 16) and the container (line 15).
    assert!(
        has(&placed, "BHI002", "base/deployment.yaml", 16),
        "{placed:#?}"
    );
    assert!(
        has(&placed, "BHW002", "base/deployment.yaml", 17),
        "{placed:#?}"
    );
    // The patch's limits are in the built object: no missing-limits finding.
    assert!(!placed.iter().any(|(c, _, _)| c == "BHQ001"), "{placed:#?}");
    // Nothing is left on the built output.
    assert!(
        !placed
            .iter()
            .any(|(_, f, _)| f.contains("(kustomize build)")),
        "{placed:#?}"
    );
}

/// Every finding placed exactly on a scalar field shows, at its source line, the value that
/// `kubectl kustomize` (run here on its own, without annotations) put in the built object.
#[test]
fn placed_values_are_the_ones_kustomize_built() {
    if !kustomize_installed() {
        return;
    }
    let built = Command::new("kubectl")
        .args(["kustomize", OVERLAY])
        .output()
        .ok()
        .filter(|o| o.status.success())
        .map(|o| String::from_utf8(o.stdout).unwrap());
    let Some(built) = built else {
        eprintln!("kubectl kustomize unavailable (kustomize alone installed); skipping");
        return;
    };
    let built = load_text("built.yaml", &built, &Limits::default());
    let object = &built.objects[0];
    let outcome = scan(OVERLAY, true);
    let mut compared = 0;
    for f in outcome.findings.iter().filter(|f| f.location.exact) {
        let Some(value) = object
            .root
            .at(&f.location.pointer)
            .and_then(Node::scalar_text)
        else {
            continue;
        };
        let source = f.file.slice(f.location.span);
        assert!(
            source.trim_end().ends_with(&value),
            "{} at {}:{}: source `{source}` does not hold the built value `{value}`",
            f.check.id,
            f.location.path,
            f.location.position.line
        );
        compared += 1;
    }
    assert!(compared >= 4, "only {compared} exact findings compared");
}

#[test]
fn patch_files_are_never_judged_as_objects() {
    // Unbuilt: the overlay's raw files, and a walk of the whole tree.
    for path in [OVERLAY, "tests/fixtures/kustomize"] {
        let outcome = scan(path, false);
        let placed = placed(&outcome);
        assert!(
            !placed
                .iter()
                .any(|(_, f, _)| f.ends_with("debug-patch.yaml") || f.ends_with("json-patch.yaml")),
            "{path}: {placed:#?}"
        );
    }
    // The walk still reads the base's Deployment as it is written.
    let placed = placed(&scan("tests/fixtures/kustomize", false));
    assert!(
        has(&placed, "BHI002", "base/deployment.yaml", 16),
        "{placed:#?}"
    );
    assert!(!placed.iter().any(|(c, _, _)| c == "BHW001"), "{placed:#?}");
}

#[test]
fn a_kustomization_that_does_not_build_is_an_error_with_what_kustomize_said() {
    if !kustomize_installed() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("kustomization.yaml"),
        "resources:\n- missing.yaml\n",
    )
    .unwrap();
    let path = dir.path().to_string_lossy().into_owned();
    let outcome = scan(&path, true);
    assert!(outcome.findings.is_empty());
    assert_eq!(outcome.errors.len(), 1, "{:?}", outcome.errors);
    let message = &outcome.errors[0].message;
    assert!(
        message.contains("failed") && message.contains("missing.yaml"),
        "{message}"
    );
}
