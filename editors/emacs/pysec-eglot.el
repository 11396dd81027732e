;;; pysec-eglot.el --- pysec-lsp as Eglot's server for Python  -*- lexical-binding: t; -*-

;; Eglot runs one server a buffer.  This file makes pysec-lsp that server
;; for Python buffers.  To keep your main server (pyright, basedpyright…)
;; as well, either set `pysec-eglot-command' to a multiplexer such as
;; rassumfrassum:
;;
;;   (setq pysec-eglot-command
;;         '("rass" "--" "basedpyright-langserver" "--stdio" "--" "pysec-lsp" "--stdio"))
;;
;; or keep Eglot on your main server and use the Flymake backend of
;; pysec-flymake.el instead of this file.
;;
;;   (add-to-list 'load-path "/path/to/pysec-lsp/editors/emacs")
;;   (with-eval-after-load 'eglot (require 'pysec-eglot))
;;   (add-hook 'python-mode-hook #'eglot-ensure)
;;
;; It also serves the dependency manifests pysec audits
;; (pysec-manifests.el): requirements files (`pip-requirements-mode', or
;; `pysec-requirements-mode' without it) and TOML buffers (pyproject.toml,
;; poetry.lock, uv.lock, pylock.toml; pysec ignores other TOML files).  As
;; Eglot runs one server a buffer, that makes pysec the TOML server: leave
;; the TOML modes out of `pysec-eglot-manifest-modes' to keep another.
;;
;;   (add-hook 'pysec-requirements-mode-hook #'eglot-ensure)
;;   (add-hook 'conf-toml-mode-hook #'eglot-ensure)

;;; Code:

(require 'eglot)
(require 'pysec-manifests)

(defgroup pysec-eglot nil
  "pysec-lsp, a security reviewer for Python, through Eglot."
  :group 'eglot
  :prefix "pysec-eglot-")

(defcustom pysec-eglot-command '("pysec-lsp" "--stdio")
  "The command Eglot starts for Python buffers: program and arguments.
For a checkout that is not on PATH:
  (\"node\" \"/path/to/pysec-lsp/dist/cli.js\" \"--stdio\").
It may end with :initializationOptions PLIST, e.g.
  (\"pysec-lsp\" \"--stdio\"
   :initializationOptions (:bandit (:enabled :json-false)))."
  :type '(repeat sexp))

(defun pysec-eglot--contact (&rest _)
  "The server contact for `eglot-server-programs': `pysec-eglot-command' now."
  pysec-eglot-command)

;; A function, so a later `setq' of `pysec-eglot-command' takes effect.
(add-to-list 'eglot-server-programs
             (cons '(python-mode python-ts-mode) #'pysec-eglot--contact))

(defcustom pysec-eglot-manifest-modes
  '(pysec-requirements-mode pip-requirements-mode conf-toml-mode toml-ts-mode)
  "Major modes of the manifests for which Eglot starts pysec-lsp.
Set it before loading this file.  Pipfile.lock is JSON: add `js-json-mode'
\(or `json-mode') to audit it, if no other server is your JSON one."
  :type '(repeat symbol))

(add-to-list 'eglot-server-programs
             (cons pysec-eglot-manifest-modes #'pysec-eglot--contact))

(provide 'pysec-eglot)
;;; pysec-eglot.el ends here
