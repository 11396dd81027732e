/**
 * Framework detection (server/src/engine/frameworks.ts): per document, from
 * the facts the engine keeps (imports, settings assignments, the file name),
 * as `FileContext.frameworks` / `settingsModule`; per folder, for the report.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { collectFacts } from '../../server/src/engine/analyzer.js';
import { FileContext } from '../../server/src/engine/context.js';
import { Engine } from '../../server/src/engine/engine.js';
import { frameworkOfModule, isSettingsFilename, scanFolder, scanSource } from '../../server/src/engine/frameworks.js';

let engine: Engine;

beforeAll(async () => {
  engine = await Engine.load();
});

/** The FileContext the engine would give a file with this text and name. */
function contextOf(text: string, filename = '/project/app/module.py') {
  const tree = engine.parser.parse(text)!;
  try {
    const facts = collectFacts(engine.ruleset, tree.rootNode, null);
    const ctx = new FileContext(facts.imports, filename, facts.settings);
    return { frameworks: [...ctx.frameworks].sort(), settingsModule: ctx.settingsModule, settings: ctx.settings };
  } finally {
    tree.delete();
  }
}

describe('frameworkOfModule', () => {
  it.each([
    ['django', 'django'],
    ['django.http.HttpResponse', 'django'],
    ['django_filters.rest_framework', 'django'],
    ['rest_framework.views', 'django'],
    ['corsheaders.middleware', 'django'],
    ['flask', 'flask'],
    ['flask.request', 'flask'],
    ['flask_login.LoginManager', 'flask'],
    ['fastapi', 'fastapi'],
    ['fastapi.responses.RedirectResponse', 'fastapi'],
    ['fastapi_users', 'fastapi'],
    ['starlette.applications', null],
    ['djangoish', null],
    ['flasky', null],
    ['os.path', null],
    ['', null],
  ])('%s → %s', (module, want) => {
    expect(frameworkOfModule(module)).toBe(want);
  });
});

describe('isSettingsFilename', () => {
  it.each([
    ['/p/mysite/settings.py', true],
    ['/p/mysite/settings/base.py', true],
    ['/p/mysite/settings/__init__.py', true],
    ['C:\\p\\mysite\\settings\\prod.py', true],
    ['/p/mysite/local_settings.py', true],
    ['/p/mysite/settings_prod.py', true],
    ['/p/mysite/views.py', false],
    ['/p/mysite/mysettings.py', false],
    ['/p/mysite/settings.pyc', false],
    ['/p/settings/readme.txt', false],
  ])('%s → %s', (path, want) => {
    expect(isSettingsFilename(path)).toBe(want);
  });
});

describe('per document (FileContext)', () => {
  it('reads the frameworks from the imports, wherever they are', () => {
    expect(contextOf('from flask import Flask\n').frameworks).toEqual(['flask']);
    expect(contextOf('import django.http as h\nfrom fastapi import FastAPI\n').frameworks).toEqual(['django', 'fastapi']);
    expect(contextOf('def f():\n    from flask import request\n    return request\n').frameworks).toEqual(['flask']);
    expect(contextOf('import os\nimport starlette\n').frameworks).toEqual([]);
  });

  it('knows a settings module by its name or its assignments', () => {
    expect(contextOf('DEBUG = True\n', '/p/mysite/settings.py')).toMatchObject({ settingsModule: true, frameworks: [] });
    expect(contextOf('DEBUG = True\nINSTALLED_APPS = []\n')).toMatchObject({ settingsModule: true, frameworks: ['django'] });
    expect(contextOf('import os\nSECRET_KEY = os.environ["K"]\n')).toMatchObject({ settingsModule: true, frameworks: [] });
    expect(contextOf('DEBUG = True\nX = INSTALLED_APPS\n')).toMatchObject({ settingsModule: false, frameworks: [] });
  });

  it('keeps the last value of a valued setting (settings are read after the module ran)', () => {
    expect(contextOf('CORS_ALLOW_CREDENTIALS = True\n').settings.value('CORS_ALLOW_CREDENTIALS')).toBe('True');
    expect(contextOf('CORS_ALLOW_CREDENTIALS = True\nCORS_ALLOW_CREDENTIALS = False\n').settings.value('CORS_ALLOW_CREDENTIALS')).toBe('False');
    expect(contextOf('CORS_ALLOW_CREDENTIALS = env("X")\n').settings.value('CORS_ALLOW_CREDENTIALS')).toBe('other');
    expect(contextOf('A = CORS_ALLOW_CREDENTIALS = True\n').settings.value('CORS_ALLOW_CREDENTIALS')).toBe('True');
    expect(contextOf('x = 1\n').settings.value('CORS_ALLOW_CREDENTIALS')).toBeUndefined();
  });
});

describe('per folder (scanFolder)', () => {
  let root: string;
  const write = (rel: string, text: string) => {
    const p = join(root, rel);
    mkdirSync(dirname(p), { recursive: true });
    writeFileSync(p, text);
  };

  beforeAll(() => {
    root = mkdtempSync(join(tmpdir(), 'pysec-frameworks-'));
    write('manage.py', 'import os\nos.environ.setdefault("DJANGO_SETTINGS_MODULE", "mysite.settings")\n');
    write('mysite/settings.py', 'import os\nINSTALLED_APPS = ["django.contrib.admin"]\nDEBUG = False\n');
    write('mysite/views.py', 'from django.http import HttpResponse\n\n\ndef index(request):\n    return HttpResponse("hi")\n');
    write('api/main.py', 'import json, fastapi\napp = fastapi.FastAPI()\n');
    write('api/doc.py', '"""Usage:\n\nimport flask\nfrom flask import Flask\n"""\nVALUE = 1\n');
    write('.venv/lib/site.py', 'import flask\n');
    write('venv/lib/x.py', 'import flask\n');
    write('node_modules/x/y.py', 'import flask\n');
    write('config/prod_settings.py', 'SECRET_KEY = "from-vault"\n');
  });

  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('finds each framework with its evidence, leaving virtualenvs and prose out', () => {
    const r = scanFolder(root);
    expect(r.frameworks.map((f) => [f.framework, f.files])).toEqual([
      ['django', 3],
      ['fastapi', 1],
    ]);
    const django = r.frameworks[0];
    expect(django.name).toBe('Django');
    expect(django.evidence.map((e) => `${e.path}:${e.line} ${e.reason}`).sort()).toEqual([
      'manage.py:2 DJANGO_SETTINGS_MODULE',
      'mysite/settings.py:2 INSTALLED_APPS = ...',
      'mysite/views.py:1 from django.http import ...',
    ]);
    expect(r.frameworks[1].evidence).toEqual([{ framework: 'fastapi', path: 'api/main.py', line: 1, reason: 'import fastapi' }]);
    expect(r.settingsModules.sort()).toEqual(['config/prod_settings.py', 'mysite/settings.py']);
    expect(r.filesScanned).toBe(6);
    expect(r.truncated).toBe(false);
  });

  it('stops at maxFiles and honours exclude', () => {
    expect(scanFolder(root, { maxFiles: 2 }).truncated).toBe(true);
    const r = scanFolder(root, { exclude: (rel) => rel === 'mysite' || rel === 'api' });
    expect(r.frameworks.map((f) => f.framework)).toEqual(['django']);
    expect(r.filesScanned).toBe(2);
  });

  it('reads one text without a parser', () => {
    expect(scanSource('from flask_cors import CORS\nimport os, django as dj\n', 'a.py').evidence.map((e) => e.framework)).toEqual(['flask', 'django']);
    expect(scanSource('x = "import flask"\n', 'a.py').evidence).toEqual([]);
  });
});
