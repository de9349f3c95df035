//! Hostile and broken input: every case ends in a clear error with a location (or loads
//! correctly), never in a panic, and the other documents of the same input still load.
//!
//! Everything here is small: the limits are exercised with inputs of at most a few hundred
//! kilobytes (or with a lowered limit), so the file runs in well under a second.

use std::sync::Arc;

use bulkhead_model::load::decode;
use bulkhead_model::{
    load_inputs, load_source, load_text, ErrorSeverity, Input, Limits, LoadError, Loaded, Value,
};

const NAME: &str = "hostile.yaml";

fn load(text: &str) -> Loaded {
    load_text(NAME, text, &Limits::default())
}

/// Names of the loaded objects, in order.
fn names(loaded: &Loaded) -> Vec<&str> {
    loaded.objects.iter().map(|o| o.name.as_str()).collect()
}

/// The single error of `loaded`, which must be fatal and have a location.
fn only_error(loaded: &Loaded) -> &LoadError {
    assert_eq!(loaded.errors.len(), 1, "{:#?}", loaded.errors);
    let error = &loaded.errors[0];
    assert_eq!(error.severity, ErrorSeverity::Error, "{error:?}");
    assert_eq!(error.path, NAME);
    assert!(
        !error.message.contains("internal error"),
        "the parser panicked: {error:?}"
    );
    error
}

/// 1-based line and character column of the first occurrence of `needle` in `text`.
fn position_of(text: &str, needle: &str) -> (Option<u32>, Option<u32>) {
    let offset = text
        .find(needle)
        .unwrap_or_else(|| panic!("{needle:?} not in text"));
    position_at(text, offset)
}

fn position_at(text: &str, offset: usize) -> (Option<u32>, Option<u32>) {
    let before = &text[..offset];
    let line = before.matches('\n').count() as u32 + 1;
    let line_start = before.rfind('\n').map_or(0, |p| p + 1);
    let column = text[line_start..offset].chars().count() as u32 + 1;
    (Some(line), Some(column))
}

fn location(error: &LoadError) -> (Option<u32>, Option<u32>) {
    (error.line, error.column)
}

fn config_map(name: &str) -> String {
    format!("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {name}\n")
}

#[test]
fn billion_laughs_is_refused_and_the_next_document_loads() {
    let mut text = config_map("lol");
    text.push_str("data:\n");
    text.push_str(
        "  a: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n",
    );
    for (level, previous) in ('b'..='i').zip('a'..='h') {
        let aliases = vec![format!("*{previous}"); 9].join(",");
        text.push_str(&format!("  {level}: &{level} [{aliases}]\n"));
    }
    text.push_str("---\n");
    text.push_str(&config_map("after"));

    let loaded = load(&text);
    let error = only_error(&loaded);
    assert!(
        error.message.contains("alias") && error.message.contains("budget of 100000 nodes"),
        "{error:?}"
    );
    // Levels a to d copy 16,591 nodes; the nine aliases of e add 66,429 (83,020 in all), and
    // keeping e's anchor (66,430 more) is what crosses the budget: the error is at e's value,
    // which starts at its anchor.
    assert_eq!(location(error), position_of(&text, "&e ["));
    assert_eq!(names(&loaded), ["after"]);
}

#[test]
fn billion_laughs_through_aliases_alone_is_refused_at_the_alias() {
    // One anchor, then more aliases of it than the budget allows.
    let limits = Limits {
        max_alias_nodes: 1_000,
        ..Default::default()
    };
    let mut text = config_map("lol");
    text.push_str("data:\n  a: &a [1,2,3,4,5,6,7,8,9]\n");
    for i in 0..200 {
        text.push_str(&format!("  k{i}: *a\n"));
    }
    text.push_str("---\n");
    text.push_str(&config_map("after"));

    let loaded = load_text(NAME, &text, &limits);
    let error = only_error(&loaded);
    assert!(
        error
            .message
            .contains("alias expansion exceeds the budget of 1000 nodes"),
        "{error:?}"
    );
    // 10 nodes for the anchor, 10 per alias: the 100th alias (key k99) crosses 1,000.
    let alias = text.find("k99: *a").unwrap() + "k99: ".len();
    assert_eq!(location(error), position_at(&text, alias));
    assert_eq!(names(&loaded), ["after"]);
}

