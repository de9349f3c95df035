//! Configuration files named by a component flag (`--authorization-config`,
//! `--authentication-config`, the scheduler's `--config`): the object of the scan read from
//! that path, so a check judges the file the component was really given.

use bulkhead_model::Object;

use crate::Context;

/// The object of `kind` read from `path` (its origin ends with the path, on a directory
/// boundary, which also finds it under a `--root` copy of the node); failing that, the only
/// object of that kind in the scan (a file handed over on its own). `None` when the scan does
/// not hold it.
pub fn named<'a>(cx: &Context<'a>, kind: &str, path: &str) -> Option<&'a Object> {
    let all: Vec<&'a Object> = cx.inventory.of_kind(kind).collect();
    let wanted = path.trim().trim_start_matches('/');
    let read_from_path = |o: &Object| {
        let origin = o.origin.file.path.as_str();
        !wanted.is_empty()
            && origin
                .strip_suffix(wanted)
                .is_some_and(|rest| rest.is_empty() || rest.ends_with('/'))
    };
    all.iter()
        .copied()
        .find(|o| read_from_path(o))
        .or_else(|| (all.len() == 1).then(|| all[0]))
}

#[cfg(test)]
mod tests {
    use bulkhead_model::{load_text, Inventory, Limits};

    use super::*;
    use crate::Options;

    fn config(path: &str) -> Vec<Object> {
        let text = "apiVersion: apiserver.config.k8s.io/v1\nkind: AuthorizationConfiguration\nauthorizers: []\n";
        load_text(path, text, &Limits::default()).objects
    }

    #[test]
    fn the_file_named_by_the_flag_is_found_on_a_directory_boundary() {
        let mut objects = config("/host/etc/kubernetes/other-authz.yaml");
        objects.extend(config("/host/etc/kubernetes/authz.yaml"));
        let inventory = Inventory::new(objects);
        let options = Options::default();
        let cx = Context::new(&inventory, &options);
        let path = |flag: &str| {
            named(&cx, "AuthorizationConfiguration", flag).map(|o| o.origin.file.path.clone())
        };
        assert_eq!(
            path("/etc/kubernetes/authz.yaml").as_deref(),
            Some("/host/etc/kubernetes/authz.yaml")
        );
        assert_eq!(
            path("authz.yaml").as_deref(),
            Some("/host/etc/kubernetes/authz.yaml")
        );
        // Two candidates and neither read from the path: not guessed.
        assert_eq!(path("/etc/kubernetes/missing.yaml"), None);
    }

    #[test]
    fn a_lone_file_of_the_kind_is_taken() {
        let inventory = Inventory::new(config("authz.yaml"));
        let options = Options::default();
        let cx = Context::new(&inventory, &options);
        assert!(named(&cx, "AuthorizationConfiguration", "/etc/kubernetes/x.yaml").is_some());
        assert!(named(&cx, "KubeSchedulerConfiguration", "/etc/kubernetes/x.yaml").is_none());
    }
}
