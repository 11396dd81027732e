/**
 * The grading table (grading/risk.ts), branch by branch, with `Reach`
 * values built directly (the flow layer's contract, engine/flow/types.ts).
 */
import { describe, expect, it } from 'vitest';
import type { Reach, SinkKind } from '../../server/src/engine/flow/types.js';
import { readRules } from '../../server/src/engine/rules-read.js';
import type { Risk } from '../../server/src/findings/finding.js';
import { gradeRisk, isPlaceholderSecret, isTestPath, namesSecret, type GradeInput } from '../../server/src/grading/risk.js';

const step = (note: string) => ({ file: null, span: { start: 0, end: 1 }, line: 0, column: 0, note });
const request: Reach = { kind: 'untrusted', trust: 'request', path: [step("request.form['c'] (form field 'c')"), step('reaches exec()')] };
const local: Reach = { kind: 'untrusted', trust: 'local', path: [step('sys.argv[1]'), step('reaches os.system()')] };
const constant: Reach = { kind: 'constant' };
const sanitised: Reach = { kind: 'sanitised', by: 'shlex.quote' };
const unknown: Reach = { kind: 'unknown' };

const g = (over: Partial<GradeInput>): Risk => gradeRisk({ base: 'Critical', sink: null, reach: null, testCode: false, ...over });

describe('injection and code-execution sinks (CRITICAL_SINKS)', () => {
  it.each(['command', 'code', 'sql', 'deserialisation', 'template'] as SinkKind[])('%s: Critical only with a traced request path', (sink) => {
    expect(g({ sink, reach: request })).toBe('Critical');
    expect(g({ sink, reach: local })).toBe('High');
    expect(g({ sink, reach: unknown })).toBe('High');
    expect(g({ sink, reach: null })).toBe('High');
    expect(g({ sink, reach: constant })).toBe('Low');
    expect(g({ sink, reach: sanitised })).toBe('Low');
  });
  it('a default below High stays where it is when nothing is traced', () => {
    expect(g({ base: 'Medium', sink: 'command', reach: unknown })).toBe('Medium');
    expect(g({ base: 'Low', sink: 'command', reach: unknown })).toBe('Low');
  });
  it('operator input (input(), argv, environ) into a critical sink is High, never Critical', () => {
    expect(g({ base: 'Medium', sink: 'code', reach: local })).toBe('High');
  });
});

describe('other sinks', () => {
  it.each(['html', 'url', 'path', 'redirect', 'xml'] as SinkKind[])('%s: the default, at most High, with a path; Low with constants', (sink) => {
    expect(g({ base: 'Medium', sink, reach: request })).toBe('Medium');
    expect(g({ base: 'High', sink, reach: request })).toBe('High');
    expect(g({ base: 'Critical', sink, reach: request })).toBe('High');
    expect(g({ base: 'Medium', sink, reach: constant })).toBe('Low');
    expect(g({ base: 'Medium', sink, reach: sanitised })).toBe('Low');
    expect(g({ base: 'Medium', sink, reach: unknown })).toBe('Medium');
  });
  it('a rule without a sink keeps its default, never above High', () => {
    expect(g({ base: 'Critical' })).toBe('High');
    expect(g({ base: 'High' })).toBe('High');
    expect(g({ base: 'Medium' })).toBe('Medium');
    expect(g({ base: 'Low' })).toBe('Low');
    // A reach handed in without a sink is not looked at.
    expect(g({ base: 'Medium', reach: constant })).toBe('Medium');
  });
});

describe('a program run without a shell (argv: B603, B606, B607)', () => {
  it('request data choosing the program is Critical, in its arguments only High; operator input a step lower', () => {
    // B603's default is Low: the path alone raises it.
    expect(g({ base: 'Low', sink: 'argv', reach: request, program: request })).toBe('Critical');
    expect(g({ base: 'Low', sink: 'argv', reach: request, program: constant })).toBe('High');
    expect(g({ base: 'Low', sink: 'argv', reach: request, program: unknown })).toBe('High');
    expect(g({ base: 'Low', sink: 'argv', reach: request })).toBe('High');
    expect(g({ base: 'Low', sink: 'argv', reach: local, program: local })).toBe('High');
    expect(g({ base: 'Low', sink: 'argv', reach: local, program: constant })).toBe('Medium');
  });
  it('a constant or cleaned argv is Low, an untraced one keeps the default', () => {
    expect(g({ base: 'Low', sink: 'argv', reach: constant })).toBe('Low');
    expect(g({ base: 'Low', sink: 'argv', reach: sanitised })).toBe('Low');
    expect(g({ base: 'Low', sink: 'argv', reach: unknown })).toBe('Low');
    expect(g({ base: 'Low', sink: 'argv', reach: request, program: request, testCode: true })).toBe('Low');
  });
});

