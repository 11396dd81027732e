import { fileURLToPath } from 'node:url';

/** A document's path: a `file:` URI's, else the URI as is (an untitled buffer). */
export function uriToPath(uri: string): string {
  try {
    return uri.startsWith('file:') ? fileURLToPath(uri) : uri;
  } catch {
    return uri;
  }
}
