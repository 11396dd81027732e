/**
 * The general, crypto, web and blacklist rules (B101–B108, B201, B301,
 * B311, B324, B403, B404, B501, B506) against what bandit 1.9.4 reports,
 * one small snippet at a time. The expectations were produced by running
 * bandit 1.9.4 (Python 3.11) on each snippet: `ID@line:SC` with S and C the
 * first letters of severity and confidence, then bandit's messages. The rule
 * fixtures cover realistic code; these pin down bandit's corner cases (B103's
 * mode arithmetic and message, B105's node contexts, f-string parts, the
 * import blacklists' one-issue-per-statement order, B324's usedforsecurity,
 * B506's `import yaml` requirement). PS501 is ours: its cases are below.
 */
import { describe, expect, it } from 'vitest';
import { parityCases, snippetRunner, type ParityCase } from '../support/snippets.js';
import { looksLikePassword } from '../../server/src/engine/checks/support/secrets.js';
import { fnmatch } from '../../server/src/glob/fnmatch.js';
import { pyBytesRepr, pyFloatRepr, pyStrRepr } from '../../server/src/engine/pyrepr.js';

const OURS = new Set(['B101', 'B102', 'B103', 'B104', 'B105', 'B106', 'B108', 'B201', 'B301', 'B311', 'B324', 'B403', 'B404', 'B501', 'B506', 'PS501']);

const run = snippetRunner(OURS);

