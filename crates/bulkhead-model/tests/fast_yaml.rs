//! The fast YAML reader gives exactly what the general parser gives: every document, every
//! value with its type, every span, every problem. Checked on every YAML and JSON file of the
//! repository (check fixtures, the PSS conformance corpus, fuzz seeds, examples, deployment
//! manifests), on any directories named in `BULKHEAD_SAMENESS_CORPUS` (separated by `:`; the
//! benchmark corpora, say), and on yaml-test-suite style cases of each construct the fast
//! reader accepts.

use std::path::{Path, PathBuf};

use bulkhead_model::yaml::{fast, parse_chunk_general, split_documents, ChunkResult};
use bulkhead_model::Limits;

/// The parse result as text: `Debug` shows every node, span and problem (and, unlike `==`,
/// treats two NaNs alike).
fn render(result: &ChunkResult) -> String {
    format!("{:?} {:?}", result.documents, result.problems)
}

/// Compares the two readers on every document of `text`; returns (documents, read fast).
fn compare(name: &str, text: &str) -> (usize, usize) {
    let limits = Limits::default();
    let mut fast_count = 0;
    let chunks = split_documents(text);
    for chunk in &chunks {
        let part = &text[chunk.start..chunk.end];
        if let Some(fast) = fast::parse(part, chunk.start, &limits) {
            fast_count += 1;
            let general = parse_chunk_general(part, chunk.start, &limits);
            assert_eq!(
                render(&fast),
                render(&general),
                "{name}: the fast reader differs at bytes {}..{}:\n{part}",
                chunk.start,
                chunk.end
            );
        }
    }
    // The whole text as one chunk too, as `parse_document` reads configuration files.
    if let Some(fast) = fast::parse(text, 0, &limits) {
        assert_eq!(
            render(&fast),
            render(&parse_chunk_general(text, 0, &limits)),
            "{name}: the fast reader differs on the whole file"
        );
    }
    (chunks.len(), fast_count)
}

fn manifests(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        let name = entry.file_name();
        if path.is_dir() {
            if name != "target" && name != ".git" && name != "node_modules" {
                manifests(&path, out);
            }
        } else if path
            .extension()
            .is_some_and(|e| e == "yaml" || e == "yml" || e == "json")
        {
            out.push(path);
        }
    }
}

fn compare_tree(root: &Path) -> (usize, usize, usize) {
    let mut files = Vec::new();
    manifests(root, &mut files);
    files.sort();
    let (mut documents, mut fast) = (0, 0);
    for file in &files {
        let Ok(text) = std::fs::read_to_string(file) else {
            continue;
        };
        let (d, f) = compare(&file.display().to_string(), &text);
        documents += d;
        fast += f;
    }
    (files.len(), documents, fast)
}

#[test]
fn same_result_on_every_manifest_of_the_repository() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let (files, documents, fast) = compare_tree(&root);
    assert!(files > 1000, "only {files} files found under {root:?}");
    // Most manifests are in the subset; if this drops, the fast reader has stopped reading
    // something common and every scan pays for it.
    assert!(
        fast * 10 >= documents * 8,
        "only {fast} of {documents} documents were read by the fast reader"
    );
}

#[test]
fn same_result_on_the_corpora_named_in_the_environment() {
    let Ok(dirs) = std::env::var("BULKHEAD_SAMENESS_CORPUS") else {
        return;
    };
    for dir in dirs.split(':').filter(|d| !d.is_empty()) {
        let (files, documents, fast) = compare_tree(Path::new(dir));
        eprintln!("{dir}: {files} files, {documents} documents, {fast} read fast");
    }
}

