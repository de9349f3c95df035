//! CRI-O's effective configuration: it reads `crio.conf`, then each `crio.conf.d/*.conf` in
//! lexical order, and a setting a later file writes replaces the earlier one (tables merge key
//! by key; a value, arrays included, is replaced whole). The files stay separate objects, so
//! every finding names the file and line that set the value, but a setting a later file
//! replaces is taken out of the earlier file's object: the checks then judge only the values
//! CRI-O runs with.

use std::collections::HashMap;

use bulkhead_model::{Node, Object, Value};

/// Takes every overridden setting out of `objects` (in the order CRI-O reads them) and says
/// which: `crio.runtime.selinux of /etc/crio/crio.conf (replaced by …/10-selinux.conf)`.
pub(crate) fn keep_effective(objects: &mut [Object]) -> Vec<String> {
    // Setting → the last file that writes it (the one CRI-O keeps).
    let mut setter: HashMap<Vec<String>, String> = HashMap::new();
    // Per file, last file first; said in reading order at the end.
    let mut replaced: Vec<Vec<String>> = Vec::new();
    for object in objects.iter_mut().rev() {
        let name = object.name.clone();
        let Some(spec) = spec_mut(object) else {
            continue;
        };
        let mut paths = Vec::new();
        leaves(spec, &mut Vec::new(), &mut paths);
        let mut mine = Vec::new();
        for path in paths {
            match setter.get(&path) {
                Some(later) => {
                    remove(spec, &path);
                    mine.push(format!(
                        "{} of {} (replaced by {later})",
                        path.join("."),
                        name
                    ));
                }
                None => {
                    setter.insert(path, name.clone());
                }
            }
        }
        replaced.push(mine);
    }
    replaced.into_iter().rev().flatten().collect()
}

fn spec_mut(object: &mut Object) -> Option<&mut Node> {
    match &mut object.root.value {
        Value::Map(entries) => entries
            .iter_mut()
            .find(|e| &*e.key == "spec")
            .map(|e| &mut e.value),
        _ => None,
    }
}

/// The key path of every value that is not a table.
fn leaves(node: &Node, prefix: &mut Vec<String>, out: &mut Vec<Vec<String>>) {
    match &node.value {
        Value::Map(entries) => {
            for entry in entries {
                prefix.push(entry.key.to_string());
                leaves(&entry.value, prefix, out);
                prefix.pop();
            }
        }
        _ => out.push(prefix.clone()),
    }
}

/// Removes the value at `path` (the tables around it stay).
fn remove(node: &mut Node, path: &[String]) {
    let Value::Map(entries) = &mut node.value else {
        return;
    };
    match path {
        [] => {}
        [last] => entries.retain(|e| &*e.key != last.as_str()),
        [first, rest @ ..] => {
            if let Some(entry) = entries.iter_mut().find(|e| &*e.key == first.as_str()) {
                remove(&mut entry.value, rest);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use bulkhead_model::SourceFile;

    use super::*;
    use crate::host::{spanned, toml};

    fn crio(path: &str, text: &str) -> Object {
        let file = Arc::new(SourceFile::new(path, text.to_string()));
        let tree = toml::parse(&file.text).unwrap();
        spanned::object("CrioConfig", path, file, tree)
    }

    #[test]
    fn later_files_replace_settings_and_the_rest_stays() {
        let mut objects = vec![
            crio(
                "/etc/crio/crio.conf",
                "[crio.runtime]\nselinux = true\ncgroup_manager = \"systemd\"\n[crio.image]\ninsecure_registries = [\"a:5000\"]\n",
            ),
            crio(
                "/etc/crio/crio.conf.d/10-a.conf",
                "[crio.runtime]\nselinux = false\n",
            ),
            crio(
                "/etc/crio/crio.conf.d/20-b.conf",
                "[crio.image]\ninsecure_registries = []\n[crio.runtime]\nselinux = true\n",
            ),
        ];
        let replaced = keep_effective(&mut objects);
        assert_eq!(
            replaced,
            [
                "crio.runtime.selinux of /etc/crio/crio.conf (replaced by /etc/crio/crio.conf.d/20-b.conf)",
                "crio.image.insecure_registries of /etc/crio/crio.conf (replaced by /etc/crio/crio.conf.d/20-b.conf)",
                "crio.runtime.selinux of /etc/crio/crio.conf.d/10-a.conf (replaced by /etc/crio/crio.conf.d/20-b.conf)",
            ]
        );
        let at = |i: usize, keys: &[&str]| {
            let mut path = vec!["spec"];
            path.extend(keys);
            objects[i].root.path(&path).cloned()
        };
        assert!(at(0, &["crio", "runtime", "selinux"]).is_none());
        assert!(at(0, &["crio", "runtime", "cgroup_manager"]).is_some());
        assert!(at(0, &["crio", "image", "insecure_registries"]).is_none());
        assert!(at(1, &["crio", "runtime", "selinux"]).is_none());
        let selinux = at(2, &["crio", "runtime", "selinux"]).unwrap();
        assert_eq!(selinux.as_bool(), Some(true));
        // The kept value still points at its own line of its own file.
        let (line, _) = objects[2].origin.file.line_col(selinux.span.start);
        assert_eq!(line, 4);
    }
}
