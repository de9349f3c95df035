//! `deploy/serve/`: the Kustomize base and each overlay rendered by the real `kubectl
//! kustomize`, then scanned by Bulkhead: nothing at medium or above, nothing unreadable. The
//! base's reader role keeps the exact rules of `deploy/cluster-reader.yaml` (least privilege
//! is decided there, and tested against every request of a scan), and the configuration it
//! mounts is one `serve` accepts.
//!
//! Without `kubectl` the test is skipped with a message, or fails when `CI` is set.

use std::path::{Path, PathBuf};
use std::process::Command;

use assert_cmd::cargo::cargo_bin;
use bulkhead_model::{load_inputs, Input, Limits, Object};
use serde_json::Value;

fn repository() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn kubectl() -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .map(|dir| dir.join("kubectl"))
        .find(|p| p.is_file())
}

fn load(name: &str, text: String) -> Vec<Object> {
    let loaded = load_inputs(
        &[Input::Text {
            name: name.to_string(),
            text,
        }],
        &Limits::default(),
    );
    assert!(loaded.errors.is_empty(), "{:?}", loaded.errors);
    loaded.objects
}

fn rules_of(objects: &[Object], kind: &str, name: &str) -> Value {
    objects
        .iter()
        .find(|o| o.kind == kind && o.name == name)
        .unwrap_or_else(|| panic!("{kind}/{name}"))
        .root
        .get("rules")
        .unwrap()
        .to_json()
}

#[test]
fn the_serve_deployment_renders_and_scans_clean() {
    let Some(kubectl) = kubectl() else {
        assert!(
            std::env::var_os("CI").is_none_or(|v| v.is_empty()),
            "CI is set but `kubectl` is not on PATH; .ci/run installs it"
        );
        eprintln!("SKIPPED: `kubectl` is not on PATH");
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    for kustomization in [
        "base",
        "overlays/full-coverage",
        "overlays/alerts",
        "overlays/policyreports",
    ] {
        let source = repository().join("deploy/serve").join(kustomization);
        let rendered = Command::new(&kubectl)
            .arg("kustomize")
            .arg(&source)
            .output()
            .unwrap();
        assert!(
            rendered.status.success(),
            "kubectl kustomize {kustomization}: {}",
            String::from_utf8_lossy(&rendered.stderr)
        );
        let text = String::from_utf8(rendered.stdout).unwrap();
        let path = dir
            .path()
            .join(format!("{}.yaml", kustomization.replace('/', "-")));
        std::fs::write(&path, &text).unwrap();

        let scan = Command::new(cargo_bin("bulkhead"))
            .args(["scan", "--no-config", "--exit-zero", "-f", "json"])
            .arg(&path)
            .output()
            .unwrap();
        assert!(
            scan.status.success(),
            "{}",
            String::from_utf8_lossy(&scan.stderr)
        );
        let report: Value = serde_json::from_slice(&scan.stdout).unwrap();
        assert_eq!(
            report["errors"],
            Value::Array(Vec::new()),
            "{kustomization}"
        );
        let serious: Vec<&Value> = report["findings"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|f| !matches!(f["severity"].as_str(), Some("low" | "info")))
            .collect();
        assert!(serious.is_empty(), "{kustomization}: {serious:#?}");

        let objects = load(kustomization, text);
        let kinds: Vec<&str> = objects.iter().map(|o| o.kind.as_str()).collect();
        for kind in [
            "Namespace",
            "ServiceAccount",
            "ClusterRole",
            "ClusterRoleBinding",
            "Deployment",
            "Service",
            "ServiceMonitor",
            "NetworkPolicy",
            "PodDisruptionBudget",
            "PersistentVolumeClaim",
        ] {
            assert!(kinds.contains(&kind), "{kustomization}: no {kind}");
        }
        let reader = load(
            "deploy/cluster-reader.yaml",
            std::fs::read_to_string(repository().join("deploy/cluster-reader.yaml")).unwrap(),
        );
        assert_eq!(
            rules_of(&objects, "ClusterRole", "bulkhead-serve-reader"),
            rules_of(&reader, "ClusterRole", "bulkhead-cluster-reader"),
            "{kustomization}: the reader's rules, exactly"
        );
        if kustomization == "overlays/full-coverage" {
            for optional in ["secret-metadata", "kubelet-config"] {
                assert_eq!(
                    rules_of(
                        &objects,
                        "ClusterRole",
                        &format!("bulkhead-serve-reader-{optional}")
                    ),
                    rules_of(
                        &reader,
                        "ClusterRole",
                        &format!("bulkhead-cluster-reader-{optional}")
                    ),
                );
            }
        }
    }
    // The configuration the base mounts is one serve accepts.
    let config =
        bulkhead_engine::config::load(&repository().join("deploy/serve/base/bulkhead.yaml"))
            .unwrap();
    assert_eq!(config.serve.listen.as_deref(), Some("0.0.0.0:8080"));
    assert_eq!(
        config.serve.interval,
        Some(std::time::Duration::from_secs(3600))
    );
    // The store is on the claim's volume, where the Pod (read-only root) can write.
    assert_eq!(
        config.serve.store.as_deref(),
        Some("/var/lib/bulkhead/bulkhead.db")
    );
}
