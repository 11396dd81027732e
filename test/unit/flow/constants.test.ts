/** Constant folding and branches the constants decide: the dead branch holds the untrusted value. */
import { beforeAll, describe } from 'vitest';
import { checkPairs, type Pair } from './pairs.js';
import { flask } from './snippets.js';
import { loadEngine } from './support.js';

beforeAll(loadEngine);

/** `cond` decides between the untrusted branch (true) and a constant one. */
const branch = (cond: string) => flask(`if ${cond}:\n    c = request.args["c"]\nelse:\n    c = "ls"\nos.system(c)`);
const cmd = (expr: string) => flask(`c = ${expr}\nos.system(c)`);

const decided: [string, string, string][] = [
  ['a constant flag', 'True', 'False'],
  ['arithmetic', '2 * 3 + 1 == 7', '2 * 3 + 1 == 8'],
  ['floor division and modulo', '7 // 2 == 3 and 7 % 2 == 1', '7 // 2 == 4'],
  ['power', '2 ** 10 == 1024', '2 ** 10 == 1000'],
  ['string comparison', '"abc" == "ab" + "c"', '"abc" == "abd"'],
  ['ordering', '1 < 2 <= 2', '1 < 2 < 2'],
  ['in on strings', '"b" in "abc"', '"z" in "abc"'],
  ['not in on strings', '"z" not in "abc"', '"b" not in "abc"'],
  ['in on a list', '"b" in ["a", "b"]', '"c" in ["a", "b"]'],
  ['in on a dict', '"k" in {"k": 1}', '"j" in {"k": 1}'],
  ['boolean logic', 'not (False or 0)', 'not (False or 1)'],
  ['slicing', '"safe-mode"[0:4] == "safe"', '"safe-mode"[5:] == "safe"'],
  ['negative index', '"abc"[-1] == "c"', '"abc"[-1] == "a"'],
  ['len', 'len("abc") == 3', 'len("abc") == 4'],
  ['len of a list', 'len([1, 2]) == 2', 'len([1, 2]) == 3'],
  ['string repetition', '"ab" * 2 == "abab"', '"ab" * 2 == "ab"'],
  ['an f-string of constants', 'f"{1 + 1}x" == "2x"', 'f"{1 + 1}x" == "3x"'],
  ['percent formatting', '"%s-%d" % ("a", 1) == "a-1"', '"%s-%d" % ("a", 2) == "a-1"'],
  ['str.format', '"{}:{}".format("a", "b") == "a:b"', '"{}:{}".format("b", "a") == "a:b"'],
  ['str methods', '"Ab".lower() == "ab" and " x ".strip() == "x"', '"Ab".upper() == "ab"'],
  ['startswith on a constant', '"prod-db".startswith("prod")', '"dev-db".startswith("prod")'],
  ['is None', 'None is None', 'None is not None'],
  ['unary minus', '-(3) == -3', '-(3) == 3'],
  ['a module constant', 'MODE == "debug"', 'MODE == "release"'],
  ['int() of a constant', 'int("42") == 42', 'int("42") == 41'],
];

const pairs: Pair[] = [
  ...decided.map(([name, yes, no]): Pair => ({
    name: `dead branch: ${name}`,
    sink: 'command',
    at: 'os.system',
    bad: branch(yes).replace('app = Flask(__name__)', 'app = Flask(__name__)\nMODE = "debug"'),
    good: branch(no).replace('app = Flask(__name__)', 'app = Flask(__name__)\nMODE = "debug"'),
    path: ["query parameter 'c'", 'assigned to c', 'reaches os.system()'],
  })),
  { name: 'conditional expression', sink: 'command', at: 'os.system', bad: cmd('request.args["c"] if 1 < 2 else "ls"'), good: cmd('request.args["c"] if 1 > 2 else "ls"') },
  { name: 'or short-circuit', sink: 'command', at: 'os.system', bad: cmd('"" or request.args["c"]'), good: cmd('"ls" or request.args["c"]') },
  { name: 'and short-circuit', sink: 'command', at: 'os.system', bad: cmd('"x" and request.args["c"]'), good: cmd('"" and request.args["c"]') },
  { name: 'elif decided', sink: 'command', at: 'os.system', bad: flask('n = 2\nif n == 1:\n    c = "a"\nelif n == 2:\n    c = request.args["c"]\nelse:\n    c = "b"\nos.system(c)'), good: flask('n = 3\nif n == 1:\n    c = "a"\nelif n == 2:\n    c = request.args["c"]\nelse:\n    c = "b"\nos.system(c)') },
  { name: 'augmented constant decides', sink: 'command', at: 'os.system', bad: flask('n = 1\nn += 1\nc = "ls"\nif n == 2:\n    c = request.args["c"]\nos.system(c)'), good: flask('n = 1\nn += 2\nc = "ls"\nif n == 2:\n    c = request.args["c"]\nos.system(c)') },
  { name: 'while False never runs', sink: 'command', at: 'os.system', bad: flask('c = "ls"\nwhile True:\n    c = request.args["c"]\n    break\nos.system(c)'), good: flask('c = "ls"\nwhile False:\n    c = request.args["c"]\nos.system(c)') },
  { name: 'a loop over nothing never runs', sink: 'command', at: 'os.system', bad: flask('c = "ls"\nfor _ in [1]:\n    c = request.args["c"]\nos.system(c)'), good: flask('c = "ls"\nfor _ in []:\n    c = request.args["c"]\nos.system(c)') },
  { name: 'match on a constant subject', sink: 'command', at: 'os.system', bad: flask('mode = "a"\nmatch mode:\n    case "a":\n        c = request.args["c"]\n    case _:\n        c = "ls"\nos.system(c)'), good: flask('mode = "b"\nmatch mode:\n    case "a":\n        c = request.args["c"]\n    case _:\n        c = "ls"\nos.system(c)') },
  { name: 'match with an or-pattern', sink: 'command', at: 'os.system', bad: flask('match 3:\n    case 1 | 3:\n        c = request.args["c"]\n    case _:\n        c = "ls"\nos.system(c)'), good: flask('match 2:\n    case 1 | 3:\n        c = request.args["c"]\n    case _:\n        c = "ls"\nos.system(c)') },
  { name: 'a sink in a dead branch', sink: 'command', at: 'os.system', bad: flask('if True:\n    os.system(request.args["c"])'), good: flask('if False:\n    os.system(request.args["c"])') },
  { name: 'a sink after return', sink: 'command', at: 'os.system', bad: flask('if request.args:\n    return "x"\nos.system(request.args["c"])'), good: flask('return "x"\nos.system(request.args["c"])') },
  { name: 'assert False ends the path', sink: 'command', at: 'os.system', bad: flask('assert True\nos.system(request.args["c"])'), good: flask('assert False\nos.system(request.args["c"])') },
  { name: 'base64 round trip of a constant', sink: 'command', at: 'os.system', bad: cmd('base64.b64decode(base64.b64encode(request.args["c"].encode())).decode()'), good: cmd('base64.b64decode(base64.b64encode(b"ls")).decode()') },
  { name: 'hex round trip of a constant', sink: 'command', at: 'os.system', bad: cmd('binascii.unhexlify(request.args["c"]).decode()'), good: cmd('binascii.unhexlify("6c73").decode()') },
  { name: 'unquote of a constant', sink: 'command', at: 'os.system', bad: cmd('urllib.parse.unquote(request.args["c"])'), good: cmd('urllib.parse.unquote("l%73")') },
];

describe('constants and decided branches', () => checkPairs(pairs));
