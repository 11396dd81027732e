/** Containers with shape: the untrusted value sits in one slot, and the sink reads that slot or another. */
import { beforeAll, describe } from 'vitest';
import { checkPairs, type Pair } from './pairs.js';
import { flask } from './snippets.js';
import { loadEngine } from './support.js';

beforeAll(loadEngine);

const pair = (name: string, bad: string, good: string, path?: string[]): Pair => ({
  name,
  sink: 'command',
  at: 'os.system',
  bad: flask(`user = request.args["u"]\n${bad}`),
  good: flask(`user = request.args["u"]\n${good}`),
  path: path ?? ["query parameter 'u'"],
});

const pairs: Pair[] = [
  pair('dict literal: the key read', 'd = {"cmd": user, "opt": "-l"}\nos.system(d["cmd"])', 'd = {"cmd": user, "opt": "-l"}\nos.system(d["opt"])'),
  pair('dict key overwritten', 'd = {"cmd": "ls"}\nd["cmd"] = user\nos.system(d["cmd"])', 'd = {"cmd": user}\nd["cmd"] = "ls"\nos.system(d["cmd"])'),
  pair('dict: another key', 'd = {}\nd["k"] = user\nd["other"] = "ls"\nos.system(d["k"])', 'd = {}\nd["k"] = user\nd["other"] = "ls"\nos.system(d["other"])'),
  pair('dict.get', 'd = {"a": user, "b": "ls"}\nos.system(d.get("a"))', 'd = {"a": user, "b": "ls"}\nos.system(d.get("b"))'),
  pair('dict.get with a default', 'd = {"b": "ls"}\nos.system(d.get("a", user))', 'd = {"b": "ls"}\nos.system(d.get("b", user))'),
  pair('dict.pop removes the key', 'd = {"a": user}\nx = d.pop("a", "ls")\nos.system(x)', 'd = {"a": user}\nd.pop("a")\nx = d.get("a", "ls")\nos.system(x)'),
  pair('dict.update', 'd = {"a": "ls"}\nd.update({"a": user})\nos.system(d["a"])', 'd = {"a": user}\nd.update({"a": "ls"})\nos.system(d["a"])'),
  pair('dict.update by keyword', 'd = {"a": "ls"}\nd.update(a=user)\nos.system(d["a"])', 'd = {"a": "ls"}\nd.update(b=user)\nos.system(d["a"])'),
  pair('dict.setdefault', 'd = {}\nd.setdefault("a", user)\nos.system(d["a"])', 'd = {"a": "ls"}\nd.setdefault("a", user)\nos.system(d["a"])'),
  pair('dict(**) and dict()', 'd = dict(a=user, b="ls")\nos.system(d["a"])', 'd = dict(a=user, b="ls")\nos.system(d["b"])'),
  pair('dict splat', 'base = {"a": "ls"}\nd = {**base, "a": user}\nos.system(d["a"])', 'base = {"a": user}\nd = {**base, "a": "ls"}\nos.system(d["a"])'),
  pair('nested dicts', 'd = {"x": {"y": user, "z": "ls"}}\nos.system(d["x"]["y"])', 'd = {"x": {"y": user, "z": "ls"}}\nos.system(d["x"]["z"])'),
  pair('list index', 'l = ["ls", user]\nos.system(l[1])', 'l = ["ls", user]\nos.system(l[0])'),
  pair('list append', 'l = ["ls"]\nl.append(user)\nos.system(l[-1])', 'l = ["ls"]\nl.append(user)\nos.system(l[0])'),
  pair('list insert shifts', 'l = ["ls"]\nl.insert(0, user)\nos.system(l[0])', 'l = ["ls"]\nl.insert(0, user)\nos.system(l[1])'),
  pair('list pop(i) removes the element', 'l = ["ls", user]\nl.pop(0)\nos.system(l[0])', 'l = [user, "ls"]\nl.pop(0)\nos.system(l[0])'),
  pair('list pop() returns the last', 'l = ["ls", user]\nos.system(l.pop())', 'l = [user, "ls"]\nos.system(l.pop())'),
  pair('list remove', 'l = ["a", user, "b"]\nl.remove("a")\nos.system(l[0])', 'l = ["a", user, "b"]\nl.remove("a")\nos.system(l[1])'),
  pair('list extend', 'l = ["ls"]\nl.extend([user])\nos.system(l[1])', 'l = ["ls"]\nl.extend([user])\nos.system(l[0])'),
  pair('list slice after changes', 'l = ["a", "b"]\nl.append(user)\nos.system(" ".join(l[1:]))', 'l = ["a", "b"]\nl.append(user)\nos.system(" ".join(l[:2]))'),
  pair('list item assignment', 'l = ["a", "b"]\nl[1] = user\nos.system(l[1])', 'l = ["a", user]\nl[1] = "b"\nos.system(l[1])'),
  pair('tuple unpacking', 'a, b = "ls", user\nos.system(b)', 'a, b = "ls", user\nos.system(a)'),
  pair('star unpacking', 'first, *rest = ["ls", "-l", user]\nos.system(rest[1])', 'first, *rest = ["ls", "-l", user]\nos.system(first)'),
  pair('swap', 'a, b = user, "ls"\na, b = b, a\nos.system(b)', 'a, b = user, "ls"\na, b = b, a\nos.system(a)'),
  pair('a for loop over a list', 'for part in ["ls", user]:\n    os.system(part)', 'for part in ["ls", "pwd"]:\n    os.system(part)'),
  pair('a list comprehension', 'cmds = [c.strip() for c in [user, "ls"]]\nos.system(cmds[0])', 'cmds = [c.strip() for c in ["pwd", "ls"]]\nos.system(cmds[0])'),
  pair('a dict comprehension', 'opts = {k: v for k, v in [("a", user)]}\nos.system(opts["a"])', 'opts = {k: v for k, v in [("a", "ls")]}\nos.system(opts["a"])'),
  pair('configparser set/get', 'cfg = configparser.ConfigParser()\ncfg.add_section("s")\ncfg.set("s", "cmd", user)\ncfg.set("s", "opt", "-l")\nos.system(cfg.get("s", "cmd"))', 'cfg = configparser.ConfigParser()\ncfg.add_section("s")\ncfg.set("s", "cmd", user)\ncfg.set("s", "opt", "-l")\nos.system(cfg.get("s", "opt"))'),
  pair('collections.deque popleft', 'q = collections.deque()\nq.append(user)\nq.append("ls")\nos.system(q.popleft())', 'q = collections.deque()\nq.append("ls")\nq.append(user)\nos.system(q.popleft())'),
  pair('an allow-list dict lookup picks the code\'s value', 'cmds = {"list": "ls"}\nos.system(user + cmds.get("list"))', 'cmds = {"list": "ls"}\nos.system(cmds.get(user, "ls"))'),
  pair('a dict indexed by the input', 'cmds = {"list": "ls", "disk": "df"}\nos.system(cmds[user] + user)', 'cmds = {"list": "ls", "disk": "df"}\nos.system(cmds[user])'),
  pair('self attribute', 'self.cmd = user\nos.system(self.cmd)', 'self.cmd = user\nself.cmd = "ls"\nos.system(self.cmd)'),
];

describe('containers', () => checkPairs(pairs));