/** [snippet, bandit 1.9.4's findings for our ids, bandit's messages]. */
const CASES: ParityCase[] = [
  ["assert x", "B101@1:LH", ["B101@1 Use of assert detected. The enclosed code will be removed when compiling to optimised byte code."]],
  ["assert (\n    x\n), 'msg'", "B101@1:LH", ["B101@1 Use of assert detected. The enclosed code will be removed when compiling to optimised byte code."]],
  ["exec('x')", "B102@1:MH", ["B102@1 Use of exec detected."]],
  ["builtins.exec('x')", "", []],
  ["from builtins import exec as e\ne('x')", "", []],
  ["os.chmod(p, 0o777)", "B103@1:HH", ["B103@1 Chmod setting a permissive mask 0o777 on file (p)."]],
  ["os.chmod(p, 0o770)", "B103@1:MH", ["B103@1 Chmod setting a permissive mask 0o770 on file (p)."]],
  ["os.chmod(p, 0o002)", "B103@1:HH", ["B103@1 Chmod setting a permissive mask 0o2 on file (p)."]],
  ["os.chmod(p, 0o644)", "", []],
  ["os.chmod(p, 0o600, dir_fd=d)", "", []],
  ["os.chmod(p, 511)", "B103@1:HH", ["B103@1 Chmod setting a permissive mask 0o777 on file (p)."]],
  ["os.chmod(p, True)", "", []],
  ["os.chmod(p, stat.S_IRWXO)", "", []],
  ["os.chmod(p, 0o777, x)", "", []],
  ["os.chmod(*args, 0o777)", "B103@1:HH", ["B103@1 Chmod setting a permissive mask 0o777 on file (NOT PARSED)."]],
  ["os.lchmod(p, 0o777)", "B103@1:HH", ["B103@1 Chmod setting a permissive mask 0o777 on file (p)."]],
  ["from os import chmod as c\nc(p, 0o775)", "B103@2:MH", ["B103@2 Chmod setting a permissive mask 0o775 on file (p)."]],
  ["os.chmod(['a', \"b'c\"], 0o777)", "B103@1:HH", ["B103@1 Chmod setting a permissive mask 0o777 on file (['a', \"b'c\"])."]],
  ["os.chmod(('a',), 0o777)", "B103@1:HH", ["B103@1 Chmod setting a permissive mask 0o777 on file (('a',))."]],
  ["os.chmod(f'{p}', 0o777)", "B103@1:HH", ["B103@1 Chmod setting a permissive mask 0o777 on file (NOT PARSED)."]],
  ["os.chmod(b'p', 0o777)", "B103@1:HH", ["B103@1 Chmod setting a permissive mask 0o777 on file (b'p')."]],
  ["host = '0.0.0.0'", "B104@1:MM", ["B104@1 Possible binding to all interfaces."]],
  ["host = '0.0.0.0 '", "", []],
  ["host = b'0.0.0.0'", "", []],
  ["'0.0.0.0'", "", []],
  ["('0.0.0.0')", "", []],
  ["'0.0.0.0', 1", "B104@1:MM", ["B104@1 Possible binding to all interfaces."]],
  ["bind(f'0.0.0.0')", "B104@1:MM", ["B104@1 Possible binding to all interfaces."]],
  ["bind(f'{h}0.0.0.0')", "B104@1:MM", ["B104@1 Possible binding to all interfaces."]],
  ["bind(f'0.0.0.0{p}')", "B104@1:MM", ["B104@1 Possible binding to all interfaces."]],
  ["bind('0.0.' '0.0')", "B104@1:MM", ["B104@1 Possible binding to all interfaces."]],
  ["print(f'{x:0.0.0.0}')", "B104@1:MM", ["B104@1 Possible binding to all interfaces."]],
  ["password = 'x'", "B105@1:LM", ["B105@1 Possible hardcoded password: 'x'"]],
  ["password: str = 'x'", "", []],
  ["password += 'x'", "", []],
  ["a = b.password = 'x'", "B105@1:LM", ["B105@1 Possible hardcoded password: 'x'"]],
  ["(password) = 'x'", "B105@1:LM", ["B105@1 Possible hardcoded password: 'x'"]],
  ["password, b = 'x', 'y'", "", []],
  ["PASSWORD = f'{x}'", "", []],
  ["PASSWORD = b'x'", "", []],
  ["passwords = 'x'", "", []],
  ["my_pwd = 'x'", "B105@1:LM", ["B105@1 Possible hardcoded password: 'x'"]],
  ["pwd_hash = 'x'", "B105@1:LM", ["B105@1 Possible hardcoded password: 'x'"]],
  ["x_secret_y = 'x'", "B105@1:LM", ["B105@1 Possible hardcoded password: 'x'"]],
  ["token_ = 'x'", "B105@1:LM", ["B105@1 Possible hardcoded password: 'x'"]],
  ["_secrete = 'x'", "B105@1:LM", ["B105@1 Possible hardcoded password: 'x'"]],
  ["passphrase = 'x'", "B105@1:LM", ["B105@1 Possible hardcoded password: 'x'"]],
  ["Pass_Word = 'x'", "B105@1:LM", ["B105@1 Possible hardcoded password: 'x'"]],
  ["d = {'password': 'x'}", "B105@1:LM", ["B105@1 Possible hardcoded password: 'x'"]],
  ["d = {'password': None}", "B105@1:LM", ["B105@1 Possible hardcoded password: 'None'"]],
  ["d = {'password': 10, 'token': 1.5, 'secret': True}", "B105@1:LM B105@1:LM B105@1:LM", ["B105@1 Possible hardcoded password: '1.5'", "B105@1 Possible hardcoded password: '10'", "B105@1 Possible hardcoded password: 'True'"]],
  ["d = {'password': -1}", "", []],
  ["d = {'password': f'{x}'}", "", []],
  ["d = {'x': 'password'}", "", []],
  ["d['password'] = 'x'", "B105@1:LM", ["B105@1 Possible hardcoded password: 'x'"]],
  ["d['password'] = f'{x}'", "", []],
  ["d['password'] = 5", "", []],
  ["d['password', 1] = 'x'", "", []],
  ["x = d['password']", "", []],
  ["if password == 'x': pass", "B105@1:LM", ["B105@1 Possible hardcoded password: 'x'"]],
  ["if self.token != 'x': pass", "B105@1:LM", ["B105@1 Possible hardcoded password: 'x'"]],
  ["if 'x' == password: pass", "", []],
  ["if password in ['x']: pass", "", []],
  ["if password == y == 'x': pass", "", []],
  ["if password is 'x': pass", "B105@1:LM", ["B105@1 Possible hardcoded password: 'x'"]],
  ["f(password='x')", "B106@1:LM", ["B106@1 Possible hardcoded password: 'x'"]],
  ["f(password='x', token='y')", "B106@1:LM", ["B106@1 Possible hardcoded password: 'x'"]],
  ["f(password=None)", "", []],
  ["f(password=b'x')", "", []],
  ["f(Password='x')", "B106@1:LM", ["B106@1 Possible hardcoded password: 'x'"]],
  ["f(user='x', new_password='y')", "B106@1:LM", ["B106@1 Possible hardcoded password: 'y'"]],
  ["f(\n    password=\n        'x')", "B106@3:LM", ["B106@3 Possible hardcoded password: 'x'"]],
  ["p = '/tmp'", "B108@1:MM", ["B108@1 Probable insecure usage of temp file/directory."]],
  ["p = '/tmpfoo'", "B108@1:MM", ["B108@1 Probable insecure usage of temp file/directory."]],
  ["p = '/var/tmp/x'", "B108@1:MM", ["B108@1 Probable insecure usage of temp file/directory."]],
  ["p = '/dev/shm'", "B108@1:MM", ["B108@1 Probable insecure usage of temp file/directory."]],
  ["p = 'tmp/x'", "", []],
  ["p = f'/tmp/{x}'", "B108@1:MM", ["B108@1 Probable insecure usage of temp file/directory."]],
  ["p = f'{x}/tmp/'", "B108@1:MM", ["B108@1 Probable insecure usage of temp file/directory."]],
  // Each literal part of an f-string is a constant to bandit: two parts, two issues on the f-string (bandit 1.9.4 on Python 3.11).
  ["p = f'{d}/tmp/a {d}/tmp/b'", "B108@1:MM B108@1:MM", ["B108@1 Probable insecure usage of temp file/directory."]],
  ["h = f'{d}0.0.0.0 {d}0.0.0.0'", "B104@1:MM", ["B104@1 Possible binding to all interfaces."]],
  ["h = f'0.0.0.0{d}0.0.0.0'", "B104@1:MM B104@1:MM", ["B104@1 Possible binding to all interfaces."]],
  ["p = b'/tmp'", "", []],
  ["'''/tmp docstring'''", "", []],
  ["open('/tmp/x' + name)", "B108@1:MM", ["B108@1 Probable insecure usage of temp file/directory."]],
  ["import flask\napp.run(debug=True)", "B201@2:HM", ["B201@2 A Flask app appears to be run with debug=True, which exposes the Werkzeug debugger and allows the execution of arbitrary code."]],
  ["import flask_cors\napp.run(debug=True)", "B201@2:HM", ["B201@2 A Flask app appears to be run with debug=True, which exposes the Werkzeug debugger and allows the execution of arbitrary code."]],
  ["app.run(debug=True)", "", []],
  ["from flask import Flask\nrun(debug=True)", "", []],
  ["from flask import Flask\napp.run(debug=1)", "", []],
  ["from flask import Flask\napp.run(debug='True')", "B201@2:HM", ["B201@2 A Flask app appears to be run with debug=True, which exposes the Werkzeug debugger and allows the execution of arbitrary code."]],
  ["from flask import Flask\nx.y.run(host='h', debug=True)", "B201@2:HM", ["B201@2 A Flask app appears to be run with debug=True, which exposes the Werkzeug debugger and allows the execution of arbitrary code."]],
  ["import pickle\npickle.loads(b)", "B301@2:MH B403@1:LH", ["B301@2 Pickle and modules that wrap it can be unsafe when used to deserialize untrusted data, possible security issue.", "B403@1 Consider possible security implications associated with pickle module."]],
  ["import pickle as p\np.load(f)", "B301@2:MH B403@1:LH", ["B301@2 Pickle and modules that wrap it can be unsafe when used to deserialize untrusted data, possible security issue.", "B403@1 Consider possible security implications associated with pickle module."]],
  ["from pickle import Unpickler\nUnpickler(f)", "B301@2:MH B403@1:LH", ["B301@2 Pickle and modules that wrap it can be unsafe when used to deserialize untrusted data, possible security issue.", "B403@1 Consider possible security implications associated with Unpickler module."]],
  ["pickle.dumps(x)", "", []],
  ["import pandas\npandas.read_pickle(p)", "B301@2:MH", ["B301@2 Pickle and modules that wrap it can be unsafe when used to deserialize untrusted data, possible security issue."]],
  ["import random\nrandom.random()", "B311@2:LH", ["B311@2 Standard pseudo-random generators are not suitable for security/cryptographic purposes."]],
  ["import random\nrandom.seed(1)", "", []],
  ["import random\nrandom.SystemRandom()", "", []],
  ["from random import randint as r\nr(1, 2)", "B311@2:LH", ["B311@2 Standard pseudo-random generators are not suitable for security/cryptographic purposes."]],
  ["import hashlib\nhashlib.md5()", "B324@2:HH", ["B324@2 Use of weak MD5 hash for security. Consider usedforsecurity=False"]],
  ["import hashlib\nhashlib.md5(usedforsecurity=False)", "", []],
  ["import hashlib\nhashlib.md5(usedforsecurity=True)", "B324@2:HH", ["B324@2 Use of weak MD5 hash for security. Consider usedforsecurity=False"]],
  ["import hashlib\nhashlib.md5(usedforsecurity='True')", "B324@2:HH", ["B324@2 Use of weak MD5 hash for security. Consider usedforsecurity=False"]],
  ["import hashlib\nhashlib.md5(usedforsecurity=x)", "", []],
  ["import hashlib\nhashlib.sha()", "B324@2:HH", ["B324@2 Use of weak SHA hash for security. Consider usedforsecurity=False"]],
  ["import hashlib\nhashlib.md4()", "B324@2:HH", ["B324@2 Use of weak MD4 hash for security. Consider usedforsecurity=False"]],
  ["import hashlib\nhashlib.sha224()", "", []],
  ["import hashlib\nhashlib.new('md5')", "B324@2:HH", ["B324@2 Use of weak MD5 hash for security. Consider usedforsecurity=False"]],
  ["import hashlib\nhashlib.new('SHA1')", "B324@2:HH", ["B324@2 Use of weak SHA1 hash for security. Consider usedforsecurity=False"]],
  ["import hashlib\nhashlib.new(name='md4')", "B324@2:HH", ["B324@2 Use of weak MD4 hash for security. Consider usedforsecurity=False"]],
  ["import hashlib\nhashlib.new('md5', usedforsecurity=False)", "", []],
  ["import hashlib\nhashlib.new(x.md5)", "B324@2:HH", ["B324@2 Use of weak MD5 hash for security. Consider usedforsecurity=False"]],
  ["import hashlib\nhashlib.new(md5)", "B324@2:HH", ["B324@2 Use of weak MD5 hash for security. Consider usedforsecurity=False"]],
  ["import hashlib\nhashlib.new('sha256')", "", []],
  ["import crypt\ncrypt.crypt(w, crypt.METHOD_MD5)", "B324@2:MH", ["B324@2 Use of insecure crypt.METHOD_MD5 hash function."]],
  ["import crypt\ncrypt.crypt(w, salt=crypt.METHOD_BLOWFISH)", "B324@2:MH", ["B324@2 Use of insecure crypt.METHOD_BLOWFISH hash function."]],
  ["import crypt\ncrypt.crypt(w, crypt.METHOD_SHA256)", "", []],
  ["import crypt\ncrypt.mksalt(crypt.METHOD_CRYPT)", "B324@2:MH", ["B324@2 Use of insecure crypt.METHOD_CRYPT hash function."]],
  ["import crypt\ncrypt.mksalt(method='METHOD_MD5')", "B324@2:MH", ["B324@2 Use of insecure crypt.METHOD_MD5 hash function."]],
  ["import Crypto.Hash.MD5\nCrypto.Hash.MD5.new()", "", []],
  ["import pickle", "B403@1:LH", ["B403@1 Consider possible security implications associated with pickle module."]],
  ["import pickle, subprocess", "B403@1:LH", ["B403@1 Consider possible security implications associated with pickle module."]],
  ["import subprocess, pickle", "B403@1:LH", ["B403@1 Consider possible security implications associated with pickle module."]],
  ["import subprocess as s, os", "B404@1:LH", ["B404@1 Consider possible security implications associated with the subprocess module."]],
  ["from subprocess import run", "B404@1:LH", ["B404@1 Consider possible security implications associated with the subprocess module."]],
  ["from os import subprocess", "", []],
  ["import subprocess32", "B404@1:LH", ["B404@1 Consider possible security implications associated with the subprocess module."]],
  ["import cPickle", "B403@1:LH", ["B403@1 Consider possible security implications associated with cPickle module."]],
  ["from . import pickle", "B403@1:LH", ["B403@1 Consider possible security implications associated with pickle module."]],
  ["from .pickle import x", "B403@1:LH", ["B403@1 Consider possible security implications associated with x module."]],
  ["from dill import *", "B403@1:LH", ["B403@1 Consider possible security implications associated with * module."]],
  ["__import__('pickle')", "B403@1:LH", ["B403@1 Consider possible security implications associated with pickle module."]],
  ["__import__('subprocess')", "B404@1:LH", ["B404@1 Consider possible security implications associated with the subprocess module."]],
  ["__import__('pickle.x')", "", []],
  ["__import__(name)", "", []],
  ["import importlib\nimportlib.import_module('pickle')", "B403@2:LH", ["B403@2 Consider possible security implications associated with pickle module."]],
  ["import importlib\nimportlib.import_module(name='shelve')", "B403@2:LH", ["B403@2 Consider possible security implications associated with shelve module."]],
  ["from importlib import import_module\nimport_module('subprocess')", "B404@2:LH", ["B404@2 Consider possible security implications associated with the subprocess module."]],
  ["import importlib\nimportlib.__import__('dill')", "B403@2:LH", ["B403@2 Consider possible security implications associated with dill module."]],
  ["import requests\nrequests.get(u, verify=False)", "B501@2:HH", ["B501@2 Call to requests with verify=False disabling SSL certificate checks, security issue."]],
  ["import requests\nrequests.get(u, verify=True)", "", []],
  ["import requests\nrequests.get(u, verify='False')", "B501@2:HH", ["B501@2 Call to requests with verify=False disabling SSL certificate checks, security issue."]],
  ["import requests\nrequests.request('GET', u, verify=False)", "", []],
  ["import requests\nrequests.Session().get(u, verify=False)", "", []],
  ["import requests as r\nr.patch(u, verify=False)", "B501@2:HH", ["B501@2 Call to requests with verify=False disabling SSL certificate checks, security issue."]],
  ["import httpx\nhttpx.stream('GET', u, verify=False)", "B501@2:HH", ["B501@2 Call to httpx with verify=False disabling SSL certificate checks, security issue."]],
  ["import httpx\nhttpx.AsyncClient(verify=False)", "B501@2:HH", ["B501@2 Call to httpx with verify=False disabling SSL certificate checks, security issue."]],
  ["import httpx\nhttpx.Timeout(verify=False)", "", []],
  ["import yaml\nyaml.load(s)", "B506@2:MH", ["B506@2 Use of unsafe yaml load. Allows instantiation of arbitrary objects. Consider yaml.safe_load()."]],
  ["from yaml import load\nload(s)", "", []],
  ["import yaml\nfrom yaml import load\nload(s)", "B506@3:MH", ["B506@3 Use of unsafe yaml load. Allows instantiation of arbitrary objects. Consider yaml.safe_load()."]],
  ["import yaml\nyaml.load(s, Loader=yaml.SafeLoader)", "", []],
  ["import yaml\nyaml.load(s, Loader=SafeLoader)", "", []],
  ["import yaml\nyaml.load(s, yaml.CSafeLoader)", "", []],
  ["import yaml\nyaml.load(s, Loader=yaml.BaseLoader)", "B506@2:MH", ["B506@2 Use of unsafe yaml load. Allows instantiation of arbitrary objects. Consider yaml.safe_load()."]],
  ["import yaml\nyaml.unsafe_load(s)", "", []],
  ["import yaml as y\ny.load(s)", "B506@2:MH", ["B506@2 Use of unsafe yaml load. Allows instantiation of arbitrary objects. Consider yaml.safe_load()."]],
  ["import ruamel.yaml\nruamel.yaml.load(s)", "", []],
];

