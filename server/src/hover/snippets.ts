/**
 * Before/after fixes for the review checklist's anti-patterns (and a few
 * more), keyed by rule id and by test name, so that a rule added later under
 * a known bandit name finds its snippet, and a rule without one falls back
 * to its own remediation text.
 */
export interface FixSnippet {
  before: string;
  after: string;
  /** One line on what the "after" does, when the code alone does not say it. */
  note?: string;
}

const RAW_SQL: FixSnippet = {
  before: 'cursor.execute(f"SELECT * FROM users WHERE id = {user_id}")',
  after: 'cursor.execute("SELECT * FROM users WHERE id = %s", [user_id])',
  note: 'The driver sends the value separately from the SQL, so it can never change the query.',
};

const DJANGO_RAW_SQL: FixSnippet = {
  before: 'User.objects.raw(f"SELECT * FROM users WHERE id = {user_id}")',
  after: 'User.objects.raw("SELECT * FROM users WHERE id = %s", [user_id])',
  note: 'Better still, use the ORM: User.objects.filter(id=user_id).',
};

const DJANGO_EXTRA: FixSnippet = {
  before: 'qs.extra(where=[f"name = \'{name}\'"])',
  after: 'qs.filter(name=name)',
  note: 'If raw SQL is unavoidable, pass values through params=[...], never inside the SQL string.',
};

const HARDCODED_SECRET: FixSnippet = {
  before: 'SECRET_KEY = "django-insecure-3x@mple"',
  after: 'SECRET_KEY = os.environ["DJANGO_SECRET_KEY"]',
  note: 'Read secrets from the environment or a secrets manager, and rotate the one that was committed.',
};

const PASSWORD_ARG: FixSnippet = {
  before: 'connect(user="app", password="hunter2")',
  after: 'connect(user="app", password=os.environ["DB_PASSWORD"])',
  note: 'Read secrets from the environment or a secrets manager, and rotate the one that was committed.',
};

const PASSWORD_DEFAULT: FixSnippet = {
  before: 'def connect(user, password="hunter2"): ...',
  after: 'def connect(user, password: str): ...  # the caller passes os.environ["DB_PASSWORD"]',
};

const DJANGO_DEBUG: FixSnippet = {
  before: 'DEBUG = True',
  after: 'DEBUG = os.environ.get("DJANGO_DEBUG") == "1"  # off unless asked for',
  note: 'Send errors to a tracker (Sentry, logs) instead of showing them to visitors.',
};

const FLASK_DEBUG: FixSnippet = {
  before: 'app.run(debug=True)',
  after: 'app.run(debug=os.environ.get("FLASK_DEBUG") == "1")  # off unless asked for',
  note: 'Werkzeug\'s debugger runs any Python a visitor types: never expose it.',
};

const ALLOWED_HOSTS: FixSnippet = {
  before: "ALLOWED_HOSTS = ['*']",
  after: 'ALLOWED_HOSTS = ["app.example.com"]',
};

const CORS: FixSnippet = {
  before: 'app.add_middleware(CORSMiddleware, allow_origins=["*"], allow_credentials=True)',
  after: 'app.add_middleware(CORSMiddleware, allow_origins=["https://app.example.com"], allow_credentials=True)',
  note: 'List the exact origins that need access; never combine credentials with "*".',
};

const PICKLE: FixSnippet = {
  before: 'data = pickle.loads(payload)',
  after: 'data = json.loads(payload)',
  note: 'Use JSON, msgpack or protobuf for anything that crosses a trust boundary.',
};

const MARSHAL: FixSnippet = {
  before: 'code = marshal.loads(payload)',
  after: 'data = json.loads(payload)',
};

const SHELL: FixSnippet = {
  before: 'subprocess.run(f"ls {path}", shell=True)',
  after: 'subprocess.run(["ls", path])',
  note: 'Without a shell, the arguments reach the program as they are: no quoting, no injection.',
};

const OS_SYSTEM: FixSnippet = {
  before: 'os.system(f"ls {path}")',
  after: 'subprocess.run(["ls", path], check=True)',
  note: 'Without a shell, the arguments reach the program as they are: no quoting, no injection.',
};

const PARTIAL_PATH: FixSnippet = {
  before: 'subprocess.run(["ls", path])',
  after: 'subprocess.run(["/usr/bin/ls", path])  # or shutil.which("ls"), checked once',
};

