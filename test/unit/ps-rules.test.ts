/**
 * The PS rules (beyond bandit) as a family: every one has fixtures that show
 * what it flags and what it must not flag, and none repeats a bandit finding
 * of the same meaning on the same line (the `silentWhen` ids it declares),
 * in any fixture. Also `silentWhen` itself: validation and behaviour (same
 * line and overlapping matched nodes only; a silencer that is turned off
 * still silences).
 */
import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { checkText } from '../../server/src/batch/file.js';
import { PythonDocument } from '../../server/src/documents/document.js';
import { Engine } from '../../server/src/engine/engine.js';
import { loadPython } from '../../server/src/engine/grammar.js';
import { ruleSelection, type Rule } from '../../server/src/engine/rule.js';
import { RuleSet, silentWhen } from '../../server/src/engine/ruleset.js';
import { secretName } from '../../server/src/engine/checks/support/secrets.js';
import { fixtureExpectations } from '../lsp/expect.js';
import { fixtureFiles, fixtureName, fixtureRule } from '../support/fixtures.js';

let engine: Engine;

beforeAll(async () => {
  engine = await Engine.load();
});

// The dependency audit's rules (PS6xx, kind "dependency") read manifests, not Python: their fixtures are test/fixtures/audit/ (test/cli/audit.test.ts).
const psRules = () => engine.ruleset.rules.filter((r) => r.id.startsWith('PS') && r.kind !== 'dependency');

/** Rule ids by 1-based line, all findings (suppressed ones too: a `# nosec B324` must not bring PS201 back). */
function findingsByLine(path: string, text: string): Map<number, string[]> {
  const r = checkText(engine, path, text);
  const out = new Map<number, string[]>();
  for (const f of r.findings) {
    const line = r.doc.positionAt(f.range.start).line + 1;
    out.set(line, [...(out.get(line) ?? []), f.rule]);
  }
  return out;
}

