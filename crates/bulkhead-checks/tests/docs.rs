//! `docs/checks/` is generated from the checks' doc comments; this test fails when it is
//! stale. Regenerate with `BULKHEAD_BLESS=1 cargo test -p bulkhead-checks --test docs`.

use std::path::Path;

use bulkhead_checks::{all_checks, docs};

#[test]
fn generated_check_docs_are_fresh() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../docs/checks");
    let mut pages = vec![("README.md".to_string(), docs::index())];
    for check in all_checks() {
        pages.push((format!("{}.md", check.id), docs::markdown(check)));
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
        "docs/checks is stale (changed: {stale:?}, no longer generated: {extra:?}); run BULKHEAD_BLESS=1 cargo test -p bulkhead-checks --test docs"
    );
}

/// `bulkhead explain BHC…` says which Pods are judged as components (static and mirror Pods,
/// kube-system, kube-proxy DaemonSets), so that a Pod judged or left out is no surprise.
#[test]
fn control_plane_pages_say_which_pods_are_components() {
    let control_plane: Vec<_> = bulkhead_checks::all_checks()
        .iter()
        .filter(|c| c.family == bulkhead_checks::Family::ControlPlane)
        .collect();
    assert!(control_plane.len() > 40);
    for check in control_plane {
        let page = bulkhead_checks::docs::markdown(check);
        assert!(
            page.contains("## Which Pods are judged as components")
                && page.contains("static or mirror Pod")
                && page.contains("kube-system"),
            "{} does not say which Pods are components",
            check.id
        );
    }
}
