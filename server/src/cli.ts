#!/usr/bin/env node
import { parseCommandLine, unknownCommandMessage, USAGE, UsageError, usageMessage, usageOf } from './command-line/args.js';
import { VERSION } from './version.js';
import { writeOut } from './command-line/write-out.js';

/**
 * The standard streams a command made: `process.stdout`/`process.stderr`
 * are made when first read (for a pipe, a socket, and with it node's
 * network and stream modules: some milliseconds of a warm `check`, which
 * writes its output by write(2), command-line/write-out.ts). Their getters
 * are wrapped to write down which were made, so that the exit below waits
 * on those only, and making one for it is not what a start pays for.
 */
const made: ('stdout' | 'stderr')[] = [];
for (const name of ['stdout', 'stderr'] as const) {
  const d = Object.getOwnPropertyDescriptor(process, name);
  const get = d?.get;
  if (!get || !d.configurable) {
    made.push(name); // not node's lazy getter: taken as made
    continue;
  }
  Object.defineProperty(process, name, {
    ...d,
    get() {
      if (!made.includes(name)) made.push(name);
      return get.call(process);
    },
  });
}

/**
 * The `pysec-lsp` command. Each command's modules are loaded only when it
 * runs: `--version` and a usage error load neither the server nor the
 * engine.
 */
async function main(argv: string[]): Promise<number> {
  const line = parseCommandLine(argv);
  const out = (s: string) => writeOut(s, !s.endsWith('\n'));
  switch (line.command) {
    case 'check':
    case 'report':
    case 'advisories':
      try {
        if (line.command === 'check') {
          // Answered from the result cache when it holds every file (the engine then never loads), else in full.
          const warm = line.options.cache.enabled && !line.options.bandit ? await (await import('./check/warm.js')).warmCheck(line.options, out) : undefined;
          if (warm !== undefined) return warm;
          return await (await import('./check/command.js')).runCheck(line.options, out);
        }
        if (line.command === 'advisories') {
          const err = (s: string) => void process.stderr.write(s);
          return await (await import('./advisories/update.js')).runAdvisoriesUpdate(line.options, { out, err, tty: process.stderr.isTTY === true });
        }
        return await (await import('./report/command.js')).runReport(line.options, out);
      } catch (e) {
        if (e instanceof UsageError) {
          process.stderr.write(usageMessage(line.command, e.message));
          return 2;
        }
        throw e;
      }
    case 'help':
      out(usageOf(line.of));
      return 0;
    case 'usage':
      process.stderr.write(usageMessage(line.of, line.message));
      return 2;
    case 'version':
      process.stdout.write(`${VERSION}\n`);
      return 0;
    case 'overview':
      process.stdout.write(USAGE);
      return 0;
    case 'stdio':
      await (await import('./serve.js')).serveStdio();
      return -1;
    case 'unknown':
      process.stderr.write(unknownCommandMessage(line.word));
      return 2;
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    if (code < 0) return;
    process.exitCode = code;
    exitWhenWritten();
  },
  (e: unknown) => {
    process.stderr.write(`pysec-lsp: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
    process.exitCode = 2;
  },
);

/**
 * Ends a command's process once the streams it made have handed what they
 * were given to the system, rather than letting node wind down: its
 * teardown frees the heap and the wasm memory a mapping at a time, which
 * cost a one-file `check` some 10 ms of system time on this VM (issue 19).
 * `exit` handlers still run (the code cache is written in one). A pipe's
 * writes may be asynchronous: an empty write's callback comes after those
 * queued before it, or with the error that ended the stream. What went out
 * by write-out.ts is written already.
 */
function exitWhenWritten(): void {
  const streams = [...made];
  let open = streams.length;
  if (open === 0) process.exit();
  const written = () => {
    if (--open === 0) process.exit();
  };
  for (const name of streams) process[name].write('', written);
}
