//! Running components from `/proc/<pid>/cmdline`: the exact argv, NUL-separated, so no word
//! is split or joined wrongly and no flag is matched by substring.

use std::io::Read;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use crate::component::Component;
use crate::render::ProcessFact;

use super::fs::NodeFs;

/// A process of interest.
#[derive(Debug)]
pub(crate) struct Running {
    pub fact: ProcessFact,
    /// `None` for distributions that embed the components (k3s, RKE2's supervisor).
    pub component: Option<Component>,
}

/// Distributions whose single binary runs the components inside itself.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Distribution {
    K3s,
    Rke2,
}

/// The processes found, and the distributions they reveal.
#[derive(Debug, Default)]
pub(crate) struct Processes {
    pub running: Vec<Running>,
    pub distributions: Vec<(Distribution, u32, String)>,
}

impl Processes {
    pub fn has(&self, component: Component) -> bool {
        self.running.iter().any(|r| r.component == Some(component))
    }
}

/// Reads every process's argv under `<root>/proc`.
pub(crate) fn scan(fs: &mut NodeFs, probe_versions: bool) -> Processes {
    let mut found = Processes::default();
    let mut pids: Vec<u32> = fs
        .list("/proc")
        .into_iter()
        .filter_map(|n| n.parse().ok())
        .collect();
    pids.sort_unstable();
    for pid in pids {
        // A process can end between the listing and the read; that is not an error.
        let Ok(bytes) = fs.read_bytes(&format!("/proc/{pid}/cmdline")) else {
            continue;
        };
        let argv = split_argv(&bytes);
        if argv.is_empty() {
            continue;
        }
        if let Some(distribution) = distribution_of(&argv) {
            found
                .distributions
                .push((distribution, pid, argv.join(" ")));
            continue;
        }
        let Some(component) = component_of(&argv) else {
            continue;
        };
        let version = (probe_versions
            && fs.is_live()
            && matches!(component, Component::Kubelet | Component::KubeProxy))
        .then(|| probe_version(pid))
        .flatten();
        found.running.push(Running {
            fact: ProcessFact {
                pid,
                name: component.program().to_string(),
                argv,
                version,
            },
            component: Some(component),
        });
    }
    found
}

/// NUL-separated words; the trailing NUL ends the last word. A process that rewrote its
/// argv into one space-separated string (some do) is left as it wrote it.
fn split_argv(bytes: &[u8]) -> Vec<String> {
    let bytes = bytes.strip_suffix(&[0]).unwrap_or(bytes);
    if bytes.is_empty() {
        return Vec::new();
    }
    bytes
        .split(|&b| b == 0)
        .map(|w| String::from_utf8_lossy(w).into_owned())
        .collect()
}

/// `kube-apiserver ...`, or `hyperkube kube-apiserver ...` (also `hyperkube kubelet`).
fn component_of(argv: &[String]) -> Option<Component> {
    let program = argv.first()?;
    if let Some(component) = Component::from_program(program) {
        return Some(component);
    }
    let name = program.rsplit('/').next().unwrap_or(program);
    if name == "hyperkube" {
        return argv.get(1).and_then(|w| Component::from_program(w));
    }
    None
}

/// `k3s server`, `k3s agent`, `rke2 server`, `rke2 agent`.
fn distribution_of(argv: &[String]) -> Option<Distribution> {
    // k3s rewrites its argv to "/usr/local/bin/k3s server" as a single word.
    let first: Vec<&str> = argv.first()?.split(' ').collect();
    let name = first[0].rsplit('/').next().unwrap_or(first[0]);
    let sub = first
        .get(1)
        .copied()
        .or_else(|| argv.get(1).map(String::as_str))?;
    if !matches!(sub, "server" | "agent") {
        return None;
    }
    match name {
        "k3s" => Some(Distribution::K3s),
        "rke2" => Some(Distribution::Rke2),
        _ => None,
    }
}

/// Asks the program itself (`/proc/<pid>/exe --version`): `Kubernetes v1.31.2`. Gives up
/// after two seconds.
fn probe_version(pid: u32) -> Option<String> {
    let out = run_version(&format!("/proc/{pid}/exe"))?;
    let line = out.lines().next()?.trim();
    line.starts_with("Kubernetes v").then(|| line.to_string())
}

/// The first 4 KiB of what `<program> --version` prints on its standard output, or `None`
/// when it cannot run or takes more than two seconds.
pub(crate) fn run_version(program: &str) -> Option<String> {
    let mut child = Command::new(program)
        .arg("--version")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .ok()?;
    let deadline = Instant::now() + Duration::from_secs(2);
    loop {
        match child.try_wait() {
            Ok(Some(_)) => break,
            Ok(None) if Instant::now() < deadline => std::thread::sleep(Duration::from_millis(20)),
            _ => {
                let _ = child.kill();
                let _ = child.wait();
                return None;
            }
        }
    }
    let mut out = String::new();
    child
        .stdout
        .take()?
        .take(4096)
        .read_to_string(&mut out)
        .ok()?;
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(texts: &[&str]) -> Vec<String> {
        texts.iter().map(|t| t.to_string()).collect()
    }

    #[test]
    fn argv_keeps_spaces_and_equals_inside_words() {
        let argv = split_argv(b"kube-apiserver\0--a=b c=d\0--x\0\0");
        assert_eq!(argv, ["kube-apiserver", "--a=b c=d", "--x", ""]);
    }

    #[test]
    fn hyperkube_and_distributions_are_recognised() {
        assert_eq!(
            component_of(&words(&["/hyperkube", "kubelet", "--v=2"])),
            Some(Component::Kubelet)
        );
        assert_eq!(component_of(&words(&["/bin/kube-apiserverx"])), None);
        assert_eq!(
            distribution_of(&words(&["/usr/local/bin/k3s server"])),
            Some(Distribution::K3s)
        );
        assert_eq!(
            distribution_of(&words(&["rke2", "agent"])),
            Some(Distribution::Rke2)
        );
        assert_eq!(distribution_of(&words(&["k3s", "kubectl"])), None);
    }
}
