//! `bulkhead serve` as a process: configured from flags and the `serve:` section of
//! `.bulkhead.yaml`, scanning the in-repo test API server, its dashboard rendered in
//! headless Chromium under the Content-Security-Policy it sends, and a graceful stop on
//! SIGTERM.
//!
//! Without `chromium` on PATH the browser part is skipped with a message, or fails when `CI`
//! is set (`.ci/run` installs it).

#![cfg(unix)]

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use assert_cmd::cargo::cargo_bin;
use bulkhead_test_apiserver::{Auth, Options, Server};
use serde_json::json;

fn pod(name: &str) -> serde_json::Value {
    json!({
        "apiVersion": "v1", "kind": "Pod",
        "metadata": {"name": name, "namespace": "shop"},
        "spec": {"containers": [{
            "name": "app", "image": "registry.example/app:1.0",
            "securityContext": {"privileged": true}
        }]}
    })
}

/// A running `bulkhead serve`, its address and its standard error line by line.
struct Serve {
    child: Child,
    addr: SocketAddr,
    lines: mpsc::Receiver<String>,
    seen: Vec<String>,
}

impl Serve {
    fn start(dir: &Path, args: &[&str]) -> Serve {
        let mut child = Command::new(cargo_bin("bulkhead"))
            .arg("serve")
            .args(args)
            .current_dir(dir)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let (send, lines) = mpsc::channel();
        let stderr = child.stderr.take().unwrap();
        std::thread::spawn(move || {
            for line in BufReader::new(stderr).lines().map_while(Result::ok) {
                if send.send(line).is_err() {
                    break;
                }
            }
        });
        let mut serve = Serve {
            child,
            addr: "127.0.0.1:1".parse().unwrap(),
            lines,
            seen: Vec::new(),
        };
        let line = serve.wait_for("serving on http");
        let addr = line
            .split("://")
            .nth(1)
            .and_then(|rest| rest.split_whitespace().next())
            .unwrap();
        serve.addr = addr.parse().unwrap();
        serve
    }

    /// The next line of standard error that contains `text` (60 s at most).
    fn wait_for(&mut self, text: &str) -> String {
        let deadline = Instant::now() + Duration::from_secs(60);
        while let Some(left) = deadline.checked_duration_since(Instant::now()) {
            match self.lines.recv_timeout(left) {
                Ok(line) => {
                    self.seen.push(line.clone());
                    if line.contains(text) {
                        return line;
                    }
                }
                Err(_) => break,
            }
        }
        panic!("no line with {text:?} on standard error: {:#?}", self.seen);
    }
}

impl Drop for Serve {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// One plain HTTP/1.1 request: (status, headers, body).
fn http(addr: SocketAddr, method: &str, path: &str) -> (u16, BTreeMap<String, String>, String) {
    let mut stream = TcpStream::connect(addr).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(120)))
        .unwrap();
    write!(
        stream,
        "{method} {path} HTTP/1.1\r\nHost: {addr}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut answer = String::new();
    stream.read_to_string(&mut answer).unwrap();
    let (head, body) = answer.split_once("\r\n\r\n").unwrap();
    let mut lines = head.lines();
    let status = lines
        .next()
        .unwrap()
        .split(' ')
        .nth(1)
        .unwrap()
        .parse()
        .unwrap();
    let headers = lines
        .filter_map(|l| l.split_once(": "))
        .map(|(k, v)| (k.to_ascii_lowercase(), v.to_string()))
        .collect();
    (status, headers, body.to_string())
}

fn chromium() -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .map(|dir| dir.join("chromium"))
        .find(|p| p.is_file())
}

/// Headless Chromium on `url`; its standard output.
fn headless(chromium: &Path, scratch: &Path, args: &[&str], url: &str) -> String {
    let output = Command::new(chromium)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--disable-dev-shm-usage",
        ])
        .arg(format!(
            "--user-data-dir={}",
            scratch.join("profile").display()
        ))
        .args(args)
        .arg(url)
        .stdin(Stdio::null())
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "chromium {args:?}: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8_lossy(&output.stdout).into_owned()
}

