//! `Arguments` objects built by hand: the words a file contributes to a command line, each
//! word's node spanning the exact token of the real file (a unit's `ExecStart=`, an
//! environment file's value, a k3s `kubelet-arg:` item), so that a finding about a flag shows
//! the line where it was written.

use std::sync::Arc;

use bulkhead_model::{Entry, Node, Object, Origin, SourceFile, Span, Value};

use crate::NODE_API_VERSION;

/// One word: the text the program receives, where it was written, and its index in the
/// final command line.
#[derive(Clone, Debug)]
pub(crate) struct Word {
    pub text: String,
    pub span: Span,
    pub position: usize,
}

/// The `Arguments` object (`metadata.name` = the program) for the words of one file.
pub(crate) fn arguments_object(file: Arc<SourceFile>, program: &str, words: &[Word]) -> Object {
    let whole = words
        .iter()
        .map(|w| w.span)
        .reduce(Span::to)
        .unwrap_or_default();
    // The list itself is placed at its first word (the program, in the file that holds
    // `ExecStart=`): a finding about a flag that is not set points there, not at every line
    // between the first and the last word.
    let first = words
        .iter()
        .min_by_key(|w| w.position)
        .map(|w| w.span)
        .unwrap_or_default();
    let scalar = |value: Value| Node::new(whole, value);
    let entry = |key: &str, value: Node| Entry {
        key: key.into(),
        key_span: whole,
        value,
    };
    let list_entry = |key: &str, items: Vec<Node>| Entry {
        key: key.into(),
        key_span: first,
        value: Node::new(first, Value::Seq(items)),
    };
    let args = words
        .iter()
        .map(|w| Node::new(w.span, Value::Str(w.text.as_str().into())))
        .collect();
    let positions = words
        .iter()
        .map(|w| Node::new(w.span, Value::Int(w.position as i64)))
        .collect();
    let root = scalar(Value::Map(vec![
        entry("apiVersion", scalar(Value::Str(NODE_API_VERSION.into()))),
        entry("kind", scalar(Value::Str("Arguments".into()))),
        entry(
            "metadata",
            scalar(Value::Map(vec![entry(
                "name",
                scalar(Value::Str(program.into())),
            )])),
        ),
        entry(
            "spec",
            scalar(Value::Map(vec![
                list_entry("args", args),
                list_entry("positions", positions),
            ])),
        ),
    ]));
    Object {
        api_version: NODE_API_VERSION.to_string(),
        kind: "Arguments".to_string(),
        name: program.to_string(),
        namespace: None,
        root,
        origin: Origin {
            file,
            document: 0,
            pointer: String::new(),
            helm_source: None,
            root: 0,
        },
    }
}

/// One object per file, in the order of each file's first word, from words tagged with the
/// file they came from.
pub(crate) fn objects_per_file(
    files: &[Arc<SourceFile>],
    program: &str,
    words: Vec<(usize, Word)>,
) -> Vec<Object> {
    let mut order: Vec<usize> = Vec::new();
    for (file, _) in &words {
        if !order.contains(file) {
            order.push(*file);
        }
    }
    order
        .into_iter()
        .filter_map(|file| {
            let mine: Vec<Word> = words
                .iter()
                .filter(|(f, _)| *f == file)
                .map(|(_, w)| w.clone())
                .collect();
            Some(arguments_object(
                Arc::clone(files.get(file)?),
                program,
                &mine,
            ))
        })
        .collect()
}