#[test]
fn nested_anchors_without_aliases_are_bounded() {
    // Regression: every anchored node used to be copied, so 400 nested anchors around a
    // 50,000-item list (100 KB of text, no alias at all) made 20 million nodes (~800 MB).
    let mut text = config_map("nested");
    text.push_str("data: ");
    for i in 0..400 {
        text.push_str(&format!("&a{i} ["));
    }
    text.push_str(&"1,".repeat(50_000));
    text.push_str(&"]".repeat(400));
    text.push_str("\n---\n");
    text.push_str(&config_map("after"));

    let loaded = load(&text);
    let error = only_error(&loaded);
    assert!(
        error.message.contains("alias budget of 100000 nodes"),
        "{error:?}"
    );
    // The innermost anchor holds 50,001 nodes, the next 50,002: that one crosses the budget.
    assert_eq!(location(error), position_of(&text, "&a398 "));
    assert_eq!(names(&loaded), ["after"]);
}

#[test]
fn deep_block_nesting_is_refused() {
    // 10,000 nested block sequences, each `- ` one indentation level deeper (`- - - x`).
    let mut text = config_map("before");
    text.push_str("---\n");
    let deep_start = text.len();
    text.push_str(&"- ".repeat(10_000));
    text.push_str("x\n---\n");
    text.push_str(&config_map("after"));

    let loaded = load(&text);
    let error = only_error(&loaded);
    assert!(
        error.message.contains("nesting deeper than 512 levels"),
        "{error:?}"
    );
    // The 513th sequence starts at its `-`, 512 dashes into the line.
    assert_eq!(location(error), position_at(&text, deep_start + 2 * 512));
    assert_eq!(names(&loaded), ["before", "after"]);

    // Indented block mappings, one space per level. 10,000 levels would be 50 MB of
    // indentation, so this goes 1,000 deep: the limit trips at 513 either way.
    let mut text = String::new();
    for depth in 0..1_000 {
        text.push_str(&" ".repeat(depth));
        text.push_str("a:\n");
    }
    text.push_str("---\n");
    text.push_str(&config_map("after"));
    let loaded = load(&text);
    let error = only_error(&loaded);
    assert!(
        error.message.contains("nesting deeper than 512"),
        "{error:?}"
    );
    // The 513th mapping starts at the key of line 513, indented by 512 spaces.
    assert_eq!(location(error), (Some(513), Some(513)));
    assert_eq!(names(&loaded), ["after"]);
}

#[test]
fn deep_flow_nesting_is_refused() {
    for (open, close) in [("[", "]"), ("{a: ", "}")] {
        let mut text = config_map("before");
        text.push_str("---\n");
        let deep_start = text.len();
        text.push_str(&open.repeat(10_000));
        text.push_str(&close.repeat(10_000));
        text.push_str("\n---\n");
        text.push_str(&config_map("after"));

        let loaded = load(&text);
        let error = only_error(&loaded);
        assert!(
            error.message.contains("nesting deeper than 512 levels"),
            "{open}: {error:?}"
        );
        assert_eq!(
            location(error),
            position_at(&text, deep_start + 512 * open.len()),
            "{open}"
        );
        assert_eq!(names(&loaded), ["before", "after"], "{open}");
    }

    // Unclosed: the depth limit trips before the parser reaches the end.
    let text = "[".repeat(10_000);
    let error = only_error(&load(&text)).clone();
    assert!(
        error.message.contains("nesting deeper than 512"),
        "{error:?}"
    );
    assert_eq!(location(&error), (Some(1), Some(513)));
}

#[test]
fn oversized_document_is_skipped_and_the_next_one_loads() {
    let limits = Limits {
        max_document_bytes: 1024,
        ..Default::default()
    };
    let mut text = config_map("before");
    text.push_str("---\n");
    let big_start = text.len();
    text.push_str(&config_map("big"));
    text.push_str("data:\n");
    while text.len() - big_start < 4096 {
        text.push_str("  key: valuevaluevaluevaluevaluevalue\n");
    }
    text.push_str("---\n");
    text.push_str(&config_map("after"));

    let loaded = load_text(NAME, &text, &limits);
    let error = only_error(&loaded);
    assert!(
        error.message.contains("exceeds the limit of 1024 bytes"),
        "{error:?}"
    );
    // The document is reported at its `---` line.
    assert_eq!(location(error), position_at(&text, big_start - 4));
    assert_eq!(names(&loaded), ["before", "after"]);
}

