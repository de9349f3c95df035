//! Objects that share an identity, as `kubectl apply` of the inputs would leave them.
//!
//! Each command-line argument (a file, a directory, a glob, `-`) is a *root*: one
//! `kubectl apply -R -f ROOT`. Within a root, two objects with the same group, kind,
//! namespace and name are one object in the cluster: the last one read wins (overlays/dev
//! after overlays/prod, the second document of a file after the first). Every definition is
//! still checked by the per-object checks; analyses that need one object per identity (the
//! RBAC graph, network reachability) skip the ones a later definition replaces
//! ([`crate::Inventory::is_shadowed`]), and each repeat is a warning naming both places.
//! Different roots are kept apart: they are separate applies, possibly separate clusters.

use std::path::{Component, Path};

use crate::object::Object;

/// Sets each object's [`crate::Origin::root`] to the index of the argument its file was found
/// under (the longest matching one), for arguments as given on the command line.
pub fn assign_roots(objects: &mut [Object], args: &[String]) {
    if args.len() < 2 {
        return;
    }
    let roots: Vec<Vec<String>> = args.iter().map(|a| components(&walk_root(a))).collect();
    for object in objects {
        let file = components(&object.origin.file.path);
        let found = roots
            .iter()
            .enumerate()
            .filter(|(_, root)| file.starts_with(root))
            .max_by_key(|(_, root)| root.len());
        if let Some((i, _)) = found {
            object.origin.root = i as u32;
        }
    }
}

/// Where an argument's files are found: a glob's leading part without glob characters.
fn walk_root(arg: &str) -> String {
    if arg == "-" {
        return arg.to_string();
    }
    let mut root = Vec::new();
    for part in arg.split(['/', '\\']) {
        if part.contains(['*', '?', '[', '{']) {
            break;
        }
        root.push(part);
    }
    root.join("/")
}

/// Path components without `.`, for prefix comparison (`./a/b/` and `a/b` agree).
fn components(path: &str) -> Vec<String> {
    Path::new(path)
        .components()
        .filter(|c| !matches!(c, Component::CurDir))
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect()
}

/// The identity `kubectl apply` uses, within the object's root: `None` for objects without
/// a `metadata.name` (a `generateName` object is a new one each time) and for the tool's own
/// kinds.
pub(crate) fn identity(object: &Object) -> Option<(u32, &str, &str, Option<&str>, &str)> {
    // The tool's own kinds (`node.bulkhead.dev`: a node's processes and files) are facts read
    // from a machine, never applied.
    if object.group().ends_with("bulkhead.dev") {
        return None;
    }
    let name = object
        .metadata()?
        .get("name")?
        .as_str()
        .filter(|n| !n.is_empty())?;
    Some((
        object.origin.root,
        object.group(),
        object.kind.as_str(),
        object.namespace.as_deref(),
        name,
    ))
}