/// Cases in the manner of the yaml-test-suite, one per construct the fast reader accepts;
/// each must be read by the fast reader (not handed over) and give the general result.
const ACCEPTED: &[(&str, &str)] = &[
    ("block mapping", "a: 1\nb: two\n"),
    ("nested block mapping", "a:\n  b:\n    c: d\n  e: f\ng: h\n"),
    ("block sequence", "- a\n- b\n- 3\n"),
    ("sequence of mappings", "- name: a\n  image: b\n- name: c\n"),
    ("indentless sequence", "k:\n- a\n- b\nk2: 1\n"),
    (
        "indentless sequence in a compact mapping",
        "- a:\n  - x\n  b: 1\n",
    ),
    ("indented sequence", "k:\n    - a\n    - b\n"),
    ("item on the next line", "-\n  a: 1\n  b: 2\n- \n  - x\n"),
    ("empty values", "a:\nb:   \nc: # note\nd:"),
    ("empty items", "- \n-\n- a\n-"),
    ("empty flow collections", "a: {}\nb: []\nc:\n- {}\n- []\n"),
    (
        "plain scalars",
        "a: nginx:1.25\nb: http://x/y?z=1#frag\nc: a b  c\nd: -Xmx1g\ne: --flag=x\nf: 100m\ng: a,b]{c}\n",
    ),
    (
        "typed plain scalars",
        "a: yes\nb: off\nc: 0644\nd: 1.5\ne: ~\nf: null\ng: 0x1F\nh: 1_000\ni: .inf\n",
    ),
    (
        "quoted scalars",
        "a: \"x y\"\nb: 'it''s'\nc: \"\"\nd: ''\ne: \"true\"\nf: '0644'\n",
    ),
    (
        "quoted keys",
        "\"helm.sh/hook\": x\n'a b': y\n\"\": z\n",
    ),
    (
        "comments",
        "# head\na: 1 # one\n  # indented\nb: \"2\" # two\n# tail\n",
    ),
    ("document start", "---\na: 1\n"),
    ("document start with a comment", "--- # x\na: 1\n"),
    ("document end", "a: 1\n...\n"),
    ("no final line break", "a: 1\nb: x"),
    ("space before the colon", "a  : 1\nb : c\n"),
    ("keys that look like values", "true: 1\n1: 2\nnull: 3\n"),
    (
        "duplicate keys",
        "a: 1\nb: 2\na: 3\n",
    ),
    (
        "duplicate keys in a large mapping",
        "k0: 0\nk1: 1\nk2: 2\nk3: 3\nk4: 4\nk5: 5\nk6: 6\nk7: 7\nk8: 8\nk9: 9\nk10: 0\nk11: 1\nk12: 2\nk13: 3\nk14: 4\nk15: 5\nk16: 6\nk3: 7\n",
    ),
    ("merge key with an empty mapping", "<<: {}\na: 1\n"),
    ("non-ASCII text", "name: café\nnote: \"日本\"\n"),
    ("indented root", "  a: 1\n  b: 2\n"),
    ("blank lines", "\n\na: 1\n\n\nb:\n\n  c: 2\n\n"),
    ("deep compact mappings", "- a:\n    - b:\n        - c: d\n"),
    ("hash inside a scalar", "a: x#y\nb: 'x #y'\n"),
    ("literal block scalar", "a: |\n  one\n    two\n\n  three\nb: 1\n"),
    ("literal block scalar, strip", "a: |-\n  one\n  two\n\n\nb: 1\n"),
    ("literal block scalar, keep", "a: |+\n  one\n\n\nb: 1\n"),
    ("literal block scalar with leading empty lines", "a: |\n\n  one\n"),
    ("literal block scalar of a comment", "a: |\n  # not a comment\n  x: y\n# a comment\nb: 1\n"),
    ("literal block scalar in a sequence", "- |\n  one\n- >-\n  two\n  three\n"),
    ("literal block scalar with trailing spaces", "a: |\n  one  \n  \nb: 1\n"),
    ("folded block scalar", "a: >\n  one\n  two\n\n  three\n\n\n  four\nb: 1\n"),
    ("folded block scalar, strip", "a: >-\n  one\n  two\n"),
    ("folded block scalar with leading empty lines", "a: >\n\n  one\n  two\n"),
    ("block scalar at the root's end", "a:\n  b: |\n    x\n"),
    ("flow sequence", "a: [x, \"y\", 'z', 1, true]\nb: [ a , b ]\n"),
    ("flow mapping", "a: {x: 1, \"y\": two, 'z': [3]}\n"),
    ("nested flow", "args: [\"--a\", [b, c], {d: e}]\n"),
    ("flow in a sequence", "- [a, b]\n- {c: d}\n- name: x\n  command: [\"sh\", \"-c\"]\n"),
    ("flow with a comment", "a: [x, y] # note\n"),
    (
        "JSON document",
        "{\n  \"apiVersion\": \"v1\",\n  \"kind\": \"Pod\",\n  \"spec\": {\"containers\": [{\"name\":\"a\", \"ports\": [1, 2.5, true, null]}]}\n}\n",
    ),
    ("JSON array", "[\n  1,\n  \"x\"\n]"),
    ("escape", "a: \"x\\ty\"\n"),
    (
        "JSON escapes",
        "a: \"q\\\"b\\\\s\\/n\\nr\\rt\\tb\\bf\\f\"\n\"k\\\"ey\": 1\nc: \"\\\\\"\n",
    ),
    ("JSON with escapes", "{\"a\": \"\\u00e9\\u0041\\u20AC\", \"b\": [\"x\\\"y\"]}\n"),
    (
        "escaped quotes in an annotation",
        "metadata:\n  annotations:\n    snippet: \"more_set_headers \\\"X-Debug: 1\\\";\" # c\n",
    ),
];

