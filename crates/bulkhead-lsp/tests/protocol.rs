//! The protocol, spoken by a client in the test over an in-memory connection: initialize,
//! open, diagnostics with exact ranges, cross-file analysis, code actions, edits, shutdown.

use std::path::Path;
use std::time::Duration;

use lsp_server::{Connection, Message, Notification, Request, RequestId};
use serde_json::{json, Value};

struct Client {
    connection: Connection,
    server: std::thread::JoinHandle<Result<(), String>>,
    next_id: i32,
}

impl Client {
    fn start(root: &Path) -> Self {
        let (server_side, client_side) = Connection::memory();
        let server = std::thread::spawn(move || bulkhead_lsp::serve(server_side));
        let mut client = Client {
            connection: client_side,
            server,
            next_id: 0,
        };
        let uri = uri(root);
        let answer = client.request(
            "initialize",
            json!({"processId": null, "rootUri": uri, "capabilities": {},
                   "workspaceFolders": [{"uri": uri, "name": "workspace"}]}),
        );
        assert_eq!(answer["capabilities"]["codeActionProvider"], true);
        client.notify("initialized", json!({}));
        client
    }

    fn request(&mut self, method: &str, params: Value) -> Value {
        self.next_id += 1;
        let id = RequestId::from(self.next_id);
        self.connection
            .sender
            .send(Message::Request(Request::new(
                id.clone(),
                method.into(),
                params,
            )))
            .unwrap();
        loop {
            match self.receive() {
                Message::Response(r) if r.id == id => {
                    assert!(r.error.is_none(), "{:?}", r.error);
                    return r.result.unwrap_or(Value::Null);
                }
                _ => continue,
            }
        }
    }

    fn notify(&self, method: &str, params: Value) {
        self.connection
            .sender
            .send(Message::Notification(Notification::new(
                method.into(),
                params,
            )))
            .unwrap();
    }

    fn receive(&self) -> Message {
        self.connection
            .receiver
            .recv_timeout(Duration::from_secs(60))
            .expect("the server said nothing for a minute")
    }

    /// The next diagnostics published for `uri`.
    fn diagnostics(&self, uri: &str) -> Vec<Value> {
        loop {
            if let Message::Notification(n) = self.receive() {
                if n.method == "textDocument/publishDiagnostics" && n.params["uri"] == uri {
                    return n.params["diagnostics"].as_array().unwrap().clone();
                }
            }
        }
    }

    fn open(&self, path: &Path) -> String {
        let uri = uri(path);
        self.notify(
            "textDocument/didOpen",
            json!({"textDocument": {"uri": uri, "languageId": "yaml", "version": 1,
                   "text": std::fs::read_to_string(path).unwrap()}}),
        );
        uri
    }

    fn shut_down(mut self) {
        self.request("shutdown", Value::Null);
        self.notify("exit", Value::Null);
        self.server.join().unwrap().unwrap();
    }
}

fn uri(path: &Path) -> String {
    format!("file://{}", path.display())
}

fn codes(diagnostics: &[Value]) -> Vec<String> {
    diagnostics
        .iter()
        .map(|d| d["code"].as_str().unwrap().to_string())
        .collect()
}

fn examples() -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples")
}

#[test]
fn findings_are_published_at_their_exact_ranges_and_follow_edits() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("api.yaml");
    std::fs::copy(examples().join("insecure-deployment.yaml"), &path).unwrap();
    let mut client = Client::start(dir.path());
    let uri = client.open(&path);
    let diagnostics = client.diagnostics(&uri);
    let privileged = diagnostics
        .iter()
        .find(|d| d["code"] == "BHW001")
        .expect("BHW001 published");
    // `privileged: true` on line 20, column 13 (1-based) of the example.
    assert_eq!(
        privileged["range"],
        json!({"start": {"line": 19, "character": 12}, "end": {"line": 19, "character": 28}})
    );
    assert_eq!(privileged["severity"], 1);
    assert_eq!(privileged["source"], "bulkhead");
    assert!(privileged["codeDescription"]["href"]
        .as_str()
        .unwrap()
        .contains("BHW001"));
    assert!(privileged["message"].as_str().unwrap().contains("help: "));

    // A suppression comment with a reason, above the line.
    let actions = client.request(
        "textDocument/codeAction",
        json!({"textDocument": {"uri": uri}, "range": privileged["range"],
               "context": {"diagnostics": [privileged]}}),
    );
    let action = &actions[0];
    assert_eq!(action["title"], "Suppress BHW001 here (with a reason)");
    let edit = &action["edit"]["changes"][&uri][0];
    assert_eq!(
        edit["newText"],
        "            # bulkhead:ignore BHW001 -- reason\n"
    );
    assert_eq!(edit["range"]["start"], json!({"line": 19, "character": 0}));

    // Applying that edit (as the editor would) removes the finding.
    let text = std::fs::read_to_string(&path).unwrap();
    let mut lines: Vec<&str> = text.lines().collect();
    lines.insert(
        19,
        "            # bulkhead:ignore BHW001 -- the test needs it",
    );
    client.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": uri, "version": 2},
               "contentChanges": [{"text": lines.join("\n") + "\n"}]}),
    );
    let after = client.diagnostics(&uri);
    assert!(!codes(&after).contains(&"BHW001".to_string()), "{after:?}");
    assert!(codes(&after).contains(&"BHW007".to_string()));

    // Closing the document clears its diagnostics.
    client.notify(
        "textDocument/didClose",
        json!({"textDocument": {"uri": uri}}),
    );
    assert!(client.diagnostics(&uri).is_empty());
    client.shut_down();
}

