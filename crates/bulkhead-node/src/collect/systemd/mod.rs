//! The kubelet's command line rebuilt from systemd, for copies of a node where no kubelet
//! runs: `kubelet.service` and its `kubelet.service.d/*.conf` drop-ins, `Environment=` and
//! `EnvironmentFile=` assignments, and `ExecStart=` with `$VAR` (split into words) and
//! `${VAR}` (one word) expanded. Every word keeps the position of the exact token of the
//! real file it came from; kube-bench instead greps the unit for a flag's name.

mod env_file;
mod located;
mod unit;

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

use bulkhead_model::{Object, SourceFile};

use super::arguments::{objects_per_file, Word};
use super::fs::NodeFs;
use located::Text;
use unit::{service_settings, tokens, Token};

/// Where systemd looks for units, most important first.
const UNIT_DIRS: [&str; 3] = [
    "/etc/systemd/system",
    "/usr/lib/systemd/system",
    "/lib/systemd/system",
];

/// The kubelet's unit as read.
#[derive(Debug, Default)]
pub(crate) struct KubeletUnit {
    /// One `Arguments` object per file that contributed words.
    pub objects: Vec<Object>,
    /// The unit and its drop-ins, in the order systemd reads them.
    pub unit_files: Vec<String>,
    /// The environment files that were read.
    pub environment_files: Vec<String>,
}

/// Reads the kubelet's unit, or `None` when the node has none.
pub(crate) fn kubelet_unit(fs: &mut NodeFs) -> Option<KubeletUnit> {
    let command = unit_command(fs, "kubelet.service")?;
    Some(KubeletUnit {
        objects: objects_per_file(&command.files, "kubelet", command.words),
        unit_files: command.unit_files,
        environment_files: command.environment_files,
    })
}

/// A unit's `ExecStart=` after expansion: every word tagged with the file it came from.
#[derive(Debug, Default)]
pub(crate) struct UnitCommand {
    /// The files read; the words' first member indexes this list.
    pub files: Vec<Arc<SourceFile>>,
    pub words: Vec<(usize, Word)>,
    pub unit_files: Vec<String>,
    pub environment_files: Vec<String>,
}

/// Reads a unit (`kubelet.service`, `k3s.service`) with its drop-ins and environment, or
/// `None` when the node has neither the unit nor drop-ins for it.
pub(crate) fn unit_command(fs: &mut NodeFs, unit_name: &str) -> Option<UnitCommand> {
    let main = UNIT_DIRS
        .iter()
        .map(|dir| format!("{dir}/{unit_name}"))
        .find(|path| fs.exists(path));
    // Drop-ins are ordered by file name across the directories; for the same name the most
    // important directory wins (inserted last).
    let mut drop_ins: BTreeMap<String, String> = BTreeMap::new();
    for dir in UNIT_DIRS.iter().rev() {
        let dir = format!("{dir}/{unit_name}.d");
        for name in fs.list(&dir) {
            if name.ends_with(".conf") {
                drop_ins.insert(name.clone(), format!("{dir}/{name}"));
            }
        }
    }
    if main.is_none() && drop_ins.is_empty() {
        return None;
    }
    let mut unit = UnitCommand::default();
    let mut files: Vec<Arc<SourceFile>> = Vec::new();
    let mut environment: HashMap<String, Text> = HashMap::new();
    let mut environment_files: Vec<(bool, String, String)> = Vec::new();
    let mut exec: Option<Vec<Token>> = None;
    let consequence =
        format!("the command line of {unit_name} rebuilt from systemd may be incomplete");
    let consequence = consequence.as_str();
    for path in main.into_iter().chain(drop_ins.into_values()) {
        unit.unit_files.push(path.clone());
        let Some(text) = fs.read_optional(&path, consequence) else {
            continue;
        };
        let index = files.len();
        let settings = service_settings(index, &text);
        files.push(Arc::new(SourceFile::new(path.clone(), text)));
        for setting in settings {
            match setting.key.as_str() {
                "Environment" => {
                    for token in tokens(&setting.value) {
                        if let Some(eq) = token.text.chars.iter().position(|c| c.c == '=') {
                            let name: String = token.text.chars[..eq].iter().map(|c| c.c).collect();
                            environment.insert(name, token.text.tail(eq + 1));
                        }
                    }
                }
                "EnvironmentFile" => {
                    if setting.value.is_empty() {
                        environment_files.clear();
                    }
                    for token in tokens(&setting.value) {
                        let name = token.text.string();
                        let (optional, name) = match name.strip_prefix('-') {
                            Some(rest) => (true, rest.to_string()),
                            None => (false, name),
                        };
                        // systemd ignores a path that is not absolute.
                        if name.starts_with('/') {
                            environment_files.push((optional, name, path.clone()));
                        }
                    }
                }
                "ExecStart" => {
                    exec = (!setting.value.is_empty()).then(|| tokens(&setting.value));
                }
                _ => {}
            }
        }
    }
    // Environment files override `Environment=`, later files override earlier ones.
    let mut from_files: HashMap<String, Text> = HashMap::new();
    for (optional, env_path, unit_path) in environment_files {
        let text = if optional {
            fs.read_optional(&env_path, consequence)
        } else {
            fs.read_required(
                &env_path,
                &format!("EnvironmentFile= in {unit_path}"),
                consequence,
            )
        };
        let Some(text) = text else {
            continue;
        };
        let index = files.len();
        let values = env_file::assignments(index, &text);
        files.push(Arc::new(SourceFile::new(env_path.clone(), text)));
        unit.environment_files.push(env_path);
        from_files.extend(values);
    }
    let Some(exec) = exec else {
        let path = unit.unit_files.first().cloned().unwrap_or_default();
        fs.warning(
            &path,
            format!("the systemd unit {path} has no ExecStart=; its command line is unknown"),
        );
        unit.files = files;
        return Some(unit);
    };
    let lookup = |name: &str| from_files.get(name).or_else(|| environment.get(name));
    unit.words = expand(&exec, &lookup);
    unit.files = files;
    Some(unit)
}

