/**
 * Distribution names as PEP 503 compares them, and the module names a
 * distribution is imported by (for "not imported by this project").
 */

/** PEP 503: lower case, every run of `-`, `_`, `.` one `-`. */
export function normaliseName(name: string): string {
  let out = '';
  let sep = false;
  for (const c of name.trim().toLowerCase()) {
    if (c === '-' || c === '_' || c === '.') {
      sep = true;
      continue;
    }
    if (sep && out) out += '-';
    sep = false;
    out += c;
  }
  return out;
}

/**
 * The common distributions whose import name is not their own (normalised
 * name → top-level modules). Only consulted when no installed metadata
 * says it (`top_level.txt`); a distribution in neither is imported by its
 * normalised name with `-` as `_`.
 */
export const IMPORT_NAMES: Readonly<Record<string, readonly string[]>> = {
  pyyaml: ['yaml'],
  pillow: ['PIL'],
  beautifulsoup4: ['bs4'],
  'scikit-learn': ['sklearn'],
  'scikit-image': ['skimage'],
  'python-dateutil': ['dateutil'],
  'opencv-python': ['cv2'],
  'opencv-python-headless': ['cv2'],
  'opencv-contrib-python': ['cv2'],
  'opencv-contrib-python-headless': ['cv2'],
  pycryptodome: ['Crypto'],
  pycryptodomex: ['Cryptodome'],
  pycrypto: ['Crypto'],
  pyopenssl: ['OpenSSL'],
  pyjwt: ['jwt'],
  'python-jose': ['jose'],
  'python-multipart': ['multipart', 'python_multipart'],
  'python-dotenv': ['dotenv'],
  'python-magic': ['magic'],
  'python-ldap': ['ldap', 'ldif', 'ldapurl'],
  'python-socketio': ['socketio'],
  'python-engineio': ['engineio'],
  'python-slugify': ['slugify'],
  'typing-extensions': ['typing_extensions'],
  'attrs': ['attr', 'attrs'],
  'protobuf': ['google'],
  'google-cloud-storage': ['google'],
  'grpcio': ['grpc'],
  'psycopg2-binary': ['psycopg2'],
  'psycopg-binary': ['psycopg'],
  'mysqlclient': ['MySQLdb'],
  'pymysql': ['pymysql'],
  'msgpack-python': ['msgpack'],
  'dnspython': ['dns'],
  'pyserial': ['serial'],
  'pyusb': ['usb'],
  'pywin32': ['win32api', 'win32con', 'win32com', 'pywintypes'],
  'setuptools': ['setuptools', 'pkg_resources', '_distutils_hack'],
  'ruamel-yaml': ['ruamel'],
  'jinja2': ['jinja2'],
  'markupsafe': ['markupsafe'],
  'flask-sqlalchemy': ['flask_sqlalchemy'],
  'django-rest-framework': ['rest_framework'],
  'djangorestframework': ['rest_framework'],
  'pytest-cov': ['pytest_cov'],
  'ipython': ['IPython'],
  'lxml-html-clean': ['lxml_html_clean'],
  'websocket-client': ['websocket'],
  'discord-py': ['discord'],
  'pygithub': ['github'],
  'gitpython': ['git'],
  'paho-mqtt': ['paho'],
  'pyzmq': ['zmq'],
  'mako': ['mako'],
  'tensorflow-gpu': ['tensorflow'],
  'torch': ['torch'],
  'faiss-cpu': ['faiss'],
  'llama-cpp-python': ['llama_cpp'],
  'duckduckgo-search': ['duckduckgo_search'],
  'pymupdf': ['fitz', 'pymupdf'],
  'python-docx': ['docx'],
  'python-pptx': ['pptx'],
  'pypdf2': ['PyPDF2'],
  'pysocks': ['socks', 'sockshandler'],
  'cx-oracle': ['cx_Oracle'],
  'pycparser': ['pycparser'],
};

/**
 * The top-level modules of a distribution: installed metadata first (`top_level.txt`,
 * by normalised name), then the table, then the name itself with `-` as `_`.
 * That last guess is sure only for a one-word name (`django`): a name with
 * a `-` (`python-foo`, `foo-client`) is often imported by another, so a miss
 * then does not grade the finding down.
 */
export function importNamesOf(normalised: string, installed?: ReadonlyMap<string, readonly string[]>): { names: readonly string[]; sure: boolean } {
  const fromMeta = installed?.get(normalised);
  if (fromMeta && fromMeta.length) return { names: fromMeta, sure: true };
  const known = IMPORT_NAMES[normalised];
  if (known) return { names: known, sure: true };
  return { names: [normalised.split('-').join('_')], sure: !normalised.includes('-') };
}
