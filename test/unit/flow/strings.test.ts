/** String operations carry untrusted text on: the same operation on a constant name instead stays constant. */
import { beforeAll, describe } from 'vitest';
import { checkPairs, type Pair } from './pairs.js';
import { flask } from './snippets.js';
import { loadEngine } from './support.js';

beforeAll(loadEngine);

/** `user` is untrusted and `fixed` constant in both; the pair differs in which one `expr(name)` uses. */
const op = (name: string, expr: (v: string) => string, sink: Pair['sink'] = 'command', at = 'os.system'): Pair => ({
  name,
  sink,
  at,
  bad: flask(`user = request.args["u"]\nfixed = "x"\ncmd = ${expr('user')}\n${at}(cmd)`),
  good: flask(`user = request.args["u"]\nfixed = "x"\ncmd = ${expr('fixed')}\n${at}(cmd)`),
  path: ["query parameter 'u'", 'assigned to user', 'assigned to cmd', `reaches ${at}()`],
});

const pairs: Pair[] = [
  op('concatenation', (v) => `"ls " + ${v}`),
  op('concatenation on the right', (v) => `${v} + " -l"`),
  op('an f-string', (v) => `f"ls {${v}}"`),
  op('an f-string with a conversion', (v) => `f"ls {${v}!r:>10}"`),
  op('percent with a tuple', (v) => `"ls %s %s" % ("-l", ${v})`),
  op('percent with one value', (v) => `"ls %s" % ${v}`),
  op('str.format', (v) => `"ls {}".format(${v})`),
  op('str.format by keyword', (v) => `"ls {name}".format(name=${v})`),
  op('join', (v) => `" ".join(["ls", ${v}])`),
  op('replace', (v) => `${v}.replace("a", "b")`),
  op('replace into a constant', (v) => `"ls X".replace("X", ${v})`),
  op('strip and lower', (v) => `${v}.strip().lower()`),
  op('encode and decode', (v) => `${v}.encode("utf-8").decode("utf-8")`),
  op('base64 round trip', (v) => `base64.b64decode(base64.b64encode(${v}.encode())).decode()`),
  op('urlsafe base64 round trip', (v) => `base64.urlsafe_b64decode(base64.urlsafe_b64encode(${v}.encode())).decode()`),
  op('hex round trip', (v) => `binascii.unhexlify(binascii.hexlify(${v}.encode())).decode()`),
  op('quote then unquote', (v) => `urllib.parse.unquote(urllib.parse.quote(${v}))`),
  op('str()', (v) => `str(${v})`),
  op('bytes()', (v) => `bytes(${v}, "utf-8")`),
  op('slicing', (v) => `${v}[1:]`),
  op('split and index', (v) => `${v}.split(",")[0]`),
  op('implicit concatenation with an f-string', (v) => `"ls " f"{${v}}"`),
  op('a conditional expression', (v) => `${v} if len(${v}) > 2 else "ls"`),
  op('os.path.join', (v) => `os.path.join("/srv", ${v})`, 'path', 'open'),
  op('a walrus', (v) => `(tmp := ${v})`),
  {
    name: '+= builds the command',
    sink: 'command',
    at: 'os.system',
    bad: flask('user = request.args["u"]\nfixed = "x"\ncmd = "ls "\ncmd += user\nos.system(cmd)'),
    good: flask('user = request.args["u"]\nfixed = "x"\ncmd = "ls "\ncmd += fixed\nos.system(cmd)'),
    path: ["query parameter 'u'", 'assigned to user', 'assigned to cmd'],
  },
  {
    name: 'overwritten before the sink',
    sink: 'command',
    at: 'os.system',
    bad: flask('cmd = "ls"\ncmd = request.args["u"]\nos.system(cmd)'),
    good: flask('cmd = request.args["u"]\ncmd = "ls"\nos.system(cmd)'),
  },
];

describe('string operations', () => checkPairs(pairs));
