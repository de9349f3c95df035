//! The HTML report end to end: one self-contained file with no network references, every
//! finding listed, hostile input escaped; and, where Chromium is installed, the page rendered
//! headless with its script run: a screenshot, and the DOM after the script (rows, filters
//! and sorting driven by the URL fragment).
//!
//! Without `chromium` on PATH the browser test is skipped with a message, or fails when `CI`
//! is set (`.ci/run` installs it).

// The hostile fixture's file names hold `<`, `>` and `"`, which Windows does not allow.
#![cfg(unix)]

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command as Process, Stdio};
use std::time::{Duration, Instant};

use assert_cmd::Command;
use serde_json::Value;

/// A Pod whose name, container name, comment and path carry markup that would run, or load
/// something, if the report did not escape it. Each payload sets `data-pwned` on the body.
const HOSTILE_POD: &str = r#"apiVersion: v1
kind: Pod
metadata:
  name: "<script>document.body.dataset.pwned='name'</script>"
  namespace: evil
spec:
  containers:
    - name: "</script><script src=\"https://evil.example/x.js\"></script><img src=x onerror=\"document.body.dataset.pwned='img'\">"
      image: registry.example/app:1.0
      securityContext:
        privileged: true # bulkhead:ignore BHW001 -- <b>needed</b> by the device plugin
        runAsUser: 0
"#;

/// The directory that makes the manifest's path `…/<script>alert("path")</script>.yaml`.
const HOSTILE_DIR: &str = "<script>alert(\"path\")<";

struct Scan {
    /// Holds the inputs and the reports until the test ends.
    dir: tempfile::TempDir,
    html: String,
    report: PathBuf,
    findings: Vec<Value>,
    summary: Value,
}

