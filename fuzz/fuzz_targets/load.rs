//! Everything untrusted bytes go through in a scan: decoding, splitting, parsing, building
//! objects, every check, and turning every finding and load error into a position.

#![no_main]

use std::sync::Arc;

use bulkhead_checks::{all_checks, run_checks, Options};
use bulkhead_model::load::decode;
use bulkhead_model::{load_source, schema, Inventory, Limits, Node, SourceFile, Span, Value};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let file = match decode("fuzz.yaml", data.to_vec()) {
        Ok(file) => Arc::new(file),
        Err(error) => {
            assert_eq!(error.path, "fuzz.yaml");
            return;
        }
    };
    let mut loaded = load_source(Arc::clone(&file), &Limits::default());
    // The API schema check the engine runs on what it read (it rewrites mistyped strings).
    let violations = schema::validate(&mut loaded.objects, None);
    loaded.errors.extend(violations);

    for error in &loaded.errors {
        // The parser guard turns a panic into this error silently (and so without libFuzzer's
        // abort): a parser bug must still fail the run.
        assert!(
            !error.message.contains("internal error"),
            "the YAML parser panicked: {error:?}"
        );
        let lines = file.text.split('\n').count() as u32;
        let line = error.line.expect("a parse error has a line");
        assert!(
            (1..=lines).contains(&line),
            "error line {line} of {lines}: {error:?}"
        );
        assert!(error.column.is_some_and(|c| c >= 1), "{error:?}");
    }
    for object in &loaded.objects {
        check_spans(&file, &object.root);
        let _ = object.locate("");
    }

    let inventory = Inventory::new(loaded.objects);
    let findings = run_checks(&inventory, all_checks(), &Options::default());
    for finding in &findings {
        let location = &finding.location;
        assert_within(&finding.file, location.span);
        let position = finding.file.position(location.span);
        assert_eq!(position, location.position);
        assert!(position.line >= 1 && position.column >= 1);
        assert!(position.end_line >= position.line);
        let _ = finding.file.line_text(position.line);
        let _ = finding.file.slice(location.span);
        // The pointer the finding names, resolved again from the object that was reported.
        if let Some(object) = inventory.objects().iter().find(|o| {
            Arc::ptr_eq(&o.origin.file, &finding.file) && o.object_ref() == *finding.object
        }) {
            let relative = location
                .pointer
                .strip_prefix(object.origin.pointer.as_str())
                .unwrap_or(&location.pointer);
            let _ = object.locate(relative);
        }
    }
});

fn assert_within(file: &SourceFile, span: Span) {
    assert!(
        span.start <= span.end && span.end as usize <= file.text.len(),
        "span {span:?} outside a file of {} bytes",
        file.text.len()
    );
}

/// Every node and key lies inside the file; a parent covers nothing before its own start.
fn check_spans(file: &SourceFile, node: &Node) {
    let mut stack = vec![node];
    while let Some(node) = stack.pop() {
        assert_within(file, node.span);
        let _ = file.position(node.span);
        match &node.value {
            Value::Seq(items) => stack.extend(items),
            Value::Map(entries) => {
                for entry in entries {
                    assert_within(file, entry.key_span);
                    stack.push(&entry.value);
                }
            }
            _ => {}
        }
    }
}
