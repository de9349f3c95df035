//! TOML (containerd's `config.toml`, CRI-O's `crio.conf`) as a value tree whose every node
//! keeps the bytes it was written at, parsed by `toml_edit` (which keeps them). Tables
//! written only through their children (`[plugins."io.containerd.grpc.v1.cri".containerd]`
//! makes `plugins` implicit) take the place of their first written child.

use bulkhead_model::{Node, Span, Value};
use toml_edit::{ImDocument, Item, Table};

use super::spanned;

/// A TOML file that could not be parsed: what went wrong and where.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TomlError {
    pub message: String,
    pub span: Option<Span>,
}

/// How deep tables and arrays may nest before the file is refused (TOML itself has no limit).
const MAX_DEPTH: usize = 64;

/// The document as a tree of maps, sequences and scalars with their spans.
pub fn parse(text: &str) -> Result<Node, TomlError> {
    let document = ImDocument::parse(text).map_err(|e| TomlError {
        message: e.message().trim().to_string(),
        span: e.span().map(|r| span_of(&r)),
    })?;
    let whole = Span::new(0, text.len() as u32);
    table(document.as_table(), whole, 0)
}

fn span_of(range: &std::ops::Range<usize>) -> Span {
    Span::new(range.start as u32, range.end as u32)
}

fn too_deep(span: Span) -> TomlError {
    TomlError {
        message: format!("tables or arrays nest deeper than {MAX_DEPTH} levels"),
        span: Some(span),
    }
}

fn table(table: &Table, fallback: Span, depth: usize) -> Result<Node, TomlError> {
    if depth > MAX_DEPTH {
        return Err(too_deep(fallback));
    }
    let own = table.span().map(|r| span_of(&r));
    let mut entries = Vec::new();
    let mut first_child: Option<Span> = None;
    for (key, item) in table.iter() {
        let key_span = table.key(key).and_then(|k| k.span()).map(|r| span_of(&r));
        let item_fallback = key_span.or(own).unwrap_or(fallback);
        let value = self::item(item, item_fallback, depth + 1)?;
        let key_span = key_span.unwrap_or(value.span);
        first_child.get_or_insert(key_span);
        entries.push((key.to_string(), key_span, value));
    }
    let span = own.or(first_child).unwrap_or(fallback);
    Ok(spanned::map(span, entries))
}

fn item(item: &Item, fallback: Span, depth: usize) -> Result<Node, TomlError> {
    match item {
        Item::None => Ok(Node::new(fallback, Value::Null)),
        Item::Value(value) => self::value(value, fallback, depth),
        Item::Table(t) => table(t, fallback, depth),
        Item::ArrayOfTables(array) => {
            if depth > MAX_DEPTH {
                return Err(too_deep(fallback));
            }
            let span = array.span().map(|r| span_of(&r)).unwrap_or(fallback);
            let items = array
                .iter()
                .map(|t| table(t, span, depth + 1))
                .collect::<Result<Vec<_>, _>>()?;
            Ok(Node::new(span, Value::Seq(items)))
        }
    }
}

fn value(value: &toml_edit::Value, fallback: Span, depth: usize) -> Result<Node, TomlError> {
    if depth > MAX_DEPTH {
        return Err(too_deep(fallback));
    }
    let span = value.span().map(|r| span_of(&r)).unwrap_or(fallback);
    let node = match value {
        toml_edit::Value::String(s) => Value::Str(s.value().as_str().into()),
        toml_edit::Value::Integer(i) => Value::Int(*i.value()),
        toml_edit::Value::Float(f) => Value::Float(*f.value()),
        toml_edit::Value::Boolean(b) => Value::Bool(*b.value()),
        toml_edit::Value::Datetime(d) => Value::Str(d.value().to_string().into()),
        toml_edit::Value::Array(array) => Value::Seq(
            array
                .iter()
                .map(|v| self::value(v, span, depth + 1))
                .collect::<Result<Vec<_>, _>>()?,
        ),
        toml_edit::Value::InlineTable(inline) => {
            let mut entries = Vec::new();
            for (key, v) in inline.iter() {
                let key_span = inline
                    .key(key)
                    .and_then(|k| k.span())
                    .map(|r| span_of(&r))
                    .unwrap_or(span);
                entries.push((
                    key.to_string(),
                    key_span,
                    self::value(v, key_span, depth + 1)?,
                ));
            }
            return Ok(spanned::map(span, entries));
        }
    };
    Ok(Node::new(span, node))
}

#[cfg(test)]
mod tests {
    use super::*;

    const CONTAINERD: &str = "version = 2\n\n[plugins.\"io.containerd.grpc.v1.cri\"]\n  enable_selinux = false\n  [plugins.\"io.containerd.grpc.v1.cri\".registry.mirrors.\"docker.io\"]\n    endpoint = [\"http://mirror.local:5000\"]\n";

    fn text_at(text: &str, span: Span) -> &str {
        &text[span.start as usize..span.end as usize]
    }

    #[test]
    fn values_keep_their_places() {
        let root = parse(CONTAINERD).unwrap();
        assert_eq!(root.get("version").unwrap().as_i64(), Some(2));
        let cri = root
            .path(&["plugins", "io.containerd.grpc.v1.cri"])
            .unwrap();
        let selinux = cri.get("enable_selinux").unwrap();
        assert_eq!(selinux.as_bool(), Some(false));
        assert_eq!(text_at(CONTAINERD, selinux.span), "false");
        let entry = cri.entry("enable_selinux").unwrap();
        assert_eq!(text_at(CONTAINERD, entry.key_span), "enable_selinux");
        let endpoint = cri
            .path(&["registry", "mirrors", "docker.io", "endpoint"])
            .unwrap();
        assert_eq!(
            endpoint.as_seq()[0].as_str(),
            Some("http://mirror.local:5000")
        );
        assert_eq!(
            text_at(CONTAINERD, endpoint.as_seq()[0].span),
            "\"http://mirror.local:5000\""
        );
        // `plugins` was never written alone: it stands where its first child was.
        assert!(root.get("plugins").unwrap().span.end > 0);
    }

    #[test]
    fn errors_say_where() {
        let error = parse("a = \n[b\n").unwrap_err();
        assert!(!error.message.is_empty());
        assert!(error.span.is_some());
    }

    #[test]
    fn inline_tables_and_arrays_of_tables() {
        let text = "x = {a = 1, b = \"c\"}\n[[t]]\nk = true\n[[t]]\nk = false\n";
        let root = parse(text).unwrap();
        assert_eq!(root.path(&["x", "b"]).unwrap().as_str(), Some("c"));
        let t = root.get("t").unwrap().as_seq();
        assert_eq!(t.len(), 2);
        assert_eq!(t[1].get("k").unwrap().as_bool(), Some(false));
    }
}