/// Scans `examples/` and the hostile fixture, writing the HTML and JSON reports of one run.
fn scan() -> Scan {
    let dir = tempfile::tempdir().unwrap();
    let hostile = dir.path().join("in").join(HOSTILE_DIR);
    fs::create_dir_all(&hostile).unwrap();
    fs::write(hostile.join("script>.yaml"), HOSTILE_POD).unwrap();
    fs::write(
        hostile.join("broken.yaml"),
        "apiVersion: v1\nkind: Pod\nmetadata: {name: [<script>\n",
    )
    .unwrap();
    let out = dir.path().join("out");
    fs::create_dir_all(&out).unwrap();
    let (report, json) = (out.join("report.html"), out.join("report.json"));
    let examples = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples");
    let run = Command::cargo_bin("bulkhead")
        .unwrap()
        .args(["scan", "--show-suppressed", "--exit-zero"])
        .args(["-f", "html", "-o"])
        .arg(&report)
        .args(["-f", "json", "-o"])
        .arg(&json)
        .arg(&examples)
        .arg(dir.path().join("in"))
        .output()
        .unwrap();
    assert!(
        run.status.success(),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    let html = fs::read_to_string(&report).unwrap();
    let mut parsed: Value = serde_json::from_str(&fs::read_to_string(&json).unwrap()).unwrap();
    let findings = parsed["findings"].as_array().unwrap().clone();
    assert!(findings.len() > 20, "the examples have plenty of findings");
    Scan {
        dir,
        html,
        report,
        findings,
        summary: parsed["summary"].take(),
    }
}

/// The attributes of every `<tbody>` of a finding, in document order, entities decoded.
/// Works on the report as written and on Chromium's serialisation of the DOM.
fn finding_groups(html: &str) -> Vec<BTreeMap<String, String>> {
    html.match_indices("<tbody")
        .map(|(i, _)| attributes(&html[i + "<tbody".len()..]))
        .filter(|a| {
            a.get("class")
                .is_some_and(|c| c.split(' ').any(|c| c == "finding"))
        })
        .collect()
}

fn attributes(tag: &str) -> BTreeMap<String, String> {
    let mut attrs = BTreeMap::new();
    let mut rest = tag;
    loop {
        rest = rest.trim_start();
        if rest.is_empty() || rest.starts_with('>') || rest.starts_with("/>") {
            return attrs;
        }
        let end = rest
            .find(|c: char| c == '=' || c == '>' || c.is_whitespace())
            .unwrap_or(rest.len());
        let name = rest[..end].to_string();
        rest = &rest[end..];
        let value = match rest.strip_prefix('=') {
            Some(v) => {
                let quote = v.chars().next().unwrap();
                assert!(quote == '"' || quote == '\'', "unquoted attribute {name}");
                let close = v[1..].find(quote).unwrap() + 1;
                rest = &v[close + 1..];
                unescape(&v[1..close])
            }
            None => String::new(),
        };
        attrs.insert(name, value);
    }
}

fn unescape(text: &str) -> String {
    text.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&amp;", "&")
}

/// `src=`, `href=` and their kin, and CSS `url(` and `@import`, that point at the network.
fn network_references(html: &str) -> Vec<String> {
    let lower = html.to_ascii_lowercase();
    let mut found = Vec::new();
    for needle in [
        "src=",
        "href=",
        "srcset=",
        "action=",
        "formaction=",
        "poster=",
        "data=",
        "url(",
        "@import",
    ] {
        for (i, _) in lower.match_indices(needle) {
            let target = lower[i + needle.len()..].trim_start_matches([' ', '"', '\'']);
            if ["http:", "https:", "//"]
                .iter()
                .any(|scheme| target.starts_with(scheme))
            {
                found.push(html[i..(i + 80).min(html.len())].to_string());
            }
        }
    }
    found
}

#[test]
fn html_report_is_one_file_that_loads_nothing() {
    let scan = scan();
    let html = &scan.html;
    assert!(html.starts_with("<!DOCTYPE html>"));
    assert_eq!(network_references(html), Vec::<String>::new());
    let lower = html.to_ascii_lowercase();
    for tag in [
        "<link", "<img", "<iframe", "<object", "<embed", "<source", "<audio", "<video", "<base",
    ] {
        assert!(!lower.contains(tag), "{tag} in the report");
    }
    assert!(!lower.contains("<script src"), "no external script");
    // The policy forbids any fetch, even one that escaping missed.
    assert!(html.contains(
        "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src &#39;none&#39;;"
    ));
    // A minimal check that the detector works: a reference in markup would be caught.
    assert_eq!(
        network_references("<img src=\"https://cdn.example/x.png\">").len(),
        1
    );
}

#[test]
fn html_report_lists_every_finding_and_the_summary() {
    let scan = scan();
    let html = &scan.html;
    let key = |check: &str, path: &str, line: &str| format!("{check} {path}:{line}");
    let mut expected: Vec<String> = scan
        .findings
        .iter()
        .map(|f| {
            let l = &f["location"];
            key(
                f["check"].as_str().unwrap(),
                l["path"].as_str().unwrap(),
                &l["line"].to_string(),
            )
        })
        .collect();
    let groups = finding_groups(html);
    let mut rendered: Vec<String> = groups
        .iter()
        .map(|g| key(&g["data-check"], &g["data-path"], &g["data-line"]))
        .collect();
    expected.sort();
    rendered.sort();
    assert_eq!(rendered, expected);
    for f in &scan.findings {
        let id = f["check"].as_str().unwrap();
        assert!(html.contains(&format!("<code>{id}</code>")), "{id}");
    }
    // Worst first.
    let ranks: Vec<u8> = groups
        .iter()
        .map(|g| g["data-rank"].parse().unwrap())
        .collect();
    assert!(ranks.windows(2).all(|w| w[0] >= w[1]), "{ranks:?}");

    let s = &scan.summary;
    assert!(html.contains(&format!(
        "<title>Bulkhead scan: {} findings</title>",
        s["findings"]
    )));
    assert!(html.contains(&format!(
        "<div class=\"label\">Objects</div><div class=\"value\">{}</div>",
        s["objects"]
    )));
    for sev in ["critical", "high", "medium", "low", "info"] {
        let n = &s["bySeverity"][sev];
        assert!(
            html.contains(&format!("<span class=\"count\">{n}</span></button>"))
                && html.contains(&format!("data-filter-sev=\"{sev}\"")),
            "severity chart bar for {sev}"
        );
    }
    assert!(html.contains("class=\"hbars sev-chart\""));
    assert!(html.contains("fail-on high: above this line fails the scan"));
    assert_eq!(s["suppressed"], 1);
    assert!(html.contains("1 suppressed in the manifests, 0 baselined"));
}

#[test]
fn html_report_escapes_hostile_input() {
    let scan = scan();
    let html = &scan.html;
    for raw in [
        "<script>document.body",
        "<script>alert(",
        "<script src=",
        "<img src=x",
        "<b>needed</b>",
        "</script><script",
    ] {
        assert!(!html.contains(raw), "unescaped {raw:?} in the report");
    }
    // Exactly the page's own scripts.
    assert_eq!(html.matches("<script").count(), 2);
    assert_eq!(html.matches("</script").count(), 2);
    // The payloads are there, as text.
    let path = "&lt;script&gt;alert(&quot;path&quot;)&lt;/script&gt;.yaml";
    for escaped in [
        "&lt;script&gt;document.body.dataset.pwned=&#39;name&#39;&lt;/script&gt;",
        "&lt;img src=x onerror=&quot;document.body.dataset.pwned=&#39;img&#39;&quot;&gt;",
        "&lt;b&gt;needed&lt;/b&gt; by the device plugin",
        path,
        "&lt;script&gt;alert(&quot;path&quot;)&lt;/broken.yaml",
    ] {
        assert!(html.contains(escaped), "{escaped} missing");
    }
    // The broken file is an input error; the suppressed finding is listed and marked.
    assert!(html.contains("<section class=\"card errors\" id=\"errors\">"));
    let hostile = format!("{HOSTILE_DIR}/script>.yaml");
    let groups = finding_groups(html);
    let privileged = groups
        .iter()
        .find(|g| g["data-check"] == "BHW001" && g["data-path"].ends_with(&hostile))
        .expect("the suppressed BHW001 of the hostile Pod is listed");
    assert_eq!(privileged["data-suppressed"], "comment");
    assert!(privileged["class"].contains("suppressed"));
    assert!(html.contains("<span class=\"badge supp\">suppressed</span>"));
    assert_eq!(
        groups
            .iter()
            .filter(|g| g.contains_key("data-suppressed"))
            .count(),
        1
    );
}

/// `chromium` on PATH, if any.
fn chromium() -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .map(|dir| dir.join("chromium"))
        .find(|p| p.is_file())
}

