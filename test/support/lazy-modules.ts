/**
 * Which of a script bundle's modules ran (issue 19). A script bundle
 * (dist/bundle-*.cjs, scripts/bundle.mjs) holds every module its command
 * or the server may need; the ones behind a dynamic import() esbuild wraps
 * to run on first use (`__esm({ "path"() {…} })`, `__commonJS({ "path"(exports,
 * module) {…} })`). A preload (`node --require`) rewrites those helpers as
 * the bundle is read so that each writes a module's name down as it runs it.
 */

/**
 * esbuild's lazy-module helpers (`var __esm = …`, `var __commonJS2 = …`) as they run a module's body: [helper, its run, the run writing the
 * module's name down first]. The bundles are minified in whitespace (scripts/bundle.mjs): the patterns take the code with or without spaces.
 */
export const LAZY_RUNS: [string, string, string][] = [
  ['var __esm\\d* ?= ?', 'return fn ?&& ?\\(res ?= ?\\(0, ?fn\\[(\\w+)\\(fn\\)\\[0\\]\\]\\)\\(fn ?= ?0\\)\\), ?res', 'return fn && (__pysecTestRan($1(fn)[0]), res = (0, fn[$1(fn)[0]])(fn = 0)), res'],
  [
    'var __commonJS\\d* ?= ?',
    'return mod ?\\|\\| ?\\(0, ?cb\\[(\\w+)\\(cb\\)\\[0\\]\\]\\)\\(\\(mod ?= ?\\{ ?exports: ?\\{\\} ?\\}\\)\\.exports, ?mod\\), ?mod\\.exports',
    'return mod || (__pysecTestRan($1(cb)[0]), (0, cb[$1(cb)[0]])((mod = { exports: {} }).exports, mod)), mod.exports',
  ],
];

/**
 * Preload source: `instrument(path, text)` gives a bundle's text with its
 * lazy helpers writing each module they run to `log` as `ran <module>`
 * (`log(line)` is the preload's own); fails on helpers it does not know.
 */
export const INSTRUMENT = `const LAZY_RUNS = ${JSON.stringify(LAZY_RUNS)};
globalThis.__pysecTestRan = (name) => log('ran ' + name);
function instrument(p, text) {
  for (const [helper, run, logged] of LAZY_RUNS) {
    const helpers = text.match(new RegExp(helper, 'g'))?.length ?? 0;
    let runs = 0;
    text = text.replace(new RegExp(run, 'g'), (...m) => (runs++, logged.replace(/\\$1/g, m[1])));
    if (runs !== helpers) throw new Error('esbuild lazy-module helper not as expected in ' + p);
  }
  return text;
}
`;

/** The modules a script bundle wraps to run on first use. */
export function lazyModules(text: string): Set<string> {
  return new Set([...text.matchAll(/(?:__esm|__commonJS)\d*\(\{\s*"([^"\n]+)"\(/g)].map((m) => m[1]));
}
