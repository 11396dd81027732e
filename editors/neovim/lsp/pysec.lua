-- pysec-lsp for Neovim 0.11+ (vim.lsp.config / vim.lsp.enable).
--
-- Neovim reads `lsp/<name>.lua` from every 'runtimepath' folder: put this
-- file at ~/.config/nvim/lsp/pysec.lua (or add editors/neovim to
-- 'runtimepath'), then in init.lua:
--
--   vim.lsp.enable('pysec')
--
-- It runs beside your main Python server (pyright, basedpyright, ruff…):
-- Neovim attaches every enabled server whose filetypes match. Override any
-- field with vim.lsp.config('pysec', { … }), e.g. another `cmd`.
--
-- Besides Python buffers it attaches to the dependency manifests it audits
-- (requirements*.txt / *.in, pyproject.toml, poetry.lock, uv.lock,
-- Pipfile.lock, pylock.toml): `filetypes` lets toml and json buffers in,
-- and `root_dir` declines those that are not one of these files.

-- Neovim 0.12 leaves poetry.lock without a filetype (0.11 uv.lock too): both are TOML.
vim.filetype.add({ filename = { ['poetry.lock'] = 'toml', ['uv.lock'] = 'toml' } })

local root_markers = { 'pyproject.toml', 'setup.cfg', 'setup.py', '.bandit', '.git' }

-- The manifests by file name (Lua patterns, anchored): the same list as lua/pysec_lsp.lua.
local manifests = { '^requirements.*%.txt$', '^requirements.*%.in$', '^pyproject%.toml$', '^poetry%.lock$', '^uv%.lock$', '^Pipfile%.lock$', '^pylock%.toml$', '^pylock%..+%.toml$' }

local function is_manifest(name)
  for _, p in ipairs(manifests) do
    if name:match(p) then
      return true
    end
  end
  return false
end

return {
  cmd = { 'pysec-lsp', '--stdio' },
  -- `requirements`: Neovim 0.10+ names requirements*.txt / *.in so.
  filetypes = { 'python', 'requirements', 'toml', 'json' },
  root_markers = root_markers,
  -- Python and requirements buffers always; toml and json ones only when they are a manifest.
  root_dir = function(bufnr, on_dir)
    local path = vim.api.nvim_buf_get_name(bufnr)
    local ft = vim.bo[bufnr].filetype
    if ft ~= 'python' and ft ~= 'requirements' and not is_manifest(vim.fs.basename(path)) then
      return
    end
    on_dir(vim.fs.root(bufnr, root_markers) or vim.fs.dirname(path))
  end,
  -- The `pysec` section: answered for workspace/configuration (see docs/configuration.md).
  settings = { pysec = {} },
}
