/** Snippet builders for the flow pairs: a Flask view, a Django view, a FastAPI route, a plain script. */

/** `lines` indented into a def's body. */
export function ind(lines: string, by = '    '): string {
  return lines
    .replace(/^\n/, '')
    .split('\n')
    .map((l) => (l.trim() ? by + l : l))
    .join('\n');
}

const IMPORTS = 'import os, sys, subprocess, html, shlex, base64, binascii, configparser, collections, pickle, yaml, re\nimport urllib.parse\nfrom urllib.parse import urlparse\n';

/** A Flask view (`@app.route("/x")`) with `body`; `top`: module-level lines before it. */
export function flask(body: string, top = ''): string {
  return `from flask import Flask, request, redirect, render_template_string, make_response, abort\n${IMPORTS}app = Flask(__name__)\n${top}\n@app.route("/x")\ndef view():\n${ind(body)}\n`;
}

/** A Django view `def view(request)`. */
export function django(body: string, params = ''): string {
  return `from django.http import HttpResponse\nfrom django.db import connection\n${IMPORTS}\ndef view(request${params}):\n${ind(body)}\n`;
}

/** A FastAPI route with `params`. */
export function fastapi(params: string, body: string): string {
  return `from fastapi import FastAPI, Request, Depends\n${IMPORTS}app = FastAPI()\n\n@app.get("/x")\nasync def route(${params}):\n${ind(body)}\n`;
}

/** A script's function reading the operator's input. */
export function script(body: string): string {
  return `${IMPORTS}\ndef main():\n${ind(body)}\n`;
}