#[test]
fn other_files_of_the_workspace_are_seen() {
    let dir = tempfile::tempdir().unwrap();
    let deployment = dir.path().join("deployment.yaml");
    std::fs::write(
        &deployment,
        "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: api, namespace: shop}\n\
         spec:\n  selector: {matchLabels: {app: api}}\n  template:\n    metadata: {labels: {app: api}}\n\
         \x20   spec:\n      serviceAccountName: api\n      containers: [{name: api, image: api:1}]\n",
    )
    .unwrap();
    // The namespace's accounts are in another file, and `api` is not among them.
    std::fs::write(
        dir.path().join("accounts.yaml"),
        "apiVersion: v1\nkind: ServiceAccount\nmetadata: {name: worker, namespace: shop}\n",
    )
    .unwrap();
    let client = Client::start(dir.path());
    let uri = client.open(&deployment);
    assert!(codes(&client.diagnostics(&uri)).contains(&"BHW036".to_string()));
    client.shut_down();

    std::fs::write(
        dir.path().join("api-account.yaml"),
        "apiVersion: v1\nkind: ServiceAccount\nmetadata: {name: api, namespace: shop}\n",
    )
    .unwrap();
    let client = Client::start(dir.path());
    let uri = client.open(&deployment);
    assert!(!codes(&client.diagnostics(&uri)).contains(&"BHW036".to_string()));
    client.shut_down();
}

#[test]
fn broken_yaml_is_a_diagnostic_at_its_position() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("broken.yaml");
    std::fs::write(&path, "apiVersion: v1\nkind: Pod\nmetadata: {name: [x\n").unwrap();
    let client = Client::start(dir.path());
    let uri = client.open(&path);
    let diagnostics = client.diagnostics(&uri);
    assert_eq!(codes(&diagnostics), ["input"]);
    assert_eq!(diagnostics[0]["severity"], 1);
    client.shut_down();
}

/// Applies whole-line edits (as the fix actions send them) to a text.
fn apply_line_edits(text: &str, edits: &[Value]) -> String {
    let mut lines: Vec<String> = text.split_inclusive('\n').map(str::to_string).collect();
    let mut edits: Vec<&Value> = edits.iter().collect();
    edits.sort_by_key(|e| std::cmp::Reverse(e["range"]["start"]["line"].as_u64().unwrap()));
    for edit in edits {
        assert_eq!(edit["range"]["start"]["character"], 0);
        assert_eq!(edit["range"]["end"]["character"], 0);
        let start = edit["range"]["start"]["line"].as_u64().unwrap() as usize;
        let end = edit["range"]["end"]["line"].as_u64().unwrap() as usize;
        let new: Vec<String> = edit["newText"]
            .as_str()
            .unwrap()
            .split_inclusive('\n')
            .map(str::to_string)
            .collect();
        lines.splice(start..end, new);
    }
    lines.concat()
}

#[test]
fn a_finding_with_a_fix_offers_it_and_the_fix_clears_it() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("api.yaml");
    std::fs::copy(examples().join("insecure-deployment.yaml"), &path).unwrap();
    let mut client = Client::start(dir.path());
    let uri = client.open(&path);
    let diagnostics = client.diagnostics(&uri);
    let escalation = diagnostics
        .iter()
        .find(|d| d["code"] == "BHW002")
        .expect("BHW002 published")
        .clone();
    let actions = client.request(
        "textDocument/codeAction",
        json!({"textDocument": {"uri": uri}, "range": escalation["range"],
               "context": {"diagnostics": [escalation]}}),
    );
    let fix = actions
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["title"] == "Fix BHW002: set allowPrivilegeEscalation: false")
        .unwrap_or_else(|| panic!("{actions:#}"));
    assert_eq!(fix["kind"], "quickfix");
    assert_eq!(fix["isPreferred"], true);
    let edits = fix["edit"]["changes"][&uri].as_array().unwrap();
    let text = std::fs::read_to_string(&path).unwrap();
    let fixed = apply_line_edits(&text, edits);
    assert!(
        fixed.contains("            privileged: true\n            capabilities:\n              add: [\"SYS_ADMIN\"]\n            allowPrivilegeEscalation: false\n"),
        "{fixed}"
    );
    client.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": uri, "version": 2},
               "contentChanges": [{"text": fixed}]}),
    );
    let after = client.diagnostics(&uri);
    assert!(!codes(&after).contains(&"BHW002".to_string()), "{after:?}");
    assert!(codes(&after).contains(&"BHW001".to_string()));
    client.shut_down();
}