const YAML_LOAD: FixSnippet = {
  before: 'config = yaml.load(data)',
  after: 'config = yaml.safe_load(data)',
};

const SECRET_IN_LOG: FixSnippet = {
  before: 'logger.info(f"login {user} / {password}")',
  after: 'logger.info("login user_id=%s", user.id)',
  note: 'Log who and what, never passwords, tokens, keys or connection strings.',
};

const VERIFY_FALSE: FixSnippet = {
  before: 'requests.get(url, verify=False)',
  after: 'requests.get(url, timeout=10)  # or verify="/path/to/private-ca.pem"',
  note: 'Keep certificate verification on; for a private CA, point verify at its bundle.',
};

const UNVERIFIED_CONTEXT: FixSnippet = {
  before: 'ctx = ssl._create_unverified_context()',
  after: 'ctx = ssl.create_default_context()  # cafile="/path/to/private-ca.pem" for a private CA',
};

const TEMPLATE_STRING: FixSnippet = {
  before: 'return render_template_string(user_input)',
  after: 'return render_template("static_name.html", value=user_input)',
  note: 'The template is a fixed file; user input only ever fills its variables, autoescaped.',
};

const JINJA_AUTOESCAPE: FixSnippet = {
  before: 'env = jinja2.Environment(loader=loader, autoescape=False)',
  after: 'env = jinja2.Environment(loader=loader, autoescape=jinja2.select_autoescape())',
};

const MARK_SAFE: FixSnippet = {
  before: 'return mark_safe(f"<b>{name}</b>")',
  after: 'return format_html("<b>{}</b>", name)',
};

const MARKUP: FixSnippet = {
  before: 'Markup(f"<b>{name}</b>")',
  after: 'Markup("<b>{}</b>").format(name)  # format() escapes its arguments',
};

const EVAL: FixSnippet = {
  before: 'value = eval(text)',
  after: 'value = ast.literal_eval(text)  # literals only; or json.loads(text)',
};

const EXEC: FixSnippet = {
  before: 'exec(code_from_request)',
  after: 'HANDLERS[name](args)  # dispatch to functions you wrote, chosen by name',
};

const WEAK_HASH: FixSnippet = {
  before: 'digest = hashlib.md5(data).hexdigest()',
  after: 'digest = hashlib.sha256(data).hexdigest()  # or md5(data, usedforsecurity=False) for a non-security checksum',
  note: 'For passwords use a slow hash: argon2, bcrypt or hashlib.pbkdf2_hmac.',
};

const RANDOM: FixSnippet = {
  before: 'token = "".join(random.choice(ALPHABET) for _ in range(32))',
  after: 'token = secrets.token_urlsafe(32)',
};

const ASSERT: FixSnippet = {
  before: 'assert user.is_admin',
  after: 'if not user.is_admin:\n    raise PermissionDenied()',
  note: 'python -O removes every assert: a check the application relies on must be an if.',
};

const BIND_ALL: FixSnippet = {
  before: 'app.run(host="0.0.0.0")',
  after: 'app.run(host="127.0.0.1")  # behind a reverse proxy; or the one interface you mean',
};

const TMP_DIR: FixSnippet = {
  before: 'open("/tmp/report.csv", "w")',
  after: 'with tempfile.NamedTemporaryFile("w", suffix=".csv", delete=False) as f: ...',
};

const CHMOD: FixSnippet = {
  before: 'os.chmod(path, 0o777)',
  after: 'os.chmod(path, 0o600)  # owner only; 0o644 if others must read it',
};

const REQUEST_TIMEOUT: FixSnippet = {
  before: 'requests.get(url)',
  after: 'requests.get(url, timeout=10)',
};

const TARFILE: FixSnippet = {
  before: 'tar.extractall(dest)',
  after: 'tar.extractall(dest, filter="data")  # Python 3.12+ (3.8.17+ backports); or check each member',
};

const SSRF: FixSnippet = {
  before: 'requests.get(request.args["url"])',
  after: 'url = request.args["url"]\nif urlparse(url).hostname not in ALLOWED_HOSTS:\n    abort(400)\nrequests.get(url, timeout=10)',
};

