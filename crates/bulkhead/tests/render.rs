//! Kustomizations and charts when their renderers are missing: one clear line naming what to
//! install or how to render by hand, exit code 2, and `--no-render` scans the raw files.

use assert_cmd::Command;

const OVERLAY: &str = "../bulkhead-engine/tests/fixtures/kustomize/overlays/prod";
const CHART: &str = "../bulkhead-engine/tests/fixtures/chart/web";

/// `bulkhead` with a PATH that holds no renderer.
fn without_renderers() -> (Command, tempfile::TempDir) {
    let empty = tempfile::tempdir().unwrap();
    let mut cmd = Command::cargo_bin("bulkhead").unwrap();
    cmd.env("PATH", empty.path()).arg("scan").arg("--no-config");
    (cmd, empty)
}

#[test]
fn a_kustomization_without_kustomize_or_kubectl_names_both() {
    let (mut cmd, _dir) = without_renderers();
    let out = cmd.arg(OVERLAY).output().unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(2), "{stdout}");
    let line = stdout
        .lines()
        .find(|l| l.contains("is a kustomization"))
        .unwrap_or_else(|| panic!("{stdout}"));
    assert!(
        line.contains("`kustomize`") && line.contains("`kubectl`"),
        "{line}"
    );
    assert!(line.contains("--no-render"), "{line}");
}

#[test]
fn a_chart_without_helm_says_how_to_pipe_helm_template() {
    let (mut cmd, _dir) = without_renderers();
    let out = cmd.arg(CHART).output().unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(2), "{stdout}");
    assert!(
        stdout.contains(&format!(
            "helm template RELEASE {CHART} [-f VALUES] | bulkhead scan -"
        )),
        "{stdout}"
    );
}

#[test]
fn no_render_scans_the_raw_files_without_the_patches() {
    let (mut cmd, _dir) = without_renderers();
    let out = cmd
        .args(["--no-render", "-f", "concise", "--exit-zero"])
        .arg(OVERLAY)
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{stdout}");
    // Nothing in the overlay is an object: its patches are fragments, never judged.
    assert!(!stdout.contains("debug-patch.yaml"), "{stdout}");
    assert!(!stdout.contains("json-patch.yaml"), "{stdout}");
    assert!(!stdout.contains("is a kustomization"), "{stdout}");
}
