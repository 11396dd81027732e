/**
 * Python source bytes → text. UTF-8 unless a PEP 263 coding cookie on the
 * first two lines says otherwise; a file that cannot be decoded is an error
 * the caller reports, never a crash.
 */
const COOKIE = /^[ \t\f]*#.*?coding[:=][ \t]*([-\w.]+)/;

export function decodeSource(bytes: Uint8Array): { text: string } | { error: string } {
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
    return { text: new TextDecoder(encoding, { fatal: true }).decode(data) };
  } catch (e) {
    if (e instanceof RangeError) return { error: `unknown source encoding "${encoding}"` };
    return { error: `not valid ${encoding} text: decode it or declare its encoding with a "# -*- coding: ... -*-" line` };
  }
}
