//! Text edits: a [`Change`] at a field path becomes the smallest replacement of bytes that
//! makes it, written in the style of the text around it (block or flow, indentation, JSON
//! quoting). Every byte outside an edit's range stays as it was.

use bulkhead_model::{Node, SourceFile, Span, Value};

use crate::fixes::Change;
use crate::yaml::{self, Style, Yaml};

/// Replace the bytes of `span` with `text` (an insertion when the span is empty).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Edit {
    pub span: Span,
    pub text: String,
    /// The node the edit writes into: two insertions into one node are merged into one edit.
    pub target: Span,
}

/// An insertion of fields into an existing mapping (merged with others into the same one).
#[derive(Clone, Debug)]
pub struct Insert {
    pub target: Span,
    pub tree: Yaml,
}

/// What a change needs: a direct edit, or fields to insert into a mapping.
#[derive(Debug)]
pub enum Planned {
    Edit(Edit),
    Insert(Insert),
}

/// The node a path leads to, as far as it exists.
struct Reached<'a> {
    node: &'a Node,
    /// The span of the node's key, when the node is a mapping value.
    key: Option<Span>,
    /// The tokens that do not exist.
    rest: Vec<String>,
}

fn tokens(pointer: &str) -> Vec<String> {
    pointer
        .split('/')
        .skip(1)
        .map(|t| t.replace("~1", "/").replace("~0", "~"))
        .collect()
}

fn reach<'a>(root: &'a Node, pointer: &str) -> Reached<'a> {
    let mut node = root;
    let mut key = None;
    let all = tokens(pointer);
    for (i, token) in all.iter().enumerate() {
        let next = match &node.value {
            Value::Map(entries) => entries
                .iter()
                .rev()
                .find(|e| *e.key == **token)
                .map(|e| (&e.value, Some(e.key_span))),
            Value::Seq(items) => token
                .parse::<usize>()
                .ok()
                .and_then(|i| items.get(i))
                .map(|n| (n, None)),
            _ => None,
        };
        match next {
            Some((n, k)) => {
                node = n;
                key = k;
            }
            None => {
                return Reached {
                    node,
                    key,
                    rest: all[i..].to_vec(),
                }
            }
        }
    }
    Reached {
        node,
        key,
        rest: Vec::new(),
    }
}

/// Whether the text is JSON (the style of keys and strings to write).
pub fn style_of(file: &SourceFile) -> Style {
    let start = file.text.trim_start();
    if file.path.ends_with(".json") || start.starts_with('{') || start.starts_with('[') {
        Style::Json
    } else {
        Style::Yaml
    }
}

/// Plans a change to the object whose root is `root`, in `file`.
pub fn plan(file: &SourceFile, root: &Node, change: &Change) -> Result<Planned, String> {
    let style = style_of(file);
    match change {
        Change::Set { pointer, value } => set(file, root, pointer, value.clone(), style),
        Change::Append { pointer, item } => {
            let reached = reach(root, pointer);
            match &reached.node.value {
                Value::Seq(items) if reached.rest.is_empty() => {
                    guard(file, reached.node, false)?;
                    append(file, reached.node, items, item, style).map(Planned::Edit)
                }
                _ => set(file, root, pointer, Yaml::Seq(vec![item.clone()]), style),
            }
        }
        Change::Remove { pointer } => remove(file, root, pointer).map(Planned::Edit),
        Change::Rename { pointer, to } => {
            let reached = reach(root, pointer);
            let key = reached
                .key
                .filter(|_| reached.rest.is_empty())
                .ok_or_else(|| format!("{pointer} is not a field"))?;
            guard(file, reached.node, true)?;
            let quoted = file.slice(key).starts_with('"');
            let text = if quoted || style == Style::Json {
                format!("{to:?}")
            } else {
                to.clone()
            };
            Ok(Planned::Edit(Edit {
                span: key,
                text,
                target: key,
            }))
        }
    }
}

