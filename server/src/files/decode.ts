/**
 * Python source bytes → text. UTF-8 unless a PEP 263 coding cookie on the
 * first two lines says otherwise; a file that cannot be decoded is an error
 * the caller reports, never a crash.
 */
const COOKIE = /^[ \t\f]*#.*?coding[:=][ \t]*([-\w.]+)/;

/**
 * Whether a text is a binary file's rather than source: it holds a NUL
 * character, which Python refuses in source ("source code cannot contain
 * null bytes"). Such a text is neither parsed nor analysed: tree-sitter's
 * error recovery on random bytes costs ~140 MB of memory per MB.
 */
export function looksBinary(text: string): boolean {
  return text.includes('\0');
}

/** What `check` and the report say of a binary file instead of its findings. */
export const BINARY_FILE = 'looks binary (it holds NUL bytes): not analysed';

export function decodeSource(bytes: Uint8Array): { text: string } | { error: string } {
  const decoded = decodeText(bytes);
  // What does not decode says so first (a UTF-16 file is "not valid utf-8", though it holds NULs);
  // a text that decodes and holds a NUL is a binary file's (Python refuses it as source too).
  if ('text' in decoded && decoded.text.includes('\0')) return { error: BINARY_FILE };
  return decoded;
}

function decodeText(bytes: Uint8Array): { text: string } | { error: string } {
  let data = bytes;
  if (data[0] === 0xef && data[1] === 0xbb && data[2] === 0xbf) data = data.subarray(3);
  let encoding = 'utf-8';
  const head = Buffer.from(data.subarray(0, 400)).toString('latin1').split(/\r?\n|\r/, 2);
  for (const line of head) {
    const m = COOKIE.exec(line);
    if (m) {
      encoding = m[1].toLowerCase();
      break;
    }
    if (!/^[ \t\f]*(#.*)?$/.test(line)) break;
  }
  try {
    if (LATIN_1.has(normalise(encoding))) return { text: Buffer.from(data).toString('latin1') };
    if (normalise(encoding) === 'ascii' || normalise(encoding) === 'us-ascii') {
      if (data.some((b) => b > 0x7f)) throw new TypeError('not ascii');
      return { text: Buffer.from(data).toString('latin1') };
    }
    return { text: new TextDecoder(whatwgLabel(encoding), { fatal: true }).decode(data) };
  } catch (e) {
    if (e instanceof RangeError) return { error: `unknown source encoding "${encoding}"` };
    return { error: `not valid ${encoding} text: decode it or declare its encoding with a "# -*- coding: ... -*-" line` };
  }
}

/** Python spells codec names its own way (`latin-1`, `utf_8`, `utf-8-sig`); the WHATWG decoder wants its labels. */
function normalise(name: string): string {
  return name.toLowerCase().replace(/_/g, '-');
}

/** Python's latin-1 maps every byte to the code point of the same value (WHATWG's "latin1" is windows-1252). */
const LATIN_1 = new Set(['latin-1', 'latin1', 'iso-8859-1', 'iso8859-1', 'l1', 'cp819', 'iso-ir-100', '8859', 'latin']);

function whatwgLabel(name: string): string {
  const n = normalise(name);
  if (n === 'utf8' || n === 'utf-8-sig' || n === 'utf8-sig' || n === 'u8' || n === 'utf') return 'utf-8';
  return n;
}