const OPEN_REDIRECT: FixSnippet = {
  before: 'return redirect(request.GET["next"])',
  after:
    'target = request.GET.get("next", "/")\nif not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=True):\n    target = "/"\nreturn redirect(target)',
};

const PATH_TRAVERSAL: FixSnippet = {
  before: 'return send_file(os.path.join(UPLOADS, request.args["name"]))',
  after: 'return send_from_directory(UPLOADS, request.args["name"])  # refuses ../ and absolute paths',
};

const CSRF_EXEMPT: FixSnippet = {
  before: '@csrf_exempt\ndef change_email(request): ...',
  after: 'def change_email(request): ...  # the form carries {% csrf_token %}',
};

const FAST_PASSWORD_HASH: FixSnippet = {
  before: 'user.password = hashlib.sha256(password.encode()).hexdigest()',
  after: 'user.password = PasswordHasher().hash(password)  # argon2-cffi; or bcrypt, scrypt, pbkdf2_hmac',
};

const COOKIE_SECURE: FixSnippet = {
  before: 'SESSION_COOKIE_SECURE = False',
  after: 'SESSION_COOKIE_SECURE = True\nCSRF_COOKIE_SECURE = True',
};

const COOKIE_HTTPONLY: FixSnippet = {
  before: 'response.set_cookie("session", token)',
  after: 'response.set_cookie("session", token, secure=True, httponly=True, samesite="Lax")',
};

const APP_DEBUG: FixSnippet = {
  before: 'app = FastAPI(debug=True)',
  after: 'app = FastAPI(debug=os.environ.get("APP_DEBUG") == "1")  # off unless asked for',
};

const STACK_TRACE: FixSnippet = {
  before: 'except Exception:\n    return JSONResponse({"error": traceback.format_exc()}, status_code=500)',
  after: 'except Exception:\n    logger.exception("order failed")\n    return JSONResponse({"error": "internal error"}, status_code=500)',
};

const JWT_UNVERIFIED: FixSnippet = {
  before: 'claims = jwt.decode(token, options={"verify_signature": False})',
  after: 'claims = jwt.decode(token, key, algorithms=["HS256"])',
};