#[test]
fn serve_scans_on_demand_shows_its_dashboard_and_stops_on_sigterm() {
    let server = Server::start(Options::new(vec![pod("web"), pod("api")])).unwrap();
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("kubeconfig"),
        server.kubeconfig(Auth::Certificate),
    )
    .unwrap();
    // The interval and the listener from the file; the flags choose the cluster.
    std::fs::write(
        dir.path().join(".bulkhead.yaml"),
        "serve:\n  listen: 127.0.0.1:0\n  interval: 1h\n  trend-scans: 5\n",
    )
    .unwrap();
    let mut serve = Serve::start(dir.path(), &["--kubeconfig", "kubeconfig"]);
    assert!(
        serve.seen.last().unwrap().contains("scans every 3600s"),
        "{:?}",
        serve.seen
    );
    serve.wait_for("scan 1 of test:");
    for sequence in [2, 3] {
        let (status, _, body) = http(serve.addr, "POST", "/scan");
        assert_eq!(status, 200, "{body}");
        let scan: serde_json::Value = serde_json::from_str(&body).unwrap();
        assert_eq!(scan["sequence"], sequence);
    }
    let (status, headers, page) = http(serve.addr, "GET", "/");
    assert_eq!(status, 200);
    let csp = &headers["content-security-policy"];
    assert!(
        csp.starts_with("default-src 'none'; style-src 'sha256-"),
        "{csp}"
    );
    assert!(page.contains("id=\"trends\""));
    assert_eq!(
        page.matches("data-severity=\"high\"").count(),
        1,
        "one unbroken line"
    );
    // Self-contained: nothing is fetched from anywhere.
    for reference in ["src=\"http", "href=\"http", "url(http", "@import"] {
        assert!(!page.contains(reference), "{reference}");
    }

    match chromium() {
        Some(chromium) => {
            let scratch = dir.path().join("chromium");
            std::fs::create_dir_all(&scratch).unwrap();
            let url = format!("http://{}/", serve.addr);
            let dom = headless(
                &chromium,
                &scratch,
                &[
                    "--dump-dom",
                    "--virtual-time-budget=5000",
                    "--window-size=1280,1200",
                ],
                &url,
            );
            let body = &dom[dom.find("<body").unwrap()..];
            let body_tag = &body[..body.find('>').unwrap()];
            // The report's script ran under the policy the server sent.
            assert!(body_tag.contains("data-ok=\"1\""), "{body_tag}");
            assert!(!body_tag.contains("data-error"), "{body_tag}");
            assert!(dom.contains("<section class=\"card trends\" id=\"trends\">"));
            assert_eq!(
                dom.matches("<polyline").count(),
                page.matches("<polyline").count()
            );
            let png = Path::new(env!("CARGO_TARGET_TMPDIR")).join("serve-dashboard.png");
            let _ = std::fs::remove_file(&png);
            headless(
                &chromium,
                &scratch,
                &[
                    &format!("--screenshot={}", png.display()),
                    "--window-size=1280,1400",
                ],
                &url,
            );
            let bytes = std::fs::read(&png).expect("a screenshot");
            assert_eq!(&bytes[..8], b"\x89PNG\r\n\x1a\n");
            assert!(bytes.len() > 40_000, "a rich page, not a blank one");
            eprintln!("screenshot: {}", png.display());
        }
        None => {
            assert!(
                std::env::var_os("CI").is_none_or(|v| v.is_empty()),
                "CI is set but `chromium` is not on PATH; .ci/run installs it"
            );
            eprintln!("SKIPPED the dashboard in Chromium: `chromium` is not on PATH");
        }
    }

    stop(&mut serve);
    // Every scan went to the default store, in the working directory.
    let mut store =
        bulkhead_history::Store::open(dir.path().join("bulkhead.db").to_str().unwrap()).unwrap();
    assert_eq!(store.scans(None, 10).unwrap().len(), 3);
}

/// SIGTERM, then the graceful stop and exit 0.
fn stop(serve: &mut Serve) {
    let pid = serve.child.id() as libc::pid_t;
    // SAFETY: signalling the child this test started.
    assert_eq!(unsafe { libc::kill(pid, libc::SIGTERM) }, 0);
    serve.wait_for("bulkhead: stopped");
    let status = serve.child.wait().unwrap();
    assert_eq!(status.code(), Some(0));
}

