/** Control flow: branches join, guards that return hold below them, loops, try, with, match. */
import { beforeAll, describe } from 'vitest';
import { checkPairs, type Pair } from './pairs.js';
import { flask } from './snippets.js';
import { loadEngine } from './support.js';

beforeAll(loadEngine);

const pair = (name: string, bad: string, good: string, extra: Partial<Pair> = {}): Pair => ({
  name,
  sink: 'command',
  at: 'os.system',
  bad: flask(`user = request.args["u"]\n${bad}`),
  good: flask(`user = request.args["u"]\n${good}`),
  path: ["query parameter 'u'"],
  ...extra,
});

const pairs: Pair[] = [
  pair('if without else joins', 'c = "ls"\nif request.method == "POST":\n    c = user\nos.system(c)', 'c = user\nif request.method == "POST":\n    c = "ls"\nelse:\n    c = "pwd"\nos.system(c)'),
  pair('if/else: either branch', 'if request.method == "POST":\n    c = "ls"\nelse:\n    c = user\nos.system(c)', 'if request.method == "POST":\n    c = "ls"\nelse:\n    c = "pwd"\nos.system(c)'),
  pair('elif chain', 'if request.method == "GET":\n    c = "a"\nelif request.method == "PUT":\n    c = user\nelse:\n    c = "b"\nos.system(c)', 'if request.method == "GET":\n    c = "a"\nelif request.method == "PUT":\n    c = "c"\nelse:\n    c = "b"\nos.system(c)'),
  pair('a branch that returns does not fall through', 'c = user\nif request.method == "POST":\n    c = "ls"\nos.system(c)', 'c = user\nif request.method == "POST":\n    c = "ls"\nelse:\n    return "no"\nos.system(c)'),
  pair('a branch that raises does not fall through', 'c = user\nif not request.is_json:\n    c = "ls"\nos.system(c)', 'c = user\nif not request.is_json:\n    c = "ls"\nelse:\n    raise ValueError("x")\nos.system(c)'),
  pair('abort() ends the path', 'c = user\nif request.method == "POST":\n    c = "ls"\nelse:\n    print("no")\nos.system(c)', 'c = user\nif request.method == "POST":\n    c = "ls"\nelse:\n    abort(400)\nos.system(c)'),
  pair('for loop: assigned in the body', 'c = "ls"\nfor i in range(3):\n    c = user\nos.system(c)', 'c = user\nfor i in [1, 2]:\n    c = "ls"\n    break\nos.system(c)'),
  pair('while loop accumulates', 'c = "ls"\nn = 0\nwhile n < 3:\n    c = c + user\n    n += 1\nos.system(c)', 'c = "ls"\nn = 0\nwhile n < 3:\n    c = c + "x"\n    n += 1\nos.system(c)'),
  pair('continue skips the rest', 'c = "ls"\nfor i in range(3):\n    if i:\n        continue\n    c = user\nos.system(c)', 'c = "ls"\nfor i in range(3):\n    if i:\n        continue\n    c = "pwd"\nos.system(c)'),
  pair('for/else', 'c = "ls"\nfor i in range(3):\n    pass\nelse:\n    c = user\nos.system(c)', 'c = "ls"\nfor i in range(3):\n    pass\nelse:\n    c = "pwd"\nos.system(c)'),
  pair('a sink inside a loop sees the later rounds', 'c = "ls"\nfor i in range(3):\n    os.system(c)\n    c = user', 'c = "ls"\nfor i in range(3):\n    os.system(c)\n    c = "pwd"'),
  pair('try: the body', 'try:\n    c = user\nexcept ValueError:\n    c = "ls"\nos.system(c)', 'try:\n    c = "pwd"\nexcept ValueError:\n    c = "ls"\nos.system(c)'),
  pair('try: the handler', 'try:\n    c = "ls"\nexcept ValueError:\n    c = user\nos.system(c)', 'try:\n    c = "ls"\nexcept ValueError:\n    c = "pwd"\nos.system(c)'),
  pair('try: the handler that returns', 'try:\n    c = int(user)\nexcept ValueError:\n    c = user\nos.system(c)', 'try:\n    c = int(user)\nexcept ValueError:\n    return "bad"\nos.system(c)', { want: 'sanitised', by: 'int()' }),
  pair('try/else/finally', 'try:\n    c = "a"\nexcept ValueError:\n    c = "b"\nelse:\n    c = user\nfinally:\n    pass\nos.system(c)', 'try:\n    c = "a"\nexcept ValueError:\n    c = "b"\nelse:\n    c = "d"\nfinally:\n    pass\nos.system(c)'),
  pair('with ... as', 'with open("/tmp/x") as f:\n    c = user\nos.system(c)', 'with open("/tmp/x") as f:\n    c = "ls"\nos.system(c)'),
  pair('with binds the value', 'with Lock(user) as c:\n    os.system(c)', 'with Lock("ls") as c:\n    os.system(c)', { want: 'unknown' }),
  pair('match: a capture binds the subject', 'match user:\n    case "ls":\n        c = "ls"\n    case other:\n        c = other\nos.system(c)', 'match user:\n    case "ls":\n        c = "ls"\n    case other:\n        c = "pwd"\nos.system(c)'),
  pair('match: a literal case on input', 'match user:\n    case "a":\n        c = user\n    case _:\n        c = "ls"\nos.system(c)', 'match user:\n    case "a":\n        c = "a"\n    case _:\n        c = "ls"\nos.system(c)'),
  pair('a dead match case', 'kind = "x"\nmatch kind:\n    case "x":\n        c = user\n    case "y":\n        c = "ls"\n    case _:\n        c = "pwd"\nos.system(c)', 'kind = "y"\nmatch kind:\n    case "x":\n        c = user\n    case "y":\n        c = "ls"\n    case _:\n        c = "pwd"\nos.system(c)'),
  pair('an early return guard on the value', 'if user == "":\n    return "empty"\nos.system(user)', 'if user != "ls":\n    return "no"\nos.system(user)'),
  pair('assert narrows', 'assert user\nos.system(user)', 'assert user == "ls"\nos.system(user)'),
  pair('del then rebind', 'c = "ls"\ndel c\nc = user\nos.system(c)', 'c = user\ndel c\nc = "ls"\nos.system(c)'),
  {
    name: 'a closure reads the enclosing def',
    sink: 'command',
    at: 'os.system',
    bad: flask('user = request.args["u"]\ndef run():\n    os.system(user)\nrun()'),
    good: flask('user = "ls"\ndef run():\n    os.system(user)\nrun()'),
    path: ["query parameter 'u'"],
  },
  {
    name: 'a lambda body',
    sink: 'command',
    at: 'os.system',
    bad: flask('user = request.args["u"]\nf = lambda: os.system(user)\nf()'),
    good: flask('user = "ls"\nf = lambda: os.system(user)\nf()'),
    path: ["query parameter 'u'"],
  },
];

describe('control flow', () => checkPairs(pairs));