describe('hardcoded credentials', () => {
  it('Critical in application code, Low when a placeholder or in test code', () => {
    expect(g({ base: 'Critical', credential: { placeholder: false } })).toBe('Critical');
    expect(g({ base: 'Low', credential: { placeholder: false } })).toBe('Critical');
    expect(g({ credential: { placeholder: true } })).toBe('Low');
    expect(g({ credential: { placeholder: false }, testCode: true })).toBe('Low');
  });
});

describe('weak hashes and random (crypto)', () => {
  it('High only where the value is a secret, else the default at most Medium', () => {
    expect(g({ base: 'Medium', sink: 'crypto', secretUse: true })).toBe('High');
    expect(g({ base: 'Medium', sink: 'crypto', secretUse: false })).toBe('Medium');
    expect(g({ base: 'High', sink: 'crypto' })).toBe('Medium');
    expect(g({ base: 'Low', sink: 'crypto' })).toBe('Low');
    expect(g({ base: 'Medium', sink: 'crypto', secretUse: true, testCode: true })).toBe('Low');
  });
  it('the crypto rules default to Medium or below', () => {
    const crypto = readRules().filter((r) => r.sink?.kind === 'crypto');
    expect(crypto.map((r) => r.id).sort()).toEqual(['B303', 'B311', 'B324', 'PS201']);
    for (const r of crypto) expect(['Medium', 'Low']).toContain(r.risk);
  });
});

describe('test code', () => {
  it('at most Low, whatever reaches the sink', () => {
    expect(g({ sink: 'code', reach: request, testCode: true })).toBe('Low');
    expect(g({ base: 'High', testCode: true })).toBe('Low');
  });
  it.each([
    ['tests/test_app.py', true],
    ['pkg/tests/helpers.py', true],
    ['C:\\proj\\tests\\util.py', true],
    ['conftest.py', true],
    ['src/conftest.py', true],
    ['test_app.py', true],
    ['app_test.py', true],
    ['app.py', false],
    ['test/fixtures/apps/flask/app.py', false],
    ['contest.py', false],
    ['testing.py', false],
    ['latest_app.py', false],
    ['mytests/app.py', false],
  ])('%s: %s', (path, want) => expect(isTestPath(path)).toBe(want));
});

describe('placeholder secrets (the explicit list)', () => {
  it.each(['dev', 'test', 'changeme', '', 'None', 'xxxxxxxx', '********', 'test key', 'dev-secret', '<password>', '${TOKEN}', 'your-secret-key', 'DEV', ' secret '])('%j is a placeholder', (v) =>
    expect(isPlaceholderSecret(v)).toBe(true),
  );
  it('None itself is a placeholder', () => expect(isPlaceholderSecret(null)).toBe(true));
  it.each(['hunter2-9f8a7b6c', 'Zx81!qP0-LmN', 'devops-2024-k3y', 'testimonial-q9', 's3cr3t-R34l-v4lu3-x9', 'django-insecure-9a8b7c6d5e4f3a2b1c0d'])('%j is not', (v) => expect(isPlaceholderSecret(v)).toBe(false));
});

describe('names of secrets', () => {
  it.each(['password', 'reset_token', 'session_id', 'api_key', 'SECRET_KEY', 'csrf', 'user_pwd', 'otp', 'cookie_value', 'salt'])('%s names a secret', (n) => expect(namesSecret(n)).toBe(true));
  it.each(['cache_key', 'key', 'etag', 'checksum', 'digest', 'n', 'monkey', 'option'])('%s does not', (n) => expect(namesSecret(n)).toBe(false));
});
