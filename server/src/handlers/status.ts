import type { Session } from '../session/session.js';
import { VERSION } from '../version.js';

/** `pysec/status`: what runs now, for `:LspInfo`-style status and for tests. */
export function status(session: Session) {
  return {
    version: VERSION,
    // `lastRun`: what the last change re-ran (the whole file, or so many characters of statements); `remote`: analysed on the worker thread.
    documents: session.documents.all().map((d) => ({ uri: d.uri, version: d.version, banditRevision: d.banditRevision, remote: d.isRemote, lastRun: d.lastRun })),
    // The open manifests and lock files (the dependency audit's documents).
    manifests: session.manifests.all().map((d) => ({ uri: d.uri, version: d.version, kind: d.kind })),
    banditProcesses: Object.fromEntries(session.bandit.active),
    banditPool: { running: session.bandit.pool.running, queued: session.bandit.pool.queued, peak: session.bandit.pool.peak },
  };
}
