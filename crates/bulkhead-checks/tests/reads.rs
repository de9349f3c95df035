//! The engine runs a check that declares the objects it reads (`Check::reads`) on those
//! objects only. That is sound only if the check reports nothing on any other object: every
//! object of every fixture, handed directly to every such check, must leave it silent.

use std::path::Path;

use bulkhead_checks::{all_checks, Context, Options, Reads, Run, Sink};
use bulkhead_model::{load_text, Inventory, Limits, Object, PodSpec};

/// Whether `reads` covers `object`, as the engine decides it.
fn covers(reads: Reads, object: &Object) -> bool {
    match reads {
        Reads::Everything => true,
        Reads::Kinds(kinds) => kinds.contains(&object.kind.as_str()),
        Reads::PodSpecs => PodSpec::of(object).is_some(),
    }
}

/// Every YAML fixture of every check, as (name, text).
fn fixtures() -> Vec<(String, String)> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    let mut found = Vec::new();
    for dir in std::fs::read_dir(&root).expect("the fixtures directory") {
        let dir = dir.expect("a fixture directory").path();
        let Ok(files) = std::fs::read_dir(&dir) else {
            continue;
        };
        for file in files {
            let path = file.expect("a fixture file").path();
            if path.extension().is_some_and(|e| e == "yaml" || e == "yml") {
                let text = std::fs::read_to_string(&path).expect("a readable fixture");
                let name = path
                    .strip_prefix(&root)
                    .expect("under the fixtures")
                    .display()
                    .to_string();
                found.push((name, text));
            }
        }
    }
    found.sort();
    found
}

#[test]
fn checks_report_nothing_on_objects_they_do_not_read() {
    // The default options, and options that switch on the checks gated by a setting.
    let lenient = Options::default();
    let strict = Options {
        allowed_registries: vec!["registry.invalid".to_string()],
        ..Options::default()
    };
    let declared: Vec<_> = all_checks()
        .iter()
        .filter_map(|c| match (c.run, c.reads) {
            (Run::Object(f), reads) if !matches!(reads, Reads::Everything) => Some((*c, f, reads)),
            _ => None,
        })
        .collect();
    assert!(
        declared.len() > 100,
        "{} checks declare what they read",
        declared.len()
    );
    let mut tried = 0;
    for (name, text) in fixtures() {
        let loaded = load_text(&name, &text, &Limits::default());
        let inventory = Inventory::new(loaded.objects);
        for options in [&lenient, &strict] {
            let cx = Context::new(&inventory, options);
            for (check, run, reads) in &declared {
                for object in inventory.objects().iter().filter(|o| !covers(*reads, o)) {
                    let mut out = Vec::new();
                    run(&cx, object, &mut Sink::new(check, &mut out));
                    tried += 1;
                    assert!(
                        out.is_empty(),
                        "{} declares {reads:?} but reports {} {} of {name}: {}",
                        check.id,
                        object.kind,
                        object.name,
                        out[0].message
                    );
                }
            }
        }
    }
    // Thousands of (check, object) pairs outside the declarations were tried.
    assert!(tried > 10_000, "only {tried} pairs tried");
}

#[test]
fn pod_checks_see_the_pod_spec_the_engine_found() {
    // The engine finds each object's pod spec once (`Context::pod_spec`); it must be the one
    // `PodSpec::of` finds, for objects of the inventory and for any other object.
    let mut workloads = 0;
    for (name, text) in fixtures() {
        let loaded = load_text(&name, &text, &Limits::default());
        let inventory = Inventory::new(loaded.objects);
        let options = Options::default();
        let cx = Context::new(&inventory, &options);
        for object in inventory.objects() {
            let memo = cx
                .pod_spec(object)
                .map(|p| (p.pointer, std::ptr::from_ref(p.node)));
            let direct = PodSpec::of(object).map(|p| (p.pointer, std::ptr::from_ref(p.node)));
            assert_eq!(memo, direct, "{name}: {} {}", object.kind, object.name);
            workloads += usize::from(memo.is_some());
            let copy = object.clone();
            let outside = cx.pod_spec(&copy).map(|p| p.pointer);
            assert_eq!(outside, direct.map(|d| d.0), "a copy of {}", object.name);
        }
    }
    assert!(
        workloads > 100,
        "only {workloads} workloads among the fixtures"
    );
}