/// `curl` over HTTPS trusting `ca`: (status, body).
fn curl(ca: &Path, method: &str, url: &str) -> (u16, String) {
    let output = Command::new("curl")
        .args(["-sS", "--max-time", "120", "-X", method, "--cacert"])
        .arg(ca)
        .args(["-w", "\n%{http_code}", url])
        .output()
        .expect("curl");
    assert!(
        output.status.success(),
        "curl {url}: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    let text = String::from_utf8_lossy(&output.stdout).into_owned();
    let (body, code) = text.rsplit_once('\n').unwrap();
    (code.trim().parse().unwrap(), body.to_string())
}

#[test]
fn serve_from_the_file_over_https_with_a_store_and_policyreports() {
    let mut options = Options::new(vec![pod("web")]);
    options.policy_reports = true;
    let server = Server::start(options).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let conf = dir.path().join("conf");
    std::fs::create_dir(&conf).unwrap();
    std::fs::write(conf.join("kubeconfig"), server.kubeconfig(Auth::Token)).unwrap();
    let authority = bulkhead_test_apiserver::Authority::new("serve-ca").unwrap();
    let issued = authority.server().unwrap();
    std::fs::write(conf.join("tls.crt"), &issued.cert).unwrap();
    std::fs::write(conf.join("tls.key"), &issued.key).unwrap();
    std::fs::write(conf.join("ca.crt"), &authority.ca.cert).unwrap();
    // Paths in the file are relative to the file.
    std::fs::write(
        conf.join("bulkhead.yaml"),
        "serve:\n  listen: 127.0.0.1:0\n  store: history.db\n  write-policyreports: true\n  tls:\n    cert: tls.crt\n    key: tls.key\n",
    )
    .unwrap();
    let mut serve = Serve::start(
        dir.path(),
        &[
            "--config",
            "conf/bulkhead.yaml",
            "--kubeconfig",
            "conf/kubeconfig",
        ],
    );
    let line = serve.seen.last().unwrap().clone();
    assert!(line.contains("serving on https://"), "{line}");
    assert!(
        line.contains("history in conf/history.db (sqlite)"),
        "{line}"
    );
    serve.wait_for("scan 1: PolicyReports");
    let base = format!("https://localhost:{}", serve.addr.port());
    let ca = conf.join("ca.crt");
    assert_eq!(curl(&ca, "GET", &format!("{base}/readyz")).0, 200);
    let (status, body) = curl(&ca, "POST", &format!("{base}/scan"));
    assert_eq!(status, 200, "{body}");
    assert!(!server.objects("wgpolicyk8s.io", "policyreports").is_empty());
    stop(&mut serve);
    let mut store =
        bulkhead_history::Store::open(conf.join("history.db").to_str().unwrap()).unwrap();
    let scans = store.scans(None, 10).unwrap();
    assert_eq!(scans.len(), 2);
    assert!(scans.iter().all(|s| s.is_ok() && s.counts.high >= 1));
    assert!(!dir.path().join("bulkhead.db").exists());
}

#[test]
fn serve_needs_a_cluster_and_a_valid_serve_section() {
    let dir = tempfile::tempdir().unwrap();
    let output = Command::new(cargo_bin("bulkhead"))
        .args(["serve", "--no-config"])
        .current_dir(dir.path())
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("add --cluster"));

    // A store that cannot be opened stops serve before it listens, with the reason.
    let output = Command::new(cargo_bin("bulkhead"))
        .args([
            "serve",
            "--no-config",
            "--cluster",
            "--store",
            "missing-dir/history.db",
        ])
        .current_dir(dir.path())
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("history store: cannot open the store missing-dir/history.db"),
        "{stderr}"
    );

    std::fs::write(
        dir.path().join(".bulkhead.yaml"),
        "serve:\n  interval: soon\n  alerts:\n    url: http://127.0.0.1:9/hook\n    colour: red\n  tls:\n    cert: tls.crt\n",
    )
    .unwrap();
    let output = Command::new(cargo_bin("bulkhead"))
        .args(["serve", "--cluster"])
        .current_dir(dir.path())
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains(".bulkhead.yaml:2:13: serve.interval: \"soon\": expected a duration"),
        "{stderr}"
    );
    assert!(
        stderr.contains(".bulkhead.yaml:5:5: unknown key \"serve.alerts.colour\""),
        "{stderr}"
    );
    assert!(
        stderr.contains(".bulkhead.yaml:7:5: serve.tls: give both cert and key"),
        "{stderr}"
    );
}