/// Runs headless Chromium with a fresh profile on `url` and returns its standard output.
fn headless(chromium: &Path, scratch: &Path, args: &[&str], url: &str) -> String {
    static RUNS: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
    let n = RUNS.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let profile = scratch.join(format!("profile-{n}"));
    let stdout_path = scratch.join(format!("stdout-{n}"));
    let stderr_path = scratch.join(format!("stderr-{n}"));
    let mut child = Process::new(chromium)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--disable-dev-shm-usage",
            "--hide-scrollbars",
        ])
        .arg(format!("--user-data-dir={}", profile.display()))
        .args(args)
        .arg(url)
        .stdin(Stdio::null())
        .stdout(fs::File::create(&stdout_path).unwrap())
        .stderr(fs::File::create(&stderr_path).unwrap())
        .spawn()
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(120);
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            let _ = child.wait();
            panic!("chromium did not finish within 120 s: {args:?} {url}");
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    assert!(
        status.success(),
        "chromium {args:?} failed ({status}): {}",
        fs::read_to_string(&stderr_path).unwrap_or_default()
    );
    fs::read_to_string(&stdout_path).unwrap()
}

fn file_url(path: &Path) -> String {
    let mut url = String::from("file://");
    for b in path.to_str().unwrap().bytes() {
        if b.is_ascii_alphanumeric() || b"/-._~".contains(&b) {
            url.push(b as char);
        } else {
            url.push_str(&format!("%{b:02X}"));
        }
    }
    url
}

fn body_tag(dom: &str) -> BTreeMap<String, String> {
    let at = dom.find("<body").expect("a body in the DOM");
    attributes(&dom[at + "<body".len()..])
}

/// The `id="shown"` counter's text, which only the script writes as "N of M shown".
fn shown(dom: &str) -> &str {
    let at = dom.find("id=\"shown\"").expect("the counter");
    let text = &dom[at..];
    let start = text.find('>').unwrap() + 1;
    let end = text.find('<').unwrap();
    &text[start..end]
}