/// Refuses to edit where a template decides: a value written by template logic, or a
/// mapping with a line of template logic (`{{- if }}`, `{{ toYaml . | nindent 8 }}`) among
/// its entries, where a new line could land inside a condition or at the wrong depth. A
/// line that starts with `{{` inside a string (a folded command line) is text, not logic.
/// Literal YAML in a template (quoted `"{{ .Values.x }}"` values elsewhere included) is
/// edited as any file.
fn guard(file: &SourceFile, node: &Node, scalar: bool) -> Result<(), String> {
    let span = node.span;
    let text = file.slice(span);
    let templated = if scalar {
        text.contains("{{") || text.contains("{%")
    } else {
        let mut strings = Vec::new();
        string_spans(node, &mut strings);
        let mut offset = span.start;
        text.split_inclusive('\n').any(|line| {
            let at = offset;
            offset += line.len() as u32;
            let l = line.trim_start().trim_start_matches("- ");
            let pos = at + (line.len() - l.len()) as u32;
            (l.starts_with("{{") || l.starts_with("{%"))
                && !strings.iter().any(|s| s.start <= pos && pos < s.end)
        })
    };
    if templated {
        Err(
            "the field is decided by Helm template logic ({{ … }}); change the template or \
             its values by hand"
                .into(),
        )
    } else {
        Ok(())
    }
}

/// The spans of the string values under a node.
fn string_spans(node: &Node, out: &mut Vec<Span>) {
    match &node.value {
        Value::Str(_) => out.push(node.span),
        Value::Map(entries) => entries.iter().for_each(|e| string_spans(&e.value, out)),
        Value::Seq(items) => items.iter().for_each(|n| string_spans(n, out)),
        _ => {}
    }
}

fn set(
    file: &SourceFile,
    root: &Node,
    pointer: &str,
    value: Yaml,
    style: Style,
) -> Result<Planned, String> {
    let reached = reach(root, pointer);
    let node = reached.node;
    if reached.rest.iter().any(|t| t.parse::<usize>().is_ok()) {
        return Err(format!("{pointer}: a list item it names does not exist"));
    }
    let scalar_node = !matches!(node.value, Value::Map(_) | Value::Seq(_) | Value::Null);
    guard(file, node, scalar_node)?;
    if reached.rest.is_empty() && scalar_node {
        // An existing value: replaced, keeping its quotes when it had them.
        let old = file.slice(node.span);
        let text = match &value {
            Yaml::Str(s) if old.starts_with('"') => format!("{s:?}"),
            Yaml::Str(s) if old.starts_with('\'') => format!("'{}'", s.replace('\'', "''")),
            Yaml::Map(_) | Yaml::Seq(_) => yaml::flow(&value, style),
            _ => yaml::scalar(&value, style),
        };
        return Ok(Planned::Edit(Edit {
            span: node.span,
            text,
            target: node.span,
        }));
    }
    let tree = if reached.rest.is_empty() {
        match value {
            Yaml::Map(_) => value,
            _ => return Err(format!("{pointer} holds a list or mapping, not a value")),
        }
    } else {
        Yaml::nest(&reached.rest, value)
    };
    match &node.value {
        Value::Map(_) => Ok(Planned::Insert(Insert {
            target: node.span,
            tree,
        })),
        Value::Null => {
            let key = reached
                .key
                .ok_or_else(|| format!("{pointer}: no field to write under"))?;
            Ok(Planned::Edit(under_null_key(file, key, node, &tree, style)))
        }
        _ => Err(format!("{pointer}: a parent is not a mapping")),
    }
}

