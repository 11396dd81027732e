import type { Session } from '../session/session.js';

/** `pysec.runBandit`: runs bandit now on the given document (or every open one) and answers when it is done. */
export async function runBanditNow(session: Session, arg: unknown): Promise<{ ran: number }> {
  const uri = (arg as { uri?: string } | string | undefined) ?? undefined;
  const target = typeof uri === 'string' ? uri : uri?.uri;
  const uris = target ? [target] : session.documents.all().map((d) => d.uri);
  session.bandit.rerunAll(uris);
  await Promise.all(uris.map((u) => session.bandit.settled(u)));
  return { ran: uris.length };
}
