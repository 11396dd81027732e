import type { MessagePort } from 'node:worker_threads';
import { Engine } from '../engine/engine.js';
import { selectionFor } from '../batch/worker.js';
import { ALL_RULES } from '../engine/rule.js';
import { uriToPath } from '../files/uri.js';
import { PythonDocument } from './document.js';
import type { FromLargeWorker, ToLargeWorker } from './large.js';

/**
 * The large documents' worker (large.ts): each document as the main thread
 * would hold it (document.ts: text, tree, incremental analysis), the same
 * changes applied in the same order; after each message, the findings.
 */
/**
 * `PYSEC_TEST_LARGE_WORKER_EXIT=first-open`, set only by the test of the
 * worker's restart: the first worker (generation 0) exits on its first
 * document, as one dying of a pathological file would.
 */
const EXIT_HOOK = 'PYSEC_TEST_LARGE_WORKER_EXIT';

export async function serveLarge(port: MessagePort, generation = 0): Promise<void> {
  const engine = await Engine.load();
  const docs = new Map<string, PythonDocument>();
  const send = (msg: FromLargeWorker) => port.postMessage(msg);
  const answer = (uri: string, doc: PythonDocument) => {
    send({
      result: {
        uri,
        revision: doc.revision,
        findings: doc.findings(false),
        ignoringNosec: doc.findings(true),
        imports: doc.analysis.imports,
        lastRun: doc.analysis.lastRun,
        ...(doc.notParsedReason !== undefined ? { notParsed: doc.notParsedReason } : {}),
      },
    });
  };
  port.on('message', (msg: ToLargeWorker) => {
    const uri = 'open' in msg ? msg.open.uri : 'change' in msg ? msg.change.uri : 'reset' in msg ? msg.reset.uri : msg.close.uri;
    try {
      if ('open' in msg) {
        if (generation === 0 && process.env[EXIT_HOOK] === 'first-open') process.exit(70);
        docs.get(uri)?.dispose();
        const { filename, version, text, selection } = msg.open;
        const doc = new PythonDocument(uri, version, text, engine.parser, engine.analysis(filename || uriToPath(uri), selectionFor(selection)));
        docs.set(uri, doc);
        answer(uri, doc);
      } else if ('change' in msg) {
        const doc = docs.get(uri);
        if (!doc) return;
        doc.applyChanges(msg.change.changes, msg.change.version, msg.change.encoding);
        doc.releaseOldTree();
        answer(uri, doc);
      } else if ('reset' in msg) {
        const doc = docs.get(uri);
        if (!doc) return;
        doc.analysis.reset(doc.syntaxTree, selectionFor(msg.reset.selection) ?? ALL_RULES);
        answer(uri, doc);
      } else {
        docs.get(uri)?.dispose();
        docs.delete(uri);
      }
    } catch (e) {
      send({ failed: { uri, message: e instanceof Error ? e.message : String(e) } });
    }
  });
}
