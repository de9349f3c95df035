//! The HTML report end to end: one self-contained file with no network references, every
//! finding in its data block, hostile input escaped; and, where Chromium is installed, the
//! page rendered headless with its script run: a screenshot, the DOM after the script (the
//! rows in view, filters, sorting and grouping driven by the URL fragment), and a generated
//! scan of 100,000 findings that must stay small and become ready.
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

/// The report's findings data block (see `bulkhead-report/src/html/data.rs`), parsed.
fn data_block(html: &str) -> Value {
    let open = "<script type=\"application/json\" id=\"data\">";
    let start = html.find(open).expect("a data block") + open.len();
    let end = start + html[start..].find("</script>").expect("the block ends");
    assert!(
        !html[start..end].contains(['<', '>']),
        "markup characters in the data block"
    );
    serde_json::from_str(&html[start..end]).expect("the data block is JSON")
}

/// The findings of the data block, in its order, with the attributes the script gives the
/// row it draws for each (`data-check`, `data-path`, ...).
fn data_findings(data: &Value) -> Vec<BTreeMap<String, String>> {
    let s = |v: &Value| {
        data["s"][v.as_u64().unwrap() as usize]
            .as_str()
            .unwrap()
            .to_string()
    };
    let column = |name: &str| data[name].as_array().unwrap();
    (0..column("k").len())
        .map(|i| {
            let mut row = BTreeMap::new();
            let check = &data["c"][column("k")[i].as_u64().unwrap() as usize];
            let rank = &column("r")[i];
            row.insert("data-check".into(), check[0].as_str().unwrap().to_string());
            row.insert("data-rank".into(), rank.to_string());
            row.insert(
                "data-severity".into(),
                data["sevs"][rank.as_u64().unwrap() as usize]
                    .as_str()
                    .unwrap()
                    .to_string(),
            );
            row.insert("data-path".into(), s(&column("p")[i]));
            row.insert("data-line".into(), column("l")[i].to_string());
            if let Some(u) = data["u"].get(i.to_string()) {
                row.insert("data-suppressed".into(), u[0].as_str().unwrap().to_string());
            }
            row
        })
        .collect()
}

/// The attributes of every `<tbody>` of a finding, in document order, entities decoded.
/// Works on the report as written and on Chromium's serialisation of the DOM.
fn finding_groups(html: &str) -> Vec<BTreeMap<String, String>> {
    tbodies(html, "finding")
}