/** By rule id and by test name (bandit's names where bandit has the test). */
const BY_KEY: Readonly<Record<string, FixSnippet>> = {
  // A03 injection: SQL
  B608: RAW_SQL,
  hardcoded_sql_expressions: RAW_SQL,
  B610: DJANGO_EXTRA,
  django_extra_used: DJANGO_EXTRA,
  B611: DJANGO_RAW_SQL,
  django_rawsql_used: DJANGO_RAW_SQL,
  django_raw_sql: DJANGO_RAW_SQL,
  django_raw_sql_injection: DJANGO_RAW_SQL,
  django_extra_sql_injection: DJANGO_EXTRA,
  raw_sql_fstring: RAW_SQL,
  sql_injection: RAW_SQL,
  cursor_execute_formatted_sql: RAW_SQL,
  cursor_execute_fstring: RAW_SQL,
  // A03 injection: shell, eval, templates
  B602: SHELL,
  subprocess_popen_with_shell_equals_true: SHELL,
  B604: SHELL,
  any_other_function_with_shell_equals_true: SHELL,
  B605: OS_SYSTEM,
  start_process_with_a_shell: OS_SYSTEM,
  B607: PARTIAL_PATH,
  start_process_with_partial_path: PARTIAL_PATH,
  B307: EVAL,
  eval: EVAL,
  B102: EXEC,
  exec_used: EXEC,
  B701: JINJA_AUTOESCAPE,
  jinja2_autoescape_false: JINJA_AUTOESCAPE,
  B308: MARK_SAFE,
  mark_safe: MARK_SAFE,
  B703: MARK_SAFE,
  django_mark_safe: MARK_SAFE,
  B704: MARKUP,
  markupsafe_markup_xss: MARKUP,
  PS301: TEMPLATE_STRING,
  template_injection: TEMPLATE_STRING,
  render_template_string: TEMPLATE_STRING,
  flask_render_template_string: TEMPLATE_STRING,
  render_template_string_injection: TEMPLATE_STRING,
  server_side_template_injection: TEMPLATE_STRING,
  // A02 / A07 secrets and crypto
  B105: HARDCODED_SECRET,
  hardcoded_password_string: HARDCODED_SECRET,
  B106: PASSWORD_ARG,
  hardcoded_password_funcarg: PASSWORD_ARG,
  B107: PASSWORD_DEFAULT,
  hardcoded_password_default: PASSWORD_DEFAULT,
  hardcoded_secret_key: HARDCODED_SECRET,
  django_hardcoded_secret_key: HARDCODED_SECRET,
  hardcoded_secret: HARDCODED_SECRET,
  B303: WEAK_HASH,
  md5: WEAK_HASH,
  B324: WEAK_HASH,
  hashlib: WEAK_HASH,
  PS201: FAST_PASSWORD_HASH,
  fast_password_hash: FAST_PASSWORD_HASH,
  PS701: JWT_UNVERIFIED,
  jwt_signature_not_verified: JWT_UNVERIFIED,
  B311: RANDOM,
  random: RANDOM,
  // A04 insecure deserialisation
  B301: PICKLE,
  pickle: PICKLE,
  B403: PICKLE,
  import_pickle: PICKLE,
  B302: MARSHAL,
  marshal: MARSHAL,
  B506: YAML_LOAD,
  yaml_load: YAML_LOAD,
  B101: ASSERT,
  assert_used: ASSERT,
  // A05 misconfiguration
  B201: FLASK_DEBUG,
  flask_debug_true: FLASK_DEBUG,
  PS502: DJANGO_DEBUG,
  settings_debug_true: DJANGO_DEBUG,
  PS506: APP_DEBUG,
  debug_mode_enabled: APP_DEBUG,
  PS507: STACK_TRACE,
  stack_trace_in_response: STACK_TRACE,
  PS504: COOKIE_SECURE,
  cookie_without_secure_flag: COOKIE_SECURE,
  PS505: COOKIE_HTTPONLY,
  cookie_without_httponly_flag: COOKIE_HTTPONLY,
  django_debug_true: DJANGO_DEBUG,
  debug_true: DJANGO_DEBUG,
  PS503: ALLOWED_HOSTS,
  django_allowed_hosts_wildcard: ALLOWED_HOSTS,
  allowed_hosts_wildcard: ALLOWED_HOSTS,
  PS501: CORS,
  cors_wildcard_with_credentials: CORS,
  B104: BIND_ALL,
  hardcoded_bind_all_interfaces: BIND_ALL,
  // A01
  PS101: OPEN_REDIRECT,
  open_redirect: OPEN_REDIRECT,
  PS102: PATH_TRAVERSAL,
  path_traversal_request: PATH_TRAVERSAL,
  PS103: CSRF_EXEMPT,
  csrf_protection_disabled: CSRF_EXEMPT,
  B103: CHMOD,
  set_bad_file_permissions: CHMOD,
  B108: TMP_DIR,
  hardcoded_tmp_directory: TMP_DIR,
  // A08 integrity / TLS
  B501: VERIFY_FALSE,
  request_with_no_cert_validation: VERIFY_FALSE,
  B323: UNVERIFIED_CONTEXT,
  unverified_context: UNVERIFIED_CONTEXT,
  PS801: TARFILE,
  archive_extraction_unchecked: TARFILE,
  B202: TARFILE,
  tarfile_unsafe_members: TARFILE,
  B113: REQUEST_TIMEOUT,
  request_without_timeout: REQUEST_TIMEOUT,
  // A09 logging
  PS901: SECRET_IN_LOG,
  secret_in_log: SECRET_IN_LOG,
  secrets_in_logs: SECRET_IN_LOG,
  password_in_log: SECRET_IN_LOG,
  sensitive_data_in_log: SECRET_IN_LOG,
  logging_sensitive_data: SECRET_IN_LOG,
  // A10 SSRF
  PS001: SSRF,
  ssrf_request_url: SSRF,
  ssrf: SSRF,
  request_url_from_user_input: SSRF,
};

/** The snippet for a rule, by its id first, then by its test name. */
export function fixSnippet(rule: { id: string; name: string }): FixSnippet | undefined {
  return (Object.hasOwn(BY_KEY, rule.id) ? BY_KEY[rule.id] : undefined) ?? (Object.hasOwn(BY_KEY, rule.name) ? BY_KEY[rule.name] : undefined);
}

/** Every key with a snippet (for tests). */
export const SNIPPET_KEYS: readonly string[] = Object.keys(BY_KEY);
