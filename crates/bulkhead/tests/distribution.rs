//! Where users look for Bulkhead: shell completions and a manual page generated from the
//! command-line definition, and `kubectl bulkhead …` through kubectl's own plugin lookup.

use std::process::Command as Process;

use assert_cmd::cargo::cargo_bin;
use assert_cmd::Command;

fn stdout(args: &[&str]) -> String {
    let out = Command::cargo_bin("bulkhead")
        .unwrap()
        .args(args)
        .output()
        .unwrap();
    assert!(out.status.success(), "{args:?}: {out:?}");
    String::from_utf8(out.stdout).unwrap()
}

#[test]
fn completions_know_every_subcommand_and_their_flags() {
    let bash = stdout(&["completions", "bash"]);
    for word in [
        "scan",
        "rbac",
        "netpol",
        "node",
        "init",
        "--min-severity",
        "--statistics",
    ] {
        assert!(bash.contains(word), "bash completion lacks {word}");
    }
    let zsh = stdout(&["completions", "zsh"]);
    assert!(zsh.starts_with("#compdef bulkhead"), "{}", &zsh[..40]);
    assert!(stdout(&["completions", "fish"]).contains("complete -c bulkhead"));
    let out = Command::cargo_bin("bulkhead")
        .unwrap()
        .args(["completions", "tcsh"])
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(2),
        "an unknown shell is a usage error"
    );
}

#[test]
fn the_manual_page_is_roff_with_every_subcommand() {
    let page = stdout(&["man"]);
    assert!(page.contains(".TH bulkhead 1"), "{}", &page[..200]);
    assert!(page.contains(".SH SUBCOMMANDS"));
    for sub in ["bulkhead\\-scan", "bulkhead\\-init", "bulkhead\\-node"] {
        assert!(page.contains(sub), "the page lacks {sub}");
    }
}

/// The binary installed as `kubectl-bulkhead` on the PATH that kubectl searches.
#[test]
fn kubectl_runs_it_as_a_plugin() {
    let Ok(kubectl) = which("kubectl") else {
        assert!(
            std::env::var_os("CI").is_none(),
            "kubectl must be installed in CI (.ci/run installs kubernetes-client)"
        );
        eprintln!("kubectl not installed; skipping");
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let plugin = dir.path().join("kubectl-bulkhead");
    std::os::unix::fs::symlink(cargo_bin("bulkhead"), &plugin).unwrap();
    let path = format!(
        "{}:{}",
        dir.path().display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let run = |args: &[&str]| {
        Process::new(&kubectl)
            .args(args)
            .env("PATH", &path)
            .env("KUBECONFIG", dir.path().join("no-kubeconfig"))
            .output()
            .unwrap()
    };
    let listed = run(&["plugin", "list"]);
    assert!(
        String::from_utf8_lossy(&listed.stdout).contains("kubectl-bulkhead"),
        "{listed:?}"
    );
    let checks = run(&["bulkhead", "checks"]);
    assert!(checks.status.success(), "{checks:?}");
    assert!(String::from_utf8_lossy(&checks.stdout).contains("BHW001"));
    // Usage errors name the command the user typed.
    let usage = run(&["bulkhead", "scan"]);
    assert_eq!(usage.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&usage.stderr).contains("Usage: kubectl bulkhead scan"),
        "{usage:?}"
    );
}

fn which(program: &str) -> Result<std::path::PathBuf, ()> {
    std::env::var_os("PATH")
        .into_iter()
        .flat_map(|p| std::env::split_paths(&p).collect::<Vec<_>>())
        .map(|dir| dir.join(program))
        .find(|p| p.is_file())
        .ok_or(())
}