parityCases('bandit 1.9.4 parity, snippet by snippet', CASES, run);

describe('PS501 cors_wildcard_with_credentials', () => {
  const CORS: [string, string][] = [
    ['from fastapi.middleware.cors import CORSMiddleware\napp.add_middleware(CORSMiddleware, allow_origins=["*"], allow_credentials=True)', 'PS501@2:MH'],
    ['from fastapi.middleware.cors import CORSMiddleware as C\napp.add_middleware(C, allow_origins="*", allow_credentials=True)', 'PS501@2:MH'],
    ['from starlette.middleware.cors import CORSMiddleware\napp.add_middleware(middleware_class=CORSMiddleware, allow_origins={"*"}, allow_credentials=True)', 'PS501@2:MH'],
    ['from starlette.middleware.cors import CORSMiddleware\napp.add_middleware(CORSMiddleware, allow_origin_regex="https://.*", allow_credentials=True)', 'PS501@2:MH'],
    ['from starlette.middleware import Middleware\nfrom starlette.middleware.cors import CORSMiddleware\nm = [Middleware(CORSMiddleware, allow_origins=["*"], allow_credentials=True)]', 'PS501@3:MH'],
    ['from starlette.middleware.cors import CORSMiddleware\napp = CORSMiddleware(app, allow_origins=["*"], allow_credentials=True)', 'PS501@2:MH'],
    ['from fastapi.middleware.cors import CORSMiddleware\napp.add_middleware(CORSMiddleware, allow_origins=["*"])', ''],
    ['from fastapi.middleware.cors import CORSMiddleware\napp.add_middleware(CORSMiddleware, allow_origins=origins, allow_credentials=True)', ''],
    ['from fastapi.middleware.cors import CORSMiddleware\napp.add_middleware(CORSMiddleware, allow_origins=["https://a.example"], allow_credentials=True)', ''],
    ['from fastapi.middleware.cors import CORSMiddleware\napp.add_middleware(CORSMiddleware, allow_origin_regex=r"https://.*\\.example\\.com", allow_credentials=True)', ''],
    ['app.add_middleware(GZipMiddleware, allow_origins=["*"], allow_credentials=True)', ''],
    ['from flask_cors import CORS\nCORS(app, supports_credentials=True)', 'PS501@2:MM'],
    ['from flask_cors import CORS\nCORS(app, origins=["*"], supports_credentials=True)', 'PS501@2:MH'],
    ['from flask_cors import CORS\nCORS(app, origins=r".*", supports_credentials=True)', 'PS501@2:MH'],
    ['from flask_cors import CORS\nCORS(app, origins=ALLOWED, supports_credentials=True)', ''],
    ['from flask_cors import CORS\nCORS(app)', ''],
    ['from flask_cors import CORS\nCORS(app, supports_credentials=False)', ''],
    ['from flask_cors import CORS\nCORS(app, resources={r"/api/*": {"origins": "*"}}, supports_credentials=True)', 'PS501@2:MH'],
    ['from flask_cors import CORS\nCORS(app, resources={r"/api/*": {"origins": ["https://a.example"]}}, supports_credentials=True)', ''],
    ['from flask_cors import CORS\nCORS(app, resources={r"/api/*": {"supports_credentials": True}})', 'PS501@2:MM'],
    ['import flask_cors\nflask_cors.CORS(app, origins="*", supports_credentials=True)', 'PS501@2:MH'],
    ['from flask_cors import cross_origin\n@cross_origin(supports_credentials=True)\ndef f(): pass', 'PS501@2:MM'],
    ['from flask_cors import cross_origin\n@cross_origin(origins=["https://a.example"], supports_credentials=True)\ndef f(): pass', ''],
    ['CORS(app, supports_credentials=True)', ''],
  ];
  it.each(CORS)('%j', (text, want) => {
    expect(run(text).map((f) => `${f.rule}@${f.line}:${f.level}`).join(' ')).toBe(want);
  });

  it('says what to do in its message', () => {
    for (const f of run('from flask_cors import CORS\nCORS(app, origins="*", supports_credentials=True)')) {
      expect(f.message).toMatch(/exact trusted origins/);
    }
  });
});

