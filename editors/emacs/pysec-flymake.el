;;; pysec-flymake.el --- pysec-lsp findings in Flymake, from `pysec-lsp check'  -*- lexical-binding: t; -*-

;; For Eglot users who keep Eglot on their main Python server (Eglot runs
;; one server a buffer): a Flymake backend that runs `pysec-lsp check
;; --format json' and shows its findings beside Eglot's diagnostics.
;;
;;   (add-to-list 'load-path "/path/to/pysec-lsp/editors/emacs")
;;   (require 'pysec-flymake)
;;   (add-hook 'python-mode-hook #'pysec-flymake-setup)
;;
;; Eglot resets `flymake-diagnostic-functions' when it takes a buffer
;; over, so `pysec-flymake-setup' also re-adds the backend from
;; `eglot-managed-mode-hook'.
;;
;; A saved buffer is checked in place (so the project's bandit
;; configuration applies); a modified one through a copy of its text in a
;; private temporary folder, removed after the run.  There are no code
;; actions here: write `# nosec B307  # why' by hand, or use pysec-lsp as a
;; server (pysec-eglot.el, pysec-lsp-mode.el).

;;; Code:

(require 'cl-lib)
(require 'flymake)
(require 'json)

(defgroup pysec-flymake nil
  "pysec-lsp findings in Flymake."
  :group 'flymake
  :prefix "pysec-flymake-")

(defcustom pysec-flymake-command '("pysec-lsp" "check")
  "The `pysec-lsp check' command, a list: program and arguments.
\"--format json\" and the file are appended.  For a checkout that is not
on PATH: (\"node\" \"/path/to/pysec-lsp/dist/cli.js\" \"check\").
Add \"--no-bandit\" to run the as-you-type rules only."
  :type '(repeat string))

(defcustom pysec-flymake-root-markers '("pyproject.toml" "setup.cfg" "setup.py" ".bandit" ".git")
  "Files that mark a project root: the check runs there (bandit in its .venv)."
  :type '(repeat string))

(defvar-local pysec-flymake--process nil
  "The check running for this buffer, if any.")

(defvar-local pysec-flymake--wanted nil
  "Non-nil where `pysec-flymake-setup' ran.
There the backend is re-added after Eglot takes the buffer over.")

(defun pysec-flymake--root ()
  "The project root of the current buffer, else its folder."
  (or (cl-some (lambda (marker) (locate-dominating-file default-directory marker))
               pysec-flymake-root-markers)
      default-directory))

(defun pysec-flymake--position (line column)
  "The buffer position of 1-based LINE and COLUMN (code points), clamped."
  (save-excursion
    (save-restriction
      (widen)
      (goto-char (point-min))
      (forward-line (1- line))
      (min (+ (point) (max 0 (1- column))) (line-end-position)))))

(defun pysec-flymake--type (severity)
  "The Flymake type of a bandit SEVERITY."
  (pcase severity ("HIGH" :error) ("MEDIUM" :warning) (_ :note)))

(defun pysec-flymake--diagnostics (source output)
  "Flymake diagnostics for SOURCE from `check --format json' OUTPUT."
  (let ((report (json-parse-string output :object-type 'plist :array-type 'list
                                   :null-object nil :false-object nil)))
    (with-current-buffer source
      (cl-loop for f in (plist-get report :findings)
               unless (plist-get f :suppressed)
               collect
               (let* ((beg (pysec-flymake--position (plist-get f :line) (plist-get f :column)))
                      (end (pysec-flymake--position (plist-get f :endLine) (plist-get f :endColumn))))
                 (flymake-make-diagnostic
                  source beg (if (> end beg) end (min (1+ beg) (point-max)))
                  (pysec-flymake--type (plist-get f :severity))
                  (format "%s [%s/%s] %s (pysec)" (plist-get f :rule) (plist-get f :severity)
                          (plist-get f :confidence) (plist-get f :message))))))))

(defun pysec-flymake (report-fn &rest _args)
  "Flymake backend: `pysec-lsp check' on the buffer, results to REPORT-FN."
  (when (process-live-p pysec-flymake--process)
    (kill-process pysec-flymake--process))
  (let* ((source (current-buffer))
         (in-place (and buffer-file-name (not (buffer-modified-p)) (file-exists-p buffer-file-name)))
         (tmpdir (unless in-place (with-file-modes #o700 (make-temp-file "pysec-flymake-" t))))
         (file (if in-place
                   buffer-file-name
                 (expand-file-name (file-name-nondirectory (or buffer-file-name "buffer.py")) tmpdir)))
         (default-directory (pysec-flymake--root))
         (output (generate-new-buffer " *pysec-flymake*")))
    (unless in-place
      (save-restriction
        (widen)
        (let ((coding-system-for-write 'utf-8-unix))
          (write-region (point-min) (point-max) file nil 'silent))))
    (setq pysec-flymake--process
          (make-process
           :name "pysec-flymake"
           :buffer output
           :command (append pysec-flymake-command (list "--format" "json" file))
           :connection-type 'pipe
           :coding 'utf-8-unix
           :noquery t
           :stderr (get-buffer-create " *pysec-flymake stderr*")
           :sentinel
           (lambda (proc _event)
             (unless (process-live-p proc)
               (unwind-protect
                   (when (and (buffer-live-p source)
                              (eq proc (buffer-local-value 'pysec-flymake--process source)))
                     (if (and (eq (process-status proc) 'exit) (memq (process-exit-status proc) '(0 1)))
                         (funcall report-fn
                                  (pysec-flymake--diagnostics
                                   source (with-current-buffer output (buffer-string))))
                       (funcall report-fn :panic
                                :explanation (format "pysec-lsp check failed (%s %s)"
                                                     (process-status proc) (process-exit-status proc)))))
                 (kill-buffer output)
                 (when tmpdir (delete-directory tmpdir t)))))))))

;;;###autoload
(defun pysec-flymake-setup ()
  "Add the pysec backend to Flymake in this buffer and turn Flymake on."
  (setq pysec-flymake--wanted t)
  (add-hook 'flymake-diagnostic-functions #'pysec-flymake nil t)
  (flymake-mode 1))

(defun pysec-flymake--after-eglot ()
  "Put the backend back where Eglot replaced Flymake's backends with its own."
  (when pysec-flymake--wanted
    (add-hook 'flymake-diagnostic-functions #'pysec-flymake nil t)))

(add-hook 'eglot-managed-mode-hook #'pysec-flymake--after-eglot)

(provide 'pysec-flymake)
;;; pysec-flymake.el ends here