describe('PS rules: fixtures', () => {
  it('every PS rule has fixture lines it must flag and code lines it must not flag', () => {
    const missing: string[] = [];
    for (const rule of psRules()) {
      const files = fixtureFiles().filter((f) => fixtureRule(f) === rule.id);
      let flagged = 0;
      let clean = 0;
      for (const f of files) {
        const text = readFileSync(f, 'utf8');
        const expected = new Set(fixtureExpectations(text).map((e) => e.line));
        flagged += fixtureExpectations(text).filter((e) => e.rule === rule.id).length;
        text.split(/\r?\n/).forEach((l, i) => {
          const code = l.trim();
          // A line of code: not blank, not a comment, not an import, a def/class header, a decorator or a docstring.
          if (!code || /^(#|import |from |def |async def |class |@|"""|'''|return$|pass$|\)|\]|\})/.test(code)) return;
          if (!expected.has(i)) clean++;
        });
      }
      if (flagged === 0 || clean < 3) missing.push(`${rule.id}: ${flagged} must-flag, ${clean} must-not-flag lines`);
    }
    expect(missing).toEqual([]);
  });

  it('no fixture line carries a PS finding and a bandit finding its rule declared silentWhen', () => {
    const clashes: string[] = [];
    let checked = 0;
    for (const f of fixtureFiles()) {
      for (const [line, rules] of findingsByLine(f, readFileSync(f, 'utf8'))) {
        for (const id of rules) {
          const silencers = engine.ruleset.silencedBy.get(id);
          if (!silencers) continue;
          checked++;
          for (const other of rules) if (silencers.has(other)) clashes.push(`${fixtureName(f)}:${line} ${id} with ${other}`);
        }
      }
    }
    expect(clashes).toEqual([]);
    expect(checked).toBeGreaterThan(0);
  });

  it('the fixtures show each silentWhen pair at work: the bandit rule reports, the PS rule is silent', () => {
    const shown = new Set<string>();
    for (const f of fixtureFiles()) {
      const rule = fixtureRule(f);
      const silencers = rule ? engine.ruleset.silencedBy.get(rule) : undefined;
      if (!silencers) continue;
      for (const e of fixtureExpectations(readFileSync(f, 'utf8'))) if (silencers.has(e.rule)) shown.add(`${rule}:${e.rule}`);
    }
    // B303 is listed for older hashlib spellings bandit may report; the rest have a fixture line each.
    expect([...shown].sort()).toEqual(['PS201:B324', 'PS506:B201', 'PS801:B202']);
  });
});

describe('silentWhen', () => {
  it('is read from the rules', () => {
    expect(silentWhen(engine.ruleset.byId.get('PS201')!)).toEqual(['B324', 'B303']);
    expect([...engine.ruleset.silencedBy.keys()].sort()).toEqual(['PS201', 'PS506', 'PS801']);
    expect([...engine.ruleset.silencers].sort()).toEqual(['B201', 'B202', 'B303', 'B324']);
  });

  it('takes bandit ids only, on PS rules only', async () => {
    const language = await loadPython();
    const base: Rule = { ...engine.ruleset.byId.get('PS201')!, params: {} };
    const make = (patch: Partial<Rule>) => new RuleSet(language, [{ ...base, ...patch }]);
    expect(() => make({ params: { silentWhen: ['B324'] } })).not.toThrow();
    expect(() => make({ params: { silentWhen: 'B324' } })).toThrow(/silentWhen/);
    expect(() => make({ params: { silentWhen: ['PS501'] } })).toThrow(/silentWhen/);
    expect(() => make({ id: 'B999', params: { silentWhen: ['B324'] } })).toThrow(/silentWhen/);
  });

  const rulesOn = (text: string, enabled?: (r: Rule) => boolean) => {
    const tree = engine.parser.parse(text)!;
    try {
      const analysis = engine.analysis('/virtual/silent.py', enabled && ruleSelection(enabled));
      analysis.full(tree);
      return analysis.findings.map((f) => f.rule).sort();
    } finally {
      tree.delete();
    }
  };

  it('drops the PS finding where the bandit rule reports on the same node', () => {
    expect(rulesOn('import hashlib\nhashlib.sha256(password.encode())\n')).toEqual(['PS201']);
    expect(rulesOn('import hashlib\nhashlib.md5(password.encode())\n')).toEqual(['B324']);
  });

  it('keeps it when the bandit finding is on the same line but another statement', () => {
    expect(rulesOn('import hashlib\na = hashlib.sha256(password.encode()); b = hashlib.md5(data)\n')).toEqual(['B324', 'PS201']);
  });

  it('still silences when the bandit rule is turned off (the PS rule never stands in for it)', () => {
    const noB324 = (r: Rule) => r.id !== 'B324';
    expect(rulesOn('import hashlib\nhashlib.md5(password.encode())\n', noB324)).toEqual([]);
    expect(rulesOn('import hashlib\nhashlib.sha256(password.encode())\n', noB324)).toEqual(['PS201']);
  });

  it('follows edits: incremental equals from scratch when the silencer comes and goes', () => {
    const text = 'import hashlib\n\ndef f(password):\n    return hashlib.sha256(password.encode())\n';
    const doc = new PythonDocument('file:///virtual/silent.py', 1, text, engine.parser, engine.analysis('/virtual/silent.py'));
    try {
      const at = text.indexOf('sha256');
      const pos = doc.textDocument.positionAt(at);
      const end = doc.textDocument.positionAt(at + 'sha256'.length);
      expect(doc.findings().map((f) => f.rule)).toEqual(['PS201']);
      doc.applyChanges([{ range: { start: pos, end }, text: 'md5' }], 2, 'utf-16');
      expect(doc.findings().map((f) => f.rule)).toEqual(['B324']);
      const back = doc.textDocument.positionAt(at + 'md5'.length);
      doc.applyChanges([{ range: { start: pos, end: back }, text: 'sha1' }], 3, 'utf-16');
      expect(doc.findings().map((f) => f.rule)).toEqual(['B324']);
      const back2 = doc.textDocument.positionAt(at + 'sha1'.length);
      doc.applyChanges([{ range: { start: pos, end: back2 }, text: 'sha512' }], 4, 'utf-16');
      expect(doc.findings().map((f) => f.rule)).toEqual(['PS201']);
    } finally {
      doc.dispose();
    }
  });
});

describe('secret names (PS201, PS901)', () => {
  it.each([
    ['password', 'password', true],
    ['new_password', 'password', true],
    ['userPassword2', 'password', true],
    ['DB_PASSWD', 'password', true],
    ['pwd', 'password', true],
    ['db_pass', 'password', true],
    ['passphrase', 'password', true],
    ['token', 'password', false],
    ['api_key', 'password', false],
    ['token', 'secret', true],
    ['access_token', 'secret', true],
    ['API_KEY', 'secret', true],
    ['apiKey', 'secret', true],
    ['client_secret', 'secret', true],
    ['SECRET_KEY', 'secret', true],
    ['credentials', 'secret', true],
    ['private_key', 'secret', true],
    ['token_count', 'secret', false],
    ['max_tokens', 'secret', false],
    ['password_reset_url', 'secret', false],
    ['is_password_set', 'secret', false],
    ['password_length', 'secret', false],
    ['tokenizer', 'secret', false],
    ['passenger', 'secret', false],
    ['bypass', 'secret', false],
    ['pass', 'secret', false],
    ['user', 'secret', false],
    ['key', 'secret', false],
    ['monkey', 'secret', false],
  ])('%s (%s) → %s', (name, kind, want) => {
    expect(secretName(name, kind as 'password' | 'secret')).toBe(want);
  });
});

describe('request input through a def (the flow rules PS001, PS101, PS102, PS301)', () => {
  // FastAPI fills a route's parameters from the client's path, query or body,
  // except dependencies and its own objects; an int/UUID type leaves nothing to inject.
  it.each([
    ['url: str', true],
    ['url', true],
    ['url=None', true],
    ['url: Optional[str] = None', true],
    ['url: typing.Optional[str] = None', true],
    ['url: str | None = None', true],
    ['url: HttpUrl', true],
    ['url: Annotated[str, Query(max_length=9)]', true],
    ['url: str = Query(...)', true],
    ['url: list[str] = Query([])', true],
    ['url: Item', true],
    ['url: int', false],
    ['url: uuid.UUID', false],
    ['url: str = Depends(get_url)', false],
    ['url=Depends(get_url)', false],
    ['url: Annotated[str, Depends(get_url)]', false],
    ['url: Response', false],
    ['url: BackgroundTasks', false],
  ])('a FastAPI route parameter (%s) is request input: %s', (param, want) => {
    const text = `import httpx\nfrom fastapi import FastAPI\napp = FastAPI()\n\n@app.get("/x")\ndef fetch(${param}):\n    return httpx.get(url)\n`;
    expect(ps(text).map((f) => f.rule)).toEqual(want ? ['PS001'] : []);
  });

  const ps = (text: string) => {
    const r = checkText(engine, '/virtual/taint.py', text);
    return r.findings
      .filter((f) => f.rule.startsWith('PS'))
      .map((f) => ({ rule: f.rule, line: r.doc.positionAt(f.range.start).line + 1, message: f.message, suppressed: f.suppressed !== null, flow: f.flow?.map((s) => `${s.line + 1}: ${s.note}`) ?? null }));
  };

  it('carries where the input came from in its flow (the message stays the same): the assignment, the route parameter', () => {
    const flask = 'import requests\nfrom flask import request\n\ndef proxy():\n    target = request.args["url"]\n    full = target + "/x"\n    return requests.get(full, timeout=5)\n';
    const [f] = ps(flask);
    expect(f).toEqual(expect.objectContaining({ rule: 'PS001', line: 7 }));
    expect(f.message).not.toContain('request.args');
    expect(f.flow![0]).toMatch(/^5: request\.args\["url"\] \(query parameter 'url'\)/);
    expect(f.flow![f.flow!.length - 1]).toBe('7: reaches requests.get()');
    const fastapi = 'import httpx\nfrom fastapi import APIRouter\n\nrouter = APIRouter()\n\n@router.post("/x")\ndef hook(callback: str):\n    return httpx.post(callback)\n';
    const [g] = ps(fastapi);
    expect(g).toEqual(expect.objectContaining({ rule: 'PS001', line: 8 }));
    expect(g.flow).toEqual(['7: the request parameter `callback`', '8: reaches httpx.post()']);
  });

  it('route parameters count only in a file that imports fastapi, and only on a route', () => {
    const route = '@app.get("/x")\ndef fetch(url: str):\n    return httpx.get(url)\n';
    expect(ps(`import httpx\nfrom fastapi import FastAPI\napp = FastAPI()\n\n${route}`).map((f) => f.rule)).toEqual(['PS001']);
    expect(ps(`import httpx\nfrom flask import Flask\napp = Flask(__name__)\n\n${route}`)).toEqual([]);
    expect(ps('import httpx\nfrom fastapi import FastAPI\n\n@cache\ndef fetch(url: str):\n    return httpx.get(url)\n')).toEqual([]);
  });

  it('a sanitiser, a mapping key or a later rebinding stops it; a sanitiser cleans for its own sink kind only', () => {
    const text = [
      'import requests',
      'from flask import request, send_file',
      'from werkzeug.utils import secure_filename',
      'SERVICES = {}',
      '',
      'def view():',
      '    a = request.args["a"]',
      '    requests.get(SERVICES[a], timeout=5)',
      '    n = int(request.args["n"])',
      '    requests.get(n, timeout=5)',
      '    f = secure_filename(request.args["f"])',
      '    send_file(f)',
      '    requests.get(f, timeout=5)',
      '    a = "https://example.com"',
      '    return requests.get(a, timeout=5)',
    ].join('\n');
    // secure_filename() clears the path for PS102, not the URL for PS001.
    expect(ps(text).map((f) => `${f.rule}@${f.line}`)).toEqual(['PS001@13']);
  });

  it('an aliased sink inside a def points at its import, as a matched call does', () => {
    const text = 'from requests import get as fetch\nfrom flask import request\n\ndef proxy():\n    u = request.args["u"]\n    return fetch(u, timeout=5)\n';
    const r = checkText(engine, '/virtual/taint.py', text);
    const f = r.findings.find((x) => x.rule === 'PS001');
    expect(f?.related).toEqual([{ span: { start: 0, end: 'from requests import get as fetch'.length }, message: 'fetch is requests.get, imported here' }]);
  });

  it.each([
    ['a plain call', 'requests.get(u, timeout=5)'],
    ['a parenthesised callee', '(requests.get)(u, timeout=5)'],
    ['blanks and a line continuation before the (', 'requests.get \\\n        (u, timeout=5)'],
    ['a comment before the (, inside brackets', '[requests.get  # the sink\n        (u, timeout=5)]'],
    ['an alias of the sink', 'fetch(u, timeout=5)'],
  ])('a def calling a sink is judged whatever stands between the name and its ( (%s)', (_what, call) => {
    const text = `import requests\nfrom requests import get as fetch\nfrom flask import request\n\ndef proxy():\n    u = request.args["u"]\n    return ${call}\n`;
    // Reported on the URL argument (line 7, or 8 when the call spans two lines).
    expect(ps(text).map((f) => f.rule)).toEqual(['PS001']);
  });

  it('a def that names a sink without calling it is not flagged', () => {
    const text = 'import requests\nfrom flask import request\n\ndef proxy():\n    """Calls get (not really)."""\n    u = request.args["u"]\n    getter = requests.get\n    return getter\n';
    expect(ps(text)).toEqual([]);
  });

  it('a suppression goes on the line of the call, not the def', () => {
    const base = 'import httpx\nfrom fastapi import FastAPI\napp = FastAPI()\n\n@app.get("/x")\ndef fetch(url: str):  {DEF}\n    return httpx.get(url)  {USE}\n';
    const at = (def: string, use: string) => ps(base.replace('{DEF}', def).replace('{USE}', use)).map((f) => f.suppressed);
    expect(at('', '')).toEqual([false]);
    expect(at('', '# pysec: ignore[PS001] # internal admin tool')).toEqual([true]);
    expect(at('# pysec: ignore[PS001] # internal admin tool', '')).toEqual([false]);
  });
});

describe('the request rules and the operator\'s own input', () => {
  // A command-line tool opening the file or URL it is given is not under attack: only request data makes PS001/PS101/PS102/PS301 fire.
  const ps = (text: string) => checkText(engine, '/virtual/tool.py', text).findings.filter((f) => f.rule.startsWith('PS')).map((f) => f.rule);
  it.each([
    ['PS102', 'import sys\ndef main():\n    with open(sys.argv[1]) as f:\n        return f.read()\n', 'from flask import request\ndef view():\n    with open(request.args["p"]) as f:\n        return f.read()\n'],
    ['PS001', 'import requests\ndef main():\n    return requests.get(input(), timeout=5)\n', 'import requests\nfrom flask import request\ndef view():\n    return requests.get(request.args["u"], timeout=5)\n'],
    ['PS102', 'import os\ndef main():\n    return open(os.environ["CONFIG"]).read()\n', 'from flask import request\ndef view():\n    return open(request.form["p"]).read()\n'],
  ])('%s: the operator\'s input does not fire it, request data does', (rule, local, request) => {
    expect(ps(local)).toEqual([]);
    expect(ps(request)).toContain(rule);
  });
});
