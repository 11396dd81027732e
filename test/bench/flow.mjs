// The flow layer's micro-bench: reachOf over every call argument of the
// Python standard library's _pydecimal.py and of the Flask fixture app,
// cold (no cached analysis), warm (every def cached: a re-run on the same
// tree), and after one keystroke inside one def (a new tree: the edited def
// is analysed again, the others come from the cache, rebased). Prints
// figures; asserts nothing (the unit tests do).
//
//   npm run build && node test/bench/flow.mjs [file.py ...]
import { readFileSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { stdlibDir } from './stdlib-dir.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const dist = join(root, 'dist');
const { Engine } = await import(join(dist, 'engine/engine.js'));
const { collectFacts } = await import(join(dist, 'engine/analyzer.js'));
const { FileContext } = await import(join(dist, 'engine/context.js'));
const { reachOf } = await import(join(dist, 'engine/flow/index.js'));
const { forgetMemo } = await import(join(dist, 'engine/memo.js'));

const engine = await Engine.load();

function args(tree) {
  const out = [];
  for (const call of tree.rootNode.descendantsOfType('call')) {
    const list = call.childForFieldName('arguments');
    if (list?.type !== 'argument_list') continue;
    for (const a of list.namedChildren) if (a && a.type !== 'comment') out.push(a);
  }
  return out;
}

function run(text, filename) {
  const tree = engine.parser.parse(text);
  const facts = collectFacts(engine.ruleset, tree.rootNode, null);
  const ctx = new FileContext(facts.imports, filename, facts.settings);
  const list = args(tree);
  const counts = { untrusted: 0, constant: 0, sanitised: 0, unknown: 0 };
  const times = [];
  const t0 = performance.now();
  for (const a of list) {
    const t = performance.now();
    counts[reachOf(a, 'command', ctx).kind]++;
    times.push(performance.now() - t);
  }
  const total = performance.now() - t0;
  forgetMemo(tree);
  return { tree, total, times, counts, n: list.length };
}

const pct = (xs, p) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] ?? 0;
};

/** A keystroke inside the def holding the middle call: one character added to a string or a name. */
function edited(text) {
  const at = text.indexOf('\n        return ', Math.floor(text.length / 2));
  if (at < 0) return text + '\n';
  return `${text.slice(0, at)}\n        _bench_edit = 1${text.slice(at)}`;
}

function bench(file) {
  const text = readFileSync(file, 'utf8');
  const cold = run(text, file);
  const warm = run(text, file);
  const key = run(edited(text), file);
  for (const r of [cold, warm, key]) r.tree.delete();
  const f = (x) => x.toFixed(1).padStart(8);
  console.log(`${file} (${text.split('\n').length} lines, ${cold.n} call arguments)`);
  console.log(`  reach: ${JSON.stringify(cold.counts)}`);
  console.log(`  cold  total ${f(cold.total)} ms   per argument p50 ${pct(cold.times, 50).toFixed(3)} p95 ${pct(cold.times, 95).toFixed(3)} max ${pct(cold.times, 100).toFixed(1)} ms`);
  console.log(`  warm  total ${f(warm.total)} ms   per argument p50 ${pct(warm.times, 50).toFixed(3)} p95 ${pct(warm.times, 95).toFixed(3)} max ${pct(warm.times, 100).toFixed(1)} ms`);
  console.log(`  after one keystroke in one def: total ${f(key.total)} ms (every argument asked again)`);
}

const files = process.argv.slice(2);
if (files.length === 0) {
  files.push(join(stdlibDir(), '_pydecimal.py'));
  const apps = join(root, 'test/fixtures/apps');
  for (const d of readdirSync(apps)) for (const f of readdirSync(join(apps, d))) if (f.endsWith('.py')) files.push(join(apps, d, f));
}
for (const f of files) bench(f);