/// `key:` with nothing (or `null`, `~`) after it gets the fields.
fn under_null_key(file: &SourceFile, key: Span, node: &Node, tree: &Yaml, style: Style) -> Edit {
    if node.span.is_empty() || file.slice(node.span).trim().is_empty() {
        let (line, _) = file.line_col(key.start);
        let at = file.line_span(line).end;
        let indent = indentation(file, key.start) + 2;
        let text = format!("\n{}", yaml::block(tree, indent, 2).join("\n"));
        Edit {
            span: Span::new(at, at),
            text,
            target: node.span,
        }
    } else {
        Edit {
            span: node.span,
            text: yaml::flow(tree, style),
            target: node.span,
        }
    }
}

/// Spaces before the first character of the line that holds `offset`.
fn indentation(file: &SourceFile, offset: u32) -> usize {
    let (line, _) = file.line_col(offset);
    let text = file.line_text(line);
    text.len() - text.trim_start_matches(' ').len()
}

/// Bytes from the start of the line to `offset` (the key's column, for ASCII indentation).
fn column(file: &SourceFile, offset: u32) -> usize {
    let (line, _) = file.line_col(offset);
    (offset - file.line_span(line).start) as usize
}

/// The end of the line holding the last byte of `span`.
fn line_end(file: &SourceFile, span: Span) -> u32 {
    let last = if span.end > span.start {
        span.end - 1
    } else {
        span.end
    };
    let (line, _) = file.line_col(last);
    file.line_span(line).end
}

/// Turns merged insertions into one edit of the mapping at `target` in `root`.
pub fn insert(file: &SourceFile, root: &Node, insert: &Insert) -> Result<Edit, String> {
    let node = find(root, insert.target).ok_or("the mapping to write into moved")?;
    let Value::Map(entries) = &node.value else {
        return Err("not a mapping".into());
    };
    let style = style_of(file);
    let flow = file.slice(node.span).starts_with('{');
    let Some(last) = entries.last() else {
        // `{}`: the fields replace it, in flow style.
        return Ok(Edit {
            span: node.span,
            text: yaml::flow(&insert.tree, style),
            target: node.span,
        });
    };
    if flow {
        let style = if file.slice(last.key_span).starts_with('"') {
            Style::Json
        } else {
            style
        };
        let (open_line, _) = file.line_col(node.span.start);
        let (last_line, _) = file.line_col(last.key_span.start);
        let entries = yaml::flow_entries(&insert.tree, style);
        let text = if last_line != open_line {
            format!(
                ",\n{}{entries}",
                " ".repeat(column(file, last.key_span.start))
            )
        } else {
            format!(", {entries}")
        };
        let at = last.span().end;
        return Ok(Edit {
            span: Span::new(at, at),
            text,
            target: node.span,
        });
    }
    let indent = column(file, entries[0].key_span.start);
    let step = entries
        .iter()
        .find_map(|e| match &e.value.value {
            Value::Map(inner) if !file.slice(e.value.span).starts_with('{') => inner
                .first()
                .map(|i| column(file, i.key_span.start).saturating_sub(indent)),
            _ => None,
        })
        .filter(|s| (1..=8).contains(s))
        .unwrap_or(2);
    let at = line_end(file, last.span());
    let text = format!("\n{}", yaml::block(&insert.tree, indent, step).join("\n"));
    Ok(Edit {
        span: Span::new(at, at),
        text,
        target: node.span,
    })
}

/// The node with exactly this span.
fn find(node: &Node, span: Span) -> Option<&Node> {
    if node.span == span && node.is_map() {
        return Some(node);
    }
    match &node.value {
        Value::Map(entries) => entries
            .iter()
            .filter(|e| e.value.span.start <= span.start && span.end <= e.value.span.end)
            .find_map(|e| find(&e.value, span)),
        Value::Seq(items) => items
            .iter()
            .filter(|n| n.span.start <= span.start && span.end <= n.span.end)
            .find_map(|n| find(n, span)),
        _ => None,
    }
}

