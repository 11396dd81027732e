/**
 * The two-module app the cross-file attack-path tests share (check and
 * LSP): a Flask view hands request data to `helpers.build`, whose result
 * runs with `shell=True`; `QUOTING` is the helper that quotes it (Low).
 */
export const APP = [
  'import subprocess',
  'from flask import Flask, request',
  'import helpers',
  '',
  'app = Flask(__name__)',
  '',
  '@app.route("/list")',
  'def listing():',
  '    cmd = helpers.build(request.args["dir"])',
  '    subprocess.run(cmd, shell=True)',
  '    return "ok"',
  '',
].join('\n');

export const HELPERS = ['def build(arg):', '    return "ls " + arg', ''].join('\n');
export const QUOTING = ['import shlex', '', 'def build(arg):', '    return "ls " + shlex.quote(arg)', ''].join('\n');
