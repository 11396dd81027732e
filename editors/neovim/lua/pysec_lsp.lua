-- pysec-lsp for Neovim 0.7–0.10, which have no vim.lsp.config/enable:
--
--   require('pysec_lsp').setup()                 -- after adding editors/neovim to 'runtimepath'
--   require('pysec_lsp').setup({ cmd = { 'node', '/path/to/pysec-lsp/dist/cli.js', '--stdio' } })
--
-- On 0.8–0.10 it calls vim.lsp.start for each Python buffer, and for each
-- dependency manifest it audits (requirements*.txt / *.in, pyproject.toml,
-- poetry.lock, uv.lock, Pipfile.lock, pylock.toml, matched by file name:
-- 0.7 gives them no filetype of their own) (vim.lsp.start reuses the
-- client of the same root); on 0.7, vim.lsp.start_client once per root and
-- vim.lsp.buf_attach_client for each buffer. Either way it runs beside your
-- main Python server: each server is a client of its own.
--
-- Options (all optional; anything else is passed to vim.lsp.start / start_client):
--   cmd           the server command (default { 'pysec-lsp', '--stdio' })
--   filetypes     default { 'python' }
--   manifests     the manifests' file names (autocmd patterns; default M.manifests; {} for none)
--   root_markers  files or folders that mark a project root
--   settings      { pysec = { … } }: answered for workspace/configuration
--   init_options  the `pysec` section itself, sent as initializationOptions
local M = {}

-- The manifests by file name (autocmd patterns): the same files as lsp/pysec.lua's list.
M.manifests = { 'requirements*.txt', 'requirements*.in', 'pyproject.toml', 'poetry.lock', 'uv.lock', 'Pipfile.lock', 'pylock.toml', 'pylock.*.toml' }

-- The defaults are those of lsp/pysec.lua (the 0.11+ config), read from
-- 'runtimepath', so both setups start the same server the same way.
local function defaults()
  local file = vim.api.nvim_get_runtime_file('lsp/pysec.lua', false)[1]
  if not file then
    error("pysec_lsp: lsp/pysec.lua is not on 'runtimepath': add the editors/neovim folder, or copy both files keeping their folders")
  end
  local config = dofile(file)
  config.name = 'pysec'
  -- The 0.11 config's filetypes let toml/json in for its root_dir to sort: here manifests go by name.
  config.filetypes = { 'python' }
  config.root_dir = nil
  return config
end

-- The nearest folder above `path` holding one of `markers`, else the file's own folder.
local function find_root(path, markers)
  local start = vim.fn.fnamemodify(path, ':p:h')
  local dir = start
  while true do
    for _, marker in ipairs(markers) do
      if vim.loop.fs_stat(dir .. '/' .. marker) then
        return dir
      end
    end
    local parent = vim.fn.fnamemodify(dir, ':h')
    if parent == dir then
      return start
    end
    dir = parent
  end
end

-- One client per root on 0.7 (vim.lsp.start does this bookkeeping itself on 0.8+).
local clients_by_root = {}

local function client_config(config, root)
  local c = vim.deepcopy(config)
  c.filetypes, c.root_markers, c.manifests = nil, nil, nil
  c.root_dir = root
  return c
end

function M.attach(bufnr, config)
  local path = vim.api.nvim_buf_get_name(bufnr)
  if path == '' or vim.bo[bufnr].buftype ~= '' then
    return
  end
  local root = find_root(path, config.root_markers)
  if vim.lsp.start then
    vim.api.nvim_buf_call(bufnr, function()
      vim.lsp.start(client_config(config, root), { bufnr = bufnr })
    end)
    return
  end
  local id = clients_by_root[root]
  local client = id and vim.lsp.get_client_by_id(id)
  if not client or client.is_stopped() then
    id = vim.lsp.start_client(client_config(config, root))
    clients_by_root[root] = id
  end
  if id then
    vim.lsp.buf_attach_client(bufnr, id)
  end
end

-- Whether `path`'s file name matches one of the autocmd patterns `manifests`.
function M.is_manifest(path, manifests)
  local name = vim.fn.fnamemodify(path, ':t')
  for _, p in ipairs(manifests or M.manifests) do
    if name ~= '' and vim.fn.match(name, vim.fn.glob2regpat(p)) >= 0 then
      return true
    end
  end
  return false
end

function M.setup(opts)
  local config = vim.tbl_deep_extend('force', defaults(), opts or {})
  -- Lists replace the defaults rather than merge by index.
  for _, key in ipairs({ 'cmd', 'filetypes', 'root_markers', 'manifests' }) do
    if opts and opts[key] then
      config[key] = opts[key]
    end
  end
  local group = vim.api.nvim_create_augroup('pysec_lsp', { clear = true })
  vim.api.nvim_create_autocmd('FileType', {
    group = group,
    pattern = config.filetypes,
    callback = function(args)
      M.attach(args.buf, config)
    end,
  })
  local manifests = (opts and opts.manifests) or M.manifests
  if #manifests > 0 then
    vim.api.nvim_create_autocmd({ 'BufReadPost', 'BufNewFile' }, {
      group = group,
      pattern = manifests,
      callback = function(args)
        M.attach(args.buf, config)
      end,
    })
  end
  -- Buffers opened before setup ran.
  for _, bufnr in ipairs(vim.api.nvim_list_bufs()) do
    if vim.api.nvim_buf_is_loaded(bufnr) and (vim.tbl_contains(config.filetypes, vim.bo[bufnr].filetype) or M.is_manifest(vim.api.nvim_buf_get_name(bufnr), manifests)) then
      M.attach(bufnr, config)
    end
  end
end

return M
