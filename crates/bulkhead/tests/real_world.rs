//! Locations on real manifests: every finding must point at the field it names.
//!
//! The check is mechanical, so it covers every finding, not a hand-picked few: the text at a
//! finding's start is the last key of its pointer (or, for a list item, the item itself), and
//! for a missing field, the key of its nearest existing parent. The bundled fixtures always
//! run; the full shared corpus runs too when it sits beside the repository (as in CI).

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use bulkhead_checks::{all_checks, run_checks, Finding, Options};
use bulkhead_model::{discover, load_inputs, Inventory, Limits, Loaded, Object};

fn scan(root: &Path) -> (Loaded, Vec<Finding>) {
    let discovery = discover(&[root.to_string_lossy().into_owned()]);
    assert!(discovery.errors.is_empty(), "{:?}", discovery.errors);
    let mut loaded = load_inputs(&discovery.inputs, &Limits::default());
    let inventory = Inventory::new(std::mem::take(&mut loaded.objects));
    let findings = run_checks(&inventory, all_checks(), &Options::default());
    loaded.objects = inventory.objects().to_vec();
    (loaded, findings)
}

/// The last pointer token that exists in the document: the one the location must show.
fn expected_token(finding: &Finding, objects: &[Object]) -> Option<String> {
    let tokens: Vec<&str> = finding.location.pointer.split('/').skip(1).collect();
    let existing = if finding.location.exact {
        tokens.len()
    } else {
        existing_depth(finding, &tokens, objects)
    };
    existing
        .checked_sub(1)
        .map(|i| tokens[i].replace("~1", "/").replace("~0", "~"))
}

/// How many leading tokens of an inexact pointer exist in the document, found independently
/// of the location code by walking the object's tree.
fn existing_depth(finding: &Finding, tokens: &[&str], objects: &[Object]) -> usize {
    let object = objects
        .iter()
        .find(|o| {
            // Several documents may share a name; the right one contains the location.
            let span = o.root.span;
            o.origin.file.path == finding.location.path
                && o.object_ref() == *finding.object
                && span.start <= finding.location.span.start
                && finding.location.span.end <= span.end
        })
        .expect("object of the finding");
    let mut depth = object.origin.pointer.split('/').skip(1).count();
    let mut node = &object.root;
    for token in &tokens[depth..] {
        let next = match token.parse::<usize>() {
            Ok(i) if !node.as_seq().is_empty() => node.as_seq().get(i),
            _ => node.get(&token.replace("~1", "/").replace("~0", "~")),
        };
        let Some(next) = next else { break };
        node = next;
        depth += 1;
    }
    depth
}

fn verify(findings: &[Finding], objects: &[Object]) -> usize {
    let mut by_file: HashMap<&str, Vec<Object>> = HashMap::new();
    for o in objects {
        by_file
            .entry(o.origin.file.path.as_str())
            .or_default()
            .push(o.clone());
    }
    let mut verified = 0;
    for f in findings {
        let at = f.file.slice(f.location.span);
        let in_file = by_file
            .get(f.location.path.as_str())
            .map_or(&[][..], Vec::as_slice);
        let Some(token) = expected_token(f, in_file) else {
            continue;
        };
        let ok = if token.parse::<usize>().is_ok() {
            // A list item: the span starts at the item, right after `- ` or `[`/`,`.
            let line = f.file.line_text(f.location.position.line);
            let before: String = line
                .chars()
                .take(f.location.position.column as usize - 1)
                .collect();
            let before = before.trim_end();
            before.ends_with('-')
                || before.ends_with('[')
                || before.ends_with(',')
                || before.is_empty()
        } else {
            let key = at.trim_start_matches(['"', '\'']);
            key.starts_with(&token)
        };
        assert!(
            ok,
            "{}:{}:{} {} {}: expected the location to show {token:?}, found {:?}",
            f.location.path,
            f.location.position.line,
            f.location.position.column,
            f.check.id,
            f.location.pointer,
            at.chars().take(40).collect::<String>()
        );
        verified += 1;
    }
    verified
}

#[test]
fn bundled_real_world_fixtures_load_fully_and_locate_exactly() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/real-world");
    let (loaded, findings) = scan(&root);
    assert!(loaded.errors.is_empty(), "{:?}", loaded.errors);
    assert_eq!(loaded.stats.files, 4);
    assert!(loaded.objects.len() > 30, "{}", loaded.objects.len());
    assert!(findings.len() > 50);
    let verified = verify(&findings, &loaded.objects);
    assert_eq!(verified, findings.len());
    // The deliberately insecure pod raises what a reviewer expects.
    let badpod: Vec<&str> = findings
        .iter()
        .filter(|f| {
            f.location
                .path
                .ends_with("badpods-everything-allowed-exec-pod.yaml")
        })
        .map(|f| f.check.id)
        .collect();
    for id in ["BHW001", "BHW003", "BHW004"] {
        assert!(badpod.contains(&id), "{id} missing: {badpod:?}");
    }
    // Helm-rendered objects name their template.
    assert!(findings
        .iter()
        .filter(|f| f.location.path.ends_with("istio-addons-prometheus.yaml"))
        .all(|f| f
            .helm_source
            .as_deref()
            .is_some_and(|s| s.starts_with("prometheus/templates/"))));
}

#[test]
fn shared_corpus_loads_every_object_and_locates_every_finding() {
    let root: PathBuf =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/corpus/real-world");
    if !root.is_dir() {
        eprintln!(
            "shared corpus not found at {}; covered by the bundled fixtures only",
            root.display()
        );
        return;
    }
    let (loaded, findings) = scan(&root);
    let (typed, errors): (Vec<_>, Vec<_>) = loaded
        .errors
        .iter()
        .filter(|e| e.severity == bulkhead_model::ErrorSeverity::Error)
        .partition(|e| e.message.contains("kubectl reads unquoted"));
    assert!(errors.is_empty(), "{errors:?}");
    // The corpus's one string field that YAML types as a boolean (kubectl refuses the file).
    let typed: Vec<_> = typed
        .iter()
        .map(|e| (e.path.rsplit("real-world/").next().unwrap_or(""), e.line))
        .collect();
    assert_eq!(
        typed,
        [(
            "ingress-nginx/docs/examples/auth/oauth-external-auth/vouch-proxy.yaml",
            Some(21)
        )]
    );
    assert!(loaded.objects.len() >= 7389, "{}", loaded.objects.len());
    let verified = verify(&findings, &loaded.objects);
    eprintln!(
        "verified the location of {verified} findings over {} objects",
        loaded.objects.len()
    );
    assert_eq!(verified, findings.len());
}
