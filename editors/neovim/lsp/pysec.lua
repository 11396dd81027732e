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
return {
  cmd = { 'pysec-lsp', '--stdio' },
  filetypes = { 'python' },
  root_markers = { 'pyproject.toml', 'setup.cfg', 'setup.py', '.bandit', '.git' },
  -- The `pysec` section: answered for workspace/configuration (see docs/configuration.md).
  settings = { pysec = {} },
}
