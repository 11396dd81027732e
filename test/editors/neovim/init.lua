-- End-to-end driver for Neovim (run by test/editors/neovim.test.ts):
--   nvim --headless --clean -u init.lua file.py
-- loads the setup users load (editors/neovim, through require('pysec_lsp')),
-- with the server command from $PYSEC_E2E_CMD, waits for the diagnostic
-- $PYSEC_E2E_RULE, asks for code actions, applies the suppress action,
-- waits for the diagnostic to go, and writes what it saw as JSON to
-- $PYSEC_E2E_OUT. Every step that fails writes `error` and stops. Each wait
-- may take $PYSEC_E2E_TIMEOUT_MS, the first diagnostics
-- $PYSEC_E2E_DIAGNOSTICS_TIMEOUT_MS.
local setup_dir = assert(os.getenv('PYSEC_E2E_SETUP_DIR'))
local cmd = vim.fn.json_decode(assert(os.getenv('PYSEC_E2E_CMD')))
local out = assert(os.getenv('PYSEC_E2E_OUT'))
local rule = os.getenv('PYSEC_E2E_RULE') or 'B307'
local title = os.getenv('PYSEC_E2E_TITLE') or ('pysec: suppress ' .. rule .. ' on this line')
local timeout = tonumber(os.getenv('PYSEC_E2E_TIMEOUT_MS') or '30000')
-- The wait for the first diagnostics alone (shorter for a server known to publish nothing).
local diagnostics_timeout = tonumber(os.getenv('PYSEC_E2E_DIAGNOSTICS_TIMEOUT_MS') or tostring(timeout))

-- $PYSEC_E2E_INIT, when set: more of the `pysec` section, as JSON (the advisory database of a manifest test).
local init_options = { bandit = { enabled = false } }
local extra = os.getenv('PYSEC_E2E_INIT')
if extra and extra ~= '' then
  init_options = vim.tbl_deep_extend('force', init_options, vim.fn.json_decode(extra))
end

vim.opt.runtimepath:prepend(setup_dir)
if vim.lsp.config and vim.lsp.enable then
  -- 0.11+: lsp/pysec.lua through vim.lsp.config/enable (not run in CI: Debian has 0.7).
  vim.lsp.config('pysec', { cmd = cmd, init_options = init_options })
  vim.lsp.enable('pysec')
else
  require('pysec_lsp').setup({ cmd = cmd, init_options = init_options })
end

-- The user's main Python server beside it, when $PYSEC_E2E_MAIN_CMD names one
-- (a stand-in for pyright: test/editors/stub-server.mjs main).
local main_cmd = os.getenv('PYSEC_E2E_MAIN_CMD')
if main_cmd and main_cmd ~= '' then
  local main_id
  vim.api.nvim_create_autocmd('FileType', {
    pattern = 'python',
    callback = function(args)
      main_id = main_id or vim.lsp.start_client({ name = 'main', cmd = vim.fn.json_decode(main_cmd), root_dir = vim.fn.getcwd() })
      vim.lsp.buf_attach_client(args.buf, main_id)
    end,
  })
end

local result = { nvim = tostring(vim.version().major) .. '.' .. vim.version().minor .. '.' .. vim.version().patch }

local function finish()
  local f = assert(io.open(out, 'w'))
  f:write(vim.fn.json_encode(result))
  f:close()
  vim.cmd('qa!')
end

local function fail(message)
  result.error = message
  finish()
end

local function ours(bufnr)
  local got = {}
  for _, d in ipairs(vim.diagnostic.get(bufnr)) do
    if d.source == 'pysec' and d.code == rule then
      table.insert(got, { lnum = d.lnum, col = d.col, code = d.code, source = d.source, message = d.message })
    end
  end
  return got
end

-- Every client's diagnostics of a line, as LSP diagnostics: what vim.lsp.buf.code_action sends.
local function line_diagnostics(bufnr, lnum)
  if vim.lsp.diagnostic.get_line_diagnostics then
    return vim.lsp.diagnostic.get_line_diagnostics(bufnr, lnum) -- 0.7–0.10
  end
  local out = {}
  for _, d in ipairs(vim.diagnostic.get(bufnr, { lnum = lnum })) do
    table.insert(out, d.user_data and d.user_data.lsp or d)
  end
  return out
end

local function buffer_clients(bufnr)
  return vim.lsp.get_clients and vim.lsp.get_clients({ bufnr = bufnr }) or vim.lsp.buf_get_clients(bufnr)
end

local function run()
  local bufnr = vim.api.nvim_get_current_buf()
  result.filetype = vim.bo[bufnr].filetype
  if not vim.wait(timeout, function()
    return #buffer_clients(bufnr) > 0
  end, 50) then
    return fail('no client started')
  end
  if not vim.wait(diagnostics_timeout, function()
    return #ours(bufnr) > 0
  end, 50) then
    return fail('no diagnostics')
  end
  result.before = ours(bufnr)
  result.clients = {}
  for _, client in pairs(buffer_clients(bufnr)) do
    table.insert(result.clients, client.name)
  end
  table.sort(result.clients)
  for _, client in pairs(buffer_clients(bufnr)) do
    if client.name == 'pysec' then
      result.root = client.config.root_dir
    end
  end
  local lnum = result.before[1].lnum
  local params = {
    textDocument = vim.lsp.util.make_text_document_params(bufnr),
    range = { start = { line = lnum, character = 0 }, ['end'] = { line = lnum, character = 0 } },
    -- What vim.lsp.buf.code_action sends on 0.7: the line's diagnostics of every client.
    context = { diagnostics = line_diagnostics(bufnr, lnum) },
  }
  local responses = vim.lsp.buf_request_sync(bufnr, 'textDocument/codeAction', params, timeout)
  local chosen, chosen_client
  result.context = {}
  for _, d in ipairs(params.context.diagnostics) do
    table.insert(result.context, d.source)
  end
  table.sort(result.context)
  result.actions = {}
  -- For each action, the sources of the diagnostics it says it fixes.
  result.fixes = {}
  for client_id, response in pairs(responses or {}) do
    for _, action in ipairs(response.result or {}) do
      table.insert(result.actions, action.title)
      for _, d in ipairs(action.diagnostics or {}) do
        result.fixes[action.title] = (result.fixes[action.title] or '') .. d.source .. ' '
      end
      if action.title == title then
        chosen, chosen_client = action, vim.lsp.get_client_by_id(client_id)
      end
    end
  end
  if not chosen then
    return fail('no action titled ' .. title)
  end
  vim.lsp.util.apply_workspace_edit(chosen.edit, chosen_client.offset_encoding or 'utf-16')
  result.lines = vim.api.nvim_buf_get_lines(bufnr, 0, -1, false)
  if not vim.wait(timeout, function()
    return #ours(bufnr) == 0
  end, 50) then
    result.after = ours(bufnr)
    return fail('diagnostic still there after the action')
  end
  result.after = {}
  for _, d in ipairs(vim.diagnostic.get(bufnr)) do
    table.insert(result.after, d.source .. ':' .. tostring(d.code))
  end
  table.sort(result.after)
  finish()
end

vim.api.nvim_create_autocmd('VimEnter', {
  once = true,
  callback = function()
    vim.schedule(function()
      local ok, err = pcall(run)
      if not ok then
        fail('driver error: ' .. tostring(err))
      end
    end)
  end,
})
