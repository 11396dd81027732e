#!/usr/bin/env node
import { createConnection, ProposedFeatures } from 'vscode-languageserver/node.js';
import { CHECK_USAGE, runCheck, UsageError } from './check/command.js';
import { REPORT_USAGE, runReport } from './report/command.js';
import { startServer } from './server.js';
import { stdioTransport } from './transport/stdio.js';
import { VERSION } from './version.js';

const USAGE = `pysec-lsp ${VERSION} — a security reviewer for Python, in your editor

Usage:
  pysec-lsp --stdio            run the language server over stdin/stdout
  pysec-lsp check [PATH...]    review files and folders from the command line
  pysec-lsp report [PATH...]   write a security report (markdown, json, sarif, html)
  pysec-lsp --version

${CHECK_USAGE}
${REPORT_USAGE}`;

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (command === 'check') {
    try {
      return await runCheck(rest, (s) => process.stdout.write(s.endsWith('\n') ? s : s + '\n'));
    } catch (e) {
      if (e instanceof UsageError) {
        process.stderr.write(`pysec-lsp check: ${e.message}\n\n${CHECK_USAGE}`);
        return 2;
      }
      throw e;
    }
  }
  if (command === 'report') {
    try {
      return await runReport(rest, (s) => process.stdout.write(s.endsWith('\n') ? s : s + '\n'));
    } catch (e) {
      if (e instanceof UsageError) {
        process.stderr.write(`pysec-lsp report: ${e.message}\n\n${REPORT_USAGE}`);
        return 2;
      }
      throw e;
    }
  }
  if (command === '--version' || command === '-V') {
    process.stdout.write(`${VERSION}\n`);
    return 0;
  }
  if (command === '--help' || command === '-h') {
    process.stdout.write(USAGE);
    return 0;
  }
  if (argv.includes('--stdio')) {
    const { reader, writer } = stdioTransport();
    startServer(createConnection(ProposedFeatures.all, reader, writer));
    return -1;
  }
  process.stderr.write(`pysec-lsp: unknown command ${command ? `"${command}"` : '(none)'}\n\n${USAGE}`);
  return 2;
}

main(process.argv.slice(2)).then(
  (code) => {
    if (code >= 0) process.exitCode = code;
  },
  (e: unknown) => {
    process.stderr.write(`pysec-lsp: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
    process.exitCode = 2;
  },
);