#[test]
fn invalid_utf8_reports_the_line_and_column_of_the_bad_byte() {
    let mut bytes = config_map("bad").into_bytes();
    bytes.extend_from_slice(b"data:\n  k: caf\xC3\x28\n");
    let error = decode("bad.yaml", bytes.clone()).unwrap_err();
    assert_eq!(error.severity, ErrorSeverity::Error);
    assert!(error.message.contains("invalid UTF-8"), "{error:?}");
    // `  k: caf` is eight characters: the bad byte is at column 9 of line 6.
    assert_eq!(location(&error), (Some(6), Some(9)));

    // A bad byte after multi-byte characters: columns count characters, not bytes.
    let error = decode("bad.yaml", b"a: \xC3\xA9\xC3\xA9\xFF\n".to_vec()).unwrap_err();
    assert_eq!(location(&error), (Some(1), Some(6)));

    // After a byte order mark, columns and the byte offset are still those of the bad byte.
    let error = decode("bad.yaml", b"\xEF\xBB\xBFa: \xFF\n".to_vec()).unwrap_err();
    assert_eq!(location(&error), (Some(1), Some(4)));
    assert!(error.message.contains("at byte 6"), "{error:?}");

    // Another input of the same scan still loads.
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("bad.yaml");
    std::fs::write(&path, &bytes).unwrap();
    let loaded = load_inputs(
        &[
            Input::File(path),
            Input::Text {
                name: "good.yaml".into(),
                text: config_map("good"),
            },
        ],
        &Limits::default(),
    );
    assert_eq!(loaded.errors.len(), 1, "{:?}", loaded.errors);
    assert!(loaded.errors[0].message.contains("invalid UTF-8"));
    assert_eq!(location(&loaded.errors[0]), (Some(6), Some(9)));
    assert_eq!(names(&loaded), ["good"]);
}

