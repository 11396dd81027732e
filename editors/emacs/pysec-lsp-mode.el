;;; pysec-lsp-mode.el --- pysec-lsp as an lsp-mode add-on server  -*- lexical-binding: t; -*-

;; Registers pysec-lsp with lsp-mode as an add-on (`:add-on? t'): it runs
;; beside the main Python server lsp-mode picks (pyright, basedpyright,
;; pylsp, ruff…), each buffer talking to both.  Load it after lsp-mode:
;;
;;   (add-to-list 'load-path "/path/to/pysec-lsp/editors/emacs")
;;   (with-eval-after-load 'lsp-mode (require 'pysec-lsp-mode))
;;   (add-hook 'python-mode-hook #'lsp-deferred)
;;
;; It also attaches to the dependency manifests pysec audits
;; (pysec-manifests.el: requirements*.txt / *.in, pyproject.toml,
;; poetry.lock, uv.lock, Pipfile.lock, pylock.toml), by file name, whatever
;; their mode; start lsp-mode in them with
;;
;;   (add-hook 'find-file-hook #'pysec-lsp-manifest-hook)

;;; Code:

(require 'lsp-mode)
(require 'pysec-manifests)

(defgroup pysec-lsp nil
  "pysec-lsp, a security reviewer for Python, through lsp-mode."
  :group 'lsp-mode
  :prefix "pysec-lsp-")

(defcustom pysec-lsp-command '("pysec-lsp" "--stdio")
  "The command that starts pysec-lsp, a list: program and arguments.
For a checkout that is not on PATH:
  (\"node\" \"/path/to/pysec-lsp/dist/cli.js\" \"--stdio\")."
  :type '(repeat string))

(defcustom pysec-lsp-initialization-options nil
  "The `pysec' section sent as initializationOptions, a plist.
For example (:bandit (:enabled :json-false)).  Settings registered with
`lsp-register-custom-settings' under \"pysec.…\" are sent too, and can
change while the server runs."
  :type 'plist)

;; lsp-mode sends a languageId it finds here; regexps are matched against the file name.
(dolist (entry '(("\\(?:\\`\\|/\\)requirements[^/]*\\.\\(?:txt\\|in\\)\\'" . "pip-requirements")
                 ("\\(?:\\`\\|/\\)\\(?:pyproject\\.toml\\|poetry\\.lock\\|uv\\.lock\\|pylock\\(?:\\.[^/]+\\)?\\.toml\\)\\'" . "toml")
                 ("\\(?:\\`\\|/\\)Pipfile\\.lock\\'" . "json")))
  (add-to-list 'lsp-language-id-configuration entry))

(defun pysec-lsp--activate-p (file-name mode)
  "Whether pysec serves the buffer of FILE-NAME in MODE: Python, or a manifest."
  (or (pysec-manifest-p file-name)
      (funcall (lsp-activate-on "python") file-name mode)))

(defun pysec-lsp-manifest-hook ()
  "Start lsp-mode in a manifest's buffer (for `find-file-hook')."
  (when (pysec-manifest-p buffer-file-name)
    (lsp-deferred)))

(lsp-register-client
 (make-lsp-client
  :new-connection (lsp-stdio-connection
                   (lambda () pysec-lsp-command)
                   (lambda () (executable-find (car pysec-lsp-command))))
  :activation-fn #'pysec-lsp--activate-p
  :server-id 'pysec
  :add-on? t
  :initialization-options (lambda () pysec-lsp-initialization-options)
  ;; Send the "pysec.…" custom settings once connected (lsp-mode answers
  ;; workspace/configuration with them too).
  :initialized-fn (lambda (workspace)
                    (with-lsp-workspace workspace
                      (lsp--set-configuration (lsp-configuration-section "pysec"))))))

(provide 'pysec-lsp-mode)
;;; pysec-lsp-mode.el ends here
