;;; pysec-manifests.el --- The dependency manifests pysec-lsp audits  -*- lexical-binding: t; -*-

;; pysec-lsp audits the dependencies of requirements*.txt / *.in,
;; pyproject.toml, poetry.lock, uv.lock, Pipfile.lock and pylock.toml
;; against an advisory database (`pysec-lsp advisories update').  This
;; file names them for pysec-eglot.el and pysec-lsp-mode.el, and gives
;; requirements files a mode when the pip-requirements package (MELPA)
;; is not installed: `pysec-requirements-mode', a `conf-unix-mode' (its
;; `#' comments are pip's).

;;; Code:

(require 'conf-mode)

(defconst pysec-manifest-regexp
  (concat "\\(?:\\`\\|/\\)"
          "\\(?:requirements[^/]*\\.\\(?:txt\\|in\\)"
          "\\|pyproject\\.toml\\|poetry\\.lock\\|uv\\.lock\\|Pipfile\\.lock"
          "\\|pylock\\(?:\\.[^/]+\\)?\\.toml\\)\\'")
  "The file names pysec-lsp audits (matched against a file's path).")

(defconst pysec-requirements-regexp "\\(?:\\`\\|/\\)requirements[^/]*\\.\\(?:txt\\|in\\)\\'"
  "The requirements files among them.")

(defun pysec-manifest-p (file-name)
  "Whether FILE-NAME is a manifest pysec-lsp audits."
  (and file-name (string-match-p pysec-manifest-regexp file-name) t))

(define-derived-mode pysec-requirements-mode conf-unix-mode "Requirements"
  "A pip requirements file (for pysec-lsp when pip-requirements-mode is absent).")

;; pip-requirements-mode, when installed, has the files already.
(unless (fboundp 'pip-requirements-mode)
  (add-to-list 'auto-mode-alist (cons pysec-requirements-regexp #'pysec-requirements-mode)))

(provide 'pysec-manifests)
;;; pysec-manifests.el ends here