/// An item added at the end of a list, in its style.
fn append(
    file: &SourceFile,
    node: &Node,
    items: &[Node],
    item: &Yaml,
    style: Style,
) -> Result<Edit, String> {
    let flow = file.slice(node.span).starts_with('[');
    let Some(last) = items.last() else {
        return Ok(Edit {
            span: node.span,
            text: yaml::flow(&Yaml::Seq(vec![item.clone()]), style),
            target: node.span,
        });
    };
    if flow {
        let at = last.span.end;
        return Ok(Edit {
            span: Span::new(at, at),
            text: format!(", {}", yaml::flow(item, style)),
            target: node.span,
        });
    }
    let dash = indentation(file, items[0].span.start);
    let at = line_end(file, last.span);
    Ok(Edit {
        span: Span::new(at, at),
        text: format!("\n{}- {}", " ".repeat(dash), yaml::flow(item, Style::Yaml)),
        target: node.span,
    })
}

/// A list item removed: its whole line in a block list, the item and one comma in a flow
/// list (`[]` when it was the only one).
fn remove(file: &SourceFile, root: &Node, pointer: &str) -> Result<Edit, String> {
    let (list_pointer, index) = pointer
        .rsplit_once('/')
        .and_then(|(l, i)| Some((l, i.parse::<usize>().ok()?)))
        .ok_or_else(|| format!("{pointer} is not a list item"))?;
    let reached = reach(root, list_pointer);
    let Value::Seq(items) = &reached.node.value else {
        return Err(format!("{list_pointer} is not a list"));
    };
    if !reached.rest.is_empty() || index >= items.len() {
        return Err(format!("{pointer} does not exist"));
    }
    let list = reached.node;
    guard(file, list, false)?;
    let item = &items[index];
    let span = if file.slice(list.span).starts_with('[') {
        match (
            index.checked_sub(1).map(|i| &items[i]),
            items.get(index + 1),
        ) {
            (Some(previous), _) => Span::new(previous.span.end, item.span.end),
            (None, Some(next)) => Span::new(item.span.start, next.span.start),
            (None, None) => {
                return Ok(Edit {
                    span: list.span,
                    text: "[]".into(),
                    target: list.span,
                })
            }
        }
    } else {
        let (line, _) = file.line_col(item.span.start);
        let (end_line, _) = file.line_col(item.span.end.saturating_sub(1).max(item.span.start));
        let whole = file.line_span(line);
        let rest = file.line_text(line)[..(item.span.start - whole.start) as usize].trim();
        if line != end_line || rest != "-" {
            return Err("the item shares its line with other text; remove it by hand".into());
        }
        // The line and its line break.
        let end = (file.line_span(line).end + 1).min(file.text.len() as u32);
        Span::new(whole.start, end)
    };
    Ok(Edit {
        span,
        text: String::new(),
        target: list.span,
    })
}

/// Applies edits (sorted, non-overlapping) to a text.
pub fn apply(text: &str, edits: &[Edit]) -> String {
    let mut out = String::with_capacity(text.len() + 256);
    let mut at = 0usize;
    for edit in edits {
        let start = edit.span.start as usize;
        out.push_str(&text[at..start]);
        out.push_str(&edit.text);
        at = edit.span.end as usize;
    }
    out.push_str(&text[at..]);
    out
}

/// Keeps the edits that can be applied together: sorted, none overlapping another, and at
/// most one insertion at one place (two fields written at one line end must be ordered by
/// depth, so the second waits for the next pass, which sees the first in place). Returns
/// the kept edits' indices.
pub fn compatible(edits: &[Edit]) -> Vec<usize> {
    let mut order: Vec<usize> = (0..edits.len()).collect();
    order.sort_by_key(|&i| (edits[i].span.start, edits[i].span.end));
    let mut kept: Vec<usize> = Vec::new();
    for i in order {
        let clashes = kept.last().is_some_and(|&j| {
            let (a, b) = (edits[j].span, edits[i].span);
            b.start < a.end || b.start == a.start
        });
        if !clashes {
            kept.push(i);
        }
    }
    kept
}