describe('helpers', () => {
  it('reads password-like names as bandit\'s RE_CANDIDATES does', () => {
    for (const yes of ['password', 'PASSWORD', 'db_password', 'password_hash', 'x_pwd_y', 'token', 'api_token', 'secret', 'secrete', 'passphrase', 'pass', 'passwd', 'paswd', 'password\n']) {
      expect(looksLikePassword(yes), yes).toBe(true);
    }
    for (const yes of ['secret_', '_secret_xy']) expect(looksLikePassword(yes), yes).toBe(true);
    for (const no of ['passwords', 'pw', 'tokens', 'mypassword', 'password1', 'passport']) {
      expect(looksLikePassword(no), no).toBe(false);
    }
  });

  it('prints floats as Python\'s repr', () => {
    expect([1.0, 0.5, 1e16, 1e15, 1.5e-5, 0.0001, 123.456, 1e100, 2.5].map((x) => pyFloatRepr(x))).toEqual([
      '1.0', '0.5', '1e+16', '1000000000000000.0', '1.5e-05', '0.0001', '123.456', '1e+100', '2.5',
    ]);
  });

  it("prints strings and bytes as Python's repr (values from python3.11)", () => {
    expect(['a', "it's", 'say "hi"', 'both \' "', 'tab\there\n', '\x00\x7f\x85\xa0é', 'back\\slash', '\u200b\u{1f600}\u{e0001}'].map(pyStrRepr)).toEqual([
      "'a'", '"it\'s"', '\'say "hi"\'', "'both \\' \"'", "'tab\\there\\n'", "'\\x00\\x7f\\x85\\xa0é'", "'back\\\\slash'", "'\\u200b\u{1f600}\\U000e0001'",
    ]);
    expect(['a', "it's", '\x00\xff\x7f\t', 'q\\'].map(pyBytesRepr)).toEqual(["b'a'", 'b"it\'s"', "b'\\x00\\xff\\x7f\\t'", "b'q\\\\'"]);
  });

  it('matches file names like fnmatch', () => {
    expect(fnmatch('tests/test_x.py', '*/test_*.py')).toBe(true);
    expect(fnmatch('a/b/test_x.py', '*test_*.py')).toBe(true);
    expect(fnmatch('app.py', '*/test_*.py')).toBe(false);
    expect(fnmatch('t1.py', 't[0-9].py')).toBe(true);
    expect(fnmatch('ta.py', 't[!a].py')).toBe(false);
  });
});