/// The attributes of every `<tbody>` of class `class`, in document order.
fn tbodies(html: &str, class: &str) -> Vec<BTreeMap<String, String>> {
    html.match_indices("<tbody")
        .map(|(i, _)| attributes(&html[i + "<tbody".len()..]))
        .filter(|a| {
            a.get("class")
                .is_some_and(|c| c.split(' ').any(|c| c == class))
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
    let data = data_block(html);
    let groups = data_findings(&data);
    let mut rendered: Vec<String> = groups
        .iter()
        .map(|g| key(&g["data-check"], &g["data-path"], &g["data-line"]))
        .collect();
    expected.sort();
    rendered.sort();
    assert_eq!(rendered, expected);
    for f in &scan.findings {
        let id = f["check"].as_str().unwrap();
        assert!(
            html.contains(&format!("<option value=\"{id}\">{id} ")),
            "{id}"
        );
    }
    // A check's metadata is stored once, however many findings it has.
    let ids: Vec<&str> = data["c"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c[0].as_str().unwrap())
        .collect();
    let mut unique = ids.clone();
    unique.sort();
    unique.dedup();
    assert_eq!(ids.len(), unique.len());
    // So are strings: a message or source line shared by findings is one entry.
    let mut strings: Vec<&str> = data["s"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap())
        .collect();
    let stored = strings.len();
    strings.sort();
    strings.dedup();
    assert_eq!(strings.len(), stored);
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
    // Exactly the page's own scripts and its data block.
    assert_eq!(html.matches("<script").count(), 3);
    assert_eq!(html.matches("</script").count(), 3);
    // In markup (the input problems), the payloads are there as text.
    assert!(html.contains("&lt;script&gt;alert(&quot;path&quot;)&lt;/broken.yaml"));
    // In the data block, as JSON strings with no markup character (checked by `data_block`):
    // the script sets them as text.
    let data = data_block(html);
    let strings: Vec<&str> = data["s"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap())
        .collect();
    let has = |needle: &str| strings.iter().any(|s| s.contains(needle));
    for raw in [
        "<script>document.body.dataset.pwned='name'</script>",
        "<img src=x onerror=\"document.body.dataset.pwned='img'\">",
        "<script>alert(\"path\")</script>.yaml",
    ] {
        assert!(has(raw), "{raw} missing from the data");
    }
    let suppression = data["u"]
        .as_object()
        .unwrap()
        .values()
        .next()
        .expect("a suppression");
    assert_eq!(suppression[3], "<b>needed</b> by the device plugin");
    // The broken file is an input error; the suppressed finding is listed and marked.
    assert!(html.contains("<section class=\"card errors\" id=\"errors\">"));
    let hostile = format!("{HOSTILE_DIR}/script>.yaml");
    let groups = data_findings(&data);
    let privileged = groups
        .iter()
        .find(|g| g["data-check"] == "BHW001" && g["data-path"].ends_with(&hostile))
        .expect("the suppressed BHW001 of the hostile Pod is listed");
    assert_eq!(privileged["data-suppressed"], "comment");
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

    // (b) The DOM after the script ran: no errors, nothing injected; every finding counted
    // and the first ones drawn, worst first.
    let dump = |fragment: &str| {
        headless(
            &chromium,
            &scratch,
            &[
                "--dump-dom",
                "--virtual-time-budget=5000",
                "--window-size=1280,1200",
            ],
            &format!("{url}{fragment}"),
        )
    };
    let ready = |dom: &str| {
        let body = body_tag(dom);
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
        assert!(
            !dom.to_ascii_lowercase().contains("<img"),
            "no injected element"
        );
        assert_eq!(dom.matches("<script").count(), 3);
        body
    };
    let expected = data_findings(&data_block(&scan.html));
    let dom = dump("");
    let body = ready(&dom);
    assert_eq!(body["data-rows"], n.to_string());
    assert_eq!(body["data-shown"], n.to_string());
    assert_eq!(shown(&dom), format!("{n} of {n} shown"));
    assert!(dom.contains("<html lang=\"en\" class=\"js\">"));
    // Only the rows in view (and a few more) are in the DOM: the first ones of the list.
    let drawn = finding_groups(&dom);
    assert!(
        !drawn.is_empty() && drawn.len() < n,
        "{} of {n} drawn",
        drawn.len()
    );
    for (row, want) in drawn.iter().zip(&expected) {
        for key in ["data-check", "data-path", "data-line", "data-severity"] {
            assert_eq!(row[key], want[key], "{key}");
        }
    }
    let ranks: Vec<u8> = drawn
        .iter()
        .map(|g| g["data-rank"].parse().unwrap())
        .collect();
    assert!(ranks.windows(2).all(|w| w[0] >= w[1]), "{ranks:?}");

    // The hostile Pod's rows, found by searching, unfolded: its names and snippet are text.
    let dom = dump("#q=evil%2F&open=all");
    ready(&dom);
    let drawn = finding_groups(&dom);
    assert!(!drawn.is_empty());
    assert!(drawn.iter().all(|g| g["data-path"].contains(HOSTILE_DIR)));
    assert!(dom.contains("&lt;script&gt;document.body.dataset.pwned='name'&lt;/script&gt;"));
    assert!(dom.contains("class=\"snippet\""));
    assert!(dom.contains("<span class=\"badge supp\">suppressed</span>"));

    // One finding unfolded from the fragment: its snippet, fix and fingerprint are drawn.
    let dom = dump("#open=f1");
    let open: Vec<_> = finding_groups(&dom)
        .into_iter()
        .filter(|g| g["class"].split(' ').any(|c| c == "open"))
        .collect();
    assert_eq!(open.len(), 1);
    assert_eq!(open[0]["id"], "f1");
    let unfolded = &dom[dom.find("id=\"f1\"").unwrap()..];
    let unfolded = &unfolded[..unfolded.find("</tbody>").unwrap()];
    assert!(unfolded.contains("<div class=\"line hit\">"), "{unfolded}");
    assert!(unfolded.contains("<dt>Fix</dt>"));
    assert!(unfolded.contains(&format!(
        "<code>{}</code>",
        scan.findings
            .iter()
            .find(|f| {
                f["check"] == expected[1]["data-check"]
                    && f["location"]["line"] == expected[1]["data-line"].parse::<u64>().unwrap()
                    && f["location"]["path"] == expected[1]["data-path"].as_str()
            })
            .unwrap()["fingerprint"]
            .as_str()
            .unwrap()
    )));

    // Filtering by severity, from the fragment.
    let critical = scan
        .findings
        .iter()
        .filter(|f| f["severity"] == "critical")
        .count();
    assert!(critical > 0);
    let dom = dump("#sev=critical");
    assert_eq!(body_tag(&dom)["data-shown"], critical.to_string());
    let drawn = finding_groups(&dom);
    assert_eq!(drawn.len(), critical);
    assert!(drawn.iter().all(|g| g["data-severity"] == "critical"));
    assert_eq!(shown(&dom), format!("{critical} of {n} shown"));

    // By check, then without the suppressed finding.
    let bhw001 = scan
        .findings
        .iter()
        .filter(|f| f["check"] == "BHW001")
        .count();
    let dom = dump("#check=BHW001");
    assert_eq!(body_tag(&dom)["data-shown"], bhw001.to_string());
    assert!(finding_groups(&dom)
        .iter()
        .all(|g| g["data-check"] == "BHW001"));
    let dom = dump("#check=BHW001&supp=0");
    assert_eq!(body_tag(&dom)["data-shown"], (bhw001 - 1).to_string());
    assert!(finding_groups(&dom)
        .iter()
        .all(|g| !g.contains_key("data-suppressed")));

    // By namespace: the hostile Pod's, then the cluster-scoped objects'.
    for (fragment, namespace) in [("#ns=evil", Value::from("evil")), ("#ns=-", Value::Null)] {
        let want = scan
            .findings
            .iter()
            .filter(|f| f["object"]["namespace"] == namespace)
            .count();
        let dom = dump(fragment);
        assert_eq!(body_tag(&dom)["data-shown"], want.to_string(), "{fragment}");
    }
    let dom = dump("#ns=evil");
    assert!(!finding_groups(&dom).is_empty());
    assert!(finding_groups(&dom)
        .iter()
        .all(|g| g["data-path"].contains(HOSTILE_DIR)));

    // Sorting by check, ascending: the drawn rows are the first of that order.
    let dom = dump("#sort=check&dir=asc");
    let order: Vec<String> = finding_groups(&dom)
        .iter()
        .map(|g| g["data-check"].clone())
        .collect();
    let mut all: Vec<String> = expected.iter().map(|g| g["data-check"].clone()).collect();
    all.sort();
    assert_eq!(order[..], all[..order.len()]);
    assert!(
        dom.contains("<th aria-sort=\"ascending\"><button type=\"button\" data-sort=\"check\">")
    );

    // Grouped by check: a header per check, with its findings under it.
    let dom = dump("#group=check");
    let headers = tbodies(&dom, "group");
    assert!(headers.len() > 1);
    assert_eq!(headers[0]["data-group"], expected[0]["data-check"]);
    let mut current = String::new();
    for (i, _) in dom.match_indices("<tbody") {
        let tag = attributes(&dom[i + "<tbody".len()..]);
        match tag.get("class").map(String::as_str) {
            Some("group") => current = tag["data-group"].clone(),
            Some(c) if c.starts_with("finding") => assert_eq!(tag["data-check"], current),
            _ => {}
        }
    }
    assert!(dom.contains("<option value=\"check\" selected") || dom.contains("Group by check"));
}

/// One Pod with 31 findings of 14 checks, secrets and suppressible fields included.
fn generated_pod(i: usize) -> String {
    format!(
        "apiVersion: v1
kind: Pod
metadata:
  name: app-{i}
  namespace: team-{}
spec:
  hostPID: true
  hostNetwork: true
  containers:
    - name: c{i}
      image: registry.example/app:latest
      env:
        - name: DB_PASSWORD
          value: hunter{i}
      securityContext:
        privileged: true
        runAsUser: 0
        allowPrivilegeEscalation: true
        capabilities:
          add: [\"SYS_ADMIN\", \"NET_ADMIN\"]
    - name: d{i}
      image: registry.example/side:1.0
",
        i % 20
    )
}

/// At scale: a generated manifest with 100,000 findings gives a report of at most 25 MB that
/// Chromium renders. The time limit is a generous sanity bound for a loaded CI machine; the
/// real time to interactive is measured by `bench/html.py` and recorded in
/// docs/benchmarks.md.
#[test]
fn html_report_of_100k_findings_is_small_and_renders() {
    const FINDINGS: usize = 100_000;
    let dir = tempfile::tempdir().unwrap();
    let manifest = dir.path().join("pods.yaml");
    let pods: Vec<String> = (0..FINDINGS.div_ceil(31)).map(generated_pod).collect();
    fs::write(&manifest, pods.join("---\n")).unwrap();
    let report = dir.path().join("report.html");
    let run = Command::cargo_bin("bulkhead")
        .unwrap()
        .args(["scan", "--exit-zero", "-f", "html", "-o"])
        .arg(&report)
        .arg(&manifest)
        .output()
        .unwrap();
    assert!(
        run.status.success(),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    let html = fs::read_to_string(&report).unwrap();
    let data = data_block(&html);
    let n = data["k"].as_array().unwrap().len();
    assert!(n >= FINDINGS, "{n} findings");
    assert!(
        html.len() <= 25_000_000,
        "{n} findings take {} bytes",
        html.len()
    );
    // Objects and checks are stored once, not per finding; no secret is in the file.
    assert_eq!(network_references(&html), Vec::<String>::new());
    assert_eq!(data["o"].as_array().unwrap().len(), pods.len());
    assert!(data["c"].as_array().unwrap().len() < 40);
    assert!(!html.contains("hunter1"), "an unmasked secret");

    let Some(chromium) = chromium() else {
        if std::env::var_os("CI").is_some_and(|v| !v.is_empty()) {
            panic!("CI is set but `chromium` is not on PATH; .ci/run installs it");
        }
        eprintln!("SKIPPED the browser half: `chromium` is not on PATH");
        return;
    };
    let scratch = dir.path().join("chromium");
    fs::create_dir_all(&scratch).unwrap();
    let started = Instant::now();
    let dom = headless(&chromium, &scratch, &["--dump-dom"], &file_url(&report));
    let elapsed = started.elapsed();
    let body = body_tag(&dom);
    assert_eq!(
        body.get("data-ok").map(String::as_str),
        Some("1"),
        "{body:?}"
    );
    assert!(!body.contains_key("data-error"), "{body:?}");
    assert_eq!(body["data-rows"], n.to_string());
    let drawn = finding_groups(&dom).len();
    assert!(drawn > 0 && drawn < 200, "{drawn} rows drawn");
    assert!(
        elapsed < Duration::from_secs(30),
        "chromium took {elapsed:?} (ready after {} ms)",
        body["data-ready-ms"]
    );
    eprintln!(
        "{n} findings, {} bytes, ready after {} ms, chromium ran {elapsed:?}",
        html.len(),
        body["data-ready-ms"]
    );
}
