-- End-to-end driver for Neovim 0.11+ (run by test/editors/neovim-enable.test.ts):
--   nvim --headless --clean -u enable.lua file.py
-- sets pysec up exactly as editors/neovim/README.md says for 0.11 and later:
-- editors/neovim on 'runtimepath' (so Neovim reads lsp/pysec.lua) and
-- vim.lsp.enable('pysec'), with `pysec-lsp` found on PATH (as `npm link`
-- puts it). $PYSEC_E2E_SETTINGS, when set, is the `pysec` section given
-- with vim.lsp.config('pysec', { settings = … }), as the README shows.
-- Then: waits for the $PYSEC_E2E_RULE diagnostic, hovers it with
-- vim.lsp.buf.hover() and reads the float, applies $PYSEC_E2E_TITLE with
-- vim.lsp.buf.code_action({ filter, apply = true }), waits for the
-- diagnostic to go, and writes what it saw as JSON to $PYSEC_E2E_OUT.
-- Every step that fails writes `error` and stops.
local setup_dir = assert(os.getenv('PYSEC_E2E_SETUP_DIR'))
local out = assert(os.getenv('PYSEC_E2E_OUT'))
local rule = os.getenv('PYSEC_E2E_RULE') or 'B602'
local title = os.getenv('PYSEC_E2E_TITLE') or ('pysec: suppress ' .. rule .. ' on this line')
local timeout = tonumber(os.getenv('PYSEC_E2E_TIMEOUT_MS') or '30000')
local diagnostics_timeout = tonumber(os.getenv('PYSEC_E2E_DIAGNOSTICS_TIMEOUT_MS') or tostring(timeout))
local settings = os.getenv('PYSEC_E2E_SETTINGS')

-- The README's lines.
vim.opt.runtimepath:append(setup_dir)
if settings and settings ~= '' then
  vim.lsp.config('pysec', { settings = { pysec = vim.json.decode(settings) } })
end
vim.lsp.enable('pysec')

local v = vim.version()
local result = { nvim = v.major .. '.' .. v.minor .. '.' .. v.patch }

local function finish()
  local f = assert(io.open(out, 'w'))
  f:write(vim.json.encode(result))
  f:close()
  vim.cmd('qa!')
end

local function fail(message)
  result.error = message
  finish()
end

-- Every diagnostic of the buffer (every namespace: pushed and pulled), as "source:code:line".
local function all(bufnr)
  local got = {}
  for _, d in ipairs(vim.diagnostic.get(bufnr)) do
    table.insert(got, tostring(d.source) .. ':' .. tostring(d.code) .. ':' .. d.lnum)
  end
  table.sort(got)
  return got
end

local function ours(bufnr)
  local got = {}
  for _, d in ipairs(vim.diagnostic.get(bufnr)) do
    if d.source == 'pysec' and d.code == rule then
      table.insert(got, d)
    end
  end
  return got
end

local function floats()
  local got = {}
  for _, w in ipairs(vim.api.nvim_list_wins()) do
    if vim.api.nvim_win_get_config(w).relative ~= '' then
      table.insert(got, w)
    end
  end
  return got
end

local function run()
  local bufnr = vim.api.nvim_get_current_buf()
  result.filetype = vim.bo[bufnr].filetype
  if not vim.wait(timeout, function()
    return #vim.lsp.get_clients({ bufnr = bufnr, name = 'pysec' }) > 0
  end, 50) then
    return fail('no client started')
  end
  local client = vim.lsp.get_clients({ bufnr = bufnr, name = 'pysec' })[1]
  result.root = client.config.root_dir
  result.pulls = client.server_capabilities.diagnosticProvider ~= nil
  if not vim.wait(diagnostics_timeout, function()
    return #ours(bufnr) > 0
  end, 50) then
    result.before = all(bufnr)
    return fail('no diagnostics')
  end
  result.before = all(bufnr)

  -- Hover over the finding: vim.lsp.buf.hover() opens a float; read it.
  local d = ours(bufnr)[1]
  vim.api.nvim_win_set_cursor(0, { d.lnum + 1, d.col })
  vim.lsp.buf.hover()
  if not vim.wait(timeout, function()
    return #floats() > 0
  end, 50) then
    return fail('no hover')
  end
  result.hover = vim.api.nvim_buf_get_lines(vim.api.nvim_win_get_buf(floats()[1]), 0, -1, false)
  for _, w in ipairs(floats()) do
    vim.api.nvim_win_close(w, true)
  end

  -- The suppress action, as a user picks it (the filter stands for the choice in the menu).
  vim.api.nvim_win_set_cursor(0, { d.lnum + 1, d.col })
  local line_before = vim.api.nvim_buf_get_lines(bufnr, d.lnum, d.lnum + 1, false)[1]
  result.titles = {}
  vim.lsp.buf.code_action({
    filter = function(a)
      table.insert(result.titles, a.title)
      return a.title == title
    end,
    apply = true,
  })
  if not vim.wait(timeout, function()
    return vim.api.nvim_buf_get_lines(bufnr, d.lnum, d.lnum + 1, false)[1] ~= line_before
  end, 50) then
    return fail('the action changed nothing')
  end
  result.lines = vim.api.nvim_buf_get_lines(bufnr, 0, -1, false)
  if not vim.wait(timeout, function()
    return #ours(bufnr) == 0
  end, 50) then
    result.after = all(bufnr)
    return fail('diagnostic still there after the action')
  end
  result.after = all(bufnr)
  finish()
end

vim.api.nvim_create_autocmd('VimEnter', {
  once = true,
  callback = function()
    vim.schedule(function()
      local ok, err = xpcall(run, debug.traceback)
      if not ok then
        fail('driver error: ' .. tostring(err))
      end
    end)
  end,
})
