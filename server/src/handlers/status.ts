import type { Session } from '../session/session.js';
import { VERSION } from '../version.js';

/** `pysec/status`: what runs now, for `:LspInfo`-style status and for tests. */
export function status(session: Session) {
  return {
    version: VERSION,
    documents: session.documents.all().map((d) => ({ uri: d.uri, version: d.version, banditRevision: d.banditRevision })),
    banditProcesses: Object.fromEntries(session.bandit.active),
  };
}
