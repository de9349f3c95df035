//! `docs/audit-rules/` is generated from the rule files; this test fails when it is stale.
//! Regenerate with `BULKHEAD_BLESS=1 cargo test -p bulkhead-audit --test docs`.

use std::path::Path;

use bulkhead_audit::{docs, RuleOptions, RuleSet};

#[test]
fn generated_rule_docs_are_fresh() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../docs/audit-rules");
    let set = RuleSet::builtin(&RuleOptions::default()).unwrap();
    let mut pages = vec![
        ("README.md".to_string(), docs::index(&set)),
        ("lists.md".to_string(), docs::lists_page()),
    ];
    for meta in set.all_meta() {
        pages.push((format!("{}.md", meta.id), docs::markdown(meta)));
    }
    let bless = std::env::var_os("BULKHEAD_BLESS").is_some();
    if bless {
        std::fs::create_dir_all(&dir).unwrap();
    }
    let mut stale = Vec::new();
    for (name, text) in &pages {
        let path = dir.join(name);
        if bless {
            std::fs::write(&path, text).unwrap();
        } else if std::fs::read_to_string(&path).ok().as_deref() != Some(text.as_str()) {
            stale.push(name.clone());
        }
    }
    let expected: Vec<&str> = pages.iter().map(|(n, _)| n.as_str()).collect();
    let extra: Vec<String> = std::fs::read_dir(&dir)
        .map(|entries| {
            entries
                .filter_map(|e| e.ok()?.file_name().into_string().ok())
                .filter(|n| !expected.contains(&n.as_str()))
                .collect()
        })
        .unwrap_or_default();
    assert!(
        stale.is_empty() && extra.is_empty(),
        "docs/audit-rules is stale (changed: {stale:?}, no longer generated: {extra:?}); run BULKHEAD_BLESS=1 cargo test -p bulkhead-audit --test docs"
    );
}
