import type { Hover, HoverParams } from 'vscode-languageserver';
import { findingHover } from '../hover/hover.js';
import { manifestHover } from '../manifests/hover.js';
import type { Session } from '../session/session.js';

/** Hover on a finding: hover/hover.ts explains it. */
export function hover(session: Session, params: HoverParams): Hover | null | Promise<Hover | null> {
  const manifest = session.manifests.get(params.textDocument.uri);
  // A requirement's advisories (manifests/hover.ts).
  if (manifest) return session.manifests.audit(manifest).then((audit) => (audit ? manifestHover(audit, params.position, session.client.encoding, session.client.markdownHover) : null));
  const doc = session.documents.get(params.textDocument.uri);
  if (!doc) return null;
  const view = session.view(doc);
  return findingHover({
    doc: doc.textDocument,
    findings: view.visible,
    position: params.position,
    encoding: view.encoding,
    markdown: session.client.markdownHover,
    remediation: (id) => {
      const rule = session.engine.ruleset.byId.get(id);
      return rule && [rule.remediation, rule.detects].filter(Boolean).join(' ');
    },
    mapping: view.policy.mapping,
  });
}
