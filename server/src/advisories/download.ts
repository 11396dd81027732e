import { createReadStream } from 'node:fs';
import { stat, type FileHandle } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';

/** How much has arrived, for the progress line. */
export interface Progress {
  received: number;
  /** The announced size (Content-Length, or the file's size); unknown for a chunked answer. */
  total?: number;
}

/** A download that failed: the message says why (the caller keeps the old database). */
export class DownloadFailed extends Error {}

/** The most a download may hold: the PyPI export is tens of megabytes; a source sending more is not it. */
export const MAX_DOWNLOAD_BYTES = 1024 * 1024 * 1024;

/** A stalled connection is given up after this long without a byte: a guard, not a timing assumption. */
const STALL_MS = 120_000;

/**
 * Copies `source` (an http(s) or `file:` URL) into `out`, calling `progress`
 * as bytes arrive. Node's own fetch, no shell, no other program. Fails
 * (DownloadFailed) on a status other than 2xx, on a body shorter than its
 * announced length, on a stall, and past MAX_DOWNLOAD_BYTES.
 */
export async function download(source: URL, out: FileHandle, progress: (p: Progress) => void): Promise<Progress> {
  if (source.protocol === 'file:') return copyFile(source, out, progress);
  const stall = new AbortController();
  let timer = setTimeout(() => stall.abort(), STALL_MS);
  const alive = () => {
    clearTimeout(timer);
    timer = setTimeout(() => stall.abort(), STALL_MS);
  };
  try {
    let res: Response;
    try {
      res = await fetch(source, { signal: stall.signal, redirect: 'follow', headers: { 'accept-encoding': 'identity' } });
    } catch (e) {
      throw new DownloadFailed(`could not reach ${source.href}: ${reason(e, stall.signal)}`);
    }
    if (!res.ok) throw new DownloadFailed(`${source.href} answered ${res.status}${res.statusText ? ` ${res.statusText}` : ''}`);
    const length = Number(res.headers.get('content-length'));
    const total = Number.isSafeInteger(length) && length >= 0 && res.headers.get('content-length') !== null ? length : undefined;
    if (total !== undefined && total > MAX_DOWNLOAD_BYTES) throw new DownloadFailed(`${source.href} announces ${total} bytes, more than the ${MAX_DOWNLOAD_BYTES} an advisory database may hold`);
    const p: Progress = { received: 0, ...(total !== undefined ? { total } : {}) };
    if (!res.body) throw new DownloadFailed(`${source.href} answered with no body`);
    try {
      for await (const chunk of res.body as AsyncIterable<Uint8Array>) {
        alive();
        await write(out, chunk, p);
        progress(p);
      }
    } catch (e) {
      if (e instanceof DownloadFailed) throw e;
      throw new DownloadFailed(`the download from ${source.href} stopped after ${p.received} bytes${total !== undefined ? ` of ${total}` : ''}: ${reason(e, stall.signal)}`);
    }
    if (total !== undefined && p.received < total) throw new DownloadFailed(`the download from ${source.href} is truncated: ${p.received} of ${total} bytes arrived`);
    return p;
  } finally {
    clearTimeout(timer);
  }
}

async function copyFile(source: URL, out: FileHandle, progress: (p: Progress) => void): Promise<Progress> {
  let path: string;
  let size: number;
  try {
    path = fileURLToPath(source);
    const s = await stat(path);
    if (!s.isFile()) throw new Error('not a file');
    size = s.size;
  } catch (e) {
    throw new DownloadFailed(`cannot read ${source.href}: ${e instanceof Error ? e.message : String(e)}`);
  }
  if (size > MAX_DOWNLOAD_BYTES) throw new DownloadFailed(`${source.href} holds ${size} bytes, more than the ${MAX_DOWNLOAD_BYTES} an advisory database may hold`);
  const p: Progress = { received: 0, total: size };
  try {
    for await (const chunk of createReadStream(path)) {
      await write(out, chunk as Buffer, p);
      progress(p);
    }
  } catch (e) {
    if (e instanceof DownloadFailed) throw e;
    throw new DownloadFailed(`cannot read ${source.href}: ${e instanceof Error ? e.message : String(e)}`);
  }
  return p;
}

async function write(out: FileHandle, chunk: Uint8Array, p: Progress): Promise<void> {
  p.received += chunk.byteLength;
  if (p.received > MAX_DOWNLOAD_BYTES) throw new DownloadFailed(`the source sent more than the ${MAX_DOWNLOAD_BYTES} bytes an advisory database may hold`);
  let at = 0;
  while (at < chunk.byteLength) at += (await out.write(chunk, at, chunk.byteLength - at)).bytesWritten;
}

function reason(e: unknown, stall: AbortSignal): string {
  if (stall.aborted) return `nothing arrived for ${STALL_MS / 1000} seconds`;
  const err = e as { message?: string; cause?: { message?: string; code?: string } };
  const cause = err?.cause?.code ?? err?.cause?.message;
  return `${err?.message ?? String(e)}${cause ? ` (${cause})` : ''}`;
}
