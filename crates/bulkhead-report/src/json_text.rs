//! The pieces of pretty-printed JSON, byte for byte as `serde_json::to_writer_pretty` writes
//! them (two spaces per level, `"key": value`, empty lists as `[]`), for the parts of the
//! JSON report that are written by hand: the findings, hundreds of thousands in a large scan,
//! rendered in parallel and without serde's per-token calls.

use std::io;

use serde::Serialize;

/// Appends `s` as a JSON string: quoted, with `"`, `\` and control characters escaped the
/// way serde_json escapes them (`\n`, `\t`, … or `\u00XX`); everything else, non-ASCII
/// included, as is.
pub fn string(out: &mut Vec<u8>, s: &str) {
    out.push(b'"');
    let bytes = s.as_bytes();
    if needs_escape(bytes) {
        escaped(out, bytes);
    } else {
        out.extend_from_slice(bytes);
    }
    out.push(b'"');
}

/// Whether any byte needs escaping, eight bytes at a time: almost every string in a report
/// (names, paths, pointers, ids) needs none and is then copied whole.
fn needs_escape(bytes: &[u8]) -> bool {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGHS: u64 = 0x8080_8080_8080_8080;
    // Whether some byte of `v` is below `n` (exact for n <= 128).
    let has_less = |v: u64, n: u8| v.wrapping_sub(ONES * u64::from(n)) & !v & HIGHS != 0;
    let has_byte = |v: u64, b: u8| has_less(v ^ (ONES * u64::from(b)), 1);
    let mut chunks = bytes.chunks_exact(8);
    for chunk in &mut chunks {
        let mut word = [0u8; 8];
        word.copy_from_slice(chunk);
        let v = u64::from_le_bytes(word);
        if has_less(v, 0x20) || has_byte(v, b'"') || has_byte(v, b'\\') {
            return true;
        }
    }
    chunks
        .remainder()
        .iter()
        .any(|&b| b < 0x20 || b == b'"' || b == b'\\')
}

fn escaped(out: &mut Vec<u8>, bytes: &[u8]) {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let mut start = 0;
    for (i, &b) in bytes.iter().enumerate() {
        let short = match b {
            b'"' => b'"',
            b'\\' => b'\\',
            b'\n' => b'n',
            b'\r' => b'r',
            b'\t' => b't',
            0x08 => b'b',
            0x0c => b'f',
            0..=0x1f => 0,
            _ => continue,
        };
        out.extend_from_slice(&bytes[start..i]);
        if short == 0 {
            out.extend_from_slice(b"\\u00");
            out.push(HEX[usize::from(b >> 4)]);
            out.push(HEX[usize::from(b & 15)]);
        } else {
            out.push(b'\\');
            out.push(short);
        }
        start = i + 1;
    }
    out.extend_from_slice(&bytes[start..]);
}

/// Appends a newline and the indentation of `depth` levels.
pub fn newline(out: &mut Vec<u8>, depth: usize) {
    out.push(b'\n');
    for _ in 0..depth {
        out.extend_from_slice(b"  ");
    }
}

/// Appends an unsigned number in decimal.
pub fn number(out: &mut Vec<u8>, n: u64) {
    let mut digits = [0u8; 20];
    let mut i = digits.len();
    let mut n = n;
    loop {
        i -= 1;
        digits[i] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    out.extend_from_slice(&digits[i..]);
}

/// A list of strings at `depth` (the level of the key that holds it).
pub fn strings<'s>(out: &mut Vec<u8>, depth: usize, items: impl IntoIterator<Item = &'s str>) {
    let mut first = true;
    out.push(b'[');
    for item in items {
        out.extend_from_slice(if first { b"\n" } else { b",\n" });
        indent(out, depth + 1);
        string(out, item);
        first = false;
    }
    if !first {
        newline(out, depth);
    }
    out.push(b']');
}

fn indent(out: &mut Vec<u8>, depth: usize) {
    for _ in 0..depth {
        out.extend_from_slice(b"  ");
    }
}

/// A JSON object being written at `depth`: `{`, then `"key": value` pairs, then `}`.
pub struct Object<'o> {
    out: &'o mut Vec<u8>,
    depth: usize,
    empty: bool,
}

impl<'o> Object<'o> {
    pub fn open(out: &'o mut Vec<u8>, depth: usize) -> Self {
        out.push(b'{');
        Object {
            out,
            depth,
            empty: true,
        }
    }

    /// Starts the next entry and returns the buffer positioned for its value.
    pub fn key(&mut self, key: &str) -> &mut Vec<u8> {
        self.out
            .extend_from_slice(if self.empty { b"\n" } else { b",\n" });
        indent(self.out, self.depth + 1);
        string(self.out, key);
        self.out.extend_from_slice(b": ");
        self.empty = false;
        self.out
    }

    pub fn string(&mut self, key: &str, value: &str) {
        string(self.key(key), value);
    }

    pub fn number(&mut self, key: &str, value: u64) {
        number(self.key(key), value);
    }

    /// The depth of this object's values: where a nested object or list starts.
    pub fn inner(&self) -> usize {
        self.depth + 1
    }

    pub fn close(self) {
        if !self.empty {
            newline(self.out, self.depth);
        }
        self.out.push(b'}');
    }
}

/// Appends `value` as serde_json's pretty printer writes it when it sits `depth` levels deep:
/// for the parts of the report that stay with their `Serialize` implementations.
pub fn serialized<T: Serialize + ?Sized>(
    out: &mut Vec<u8>,
    depth: usize,
    value: &T,
) -> io::Result<()> {
    let mut serializer = serde_json::Serializer::with_formatter(out, Indented::at(depth));
    value.serialize(&mut serializer).map_err(io::Error::from)
}

