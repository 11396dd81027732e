/**
 * Sanitisers and guards, per sink kind: the pair differs in the sanitiser
 * or guard, and a sanitiser for another kind leaves the value untrusted.
 */
import { beforeAll, describe } from 'vitest';
import { checkPairs, type Pair } from './pairs.js';
import { flask } from './snippets.js';
import { loadEngine } from './support.js';

beforeAll(loadEngine);

const TOP = 'from markupsafe import escape, Markup\nfrom django.utils.html import format_html\nfrom werkzeug.utils import secure_filename\nfrom ldap3.utils.conv import escape_filter_chars\nimport uuid, hashlib\nALLOWED = {"ls", "pwd"}\nHOSTS = ["example.com"]\nBASE = "/srv/files/"';

/** `user` untrusted; `bad`/`good` bodies; the sink `at(...)` of `kind`. */
const pair = (name: string, kind: Pair['sink'], at: string, bad: string, good: string, by: string, arg: number | string = 0): Pair => ({
  name,
  sink: kind,
  at,
  arg,
  bad: flask(`user = request.args["u"]\n${bad}`, TOP),
  good: flask(`user = request.args["u"]\n${good}`, TOP),
  want: 'sanitised',
  by,
  path: ["query parameter 'u'"],
});

const pairs: Pair[] = [
  pair('html.escape for html', 'html', 'Markup', 'Markup("<b>" + user + "</b>")', 'Markup("<b>" + html.escape(user) + "</b>")', 'html.escape'),
  pair('markupsafe.escape for html', 'html', 'Markup', 'Markup(f"<i>{user}</i>")', 'Markup(f"<i>{escape(user)}</i>")', 'markupsafe.escape'),
  pair('format_html arguments', 'html', 'make_response', 'make_response("<p>%s</p>" % user)', 'make_response(format_html("<p>{}</p>", user))', 'format_html'),
  pair('shlex.quote for a command', 'command', 'os.system', 'os.system("ls " + user)', 'os.system("ls " + shlex.quote(user))', 'shlex.quote'),
  pair('html.escape does not clean a command (shlex.quote does)', 'command', 'os.system', 'os.system("ls " + html.escape(user))', 'os.system("ls " + shlex.quote(user))', 'shlex.quote'),
  pair('shlex.quote does not clean html (escape does)', 'html', 'Markup', 'Markup(shlex.quote(user))', 'Markup(escape(user))', 'escape'),
  pair('int()', 'sql', 'cur.execute', 'cur.execute("SELECT * FROM t WHERE id = " + user)', 'cur.execute("SELECT * FROM t WHERE id = " + str(int(user)))', 'int()'),
  pair('float()', 'code', 'eval', 'eval(user)', 'eval(repr(float(user)))', 'float()'),
  pair('uuid.UUID()', 'path', 'open', 'open(BASE + user)', 'open(BASE + str(uuid.UUID(user)))', 'uuid.UUID()'),
  pair('os.path.basename', 'path', 'open', 'open(os.path.join(BASE, user))', 'open(os.path.join(BASE, os.path.basename(user)))', 'os.path.basename'),
  pair('secure_filename', 'path', 'open', 'open(BASE + user)', 'open(BASE + secure_filename(user))', 'secure_filename'),
  pair('basename does not clean a command', 'command', 'os.system', 'os.system("cat " + os.path.basename(user))', 'os.system("cat " + shlex.quote(os.path.basename(user)))', 'shlex.quote'),
  pair('a ".." check that returns', 'path', 'open', 'if "/" in user:\n    return "no"\nopen(BASE + user)', 'if ".." in user:\n    return "no"\nopen(BASE + user)', '".." check'),
  pair('a "../" check that aborts', 'path', 'open', 'if "../" in user:\n    print("no")\nopen(BASE + user)', 'if "../" in user:\n    abort(400)\nopen(BASE + user)', '"../" check'),
  pair('a startswith check that raises', 'path', 'open', 'full = os.path.realpath(os.path.join(BASE, user))\nif not full.startswith(BASE):\n    print("outside")\nopen(full)', 'full = os.path.realpath(os.path.join(BASE, user))\nif not full.startswith(BASE):\n    raise PermissionError(full)\nopen(full)', 'startswith'),
  pair('a ".." guard does not clean a command', 'command', 'os.system', 'if ".." in user:\n    return "no"\nos.system("cat " + user)', 'if ".." in user:\n    return "no"\nos.system("cat " + shlex.quote(user))', 'shlex.quote'),
  pair('an allow-list check', 'command', 'os.system', 'if user in request.args:\n    os.system(user)', 'if user in ALLOWED:\n    os.system(user)', 'allow-list'),
  pair('an allow-list check that returns', 'command', 'os.system', 'if user not in request.args:\n    return "no"\nos.system(user)', 'if user not in ALLOWED:\n    return "no"\nos.system(user)', 'allow-list'),
  pair('an allowed-host check', 'url', 'requests.get', 'if urlparse(user).scheme != "https":\n    abort(400)\nrequests.get(user)', 'if urlparse(user).netloc not in HOSTS:\n    abort(400)\nrequests.get(user)', 'allowed-host'),
  pair('url_has_allowed_host_and_scheme', 'redirect', 'redirect', 'if not user:\n    return redirect("/")\nreturn redirect(user)', 'if not url_has_allowed_host_and_scheme(user, allowed_hosts=None):\n    return redirect("/")\nreturn redirect(user)', 'url_has_allowed_host_and_scheme'),
  pair('isdigit guard', 'sql', 'cur.execute', 'if not user:\n    return "no"\ncur.execute("SELECT %s" % user)', 'if not user.isdigit():\n    return "no"\ncur.execute("SELECT %s" % user)', 'isdigit'),
  pair('a strict regular expression', 'command', 'os.system', 'if not re.fullmatch(r".+", user):\n    return "no"\nos.system("ping " + user)', 'if not re.fullmatch(r"[a-z0-9-]+", user):\n    return "no"\nos.system("ping " + user)', 'regular expression'),
  pair('a parameterised query', 'sql', 'cur.execute', 'cur.execute("SELECT * FROM t WHERE a = \'%s\'" % (user,))', 'cur.execute("SELECT * FROM t WHERE a = %s", (user,))', 'parameterised'),
  pair('a parameterised query with params=', 'sql', 'cur.execute', 'cur.execute("SELECT * FROM t WHERE a = :a" + user)', 'cur.execute("SELECT * FROM t WHERE a = :a", params={"a": user})', 'parameterised'),
  pair('yaml.safe_load', 'deserialisation', 'yaml.load', 'yaml.load(user, Loader=yaml.Loader)', 'yaml.load(user, Loader=yaml.SafeLoader)', 'SafeLoader'),
  pair('ldap escape_filter_chars', 'ldap', 'conn.search', 'conn.search("dc=x", "(uid=" + user + ")")', 'conn.search("dc=x", "(uid=" + escape_filter_chars(user) + ")")', 'escape_filter_chars', 1),
  pair('XPath variables', 'xpath', 'tree.xpath', 'tree.xpath("//user[@name=\'" + user + "\']")', 'tree.xpath("//user[@name=$name]", name=user)', 'XPath variables'),
  pair('a hash of the input', 'path', 'open', 'open(BASE + user)', 'open(BASE + hashlib.sha256(user.encode()).hexdigest())', 'hash'),
  pair('urllib.parse.quote for a header', 'header', 'resp.headers.add', 'resp = make_response("x")\nresp.headers.add("Location", "/a?x=" + user)', 'resp = make_response("x")\nresp.headers.add("Location", "/a?x=" + urllib.parse.quote(user))', 'quote', 1),
  pair('isinstance(x, int)', 'sql', 'cur.execute', 'v = request.get_json()["n"]\nif not isinstance(v, str):\n    return "no"\ncur.execute("SELECT %s" % v)', 'v = request.get_json()["n"]\nif not isinstance(v, int):\n    return "no"\ncur.execute("SELECT %s" % v)', 'isinstance'),
];

describe('sanitisers and guards', () => checkPairs(pairs.map((p) => (p.path && p.bad.includes('get_json') ? { ...p, path: ['JSON body'] } : p))));
