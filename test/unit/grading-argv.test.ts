/**
 * B603, B606 and B607 (a program started without a shell) graded by what
 * reaches its argv, end to end (the real flow layer, grading/argv.ts):
 * request data choosing the program is Critical, request data among its
 * arguments High, a constant argv Low. The findings themselves are
 * bandit's: same ids, same lines, with or without the path; only `risk`,
 * `reach` and `flow` change.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { checkText } from '../../server/src/batch/file.js';
import { Engine } from '../../server/src/engine/engine.js';

let engine: Engine;
beforeAll(async () => {
  engine = await Engine.load();
});

const HEAD = 'import os\nimport shlex\nimport subprocess\nimport sys\nfrom flask import Flask, request\n\napp = Flask(__name__)\n\n\n@app.route("/x")\ndef view():\n';

/** The argv findings of one statement in a Flask view: rule, risk, reach, the path's first and last notes. */
function graded(body: string, head = HEAD) {
  const text = head + body.split('\n').map((l) => `    ${l}`).join('\n') + '\n';
  const r = checkText(engine, '/app/views.py', text);
  return r.findings
    .filter((f) => ['B603', 'B606', 'B607'].includes(f.rule))
    .map((f) => [f.rule, r.doc.positionAt(f.range.start).line + 1, f.risk, f.reach ?? null, f.flow ? [f.flow[0].note, f.flow[f.flow.length - 1].note] : null]);
}

const LINE = HEAD.split('\n').length;

describe('argv graded by what reaches it', () => {
  it('request data as an argument: High, with the path from the request to the call', () => {
    expect(graded('subprocess.run(["/usr/bin/git", "log", request.args["ref"]])')).toEqual([
      ['B603', LINE, 'High', 'untrusted', ["request.args[\"ref\"] (query parameter 'ref')", 'reaches subprocess.run()']],
    ]);
  });

  it('request data as the program: Critical, through a name bound to the list too', () => {
    expect(graded('subprocess.run([request.args["prog"], "--version"])')).toEqual([
      ['B603', LINE, 'Critical', 'untrusted', ["request.args[\"prog\"] (query parameter 'prog')", 'reaches subprocess.run()']],
    ]);
    expect(graded('cmd = [request.form["p"], "-x"]\nsubprocess.run(cmd)')).toEqual([['B603', LINE + 1, 'Critical', 'untrusted', ["request.form[\"p\"] (form field 'p')", 'reaches subprocess.run()']]]);
    expect(graded('cmd = ["/usr/bin/git", "log", request.form["p"]]\nsubprocess.run(cmd)')).toEqual([['B603', LINE + 1, 'High', 'untrusted', ["request.form[\"p\"] (form field 'p')", 'reaches subprocess.run()']]]);
    // A string argv without a shell is the program itself.
    expect(graded('subprocess.run(request.args["prog"])')).toEqual([['B603', LINE, 'Critical', 'untrusted', ["request.args[\"prog\"] (query parameter 'prog')", 'reaches subprocess.run()']]]);
  });

  it('a constant argv, or one cleaned for every sink, is Low without a path', () => {
    expect(graded('subprocess.run(["/usr/bin/git", "status"])')).toEqual([['B603', LINE, 'Low', 'constant', null]]);
    expect(graded('subprocess.run(["/usr/bin/git", "log", "-n", str(int(request.args["n"]))])')).toEqual([['B603', LINE, 'Low', 'sanitised', null]]);
  });

  it('shlex.quote cleans a shell string, not an argv element: "--upload-pack=x" passes it unchanged', () => {
    expect(graded('subprocess.run(["/usr/bin/git", "fetch", shlex.quote(request.args["remote"])])')).toEqual([
      ['B603', LINE, 'High', 'untrusted', ["request.args[\"remote\"] (query parameter 'remote')", 'reaches subprocess.run()']],
    ]);
  });

  it('B607 (a partial path) and B603 on the same call: both graded by the same argv', () => {
    expect(graded('subprocess.run(["git", "log", request.args["ref"]])')).toEqual([
      ['B603', LINE, 'High', 'untrusted', ["request.args[\"ref\"] (query parameter 'ref')", 'reaches subprocess.run()']],
      ['B607', LINE, 'High', 'untrusted', ["request.args[\"ref\"] (query parameter 'ref')", 'reaches subprocess.run()']],
    ]);
    expect(graded('subprocess.run(["git", "status"])')).toEqual([
      ['B603', LINE, 'Low', 'constant', null],
      ['B607', LINE, 'Low', 'constant', null],
    ]);
  });

  it('os.exec*/os.spawn* (B606): the program is the path argument (after the mode for spawn*)', () => {
    expect(graded('os.execv(request.args["p"], ["x"])')).toEqual([['B606', LINE, 'Critical', 'untrusted', ["request.args[\"p\"] (query parameter 'p')", 'reaches os.execv()']]]);
    expect(graded('os.execv("/bin/ls", ["ls", request.args["d"]])')).toEqual([['B606', LINE, 'High', 'untrusted', ["request.args[\"d\"] (query parameter 'd')", 'reaches os.execv()']]]);
    expect(graded('os.spawnl(0, request.args["p"], "x")')).toEqual([['B606', LINE, 'Critical', 'untrusted', ["request.args[\"p\"] (query parameter 'p')", 'reaches os.spawnl()']]]);
    expect(graded('os.spawnl(0, "/bin/ls", "ls", request.args["d"])')).toEqual([['B606', LINE, 'High', 'untrusted', ["request.args[\"d\"] (query parameter 'd')", 'reaches os.spawnl()']]]);
    expect(graded('os.execv("/bin/ls", ["ls", "-l"])')).toEqual([['B606', LINE, 'Low', 'constant', null]]);
  });

  it('operator input (sys.argv) outside a request: High as the program, Medium as an argument', () => {
    const script = 'import subprocess\nimport sys\n\n\ndef main():\n';
    expect(graded('subprocess.run([sys.argv[1]])', script)).toEqual([['B603', 6, 'High', 'untrusted', expect.any(Array)]]);
    expect(graded('subprocess.run(["/usr/bin/git", sys.argv[1]])', script)).toEqual([['B603', 6, 'Medium', 'untrusted', expect.any(Array)]]);
  });
});
