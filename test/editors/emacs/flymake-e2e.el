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

;; As the README says: on in every Python buffer.
(add-hook 'python-mode-hook #'pysec-flymake-setup)

;; The user's main server in Eglot, when PYSEC_E2E_MAIN_CMD names one (a
;; stand-in for pyright: test/editors/stub-server.mjs main).
(defvar pysec-e2e-main-command
  (let ((main (getenv "PYSEC_E2E_MAIN_CMD")))
    (and main (not (string-empty-p main))
         (append (json-parse-string main :array-type 'list) nil))))

(defun pysec-e2e-flymake-eglot ()
  "Flymake diagnostics of the buffer that came from Eglot's server."
  (cl-loop for d in (flymake-diagnostics)
           unless (eq (flymake-diagnostic-backend d) #'pysec-flymake)
           collect d))

(defun pysec-e2e-flymake-ours ()
  "Flymake diagnostics of the pysec backend for the rule."
  (cl-loop for d in (flymake-diagnostics)
           when (and (eq (flymake-diagnostic-backend d) #'pysec-flymake)
                     (string-prefix-p (concat pysec-e2e-rule " ") (flymake-diagnostic-text d)))
           collect d))

(pysec-e2e-run
 (lambda ()
   (find-file pysec-e2e-file)
   (when pysec-e2e-main-command
     (require 'eglot)
     (let ((eglot-server-programs `((python-mode . ,pysec-e2e-main-command))))
       (apply #'eglot (eglot--guess-contact)))
     (pysec-e2e-wait (lambda () (eglot-current-server)) "the main server did not start"))
   (pysec-e2e-put 'backends (vconcat (mapcar #'symbol-name (remq t flymake-diagnostic-functions))))
   (flymake-start)
   (let ((before (pysec-e2e-wait #'pysec-e2e-flymake-ours "no diagnostics" pysec-e2e-diagnostics-timeout)))
     (pysec-e2e-put 'before (vconcat (mapcar (lambda (d)
                                               `((line . ,(line-number-at-pos (flymake-diagnostic-beg d)))
                                                 (text . ,(buffer-substring-no-properties (flymake-diagnostic-beg d) (flymake-diagnostic-end d)))
                                                 (type . ,(symbol-name (flymake-diagnostic-type d)))
                                                 (message . ,(flymake-diagnostic-text d))))
                                             before)))
     (when pysec-e2e-main-command
       (pysec-e2e-put 'main (vconcat (mapcar #'flymake-diagnostic-text
                                             (pysec-e2e-wait #'pysec-e2e-flymake-eglot "no diagnostics from the main server")))))
     (goto-char (flymake-diagnostic-beg (car before)))
     (end-of-line)
     (insert "  # nosec B307  # reviewed")
     (pysec-e2e-put 'modified (if (buffer-modified-p) t :json-false))
     (flymake-start)
     (pysec-e2e-wait (lambda () (null (pysec-e2e-flymake-ours))) "diagnostic still there after the comment")
     (when pysec-e2e-main-command
       (pysec-e2e-put 'main-after (vconcat (mapcar #'flymake-diagnostic-text (pysec-e2e-flymake-eglot)))))
     (pysec-e2e-put 'text (buffer-substring-no-properties (point-min) (point-max)))
     (pysec-e2e-put 'temp-left (vconcat (file-expand-wildcards (expand-file-name "pysec-flymake-*" temporary-file-directory)))))))

;;; flymake-e2e.el ends here
