;;; flymake-e2e.el --- Flymake backend end-to-end driver  -*- lexical-binding: t; -*-

;; emacs --batch -Q -l e2e-common.el -l flymake-e2e.el
;; PYSEC_E2E_CMD is the `pysec-lsp check' command here.  Loads
;; editors/emacs/pysec-flymake.el as a user would, waits for the B307
;; finding on the saved file, then writes the suppression comment without
;; saving (the backend checks a private copy of the text) and waits for the
;; finding to go.

;;; Code:

(require 'e2e-common)
(require 'python)
(require 'pysec-flymake)

(setq pysec-flymake-command pysec-e2e-command)

(defun pysec-e2e-flymake-ours ()
  "Flymake diagnostics of the pysec backend for the rule."
  (cl-loop for d in (flymake-diagnostics)
           when (and (eq (flymake-diagnostic-backend d) #'pysec-flymake)
                     (string-prefix-p (concat pysec-e2e-rule " ") (flymake-diagnostic-text d)))
           collect d))

(pysec-e2e-run
 (lambda ()
   (find-file pysec-e2e-file)
   (pysec-flymake-setup)
   (flymake-start)
   (let ((before (pysec-e2e-wait #'pysec-e2e-flymake-ours "no diagnostics" pysec-e2e-diagnostics-timeout)))
     (pysec-e2e-put 'before (vconcat (mapcar (lambda (d)
                                               `((line . ,(line-number-at-pos (flymake-diagnostic-beg d)))
                                                 (text . ,(buffer-substring-no-properties (flymake-diagnostic-beg d) (flymake-diagnostic-end d)))
                                                 (type . ,(symbol-name (flymake-diagnostic-type d)))
                                                 (message . ,(flymake-diagnostic-text d))))
                                             before)))
     (goto-char (flymake-diagnostic-beg (car before)))
     (end-of-line)
     (insert "  # nosec B307  # reviewed")
     (pysec-e2e-put 'modified (if (buffer-modified-p) t :json-false))
     (flymake-start)
     (pysec-e2e-wait (lambda () (null (pysec-e2e-flymake-ours))) "diagnostic still there after the comment")
     (pysec-e2e-put 'text (buffer-substring-no-properties (point-min) (point-max)))
     (pysec-e2e-put 'temp-left (vconcat (file-expand-wildcards (expand-file-name "pysec-flymake-*" temporary-file-directory)))))))

;;; flymake-e2e.el ends here