#[test]
fn binary_file_is_refused() {
    let mut bytes = config_map("bin").into_bytes();
    bytes.extend_from_slice(b"data:\n  k: \x00\x01\x02\x03\n");
    let error = decode("bin.yaml", bytes).unwrap_err();
    assert_eq!(error.severity, ErrorSeverity::Error);
    assert!(error.message.contains("binary file"), "{error:?}");
    assert_eq!(error.path, "bin.yaml");

    // A PNG header is refused the same way, and never reaches the parser.
    let error = decode("logo.yaml", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR".to_vec()).unwrap_err();
    assert!(error.message.contains("binary file"), "{error:?}");
}

#[test]
fn utf16_is_refused() {
    let text = config_map("wide");
    let little: Vec<u8> = [0xFF, 0xFE]
        .into_iter()
        .chain(text.encode_utf16().flat_map(u16::to_le_bytes))
        .collect();
    let big: Vec<u8> = [0xFE, 0xFF]
        .into_iter()
        .chain(text.encode_utf16().flat_map(u16::to_be_bytes))
        .collect();
    for bytes in [little, big] {
        let error = decode("wide.yaml", bytes).unwrap_err();
        assert_eq!(error.severity, ErrorSeverity::Error);
        assert!(error.message.contains("UTF-16"), "{error:?}");
        assert_eq!(error.path, "wide.yaml");
    }
}

#[test]
fn truncated_quoted_string_is_an_error_and_earlier_documents_load() {
    let mut text = config_map("before");
    text.push_str("---\n");
    text.push_str("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: cut, labels: {a: \"b");

    let loaded = load(&text);
    let error = only_error(&loaded);
    assert!(
        error.message.contains("invalid YAML")
            && error.message.contains("unexpected end of stream")
            && error.message.contains("quoted scalar"),
        "{error:?}"
    );
    // Reported at the end of the input, where the closing quote is missing.
    assert_eq!(location(error), position_at(&text, text.len()));
    assert_eq!(names(&loaded), ["before"]);
}

#[test]
fn truncated_flow_mapping_is_an_error_and_earlier_documents_load() {
    for ending in ["", "\n"] {
        let mut text = config_map("before");
        text.push_str("---\n");
        text.push_str("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: cut, labels: {a: b");
        text.push_str(ending);

        let loaded = load(&text);
        let error = only_error(&loaded);
        assert!(
            error.message.contains("invalid YAML")
                && error.message.contains("did not find expected ',' or '}'")
                && error.message.contains("flow mapping"),
            "{error:?}"
        );
        assert_eq!(
            location(error),
            position_at(&text, text.len()),
            "{ending:?}"
        );
        assert_eq!(names(&loaded), ["before"]);
    }
}

#[test]
fn duplicate_key_is_a_warning_at_the_second_occurrence() {
    let mut text = config_map("dup");
    text.push_str("data:\n  key: first\n  other: x\n  key: second\n");

    let loaded = load(&text);
    assert_eq!(loaded.errors.len(), 1, "{:?}", loaded.errors);
    let warning = &loaded.errors[0];
    assert_eq!(warning.severity, ErrorSeverity::Warning);
    assert!(
        warning.message.contains("duplicate key \"key\""),
        "{warning:?}"
    );
    assert_eq!(location(warning), (Some(8), Some(3)));
    assert!(
        warning.message.contains("(first set at 6:3)"),
        "{warning:?}"
    );

    assert_eq!(names(&loaded), ["dup"]);
    let root = &loaded.objects[0].root;
    assert_eq!(
        root.path(&["data", "key"]).and_then(|n| n.as_str()),
        Some("second")
    );
}

#[test]
fn duplicate_keys_in_a_large_mapping() {
    // Regression: duplicate detection compared every key with every earlier one, so a mapping
    // of n keys took n²/2 comparisons (40,000 keys: 2.5 s in a release build).
    let mut text = config_map("wide");
    text.push_str("data:\n");
    for i in 0..20_000 {
        text.push_str(&format!("  k{i}: v\n"));
    }
    text.push_str("  k7: again\n  k19999: again\n");
    let loaded = load(&text);
    assert_eq!(loaded.errors.len(), 2, "{:?}", loaded.errors);
    let first_k7 = position_of(&text, "  k7:");
    let first_last = position_of(&text, "  k19999:");
    for (warning, key, first) in [
        (&loaded.errors[0], "k7", first_k7),
        (&loaded.errors[1], "k19999", first_last),
    ] {
        assert_eq!(warning.severity, ErrorSeverity::Warning);
        assert!(
            warning
                .message
                .contains(&format!("duplicate key \"{key}\"")),
            "{warning:?}"
        );
        let (line, _) = first;
        let first_set = format!("(first set at {}:3)", line.unwrap());
        assert!(warning.message.contains(&first_set), "{warning:?}");
    }
    let second_k7 = text.find("  k7: again").unwrap() + 2;
    assert_eq!(location(&loaded.errors[0]), position_at(&text, second_k7));
    let data = loaded.objects[0].root.get("data").unwrap();
    assert_eq!(data.get("k7").and_then(|n| n.as_str()), Some("again"));
    assert_eq!(data.get("k8").and_then(|n| n.as_str()), Some("v"));
}

#[test]
fn merge_keys_with_many_entries() {
    // Regression: merging compared every merged key with every own key (quadratic).
    let mut text = config_map("merge");
    text.push_str("data:\n  <<: {");
    for i in 0..10_000 {
        text.push_str(&format!("m{i}: merged, "));
    }
    text.push_str("k0: merged}\n");
    for i in 0..10_000 {
        text.push_str(&format!("  k{i}: own\n"));
    }
    let loaded = load(&text);
    assert!(loaded.errors.is_empty(), "{:?}", loaded.errors);
    let data = loaded.objects[0].root.get("data").unwrap();
    assert_eq!(data.as_map().len(), 20_000);
    assert_eq!(data.get("k0").and_then(|n| n.as_str()), Some("own"));
    assert_eq!(data.get("m9999").and_then(|n| n.as_str()), Some("merged"));
}

#[test]
fn block_scalar_at_end_of_file_without_a_final_newline() {
    // The values are libyaml's and go-yaml's (and PyYAML's): the missing final line break is
    // not part of the value. (Regression: the loader used to read `"echo hi\n"` for `|`.)
    let cases = [
        ("|", "echo hi", "echo hi"),
        ("|+", "echo hi", "echo hi"),
        ("|-", "echo hi", "echo hi"),
        (">", "echo hi", "echo hi"),
        ("|", "a\n    b", "a\nb"),
        (">", "a\n    b", "a b"),
        ("|", "a\n\n    b", "a\n\nb"),
        // A last line of spaces only: the earlier break is kept (clip) or kept alone (keep).
        ("|", "a\n  ", "a\n"),
        ("|+", "a\n  ", "a\n"),
        ("|-", "a\n  ", "a"),
    ];
    for (header, body, expected) in cases {
        let mut text = config_map("script");
        text.push_str(&format!("data:\n  script: {header}\n    {body}"));
        let loaded = load(&text);
        assert!(
            loaded.errors.is_empty(),
            "{header} {body:?}: {:?}",
            loaded.errors
        );
        assert_eq!(names(&loaded), ["script"]);
        let script = loaded.objects[0].root.path(&["data", "script"]).unwrap();
        assert_eq!(script.as_str(), Some(expected), "{header} {body:?}");
        // The span ends at the last character of the file's text, not past it.
        assert!(script.span.end as usize <= text.len());
    }

    // With a final newline nothing changes, and the break is part of the value.
    let mut text = config_map("script");
    text.push_str("data:\n  script: |\n    echo hi\n");
    let loaded = load(&text);
    let script = loaded.objects[0].root.path(&["data", "script"]).unwrap();
    assert_eq!(script.as_str(), Some("echo hi\n"));

    // The line break added for the parser is U+2028, or U+2029 when the text has U+2028
    // already (here as the line break ending a comment).
    let mut text = config_map("script");
    text.insert_str(0, "# a comment\u{2028}\n");
    text.push_str("data:\n  script: |\n    echo hi");
    let loaded = load(&text);
    assert!(loaded.errors.is_empty(), "{:?}", loaded.errors);
    let script = loaded.objects[0].root.path(&["data", "script"]).unwrap();
    assert_eq!(script.as_str(), Some("echo hi"));
}

#[test]
fn utf8_bom_loads_and_columns_are_right() {
    let text = format!(
        "\u{feff}{}data:\n  key: value\n---\n{}",
        config_map("bom"),
        config_map("second")
    );
    let file = Arc::new(decode(NAME, text.into_bytes()).unwrap());
    let loaded = load_source(Arc::clone(&file), &Limits::default());
    assert!(loaded.errors.is_empty(), "{:?}", loaded.errors);
    assert_eq!(names(&loaded), ["bom", "second"]);
    let object = &loaded.objects[0];
    let key = object.locate("/data/key").position;
    assert_eq!((key.line, key.column), (6, 3));
    // The BOM is not a character of the first line.
    let api_version = object.locate("/apiVersion").position;
    assert_eq!((api_version.line, api_version.column), (1, 1));
    let name = loaded.objects[1].locate("/metadata/name").position;
    assert_eq!((name.line, name.column), (11, 3));

    // Errors in a BOM file are placed right too.
    let loaded = load("\u{feff}a: [1\n");
    let error = only_error(&loaded);
    assert_eq!(location(error), (Some(2), Some(1)));
}

#[test]
fn yaml_1_1_typing_end_to_end() {
    let text = r#"apiVersion: v1
kind: Pod
metadata:
  name: typed
spec:
  containers:
  - name: app
    image: nginx
    securityContext:
      readOnlyRootFilesystem: yes
      privileged: off
      runAsUser: 0x3e8
  volumes:
  - name: config
    configMap:
      name: config
      defaultMode: 0644
      items:
      - key: a
        path: a
        mode: "0644"
      - key: b
        path: b
        mode: !!str 0600
"#;
    let loaded = load(text);
    assert!(loaded.errors.is_empty(), "{:?}", loaded.errors);
    let root = &loaded.objects[0].root;
    let container = &root.path(&["spec", "containers"]).unwrap().as_seq()[0];
    let security = container.get("securityContext").unwrap();
    assert_eq!(
        security.get("readOnlyRootFilesystem").unwrap().value,
        Value::Bool(true)
    );
    assert_eq!(
        security.get("privileged").unwrap().value,
        Value::Bool(false)
    );
    assert_eq!(security.get("runAsUser").unwrap().value, Value::Int(1000));
    let config_map = root.path(&["spec", "volumes"]).unwrap().as_seq()[0]
        .get("configMap")
        .unwrap();
    assert_eq!(
        config_map.get("defaultMode").unwrap().value,
        Value::Int(420)
    );
    let items = config_map.get("items").unwrap().as_seq();
    assert_eq!(
        items[0].get("mode").unwrap().value,
        Value::Str("0644".into())
    );
    assert_eq!(
        items[1].get("mode").unwrap().value,
        Value::Str("0600".into())
    );
}

#[test]
fn byte_order_mark_after_a_document_end_marker() {
    // Regression (found by the fuzzer, minimised to `...\n\u{feff}\nF`): a chunk that starts
    // with a byte order mark had every position three bytes early, inside the mark, and
    // slicing the text there panicked outside the parser's guard.
    // (A `...` opening the stream is an error for libyaml and go-yaml too; the document after
    // it still loads.)
    let loaded = load("...\n\u{feff}\nF");
    assert!(
        loaded
            .errors
            .iter()
            .all(|e| e.line == Some(1) && !e.message.contains("internal error")),
        "{:?}",
        loaded.errors
    );
    assert_eq!(loaded.stats.documents, 1);

    let text = format!(
        "{}...\n\u{feff}# Source: chart/templates/cm.yaml\n{}data:\n  key: value\n",
        config_map("first"),
        config_map("second")
    );
    let loaded = load(&text);
    assert!(loaded.errors.is_empty(), "{:?}", loaded.errors);
    assert_eq!(names(&loaded), ["first", "second"]);
    let second = &loaded.objects[1];
    assert_eq!(
        second.origin.helm_source.as_deref(),
        Some("chart/templates/cm.yaml")
    );
    let key = second.locate("/data/key").position;
    assert_eq!((key.line, key.column), (12, 3));
    assert_eq!(
        second.locate("/data/key").span.start as usize,
        text.find("key: value").unwrap()
    );
}

#[test]
fn document_starting_with_a_character_from_u_f000_to_u_ffff() {
    // Regression: the parser took a leading 0xEF byte that does not begin a byte order mark
    // for a malformed one ("invalid byte order marker"); go-yaml reads such documents.
    let text = "\u{ff01}key: v\n---\n\u{f8ff}: x\n";
    let loaded = load(text);
    assert!(loaded.errors.is_empty(), "{:?}", loaded.errors);
    assert_eq!(loaded.stats.documents, 2);
    assert_eq!(loaded.stats.skipped_documents, 2);
}

#[test]
fn control_character_is_reported_where_it_is() {
    // A control character past the binary-file sniffing window (or any that is not NUL).
    let mut text = config_map("before");
    text.push_str("---\n");
    text.push_str(&config_map("bell"));
    text.push_str("data:\n  k: ring\u{7}\n---\n");
    text.push_str(&config_map("after"));
    let loaded = load(&text);
    let error = only_error(&loaded);
    assert!(
        error.message.contains("control characters are not allowed"),
        "{error:?}"
    );
    assert_eq!(location(error), position_of(&text, "\u{7}"));
    assert_eq!(names(&loaded), ["before", "after"]);

    // NUL after the first 8 KiB is not sniffed as binary, but the parser still refuses it.
    let mut text = config_map("big");
    text.push_str("data:\n");
    while text.len() < 9000 {
        text.push_str("  key: value\n");
    }
    text.push_str("  nul: \"\0\"\n");
    let file = decode(NAME, text.clone().into_bytes()).unwrap();
    let loaded = load_source(Arc::new(file), &Limits::default());
    let error = only_error(&loaded);
    assert!(error.message.contains("control characters"), "{error:?}");
    assert_eq!(location(error), position_of(&text, "\0"));
}

#[test]
fn tag_right_after_a_flow_scalar_is_an_error_not_a_parser_panic() {
    // Regression (found by fuzzing from real manifests): a `!` right after a quoted scalar in a
    // flow sequence reaches an unfinished branch of the parser's tag scanner, which panics.
    let text = "a: [\"sh\"!, \"x\"]";
    let loaded = load(text);
    let error = only_error(&loaded);
    assert_eq!(location(error), position_of(text, "!"), "{error:?}");

    let mut text = config_map("before");
    text.push_str("---\n");
    text.push_str(&config_map("tagged"));
    text.push_str("data:\n  command: [\"sh\"!, \"-c\"]\n---\n");
    text.push_str(&config_map("after"));
    let loaded = load(&text);
    let error = only_error(&loaded);
    assert_eq!(location(error), position_of(&text, "!"), "{error:?}");
    assert_eq!(names(&loaded), ["before", "after"]);

    // A tag ended by `,` in a flow collection is valid YAML (an empty tagged node), as in libyaml.
    let loaded = load(&format!("{}data:\n  k: [!!str, x]\n", config_map("empty")));
    assert!(loaded.errors.is_empty(), "{:?}", loaded.errors);
    let items = loaded.objects[0]
        .root
        .path(&["data", "k"])
        .unwrap()
        .as_seq();
    let items: Vec<_> = items.iter().map(|n| n.value.clone()).collect();
    assert_eq!(items, [Value::Str("".into()), Value::Str("x".into())]);
}
