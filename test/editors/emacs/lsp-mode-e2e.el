;;; lsp-mode-e2e.el --- lsp-mode end-to-end driver  -*- lexical-binding: t; -*-

;; emacs --batch -Q -l e2e-common.el -l lsp-mode-e2e.el
;; Loads editors/emacs/pysec-lsp-mode.el as a user would, opens the file,
;; starts lsp-mode, waits for the pysec diagnostic, applies the suppress
;; code action and waits for the diagnostic to go.

;;; Code:

(require 'e2e-common)
(require 'python)

(setq lsp-session-file (expand-file-name "lsp-session" (getenv "HOME"))
      lsp-auto-guess-root nil
      lsp-enable-file-watchers nil
      lsp-restart 'ignore
      lsp-keep-workspace-alive nil
      lsp-enable-snippet nil
      lsp-headerline-breadcrumb-enable nil
      lsp-modeline-code-actions-enable nil
      lsp-modeline-diagnostics-enable nil
      lsp-modeline-workspace-status-enable nil
      lsp-lens-enable nil
      lsp-log-io nil)

(require 'lsp-mode)
(require 'pysec-lsp-mode)

(setq pysec-lsp-command pysec-e2e-command
      pysec-lsp-initialization-options '(:bandit (:enabled :json-false)))

;; The user's main Python server beside it, when PYSEC_E2E_MAIN_CMD names
;; one (a stand-in for pyright: test/editors/stub-server.mjs main).
(let ((main (getenv "PYSEC_E2E_MAIN_CMD")))
  (when (and main (not (string-empty-p main)))
    (let ((command (append (json-parse-string main :array-type 'list) nil)))
      (lsp-register-client
       (make-lsp-client :new-connection (lsp-stdio-connection command)
                        :activation-fn (lsp-activate-on "python")
                        :priority 10
                        :server-id 'stub-main)))))

(defun pysec-e2e-lsp-diagnostics ()
  "The LSP diagnostics lsp-mode holds for the buffer's file, every server's."
  (append (lsp--get-buffer-diagnostics) nil))

(defun pysec-e2e-lsp-ours ()
  "The pysec diagnostics of the rule."
  (cl-loop for d in (pysec-e2e-lsp-diagnostics)
           when (and (equal (lsp:diagnostic-source? d) "pysec")
                     (equal (lsp:diagnostic-code? d) pysec-e2e-rule))
           collect d))

(defun pysec-e2e-lsp-codes ()
  "SOURCE:CODE of every diagnostic, sorted."
  (vconcat (sort (cl-loop for d in (pysec-e2e-lsp-diagnostics)
                          collect (format "%s:%s" (lsp:diagnostic-source? d) (lsp:diagnostic-code? d)))
                 #'string<)))

(pysec-e2e-run
 (lambda ()
   (find-file pysec-e2e-file)
   (pysec-e2e-put 'mode (symbol-name major-mode))
   ;; The project root a user would import at lsp-mode's first prompt.
   (lsp-workspace-folders-add (file-name-directory pysec-e2e-file))
   (lsp)
   (pysec-e2e-wait (lambda () (lsp-workspaces)) "no server started")
   (let* ((before (pysec-e2e-wait #'pysec-e2e-lsp-ours "no diagnostics" pysec-e2e-diagnostics-timeout))
          (d (car before))
          (line (lsp:position-line (lsp:range-start (lsp:diagnostic-range d)))))
     (pysec-e2e-put 'before (vconcat (mapcar (lambda (d) `((line . ,(1+ line)) (message . ,(lsp:diagnostic-message d)))) before)))
     (pysec-e2e-put 'servers (vconcat (sort (mapcar (lambda (w) (symbol-name (lsp--client-server-id (lsp--workspace-client w))))
                                                    (lsp-workspaces))
                                            #'string<)))
     (goto-char (point-min))
     (forward-line line)
     (pysec-e2e-put 'context (vconcat (sort (mapcar #'lsp:diagnostic-source? (lsp-cur-line-diagnostics)) #'string<)))
     (let* ((actions (append (lsp-code-actions-at-point) nil))
            (action (cl-find pysec-e2e-title actions :key #'lsp:code-action-title :test #'equal)))
       (pysec-e2e-put 'actions (vconcat (mapcar #'lsp:code-action-title actions)))
       (unless action (pysec-e2e-fail (format "no action titled %s" pysec-e2e-title)))
       (lsp-execute-code-action action)
       (pysec-e2e-put 'text (buffer-substring-no-properties (point-min) (point-max)))
       (pysec-e2e-wait (lambda () (null (pysec-e2e-lsp-ours))) "diagnostic still there after the action")
       (pysec-e2e-put 'after (pysec-e2e-lsp-codes))))))

;;; lsp-mode-e2e.el ends here
