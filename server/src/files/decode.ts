/**
 * Python source bytes → text. UTF-8 unless a PEP 263 coding cookie on the
 * first two lines says otherwise; a file that cannot be decoded is an error
 * the caller reports, never a crash.
 */
const COOKIE = /^[ \t\f]*#.*?coding[:=][ \t]*([-\w.]+)/;

/**
 * Control characters Python refuses outside a string or a comment ("invalid
 * non-printable character"): C0 but tab, line feed, vertical tab, form feed
 * and carriage return; DEL; C1. One character class, linear.
 */
const CONTROL = /[\x01-\x08\x0e-\x1f\x7f-\x9f]/g;

/** One character in CONTROL_SHARE or more a control character (and at least MIN_CONTROLS of them): a binary file's text. */
const CONTROL_SHARE = 8;
const MIN_CONTROLS = 64;

const NUL_BYTES = 'it holds NUL bytes';
const CONTROL_CHARACTERS = `one character in ${CONTROL_SHARE} or more is a control character`;

/**
 * Whether a text is a binary file's rather than source. It holds a NUL
 * character, which Python refuses in source ("source code cannot contain
 * null bytes"); or one character in 8 or more is a control character,
 * which Python refuses too outside strings and comments (random bytes
 * without a NUL: ~23%; a file of `print("\x1b[31m…\x1b[0m")` lines written
 * with literal escapes: ~8%). file(1) and Perl's `-B` judge by such
 * characters too. Such a text is neither parsed nor analysed: tree-sitter's
 * error recovery on random bytes costs ~130 MB of memory and ~2 s per MB.
 */
export function looksBinary(text: string): boolean {
  if (text.includes('\0')) return true;
  // Most texts have no control character at all: one native search says so.
  CONTROL.lastIndex = 0;
  if (!CONTROL.test(text)) return false;
  const enough = Math.max(MIN_CONTROLS, Math.ceil(text.length / CONTROL_SHARE));
  let n = 1;
  while (n < enough && CONTROL.test(text)) n++;
  CONTROL.lastIndex = 0;
  return n >= enough;
}

/** Why a text that `looksBinary` does: a NUL, or its control characters (one native search, no count). */
export function whyBinary(text: string): string {
  return text.includes('\0') ? NUL_BYTES : CONTROL_CHARACTERS;
}

/** What `check` and the report say of a binary file instead of its findings. */
export function binaryFileError(text: string): string {
  return `looks binary (${whyBinary(text)}): not analysed`;
}

export function decodeSource(bytes: Uint8Array): { text: string } | { error: string } {
  const decoded = decodeText(bytes);
  // What does not decode says so first (a UTF-16 file is "not valid utf-8", though it holds NULs);
  // a text that decodes and holds a NUL, or many control characters, is a binary file's (Python refuses it as source too).
  if ('text' in decoded && looksBinary(decoded.text)) return { error: binaryFileError(decoded.text) };
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
