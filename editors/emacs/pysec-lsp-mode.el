;;; pysec-lsp-mode.el --- pysec-lsp as an lsp-mode add-on server  -*- lexical-binding: t; -*-

;; Registers pysec-lsp with lsp-mode as an add-on (`:add-on? t'): it runs
;; beside the main Python server lsp-mode picks (pyright, basedpyright,
;; pylsp, ruff…), each buffer talking to both.  Load it after lsp-mode:
;;
;;   (add-to-list 'load-path "/path/to/pysec-lsp/editors/emacs")
;;   (with-eval-after-load 'lsp-mode (require 'pysec-lsp-mode))
;;   (add-hook 'python-mode-hook #'lsp-deferred)

;;; Code:

(require 'lsp-mode)

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

(lsp-register-client
 (make-lsp-client
  :new-connection (lsp-stdio-connection
                   (lambda () pysec-lsp-command)
                   (lambda () (executable-find (car pysec-lsp-command))))
  :activation-fn (lsp-activate-on "python")
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
