;;; e2e-common.el --- shared by the Emacs end-to-end drivers  -*- lexical-binding: t; -*-

;; Run by test/editors/emacs.test.ts in `emacs --batch -Q'.  Everything
;; comes from the environment: PYSEC_E2E_SETUP_DIR (editors/emacs),
;; PYSEC_E2E_CMD (the server command, a JSON array), PYSEC_E2E_FILE (the
;; Python file), PYSEC_E2E_OUT (where the result JSON goes), PYSEC_E2E_RULE,
;; PYSEC_E2E_TITLE, PYSEC_E2E_TIMEOUT_MS (each wait),
;; PYSEC_E2E_DIAGNOSTICS_TIMEOUT_MS (the wait for the first diagnostics).  A driver calls `pysec-e2e-run'
;; with its steps; a failing step writes `error' and stops.

;;; Code:

(require 'cl-lib)
(require 'json)
(require 'subr-x)

;; The Debian packages (elpa-eglot, elpa-lsp-mode and what they need), as
;; `package-initialize' would find them, without reading any user config.
(dolist (dir (file-expand-wildcards "/usr/share/emacs/site-lisp/elpa/*"))
  (when (file-directory-p dir) (add-to-list 'load-path dir)))

(defvar pysec-e2e-setup-dir (getenv "PYSEC_E2E_SETUP_DIR"))
(defvar pysec-e2e-command (append (json-parse-string (getenv "PYSEC_E2E_CMD") :array-type 'list) nil))
(defvar pysec-e2e-file (getenv "PYSEC_E2E_FILE"))
(defvar pysec-e2e-out (getenv "PYSEC_E2E_OUT"))
(defvar pysec-e2e-rule (or (getenv "PYSEC_E2E_RULE") "B307"))
(defvar pysec-e2e-title (or (getenv "PYSEC_E2E_TITLE") (format "pysec: suppress %s on this line" pysec-e2e-rule)))
(defvar pysec-e2e-timeout (/ (string-to-number (or (getenv "PYSEC_E2E_TIMEOUT_MS") "30000")) 1000.0))
(defvar pysec-e2e-diagnostics-timeout
  (let ((ms (getenv "PYSEC_E2E_DIAGNOSTICS_TIMEOUT_MS")))
    (if (and ms (not (string-empty-p ms))) (/ (string-to-number ms) 1000.0) pysec-e2e-timeout))
  "The wait for the first diagnostics (shorter for a server known to publish nothing).")

(defvar pysec-e2e-result nil "An alist, written as JSON at the end.")

(add-to-list 'load-path pysec-e2e-setup-dir)

(defun pysec-e2e-put (key value)
  "Record KEY = VALUE in the result."
  (setq pysec-e2e-result (cons (cons key value) (assq-delete-all key pysec-e2e-result))))

(defun pysec-e2e-finish ()
  "Write the result and leave Emacs."
  (pysec-e2e-put 'emacs emacs-version)
  (with-temp-file pysec-e2e-out
    (insert (json-encode pysec-e2e-result)))
  (kill-emacs 0))

(define-error 'pysec-e2e-failed "End-to-end step failed")

(defun pysec-e2e-fail (message)
  "Stop with MESSAGE as the result's error."
  (signal 'pysec-e2e-failed (list message)))

(defun pysec-e2e-wait (predicate message &optional timeout)
  "Process events until PREDICATE returns non-nil; fail with MESSAGE after TIMEOUT.
TIMEOUT defaults to `pysec-e2e-timeout'.  Returns PREDICATE's value."
  (let ((deadline (+ (float-time) (or timeout pysec-e2e-timeout)))
        value)
    (while (and (not (setq value (funcall predicate)))
                (< (float-time) deadline))
      (accept-process-output nil 0.05)
      ;; What an interactive Emacs does when idle: run the idle timers
      ;; (Eglot sends didChange and Flymake starts from them).
      (pysec-e2e--run-idle-timers))
    (or value (pysec-e2e-fail message))))

(defun pysec-e2e--run-idle-timers ()
  "Run the idle timers that are due, as the command loop would."
  (dolist (timer (copy-sequence timer-idle-list))
    (when (and (memq timer timer-idle-list) (not (timer--triggered timer)))
      (timer-event-handler timer))))

(defun pysec-e2e-run (steps)
  "Run STEPS (a function), write the result, exit."
  (condition-case err
      (funcall steps)
    (pysec-e2e-failed (pysec-e2e-put 'error (cadr err)))
    (error (pysec-e2e-put 'error (format "driver error: %S" err))))
  (pysec-e2e-finish))

(provide 'e2e-common)
;;; e2e-common.el ends here