#[test]
fn html_report_renders_in_headless_chromium() {
    let Some(chromium) = chromium() else {
        if std::env::var_os("CI").is_some_and(|v| !v.is_empty()) {
            panic!("CI is set but `chromium` is not on PATH; .ci/run installs it");
        }
        eprintln!(
            "SKIPPED html_report_renders_in_headless_chromium: `chromium` is not on PATH \
             (apt-get install chromium to run it; with CI set this fails instead)"
        );
        return;
    };
    let scan = scan();
    let scratch = scan.dir.path().join("chromium");
    fs::create_dir_all(&scratch).unwrap();
    let url = file_url(&scan.report);
    let n = scan.findings.len();

    // (a) A screenshot, kept under the target directory for a person to look at.
    let shots = Path::new(env!("CARGO_TARGET_TMPDIR")).join("html-report");
    fs::create_dir_all(&shots).unwrap();
    let png = shots.join("report.png");
    let _ = fs::remove_file(&png);
    fs::copy(&scan.report, shots.join("report.html")).unwrap();
    headless(
        &chromium,
        &scratch,
        &[
            &format!("--screenshot={}", png.display()),
            "--window-size=1280,2000",
        ],
        &url,
    );
    let bytes = fs::read(&png).expect("chromium wrote the screenshot");
    assert_eq!(&bytes[..8], b"\x89PNG\r\n\x1a\n", "a PNG");
    let width = u32::from_be_bytes(bytes[16..20].try_into().unwrap());
    let height = u32::from_be_bytes(bytes[20..24].try_into().unwrap());
    assert_eq!((width, height), (1280, 2000));
    // A blank page of that size compresses to a few kilobytes; the report is far richer.
    assert!(
        bytes.len() > 60_000,
        "{} is only {} bytes",
        png.display(),
        bytes.len()
    );
    eprintln!("screenshot: {}", png.display());

    // (b) The DOM after the script ran: no errors, nothing injected, every row.
    let dump = |fragment: &str| {
        headless(
            &chromium,
            &scratch,
            &["--dump-dom", "--virtual-time-budget=5000"],
            &format!("{url}{fragment}"),
        )
    };
    let dom = dump("");
    let body = body_tag(&dom);
    assert_eq!(
        body.get("data-ok").map(String::as_str),
        Some("1"),
        "the script finished: {body:?}"
    );
    assert!(!body.contains_key("data-error"), "script error: {body:?}");
    assert!(
        !body.contains_key("data-pwned"),
        "injected script ran: {body:?}"
    );
    assert_eq!(body["data-rows"], n.to_string());
    assert!(
        !dom.to_ascii_lowercase().contains("<img"),
        "no injected element"
    );
    assert_eq!(dom.matches("<script").count(), 2);
    let groups = finding_groups(&dom);
    assert_eq!(groups.len(), n);
    assert!(groups.iter().all(|g| !g.contains_key("hidden")));
    assert_eq!(shown(&dom), format!("{n} of {n} shown"));
    assert!(dom.contains("<html lang=\"en\" class=\"js\">"));

    // Filtering by severity, from the fragment.
    let critical = scan
        .findings
        .iter()
        .filter(|f| f["severity"] == "critical")
        .count();
    assert!(critical > 0);
    let dom = dump("#sev=critical");
    let groups = finding_groups(&dom);
    let visible: Vec<_> = groups
        .iter()
        .filter(|g| !g.contains_key("hidden"))
        .collect();
    assert_eq!(visible.len(), critical);
    assert!(visible.iter().all(|g| g["data-severity"] == "critical"));
    assert_eq!(shown(&dom), format!("{critical} of {n} shown"));

    // By check, then without the suppressed finding.
    let bhw001 = scan
        .findings
        .iter()
        .filter(|f| f["check"] == "BHW001")
        .count();
    let visible = |dom: &str| {
        finding_groups(dom)
            .iter()
            .filter(|g| !g.contains_key("hidden"))
            .count()
    };
    assert_eq!(visible(&dump("#check=BHW001")), bhw001);
    assert_eq!(visible(&dump("#check=BHW001&supp=0")), bhw001 - 1);

    // Sorting by check, ascending: the rows are reordered in the DOM.
    let dom = dump("#sort=check&dir=asc");
    let order: Vec<String> = finding_groups(&dom)
        .iter()
        .map(|g| g["data-check"].clone())
        .collect();
    let mut sorted = order.clone();
    sorted.sort();
    assert_eq!(order, sorted);
    assert!(
        dom.contains("<th aria-sort=\"ascending\"><button type=\"button\" data-sort=\"check\">")
    );
}
