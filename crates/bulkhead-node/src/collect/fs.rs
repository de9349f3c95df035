//! The node's file system seen from outside: every path is the node's own (`/etc/kubernetes`),
//! resolved under the root the collector was given, symbolic links included.
//!
//! A copy of a node (or the host mounted at `/host` in a DaemonSet) holds absolute symbolic
//! links that mean the node's paths, not this machine's; following them with the operating
//! system would read the wrong file. Links are therefore resolved here, inside the root.

use std::fs::Metadata;
use std::io::{self, ErrorKind};
use std::path::{Path, PathBuf};

use bulkhead_model::{ErrorSeverity, LoadError, LoadStats};

/// How many links one path may cross before it is taken for a loop (as Linux does).
const MAX_LINKS: usize = 40;

/// Reads the node under a root, counting what was read and keeping what could not be.
pub(crate) struct NodeFs {
    root: PathBuf,
    pub stats: LoadStats,
    pub errors: Vec<LoadError>,
}

/// Why a read failed.
pub(crate) enum ReadFailure {
    Missing,
    Other(String),
}

impl NodeFs {
    pub fn new(root: &Path) -> Self {
        NodeFs {
            root: root.to_path_buf(),
            stats: LoadStats::default(),
            errors: Vec::new(),
        }
    }

    /// Whether the root is this machine's own `/` (running processes can be asked things).
    pub fn is_live(&self) -> bool {
        self.root == Path::new("/")
    }

    /// The path on this machine of a node path, without following links.
    pub fn host_path(&self, node_path: &str) -> PathBuf {
        self.root.join(node_path.trim_start_matches('/'))
    }

    /// The path on this machine of a node path, every link followed inside the root. A
    /// missing component ends the walk (the result then does not exist).
    pub fn resolve(&self, node_path: &str) -> io::Result<PathBuf> {
        let mut pending: Vec<String> = components(node_path).rev().collect();
        let mut resolved: Vec<String> = Vec::new();
        let mut links = 0;
        while let Some(part) = pending.pop() {
            match part.as_str() {
                "" | "." => continue,
                ".." => {
                    resolved.pop();
                    continue;
                }
                _ => {}
            }
            let candidate = self.join(&resolved, &part);
            if is_process_root(&resolved, &part) {
                // `/proc/<pid>/root` is the process's own root, which only the kernel can
                // follow (its link text is a path in another mount namespace).
                resolved.push(part);
                continue;
            }
            match std::fs::symlink_metadata(&candidate) {
                Ok(meta) if meta.file_type().is_symlink() => {
                    links += 1;
                    if links > MAX_LINKS {
                        return Err(io::Error::other("too many levels of symbolic links"));
                    }
                    let target = std::fs::read_link(&candidate)?;
                    let target = target.to_string_lossy().into_owned();
                    if target.starts_with('/') {
                        resolved.clear();
                    }
                    pending.extend(components(&target).rev());
                }
                Ok(_) => resolved.push(part),
                Err(e) if e.kind() == ErrorKind::NotFound => {
                    resolved.push(part);
                    resolved.extend(pending.drain(..).rev());
                }
                Err(e) => return Err(e),
            }
        }
        Ok(self.join(&resolved, ""))
    }

    fn join(&self, parts: &[String], last: &str) -> PathBuf {
        let mut path = self.root.clone();
        for part in parts {
            path.push(part);
        }
        if !last.is_empty() {
            path.push(last);
        }
        path
    }

    /// The metadata of a node path, links followed.
    pub fn metadata(&self, node_path: &str) -> io::Result<Metadata> {
        std::fs::metadata(self.resolve(node_path)?)
    }

    /// The metadata of the link itself, when the path is a link.
    pub fn link_metadata(&self, node_path: &str) -> Option<Metadata> {
        let meta = std::fs::symlink_metadata(self.host_path(node_path)).ok()?;
        meta.file_type().is_symlink().then_some(meta)
    }

    pub fn exists(&self, node_path: &str) -> bool {
        self.metadata(node_path).is_ok()
    }

    pub fn is_dir(&self, node_path: &str) -> bool {
        self.metadata(node_path).is_ok_and(|m| m.is_dir())
    }

    /// The bytes of a file, counted in the statistics.
    pub fn read_bytes(&mut self, node_path: &str) -> Result<Vec<u8>, ReadFailure> {
        let limit = bulkhead_model::Limits::default().max_file_bytes;
        let result = self.resolve(node_path).and_then(|path| {
            let meta = std::fs::metadata(&path)?;
            if meta.is_dir() {
                return Err(io::Error::other("it is a directory"));
            }
            if meta.len() > limit {
                return Err(io::Error::other(format!(
                    "it is larger than the limit of {limit} bytes"
                )));
            }
            std::fs::read(&path)
        });
        match result {
            Ok(bytes) => {
                self.stats.files += 1;
                self.stats.bytes += bytes.len() as u64;
                Ok(bytes)
            }
            Err(e) if e.kind() == ErrorKind::NotFound => Err(ReadFailure::Missing),
            Err(e) => Err(ReadFailure::Other(describe(&e))),
        }
    }

