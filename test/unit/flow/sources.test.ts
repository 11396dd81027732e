/** The flow layer's sources: each framework's request input against the same code reading a constant. */
import { beforeAll, describe } from 'vitest';
import { checkPairs, type Pair } from './pairs.js';
import { loadEngine } from './support.js';

beforeAll(loadEngine);

const flask = (body: string) => `from flask import Flask, request\nimport os\napp = Flask(__name__)\n\n@app.route("/x")\ndef view():\n${body}`;

const pairs: Pair[] = [
  { name: 'flask request.form[...]', sink: 'command', at: 'os.system', bad: flask('    os.system(request.form["c"])\n'), good: flask('    os.system("ls")\n'), path: ["request.form[\"c\"] (form field 'c')", 'reaches os.system()'] },
  { name: 'flask request.args.get', sink: 'command', at: 'os.system', bad: flask('    c = request.args.get("c")\n    os.system(c)\n'), good: flask('    c = "ls"\n    os.system(c)\n'), path: ["query parameter 'c'", 'assigned to c'] },
];

describe('sources', () => checkPairs(pairs));