#[test]
fn yaml_test_suite_style_cases_are_read_fast_and_alike() {
    let limits = Limits::default();
    for (name, yaml) in ACCEPTED {
        let fast = fast::parse(yaml, 0, &limits)
            .unwrap_or_else(|| panic!("{name}: handed to the general parser:\n{yaml}"));
        assert_eq!(
            render(&fast),
            render(&parse_chunk_general(yaml, 0, &limits)),
            "{name}:\n{yaml}"
        );
    }
}

/// Constructs outside the subset: the fast reader must hand them over (reading them itself
/// would risk a different answer).
const HANDED_OVER: &[(&str, &str)] = &[
    ("anchor and alias", "a: &x 1\nb: *x\n"),
    ("tag", "a: !!str 1\n"),
    ("block scalar without a final line break", "a: |\n  x"),
    (
        "block scalar with an indentation indicator",
        "a: |2\n   x\n",
    ),
    ("block scalar with a comment", "a: | # c\n  x\n"),
    (
        "folded block scalar with more-indented lines",
        "a: >\n  x\n    y\n",
    ),
    ("empty block scalar", "a: |\nb: 1\n"),
    ("flow over lines in a block", "a: [1,\n  2]\n"),
    ("flow trailing comma", "a: [1, 2,]\n"),
    ("flow colon in a plain scalar", "a: [http://x]\n"),
    ("flow pair in a sequence", "a: [b: 1]\n"),
    ("flow mapping as a key", "{a: 1}: b\n"),
    ("multi-line plain scalar", "a: one\n  two\n"),
    ("multi-line quoted scalar", "a: \"one\n  two\"\n"),
    ("YAML-only escapes", "a: \"\\x41\"\nb: \"\\e\"\n"),
    ("escaped space", "a: \"x\\ y\"\n"),
    ("escaped zero", "a: \"\\0\"\n"),
    ("eight-digit escape", "a: \"\\U0001F600\"\n"),
    ("short unicode escape", "a: \"\\u12\"\n"),
    ("surrogate escape", "a: \"\\ud800\"\n"),
    ("escaped line break", "a: \"x\\\n  y\"\n"),
    ("tab", "a:\t1\n"),
    ("carriage return", "a: 1\r\n"),
    ("directive", "%YAML 1.1\n---\na: 1\n"),
    ("complex key", "? a\n: 1\n"),
    ("two documents", "a: 1\n---\nb: 2\n"),
    ("scalar document", "just text\n"),
    ("bad indentation", "a:\n    b: 1\n  c: 2\n"),
    ("mapping value in a scalar", "a: b: c\n"),
    ("nested compact sequence", "- - a\n"),
    ("byte order mark", "\u{feff}a: 1\n"),
    ("line separator", "a: x\u{2028}y\n"),
];

#[test]
fn constructs_outside_the_subset_are_handed_to_the_general_parser() {
    let limits = Limits::default();
    for (name, yaml) in HANDED_OVER {
        assert!(
            fast::parse(yaml, 0, &limits).is_none(),
            "{name}: read by the fast reader:\n{yaml}"
        );
    }
}

#[test]
fn limits_below_what_the_fast_reader_follows_give_the_general_answer() {
    let limits = Limits {
        max_depth: 2,
        ..Limits::default()
    };
    let yaml = "a:\n  b:\n    c: 1\n";
    assert!(fast::parse(yaml, 0, &limits).is_none());
    let general = parse_chunk_general(yaml, 0, &limits);
    assert!(general.problems[0]
        .message
        .contains("nesting deeper than 2"));
}
