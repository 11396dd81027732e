/** The flow layer's sources: each framework's request input against the same code reading a constant. */
import { beforeAll, describe, expect, it } from 'vitest';
import { isRouteHandler, routeDecorators } from '../../../server/src/engine/flow/sources.js';
import { checkPairs, type Pair } from './pairs.js';
import { django, fastapi, flask, script } from './snippets.js';
import { loadEngine, parse } from './support.js';

beforeAll(loadEngine);

const aiohttp = (body: string) => `from aiohttp import web\nimport os\n\nasync def handle(request):\n${body}\n`;

const pairs: Pair[] = [
  { name: 'flask request.form[...]', sink: 'command', at: 'os.system', bad: flask('os.system(request.form["c"])'), good: flask('os.system("ls")'), path: ["request.form[\"c\"] (form field 'c')", 'reaches os.system()'] },
  { name: 'flask request.args.get', sink: 'command', at: 'os.system', bad: flask('c = request.args.get("c")\nos.system(c)'), good: flask('c = "ls"\nos.system(c)'), path: ["query parameter 'c'", 'assigned to c', 'reaches os.system()'] },
  { name: 'flask request.values.get', sink: 'code', at: 'eval', bad: flask('e = request.values.get("e", "1")\neval(e)'), good: flask('e = "1"\neval(e)'), path: ["request value 'e'"] },
  { name: 'flask request.cookies', sink: 'sql', at: 'cur.execute', bad: flask('cur = db.cursor()\ncur.execute("SELECT " + request.cookies.get("sid"))'), good: flask('cur = db.cursor()\ncur.execute("SELECT " + "1")'), path: ["cookie 'sid'"] },
  { name: 'flask request.headers[...]', sink: 'header', at: 'resp.headers.add', arg: 1, bad: flask('resp = make_response("x")\nresp.headers.add("X-Y", request.headers["X-Forwarded-For"])'), good: flask('resp = make_response("x")\nresp.headers.add("X-Y", "fixed")'), path: ["header 'X-Forwarded-For'"] },
  { name: 'flask request.data', sink: 'deserialisation', at: 'pickle.loads', bad: flask('pickle.loads(request.data)'), good: flask('pickle.loads(b"\\x80\\x04N.")'), path: ['request body'] },
  { name: 'flask request.json[...]', sink: 'code', at: 'exec', bad: flask('exec(request.json["code"])'), good: flask('exec("print(1)")'), path: ["JSON body 'code'"] },
  { name: 'flask request.get_json()', sink: 'code', at: 'exec', bad: flask('body = request.get_json()\nexec(body["code"])'), good: flask('body = {"code": "print(1)"}\nexec(body["code"])'), path: ['JSON body', 'assigned to body'] },
  { name: 'flask request.files[...].filename', sink: 'path', at: 'open', bad: flask('f = request.files["doc"]\nopen(f.filename)'), good: flask('f = request.files["doc"]\nopen("uploads/doc.txt")'), path: ["uploaded file 'doc'"] },
  { name: 'flask request.view_args', sink: 'command', at: 'os.system', bad: flask('os.system(request.view_args["id"])'), good: flask('os.system("id")'), path: ["URL parameter 'id'"] },
  { name: 'flask request.args.getlist', sink: 'command', at: 'os.system', bad: flask('for name in request.args.getlist("n"):\n    os.system(name)'), good: flask('for name in ["a", "b"]:\n    os.system(name)'), path: ["query parameter 'n'", 'assigned to name'] },
  { name: 'flask request.args.keys()', sink: 'command', at: 'os.system', bad: flask('for k in request.args.keys():\n    os.system(k)'), good: flask('for k in {"a": 1}.keys():\n    os.system(k)') },
  { name: 'flask request.form.items()', sink: 'command', at: 'os.system', bad: flask('for k, v in request.form.items():\n    os.system(v)'), good: flask('for k, v in {"a": "b"}.items():\n    os.system(v)') },
  {
    name: 'flask route parameter <name>',
    sink: 'command',
    at: 'os.system',
    bad: 'from flask import Flask\nimport os\napp = Flask(__name__)\n\n@app.route("/run/<name>")\ndef run(name):\n    os.system(name)\n',
    good: 'from flask import Flask\nimport os\napp = Flask(__name__)\n\n@app.route("/run/<int:name>")\ndef run(name):\n    os.system(name)\n',
    want: 'sanitised',
    by: 'int converter',
    path: ['route parameter <name>', 'reaches os.system()'],
  },
  {
    name: 'flask route parameter <path:p>',
    sink: 'path',
    at: 'open',
    bad: 'from flask import Flask\nimport os\napp = Flask(__name__)\n\n@app.get("/f/<path:p>")\ndef f(p):\n    return open(p).read()\n',
    good: 'from flask import Flask\nimport os\napp = Flask(__name__)\n\n@app.get("/f/<path:p>")\ndef f(p):\n    return open(os.path.basename(p)).read()\n',
    want: 'sanitised',
    by: 'basename',
    path: ['route parameter <path:p>'],
  },
  { name: 'django request.GET[...]', sink: 'sql', at: 'cursor.execute', bad: django('cursor = connection.cursor()\ncursor.execute("SELECT * FROM t WHERE a = \'%s\'" % request.GET["q"])'), good: django('cursor = connection.cursor()\ncursor.execute("SELECT * FROM t WHERE a = %s", (request.GET["q"],))'), want: 'sanitised', by: 'parameterised', path: ["query parameter 'q'"] },
  { name: 'django request.POST.get', sink: 'command', at: 'subprocess.call', bad: django('subprocess.call(request.POST.get("cmd"), shell=True)'), good: django('subprocess.call("uptime", shell=True)'), path: ["form field 'cmd'"] },
  { name: 'django request.COOKIES', sink: 'code', at: 'eval', bad: django('eval(request.COOKIES["expr"])'), good: django('eval("1 + 1")'), path: ["cookie 'expr'"] },
  { name: 'django request.META', sink: 'redirect', at: 'redirect', bad: django('return redirect(request.META.get("HTTP_REFERER"))'), good: django('return redirect("/home")'), path: ["request header 'HTTP_REFERER'"] },
  { name: 'django request.body', sink: 'deserialisation', at: 'pickle.loads', bad: django('pickle.loads(request.body)'), good: django('pickle.loads(b"N.")'), path: ['request body'] },
  { name: 'django URL kwarg', sink: 'command', at: 'os.system', bad: django('os.system("ls " + slug)', ', slug'), good: django('os.system("ls " + str(int(slug)))', ', slug'), want: 'sanitised', by: 'int()', path: ['URL parameter `slug`'] },
  {
    name: 'django class-based view self.request',
    sink: 'command',
    at: 'os.system',
    bad: 'from django.views import View\nimport os\n\nclass V(View):\n    def get(self, request):\n        os.system(self.request.GET["c"])\n',
    good: 'from django.views import View\nimport os\n\nclass V(View):\n    def get(self, request):\n        os.system("c")\n',
    path: ["query parameter 'c'"],
  },
  { name: 'fastapi str parameter', sink: 'command', at: 'os.system', bad: fastapi('q: str', 'os.system(q)'), good: fastapi('q: int', 'os.system(q)'), want: 'sanitised', by: 'int type', path: ['request parameter `q`'] },
  { name: 'fastapi Request parameter', sink: 'code', at: 'eval', bad: fastapi('request: Request', 'data = await request.json()\neval(data["x"])'), good: fastapi('request: Request', 'data = {"x": "1"}\neval(data["x"])'), path: ['JSON body', 'assigned to data'] },
  { name: 'fastapi Depends parameter', sink: 'command', at: 'os.system', bad: fastapi('q: str', 'os.system(q)'), good: fastapi('q: str = Depends(get_q)', 'os.system(q)'), want: 'unknown' },
  { name: 'starlette path_params', sink: 'path', at: 'open', bad: fastapi('request: Request', 'open(request.path_params["f"])'), good: fastapi('request: Request', 'open("static/f")'), path: ["URL parameter 'f'"] },
  { name: 'DRF request.query_params', sink: 'command', at: 'os.system', bad: django('os.system(request.query_params.get("c"))'), good: django('os.system("c")'), path: ["query parameter 'c'"] },
  { name: 'aiohttp match_info', sink: 'command', at: 'os.system', bad: aiohttp('    name = request.match_info["name"]\n    os.system(name)'), good: aiohttp('    name = "x"\n    os.system(name)'), path: ["URL parameter 'name'"] },
  { name: 'aiohttp query', sink: 'command', at: 'os.system', bad: aiohttp('    os.system(request.query.get("q"))'), good: aiohttp('    os.system("q")'), path: ["query parameter 'q'"] },
  { name: 'aiohttp post()', sink: 'command', at: 'os.system', bad: aiohttp('    data = await request.post()\n    os.system(data["c"])'), good: aiohttp('    data = {"c": "ls"}\n    os.system(data["c"])'), path: ['form field', 'assigned to data'] },
  { name: 'input()', sink: 'command', at: 'os.system', bad: script('os.system(input("cmd? "))'), good: script('os.system("date")'), trust: 'local', path: ['(typed input)'] },
  { name: 'sys.argv', sink: 'command', at: 'os.system', bad: script('target = sys.argv[1]\nos.system("ping " + target)'), good: script('target = "localhost"\nos.system("ping " + target)'), trust: 'local', path: ['command-line argument', 'assigned to target'] },
  { name: 'os.environ[...]', sink: 'code', at: 'eval', bad: script('eval(os.environ["EXPR"])'), good: script('eval("2")'), trust: 'local', path: ["environment variable 'EXPR'"] },
  { name: 'os.getenv', sink: 'command', at: 'os.system', bad: script('os.system(os.getenv("CMD"))'), good: script('os.system("true")'), trust: 'local', path: ["environment variable 'CMD'"] },
  {
    name: 'a wrapper around request.args (summary)',
    sink: 'command',
    at: 'os.system',
    bad: flask('os.system(arg("c"))', '\ndef arg(name):\n    return request.args.get(name)\n'),
    good: flask('os.system(arg("c"))', '\ndef arg(name):\n    return "ls"\n'),
    path: ['query parameter', 'through arg() on line'],
  },
  // FastAPI fills a parameter typed as one of its own objects itself: no client text in it.
  { name: 'fastapi str parameter vs Response', sink: 'url', at: 'httpx.get', bad: fastapi('target: str', 'httpx.get(target)'), good: fastapi('target: Response', 'httpx.get(target)'), want: 'unknown', path: ['the request parameter `target`'] },
  { name: 'fastapi list parameter vs BackgroundTasks', sink: 'path', at: 'open', bad: fastapi('names: list[str]', 'open(names[0])'), good: fastapi('names: BackgroundTasks', 'open(names[0])'), want: 'unknown', path: ['the request parameter `names`'] },
];

describe('sources', () => checkPairs(pairs));

describe('route decorators, read in one place', () => {
  it.each([
    ['@app.route("/u/<name>")', [{ method: 'route', path: '/u/<name>' }]],
    ['@bp.post("/x", methods=["POST"])', [{ method: 'post', path: '/x' }]],
    ['@router.api_route(path)', [{ method: 'api_route', path: null }]],
    ['@app.websocket("/ws")', [{ method: 'websocket', path: '/ws' }]],
    ['@login_required\n@app.get("/a")', [{ method: 'get', path: '/a' }]],
    ['@cache', []],
    ['@app.cache("/x")', []],
    ['@route("/x")', []],
  ])('%s → %j', (decorators, want) => {
    const { tree } = parse(`${decorators}\ndef view(name):\n    return name\n`);
    try {
      const fn = tree.rootNode.descendantsOfType('function_definition')[0]!;
      expect(routeDecorators(fn)).toEqual(want);
      expect(isRouteHandler(fn)).toBe(want.length > 0);
    } finally {
      tree.delete();
    }
  });
});