/// The words of `ExecStart=` after variable expansion, each tagged with its file.
fn expand<'t>(exec: &[Token], lookup: &dyn Fn(&str) -> Option<&'t Text>) -> Vec<(usize, Word)> {
    let mut words: Vec<(usize, Word)> = Vec::new();
    let mut push = |file: usize, text: String, span| {
        let position = words.len();
        words.push((
            file,
            Word {
                text,
                span,
                position,
            },
        ));
    };
    for (i, token) in exec.iter().enumerate() {
        let raw = token.raw.string();
        let mut text = token.text.clone();
        if i == 0 {
            // Prefixes that change how systemd runs the program: `-`, `@`, `+`, `!`, `:`.
            let skip = text
                .chars
                .iter()
                .take_while(|c| matches!(c.c, '-' | '@' | '+' | '!' | ':'))
                .count();
            text = text.tail(skip);
        }
        if let Some(name) = raw.strip_prefix('$').filter(|n| is_name(n)) {
            for word in lookup(name).map(Text::split_whitespace).unwrap_or_default() {
                if let Some(span) = word.span() {
                    push(word.file, word.string(), span);
                }
            }
            continue;
        }
        if let Some(name) = raw
            .strip_prefix("${")
            .and_then(|r| r.strip_suffix('}'))
            .filter(|n| is_name(n))
        {
            if let Some(value) = lookup(name).filter(|v| !v.is_empty()) {
                if let Some(span) = value.span() {
                    push(value.file, value.string(), span);
                }
            }
            continue;
        }
        let Some(span) = token.raw.span() else {
            continue;
        };
        let word = substitute(&text.string(), lookup);
        if !word.is_empty() {
            push(token.raw.file, word, span);
        }
    }
    words
}

/// `${NAME}` inside a word replaced by its value; `$$` is a literal `$`.
fn substitute<'t>(word: &str, lookup: &dyn Fn(&str) -> Option<&'t Text>) -> String {
    let mut out = String::new();
    let mut rest = word;
    while let Some(at) = rest.find('$') {
        out.push_str(&rest[..at]);
        let after = &rest[at + 1..];
        if let Some(tail) = after.strip_prefix('$') {
            out.push('$');
            rest = tail;
        } else if let Some((name, tail)) = after
            .strip_prefix('{')
            .and_then(|r| r.split_once('}'))
            .filter(|(n, _)| is_name(n))
        {
            out.push_str(&lookup(name).map(Text::string).unwrap_or_default());
            rest = tail;
        } else {
            out.push('$');
            rest = after;
        }
    }
    out.push_str(rest);
    out
}

fn is_name(text: &str) -> bool {
    !text.is_empty()
        && text.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
        && !text.starts_with(|c: char| c.is_ascii_digit())
}
