//! Turning command-line arguments into inputs: files, directories, globs and stdin.

use std::io::Read;
use std::path::{Path, PathBuf};

use globset::{Glob, GlobMatcher};
use ignore::WalkBuilder;

use crate::load::LoadError;

/// One thing to read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Input {
    File(PathBuf),
    Stdin,
    /// Text given directly (tests, the fuzzer, an admission request).
    Text {
        name: String,
        text: String,
    },
}

impl Input {
    /// The path as findings print it: `/` separators, no leading `./`.
    pub fn display(&self) -> String {
        match self {
            Input::File(p) => {
                let s = p.to_string_lossy().replace('\\', "/");
                s.strip_prefix("./").map(str::to_string).unwrap_or(s)
            }
            Input::Stdin => "-".to_string(),
            Input::Text { name, .. } => name.clone(),
        }
    }

    pub(crate) fn read(&self, max_bytes: u64) -> Result<Vec<u8>, String> {
        let too_big = |n: u64| {
            format!(
                "input is larger than the limit of {max_bytes} bytes ({n} bytes); it was not read"
            )
        };
        match self {
            // One path lookup per file: the size comes from the open file, not from a
            // `metadata(path)` before `read(path)` (each walks the path again; at 50,000
            // files the lookups were a visible share of loading's system time).
            Input::File(path) => {
                let cannot = |e: std::io::Error| format!("cannot read: {e}");
                let file = std::fs::File::open(path).map_err(cannot)?;
                let len = file.metadata().map_err(cannot)?.len();
                if len > max_bytes {
                    return Err(too_big(len));
                }
                let mut buf = Vec::with_capacity(len as usize + 1);
                file.take(max_bytes + 1)
                    .read_to_end(&mut buf)
                    .map_err(cannot)?;
                if buf.len() as u64 > max_bytes {
                    return Err(too_big(buf.len() as u64));
                }
                Ok(buf)
            }
            Input::Stdin => {
                let mut buf = Vec::new();
                std::io::stdin()
                    .lock()
                    .take(max_bytes + 1)
                    .read_to_end(&mut buf)
                    .map_err(|e| format!("cannot read standard input: {e}"))?;
                if buf.len() as u64 > max_bytes {
                    return Err(too_big(buf.len() as u64));
                }
                Ok(buf)
            }
            Input::Text { text, .. } => Ok(text.as_bytes().to_vec()),
        }
    }
}

/// The inputs found for some arguments, and the arguments that named nothing readable.
#[derive(Debug, Default)]
pub struct Discovery {
    pub inputs: Vec<Input>,
    pub errors: Vec<LoadError>,
}

const MANIFEST_EXTENSIONS: &[&str] = &["yaml", "yml", "json"];

/// Expands arguments: `-` is stdin; a file is read whatever its extension; a directory is
/// walked recursively for `.yaml`, `.yml` and `.json` files, honouring `.gitignore` and
/// skipping hidden entries; anything else with glob characters is a glob.
pub fn discover(args: &[String]) -> Discovery {
    let mut found = Discovery::default();
    for arg in args {
        let path = Path::new(arg);
        if arg == "-" {
            found.inputs.push(Input::Stdin);
        } else if path.is_dir() {
            walk(path, None, &mut found);
        } else if path.exists() {
            found.inputs.push(Input::File(path.to_path_buf()));
        } else if arg.contains(['*', '?', '[', '{']) {
            let before = found.inputs.len();
            match Glob::new(arg) {
                Ok(glob) => walk(&glob_root(arg), Some(glob.compile_matcher()), &mut found),
                Err(e) => found
                    .errors
                    .push(LoadError::whole(arg.as_str(), format!("invalid glob: {e}"))),
            }
            if found.inputs.len() == before {
                found
                    .errors
                    .push(LoadError::whole(arg.as_str(), "the glob matched no file"));
            }
        } else {
            found
                .errors
                .push(LoadError::whole(arg.as_str(), "no such file or directory"));
        }
    }
    found
}

fn walk(root: &Path, glob: Option<GlobMatcher>, found: &mut Discovery) {
    let walker = WalkBuilder::new(root)
        .hidden(true)
        .git_ignore(true)
        .require_git(false)
        .sort_by_file_name(|a, b| a.cmp(b))
        .build();
    for entry in walker {
        match entry {
            Ok(entry) => {
                let path = entry.path();
                if !entry.file_type().is_some_and(|t| t.is_file()) {
                    continue;
                }
                let wanted = match &glob {
                    Some(glob) => glob.is_match(path),
                    None => path.extension().and_then(|e| e.to_str()).is_some_and(|e| {
                        MANIFEST_EXTENSIONS.contains(&e.to_ascii_lowercase().as_str())
                    }),
                };
                if wanted {
                    found.inputs.push(Input::File(path.to_path_buf()));
                }
            }
            Err(e) => found
                .errors
                .push(LoadError::whole(root.to_string_lossy(), e.to_string())),
        }
    }
}

/// The longest leading part of a glob without glob characters: where the walk starts.
fn glob_root(pattern: &str) -> PathBuf {
    let mut root = PathBuf::new();
    for part in Path::new(pattern).components() {
        if part
            .as_os_str()
            .to_string_lossy()
            .contains(['*', '?', '[', '{'])
        {
            break;
        }
        root.push(part);
    }
    if root.as_os_str().is_empty() {
        PathBuf::from(".")
    } else {
        root
    }
}