    /// The text of a file. A missing file is `None` and no error (it is optional); anything
    /// else that stops the read is recorded with what it costs.
    pub fn read_optional(&mut self, node_path: &str, consequence: &str) -> Option<String> {
        match self.read_bytes(node_path) {
            Ok(bytes) => self.text(node_path, bytes, consequence),
            Err(ReadFailure::Missing) => None,
            Err(ReadFailure::Other(reason)) => {
                self.error(
                    node_path,
                    format!("cannot read {node_path}: {reason}; {consequence}"),
                );
                None
            }
        }
    }

    /// The text of a file that something named (a flag, a unit): missing is an error too.
    pub fn read_required(
        &mut self,
        node_path: &str,
        named_by: &str,
        consequence: &str,
    ) -> Option<String> {
        match self.read_bytes(node_path) {
            Ok(bytes) => self.text(node_path, bytes, consequence),
            Err(ReadFailure::Missing) => {
                self.error(
                    node_path,
                    format!("{named_by} names {node_path}, which does not exist on this node; {consequence}"),
                );
                None
            }
            Err(ReadFailure::Other(reason)) => {
                self.error(
                    node_path,
                    format!("cannot read {node_path}: {reason}; {consequence}"),
                );
                None
            }
        }
    }

    /// Decodes a file the way manifests are decoded (`bulkhead_model::load::decode`: UTF-8
    /// only, a byte order mark dropped, binary and UTF-16 refused with where it went wrong).
    fn text(&mut self, node_path: &str, bytes: Vec<u8>, consequence: &str) -> Option<String> {
        match bulkhead_model::load::decode(node_path, bytes) {
            Ok(file) => Some(file.text),
            Err(mut error) => {
                error.message = format!("{}; {consequence}", error.message);
                self.errors.push(error);
                None
            }
        }
    }

    /// The entries of a directory, by name. A missing directory has none; an unreadable one
    /// is recorded.
    pub fn list(&mut self, node_path: &str) -> Vec<String> {
        let entries = self
            .resolve(node_path)
            .and_then(std::fs::read_dir)
            .and_then(|dir| {
                dir.map(|e| e.map(|e| e.file_name()))
                    .collect::<io::Result<Vec<_>>>()
            });
        match entries {
            Ok(names) => {
                let mut names: Vec<String> = names
                    .into_iter()
                    .filter_map(|n| n.into_string().ok())
                    .collect();
                names.sort();
                names
            }
            Err(e) if e.kind() == ErrorKind::NotFound => Vec::new(),
            Err(e) if e.raw_os_error() == Some(20) => Vec::new(), // not a directory
            Err(e) => {
                self.error(
                    node_path,
                    format!(
                        "cannot list {node_path}: {}; the files in it are not evaluated",
                        describe(&e)
                    ),
                );
                Vec::new()
            }
        }
    }

    pub fn error(&mut self, node_path: &str, message: String) {
        self.errors.push(LoadError::whole(node_path, message));
    }

    /// Whether something about this path was already recorded (a file a flag names and
    /// that is missing is said once, not once per use).
    pub fn has_error_for(&self, node_path: &str) -> bool {
        self.errors.iter().any(|e| e.path == node_path)
    }

    pub fn warning(&mut self, node_path: &str, message: String) {
        let mut error = LoadError::whole(node_path, message);
        error.severity = ErrorSeverity::Warning;
        self.errors.push(error);
    }
}

/// `/a/b` + `c` → `/a/b/c`; an absolute `c` stays itself.
pub(crate) fn join_node(dir: &str, name: &str) -> String {
    if name.starts_with('/') {
        name.to_string()
    } else {
        format!("{}/{}", dir.trim_end_matches('/'), name)
    }
}

/// The directory of a node path (`/a/b.yaml` → `/a`).
pub(crate) fn parent(node_path: &str) -> &str {
    match node_path.rsplit_once('/') {
        Some(("", _)) => "/",
        Some((dir, _)) => dir,
        None => ".",
    }
}

/// Whether `resolved` + `part` is `/proc/<pid>/root` or `/proc/<pid>/cwd`.
fn is_process_root(resolved: &[String], part: &str) -> bool {
    matches!(part, "root" | "cwd")
        && resolved.len() == 2
        && resolved[0] == "proc"
        && resolved[1].bytes().all(|b| b.is_ascii_digit())
}

fn components(path: &str) -> impl DoubleEndedIterator<Item = String> + '_ {
    path.split('/')
        .filter(|p| !p.is_empty())
        .map(str::to_string)
}

/// An I/O error in words (`permission denied`), without the OS error number.
pub(crate) fn describe(error: &io::Error) -> String {
    match error.kind() {
        ErrorKind::PermissionDenied => "permission denied".to_string(),
        ErrorKind::NotFound => "no such file".to_string(),
        _ => {
            let text = error.to_string();
            match text.find(" (os error") {
                Some(at) => text[..at].to_lowercase(),
                None => text,
            }
        }
    }
}
