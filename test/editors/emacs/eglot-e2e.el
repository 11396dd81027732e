;;; eglot-e2e.el --- Eglot end-to-end driver  -*- lexical-binding: t; -*-

;; emacs --batch -Q -l e2e-common.el -l eglot-e2e.el
;; Loads editors/emacs/pysec-eglot.el as a user would, opens the file,
;; starts Eglot, waits for the pysec diagnostic in Flymake, applies the
;; suppress code action and waits for the diagnostic to go.

;;; Code:

(require 'e2e-common)
(require 'eglot)
(require 'pysec-eglot)
(require 'python)

(setq pysec-eglot-command
      (append pysec-e2e-command '(:initializationOptions (:bandit (:enabled :json-false)))))

(defun pysec-e2e-eglot-ours ()
  "Flymake's diagnostics of the buffer that Eglot got from pysec for the rule."
  (cl-loop for d in (flymake-diagnostics)
           for lsp = (cdr (assoc 'eglot-lsp-diag (eglot--diag-data d)))
           when (and lsp (equal (plist-get lsp :source) "pysec")
                     (equal (plist-get lsp :code) pysec-e2e-rule))
           collect d))

(defun pysec-e2e-eglot-codes ()
  "The codes of every pysec diagnostic Flymake shows."
  (vconcat (cl-loop for d in (flymake-diagnostics)
                    for lsp = (cdr (assoc 'eglot-lsp-diag (eglot--diag-data d)))
                    when (and lsp (equal (plist-get lsp :source) "pysec"))
                    collect (plist-get lsp :code))))

(defun pysec-e2e-describe (diags)
  "DIAGS as JSON-able alists."
  (mapcar (lambda (d)
            `((line . ,(line-number-at-pos (flymake-diagnostic-beg d)))
              (text . ,(flymake-diagnostic-text d))))
          diags))

(pysec-e2e-run
 (lambda ()
   (find-file pysec-e2e-file)
   (pysec-e2e-put 'mode (symbol-name major-mode))
   (pysec-e2e-put 'contact (format "%S" (nth 3 (eglot--guess-contact))))
   (apply #'eglot (eglot--guess-contact))
   (pysec-e2e-wait (lambda () (eglot-current-server)) "no server started")
   (flymake-start)
   (let* ((before (pysec-e2e-wait #'pysec-e2e-eglot-ours "no diagnostics" pysec-e2e-diagnostics-timeout))
          (d (car before))
          (_ (pysec-e2e-put 'before (pysec-e2e-describe before)))
          (actions (eglot-code-actions (flymake-diagnostic-beg d) (flymake-diagnostic-end d)))
          (action (cl-find pysec-e2e-title actions
                           :key (lambda (a) (plist-get a :title)) :test #'equal)))
     (pysec-e2e-put 'actions (vconcat (mapcar (lambda (a) (plist-get a :title)) actions)))
     (unless action (pysec-e2e-fail (format "no action titled %s" pysec-e2e-title)))
     (eglot--apply-workspace-edit (plist-get action :edit))
     (pysec-e2e-put 'text (buffer-substring-no-properties (point-min) (point-max)))
     (pysec-e2e-wait (lambda () (null (pysec-e2e-eglot-ours))) "diagnostic still there after the action")
     (pysec-e2e-put 'after (pysec-e2e-eglot-codes)))))

;;; eglot-e2e.el ends here
