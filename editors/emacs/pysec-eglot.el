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

;;; Code:

(require 'eglot)

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

(provide 'pysec-eglot)
;;; pysec-eglot.el ends here
