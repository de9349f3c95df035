//! What a scan covers, less what it could not read.
//!
//! A component whose configuration file could not be read (the kubelet's `--config` is
//! root-only, say) still has a command line, so its controls would be judged from its flags
//! and the defaults alone: a setting the unread file makes insecure would pass. The component
//! is therefore taken out of the coverage, and its controls are not evaluated.

use bulkhead_checks::frameworks::Coverage;
use bulkhead_model::{ErrorSeverity, Inventory, LoadError};
use bulkhead_node::command_lines;

/// Flags naming files whose content sets the component's own settings (the kubelet's and
/// kube-proxy's `KubeletConfiguration` / `KubeProxyConfiguration`, the scheduler's
/// `KubeSchedulerConfiguration`), as opposed to files the component merely uses.
const SETTINGS_FLAGS: &[&str] = &["config", "config-dir"];

/// The coverage of `inventory`, without the components whose settings files are among the
/// inputs that could not be read (`errors` of severity error, by path).
pub fn of(inventory: &Inventory, errors: &[LoadError]) -> Coverage {
    let mut coverage = Coverage::of(inventory);
    let unread: Vec<&str> = errors
        .iter()
        .filter(|e| e.severity == ErrorSeverity::Error)
        .map(|e| e.path.as_str())
        .collect();
    if unread.is_empty() {
        return coverage;
    }
    for line in command_lines(inventory) {
        let blind = line
            .args
            .iter()
            .filter(|a| SETTINGS_FLAGS.contains(&a.name.as_str()))
            .filter_map(|a| a.value.as_deref())
            .any(|named| unread.iter().any(|path| is_at_or_under(path, named)));
        if blind {
            coverage
                .subjects
                .remove(&format!("component:{}", line.component.program()));
        }
    }
    coverage
}

/// `path` is `named` or inside the directory `named`.
fn is_at_or_under(path: &str, named: &str) -> bool {
    let named = named.trim_end_matches('/');
    !named.is_empty()
        && path
            .strip_prefix(named)
            .is_some_and(|rest| rest.is_empty() || rest.starts_with('/'))
}

#[cfg(test)]
mod tests {
    use super::*;
    use bulkhead_model::{load_text, Limits};

    const SCHEDULER_POD: &str = "apiVersion: v1
kind: Pod
metadata: {name: kube-scheduler, namespace: kube-system, labels: {component: kube-scheduler}}
spec:
  containers:
  - name: kube-scheduler
    image: registry.k8s.io/kube-scheduler:v1.35.0
    command: [kube-scheduler, --config=/etc/kubernetes/scheduler-config.yaml, --profiling=false]
";

    fn inventory() -> Inventory {
        let loaded = load_text("kube-scheduler.yaml", SCHEDULER_POD, &Limits::default());
        Inventory::new(loaded.objects)
    }

    fn error(path: &str, severity: ErrorSeverity) -> LoadError {
        let mut e = LoadError::whole(path, "permission denied");
        e.severity = severity;
        e
    }

    #[test]
    fn a_component_whose_settings_file_was_not_read_is_not_covered() {
        let subject = "component:kube-scheduler";
        assert!(of(&inventory(), &[]).subjects.contains(subject));
        let unread = [error(
            "/etc/kubernetes/scheduler-config.yaml",
            ErrorSeverity::Error,
        )];
        assert!(!of(&inventory(), &unread).subjects.contains(subject));
        // A warning was read; another file says nothing about this component.
        let warned = [error(
            "/etc/kubernetes/scheduler-config.yaml",
            ErrorSeverity::Warning,
        )];
        assert!(of(&inventory(), &warned).subjects.contains(subject));
        let other = [error(
            "/etc/kubernetes/scheduler-config.yaml.bak",
            ErrorSeverity::Error,
        )];
        assert!(of(&inventory(), &other).subjects.contains(subject));
    }

    #[test]
    fn paths_match_whole_components() {
        assert!(is_at_or_under("/etc/k/config.d/10.conf", "/etc/k/config.d"));
        assert!(is_at_or_under(
            "/etc/k/config.d/10.conf",
            "/etc/k/config.d/"
        ));
        assert!(is_at_or_under("/etc/k/c.yaml", "/etc/k/c.yaml"));
        assert!(!is_at_or_under("/etc/k/config.dx/1", "/etc/k/config.d"));
        assert!(!is_at_or_under("/etc/k/c.yaml", ""));
    }
}
