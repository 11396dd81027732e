/**
 * The data-flow layer's contract: what a rule (or the grading pass) asks,
 * and what the layer answers. A rule never tracks data itself: it names the
 * expression that reaches its sink and the sink's kind, and reads a `Reach`.
 *
 * Positions are UTF-16 code units, like every span in the server; a step in
 * another file of the project names that file.
 */
import type { FlowStep } from '../../findings/finding.js';

export type { FlowStep };

/**
 * What a sink does with the value, for sanitisers: HTML escaping cleans for
 * `html` only, `shlex.quote` for `command` only, a parameterised query for
 * `sql` only; `int()`/`uuid.UUID()` clean for every kind.
 */
export type SinkKind =
  | 'command' // os.system, subprocess with a shell, popen…
  | 'argv' // a program run without a shell: subprocess's argv list, os.exec*/spawn*
  | 'code' // eval, exec, compile
  | 'sql' // cursor.execute, raw(), extra(), text()
  | 'deserialisation' // pickle, marshal, yaml.load, shelve, dill
  | 'template' // render_template_string, Template(...).render, Jinja2 from_string
  | 'html' // a response body, Markup, mark_safe, format_html
  | 'ldap' // ldap3 search filters, python-ldap search_s
  | 'xpath' // lxml XPath/xpath(), elementpath.select, ElementTree find*
  | 'xml' // a parser with external entities parsing the value
  | 'path' // open(), send_file, os.path.join for files
  | 'url' // requests/httpx/urllib fetching it (SSRF)
  | 'redirect' // redirect(), HttpResponseRedirect
  | 'header' // a response header's name or value
  | 'session' // session[...] = value (trust boundary)
  | 'mass-assignment' // Model(**data), objects.create(**data)
  | 'log' // logging/print
  | 'crypto'; // a hash or random value used as a secret

/** Sinks whose traced path from untrusted input makes a finding Critical. */
export const CRITICAL_SINKS: ReadonlySet<SinkKind> = new Set<SinkKind>(['command', 'code', 'sql', 'deserialisation', 'template']);

/** How far the source is trusted: request data is the attacker's; `input()`, `sys.argv`, `os.environ` are the operator's (lower trust, configurable). */
export type Trust = 'request' | 'local';

/** What reaches an expression at a sink. */
export type Reach =
  /**
   * A traced path: `source` first, then every step, the sink's argument last.
   * `opaque`: only through a call the layer could not follow (`make_password(pw)`,
   * `requests.get(url).text`): the value depends on the input but need not carry
   * its characters; a rule about the characters (HTML) may not count it.
   */
  | { kind: 'untrusted'; trust: Trust; path: FlowStep[]; opaque?: true }
  /** Only constants (folded): `exec("print(1)")`, `subprocess.run("ls -l", shell=True)`. */
  | { kind: 'constant' }
  /** Only constants or values cleaned for this sink kind; `by` names the sanitiser or guard ("shlex.quote", "int()", "a parameterised query"). */
  | { kind: 'sanitised'; by: string }
  /** Could not tell (a parameter of a function no caller was seen for, an unresolved call…): the rule's default risk stands. */
  | { kind: 'unknown' };
