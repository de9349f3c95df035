//! `bulkhead lsp` with a real client: Neovim's built-in LSP client, headless, opens a
//! manifest, reads the diagnostics, asks for code actions, edits the buffer and reads the
//! diagnostics again. (The protocol itself is tested in crates/bulkhead-lsp/tests.)

use std::path::Path;
use std::process::Command;

use assert_cmd::cargo::cargo_bin;
use serde_json::Value;

/// Written to a file and run with `nvim --headless -c 'luafile …' MANIFEST`. Uses only the
/// API of Neovim 0.7 (Debian 12's), which has `start_client` but not `vim.lsp.start`.
const SCRIPT: &str = r#"
local out = os.getenv('BULKHEAD_OUT')
local buf = vim.api.nvim_get_current_buf()
local root = vim.fn.expand('%:p:h')
local client = vim.lsp.start_client({
  name = 'bulkhead',
  cmd = { os.getenv('BULKHEAD_BIN'), 'lsp' },
  root_dir = root,
  workspace_folders = { { uri = vim.uri_from_fname(root), name = 'workspace' } },
})
vim.lsp.buf_attach_client(buf, client)

local function codes()
  local list = {}
  for _, d in ipairs(vim.diagnostic.get(buf)) do
    local lsp = (d.user_data or {}).lsp or {}
    table.insert(list, { code = lsp.code or d.code, lnum = d.lnum, col = d.col,
      end_lnum = d.end_lnum, end_col = d.end_col, severity = d.severity,
      source = d.source, lsp = lsp })
  end
  return list
end

local result = {}
vim.wait(30000, function() return #vim.diagnostic.get(buf) > 0 end, 50)
result.first = codes()

-- Code actions for the first BHW001 diagnostic.
for _, d in ipairs(result.first) do
  if d.code == 'BHW001' then
    -- Neovim 0.7 keeps only some LSP fields in user_data: the range is rebuilt.
    local range = { start = { line = d.lnum, character = d.col },
      ['end'] = { line = d.end_lnum, character = d.end_col } }
    local params = {
      textDocument = { uri = vim.uri_from_bufnr(buf) },
      range = range,
      context = { diagnostics = { { range = range, message = 'x', code = d.code,
        source = d.source, severity = d.severity } } },
    }
    local answers = vim.lsp.buf_request_sync(buf, 'textDocument/codeAction', params, 10000) or {}
    result.actions = {}
    for _, answer in pairs(answers) do
      for _, action in ipairs(answer.result or {}) do
        table.insert(result.actions, action.title)
      end
    end
    -- Harden the line in the buffer (not on disk): the finding must go away.
    local line = vim.api.nvim_buf_get_lines(buf, d.lnum, d.lnum + 1, false)[1]
    local fixed = line:gsub('privileged: true', 'privileged: false')
    vim.api.nvim_buf_set_lines(buf, d.lnum, d.lnum + 1, false, { fixed })
  end
end

vim.wait(30000, function()
  for _, d in ipairs(codes()) do
    if d.code == 'BHW001' then return false end
  end
  return true
end, 50)
result.after = codes()
for _, d in ipairs(result.first) do d.lsp = nil end
for _, d in ipairs(result.after) do d.lsp = nil end
vim.fn.writefile({ vim.fn.json_encode(result) }, out)
vim.cmd('qa!')
"#;

#[test]
fn neovim_shows_the_findings_and_their_actions() {
    if Command::new("nvim").arg("--version").output().is_err() {
        assert!(
            std::env::var_os("CI").is_none(),
            "Neovim must be installed in CI (.ci/run installs it)"
        );
        eprintln!("nvim not installed; skipping");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let manifest = dir.path().join("api.yaml");
    let examples = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples");
    std::fs::copy(examples.join("insecure-deployment.yaml"), &manifest).unwrap();
    let script = dir.path().join("client.lua");
    std::fs::write(&script, SCRIPT).unwrap();
    let out = dir.path().join("result.json");
    let status = Command::new("nvim")
        .args(["--headless", "--clean", "-n", "-i", "NONE"])
        .arg(&manifest)
        .arg("-c")
        .arg(format!("luafile {}", script.display()))
        .env("BULKHEAD_BIN", cargo_bin("bulkhead"))
        .env("BULKHEAD_OUT", &out)
        .env("HOME", dir.path())
        .env("XDG_STATE_HOME", dir.path())
        .status()
        .unwrap();
    assert!(status.success(), "nvim: {status}");
    let result: Value = serde_json::from_str(&std::fs::read_to_string(&out).unwrap()).unwrap();

    let first = result["first"].as_array().unwrap();
    let privileged = first
        .iter()
        .find(|d| d["code"] == "BHW001")
        .unwrap_or_else(|| panic!("no BHW001 in {first:?}"));
    // Line 20, column 13 of the manifest, 0-based in Neovim; severity 1 is an error.
    assert_eq!(
        (
            &privileged["lnum"],
            &privileged["col"],
            &privileged["end_col"]
        ),
        (&Value::from(19), &Value::from(12), &Value::from(28))
    );
    assert_eq!(privileged["severity"], 1);
    assert_eq!(privileged["source"], "bulkhead");
    assert!(first.iter().any(|d| d["code"] == "BHW007"));
    assert_eq!(
        result["actions"],
        serde_json::json!([
            "Suppress BHW001 here (with a reason)",
            "Fix BHW001: set privileged: false (unsafe: review)"
        ])
    );
    let after = result["after"].as_array().unwrap();
    assert!(!after.iter().any(|d| d["code"] == "BHW001"), "{after:?}");
    assert!(after.iter().any(|d| d["code"] == "BHW007"), "{after:?}");
}
