//! `File` objects: type, mode and owner of each file with a role, as the node sees it
//! (owner names from the node's own account files).

use std::fs::Metadata;
use std::io::ErrorKind;
use std::os::unix::fs::MetadataExt;

use bulkhead_model::Object;

use super::accounts::Accounts;
use super::fs::{describe, NodeFs};
use super::targets::Targets;
use crate::render::{load_fact, FileFact};

/// One `File` object per target that has roles.
pub(crate) fn stat_all(fs: &mut NodeFs, accounts: &Accounts, targets: &Targets) -> Vec<Object> {
    let mut objects = Vec::new();
    for (path, target) in &targets.files {
        if target.roles.is_empty() {
            continue;
        }
        let roles: Vec<String> = target.roles.iter().map(|r| r.to_string()).collect();
        let consequence = format!(
            "the permission and ownership controls for it ({}) are not evaluated",
            roles.join(", ")
        );
        let (meta, file_type) = match fs.metadata(path) {
            Ok(meta) => {
                let kind = type_of(&meta);
                (meta, kind)
            }
            Err(e) if e.kind() == ErrorKind::NotFound => match fs.link_metadata(path) {
                // A dangling link: what can be said is the link itself.
                Some(link) => (link, "symlink"),
                None => {
                    if let Some(named_by) =
                        target.named_by.as_ref().filter(|_| !fs.has_error_for(path))
                    {
                        fs.warning(
                            path,
                            format!("{named_by} names {path}, which does not exist on this node; {consequence}"),
                        );
                    }
                    continue;
                }
            },
            Err(e) => {
                fs.error(
                    path,
                    format!("cannot stat {path}: {}; {consequence}", describe(&e)),
                );
                continue;
            }
        };
        let fact = FileFact {
            path: path.clone(),
            file_type: file_type.to_string(),
            mode: meta.mode() & 0o7777,
            uid: meta.uid(),
            gid: meta.gid(),
            user: accounts.user(meta.uid()),
            group: accounts.group(meta.gid()),
            roles,
        };
        let loaded = load_fact(&fact.document_path(), &fact.to_yaml());
        fs.errors.extend(loaded.errors);
        objects.extend(loaded.objects);
    }
    objects
}

fn type_of(meta: &Metadata) -> &'static str {
    if meta.is_file() {
        "file"
    } else if meta.is_dir() {
        "directory"
    } else {
        "other"
    }
}