/// serde_json's `PrettyFormatter` (two spaces) starting `depth` levels deep instead of at the
/// top: the same bytes it would write for the value nested in a larger document.
struct Indented {
    depth: usize,
    has_value: bool,
}

impl Indented {
    fn at(depth: usize) -> Self {
        Indented {
            depth,
            has_value: false,
        }
    }

    fn begin<W: io::Write + ?Sized>(&mut self, w: &mut W, bracket: &[u8]) -> io::Result<()> {
        self.depth += 1;
        self.has_value = false;
        w.write_all(bracket)
    }

    fn end<W: io::Write + ?Sized>(&mut self, w: &mut W, bracket: &[u8]) -> io::Result<()> {
        self.depth -= 1;
        if self.has_value {
            w.write_all(b"\n")?;
            self.indent(w)?;
        }
        w.write_all(bracket)
    }

    fn item<W: io::Write + ?Sized>(&mut self, w: &mut W, first: bool) -> io::Result<()> {
        w.write_all(if first { b"\n" } else { b",\n" })?;
        self.indent(w)
    }

    fn indent<W: io::Write + ?Sized>(&self, w: &mut W) -> io::Result<()> {
        for _ in 0..self.depth {
            w.write_all(b"  ")?;
        }
        Ok(())
    }
}

impl serde_json::ser::Formatter for Indented {
    fn begin_array<W: io::Write + ?Sized>(&mut self, w: &mut W) -> io::Result<()> {
        self.begin(w, b"[")
    }

    fn end_array<W: io::Write + ?Sized>(&mut self, w: &mut W) -> io::Result<()> {
        self.end(w, b"]")
    }

    fn begin_array_value<W: io::Write + ?Sized>(
        &mut self,
        w: &mut W,
        first: bool,
    ) -> io::Result<()> {
        self.item(w, first)
    }

    fn end_array_value<W: io::Write + ?Sized>(&mut self, _w: &mut W) -> io::Result<()> {
        self.has_value = true;
        Ok(())
    }

    fn begin_object<W: io::Write + ?Sized>(&mut self, w: &mut W) -> io::Result<()> {
        self.begin(w, b"{")
    }

    fn end_object<W: io::Write + ?Sized>(&mut self, w: &mut W) -> io::Result<()> {
        self.end(w, b"}")
    }

    fn begin_object_key<W: io::Write + ?Sized>(
        &mut self,
        w: &mut W,
        first: bool,
    ) -> io::Result<()> {
        self.item(w, first)
    }

    fn begin_object_value<W: io::Write + ?Sized>(&mut self, w: &mut W) -> io::Result<()> {
        w.write_all(b": ")
    }

    fn end_object_value<W: io::Write + ?Sized>(&mut self, _w: &mut W) -> io::Result<()> {
        self.has_value = true;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strings_are_escaped_as_serde_json_escapes_them() {
        let mut every_ascii: String = (0u8..=0x7f).map(char::from).collect();
        every_ascii.push_str("é → ∀ 🦀");
        let samples = [
            "",
            "plain",
            "exactly8",
            "sixteen-bytes-ok",
            "a\"b",
            "back\\slash in the second word",
            "tab\tand\nnewline",
            "\u{1}\u{1f}\u{7f}",
            "ends with a quote\"",
            every_ascii.as_str(),
        ];
        for s in samples {
            let mut out = Vec::new();
            string(&mut out, s);
            assert_eq!(
                String::from_utf8(out).unwrap(),
                serde_json::to_string(s).unwrap(),
                "{s:?}"
            );
        }
    }

    #[test]
    fn the_escape_test_finds_a_special_byte_at_any_position() {
        for special in [b'"', b'\\', b'\n', 0u8, 0x1f] {
            for len in 1..20 {
                for at in 0..len {
                    let mut bytes = vec![b'x'; len];
                    bytes[at] = special;
                    assert!(needs_escape(&bytes), "{special} at {at} of {len}");
                }
            }
        }
        let clean: Vec<u8> = (0x20u8..=0xff)
            .filter(|&b| b != b'"' && b != b'\\')
            .collect();
        assert!(!needs_escape(&clean));
    }

    #[test]
    fn numbers_are_decimal() {
        for n in [0, 7, 10, 4_294_967_295, u64::MAX] {
            let mut out = Vec::new();
            number(&mut out, n);
            assert_eq!(String::from_utf8(out).unwrap(), n.to_string());
        }
    }

    #[test]
    fn nested_values_are_indented_as_in_the_whole_document() {
        let inner = serde_json::json!({"a": [1, {"b": []}], "c": {}, "d": ["x"]});
        let whole =
            serde_json::to_string_pretty(&serde_json::json!({"k": [inner.clone()]})).unwrap();
        let mut out = b"{\n  \"k\": [\n    ".to_vec();
        serialized(&mut out, 2, &inner).unwrap();
        out.extend_from_slice(b"\n  ]\n}");
        assert_eq!(String::from_utf8(out).unwrap(), whole);
    }

    #[test]
    fn hand_written_objects_and_lists_match_serde_json() {
        let mut out = Vec::new();
        let mut object = Object::open(&mut out, 0);
        let depth = object.inner();
        strings(object.key("empty"), depth, []);
        strings(object.key("ids"), depth, ["5.2.2", "x"]);
        object.number("line", 12);
        object.string("name", "n");
        let nested = Object::open(object.key("nested"), depth);
        nested.close();
        object.close();
        // `json!` maps keep their keys sorted: the entries above are written in that order.
        let expected = serde_json::to_string_pretty(&serde_json::json!({
            "empty": [], "ids": ["5.2.2", "x"], "line": 12, "name": "n", "nested": {}
        }))
        .unwrap();
        assert_eq!(String::from_utf8(out).unwrap(), expected);
    }
}
