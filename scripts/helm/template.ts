// A renderer for the subset of Go templates (and Helm's functions) that deploy/helm/cinemate uses, so the
// chart can be rendered and checked where no helm binary exists. Supported: {{ }} with {{- -}} trimming,
// comments, pipelines, parenthesised sub-pipelines, `.Values.x.y`, `$`, `$var`, `if / else if / else`,
// `range $k, $v := ...` over maps (sorted keys, as Go does) and lists, `define` / `include`, and the
// functions listed in FUNCS. Anything else throws, so a template outside the subset fails loudly.
import { createHash } from 'node:crypto';
import { stringify } from 'yaml';

type Node =
  | { kind: 'text'; text: string }
  | { kind: 'out'; expr: string }
  | { kind: 'if'; branches: { cond: string | null; body: Node[] }[] }
  | { kind: 'range'; keyVar?: string; valVar?: string; expr: string; body: Node[] };

interface Scope {
  dot: unknown;
  root: unknown;
  vars: Record<string, unknown>;
}

type Token = { kind: 'text'; text: string } | { kind: 'action'; body: string };

function tokenize(src: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < src.length) {
    const open = src.indexOf('{{', i);
    if (open < 0) {
      tokens.push({ kind: 'text', text: src.slice(i) });
      break;
    }
    let text = src.slice(i, open);
    const close = src.indexOf('}}', open);
    if (close < 0) throw new Error('unclosed {{');
    let body = src.slice(open + 2, close);
    if (body.startsWith('-')) {
      text = text.replace(/\s+$/, '');
      body = body.slice(1);
    }
    i = close + 2;
    if (body.endsWith('-')) {
      body = body.slice(0, -1);
      const rest = src.slice(i);
      i += rest.length - rest.replace(/^\s+/, '').length;
    }
    tokens.push({ kind: 'text', text });
    body = body.trim();
    if (!body.startsWith('/*')) tokens.push({ kind: 'action', body });
  }
  return tokens;
}

/** Parses tokens into nodes; `define` blocks go into defs. Stops at the end keyword the caller waits for. */
function parse(tokens: Token[], defs: Map<string, Node[]>, pos = { i: 0 }, until: string[] = []): Node[] {
  const nodes: Node[] = [];
  while (pos.i < tokens.length) {
    const tok = tokens[pos.i++];
    if (tok.kind === 'text') {
      if (tok.text) nodes.push({ kind: 'text', text: tok.text });
      continue;
    }
    const [word] = tok.body.split(/\s+/, 1);
    if (until.includes(word)) {
      pos.i -= 1;
      return nodes;
    }
    if (word === 'if') {
      const branches: { cond: string | null; body: Node[] }[] = [];
      let cond: string | null = tok.body.slice(2).trim();
      for (;;) {
        const body = parse(tokens, defs, pos, ['else', 'end']);
        branches.push({ cond, body });
        const stop = tokens[pos.i++] as { body: string };
        if (stop.body === 'end') break;
        const rest = stop.body.slice(4).trim();
        if (rest.startsWith('if ')) cond = rest.slice(3).trim();
        else if (rest === '') cond = null;
        else throw new Error(`unsupported: {{ ${stop.body} }}`);
      }
      nodes.push({ kind: 'if', branches });
    } else if (word === 'range') {
      const m = /^range\s+(?:(\$\w+)\s*(?:,\s*(\$\w+))?\s*:=\s*)?(.+)$/.exec(tok.body);
      if (!m) throw new Error(`unsupported: {{ ${tok.body} }}`);
      const body = parse(tokens, defs, pos, ['end']);
      pos.i += 1;
      const [keyVar, valVar] = m[2] ? [m[1], m[2]] : [undefined, m[1]];
      nodes.push({ kind: 'range', keyVar, valVar, expr: m[3], body });
    } else if (word === 'define') {
      const name = JSON.parse(tok.body.slice(6).trim());
      defs.set(name, parse(tokens, defs, pos, ['end']));
      pos.i += 1;
    } else if (['else', 'end', 'with', 'template', 'block'].includes(word)) {
      throw new Error(`unsupported or unbalanced: {{ ${tok.body} }}`);
    } else {
      nodes.push({ kind: 'out', expr: tok.body });
    }
  }
  if (until.length > 0) throw new Error(`missing {{ ${until.join(' / ')} }}`);
  return nodes;
}

const truthy = (v: unknown): boolean =>
  !(
    v === undefined ||
    v === null ||
    v === false ||
    v === 0 ||
    v === '' ||
    (Array.isArray(v) && v.length === 0) ||
    (typeof v === 'object' && !Array.isArray(v) && Object.keys(v as object).length === 0)
  );

const toText = (v: unknown): string => (v === undefined || v === null ? '' : String(v));
const indent = (n: number, s: string) =>
  toText(s)
    .split('\n')
    .map((line) => ' '.repeat(n) + line)
    .join('\n');

export class Renderer {
  defs = new Map<string, Node[]>();

  // biome-ignore lint/suspicious/noExplicitAny: template functions take whatever the template passes.
  FUNCS: Record<string, (...args: any[]) => unknown> = {
    quote: (v) => JSON.stringify(toText(v)),
    default: (def, v) => (truthy(v) ? v : def),
    toYaml: (v) => (v === undefined || v === null ? '' : stringify(v).replace(/\n$/, '')),
    nindent: (n, s) => `\n${indent(n, s)}`,
    indent: (n, s) => indent(n, s),
    include: (name: string, dot) => {
      const body = this.defs.get(name);
      if (!body) throw new Error(`no template "${name}"`);
      return this.run(body, { dot, root: dot, vars: {} });
    },
    printf: (format: string, ...args) => {
      let i = 0;
      return format.replace(/%[sd]/g, () => toText(args[i++]));
    },
    trunc: (n, s) => toText(s).slice(0, n),
    trimSuffix: (suffix: string, s) => (toText(s).endsWith(suffix) ? toText(s).slice(0, -suffix.length) : toText(s)),
    contains: (needle, s) => toText(s).includes(toText(needle)),
    not: (v) => !truthy(v),
    eq: (a, b) => a === b,
    b64enc: (s) => Buffer.from(toText(s)).toString('base64'),
    sha256sum: (s) => createHash('sha256').update(toText(s)).digest('hex'),
  };

  /** Reads every template file (name → source); `_*.tpl` files only contribute their defines. */
  load(files: Record<string, string>): Map<string, Node[]> {
    const parsed = new Map<string, Node[]>();
    for (const [name, src] of Object.entries(files)) parsed.set(name, parse(tokenize(src), this.defs));
    return parsed;
  }

  run(nodes: Node[], scope: Scope): string {
    let out = '';
    for (const node of nodes) {
      if (node.kind === 'text') out += node.text;
      else if (node.kind === 'out') out += toText(this.evalPipeline(node.expr, scope));
      else if (node.kind === 'if') {
        const branch = node.branches.find((b) => b.cond === null || truthy(this.evalPipeline(b.cond, scope)));
        if (branch) out += this.run(branch.body, scope);
      } else {
        const value = this.evalPipeline(node.expr, scope);
        const entries: [unknown, unknown][] = Array.isArray(value)
          ? value.map((v, i) => [i, v])
          : value && typeof value === 'object'
            ? Object.keys(value)
                .sort()
                .map((k) => [k, (value as Record<string, unknown>)[k]])
            : [];
        for (const [k, v] of entries) {
          const vars = { ...scope.vars };
          if (node.keyVar) vars[node.keyVar] = k;
          if (node.valVar) vars[node.valVar] = v;
          out += this.run(node.body, { ...scope, dot: v, vars });
        }
      }
    }
    return out;
  }

  evalPipeline(expr: string, scope: Scope): unknown {
    const stages = splitTop(expr, '|');
    let value: unknown;
    stages.forEach((stage, i) => {
      value = this.evalCommand(stage.trim(), scope, i === 0 ? [] : [value]);
    });
    return value;
  }

  evalCommand(cmd: string, scope: Scope, piped: unknown[]): unknown {
    const words = splitTop(cmd, ' ').filter((w) => w !== '');
    const [head, ...rest] = words;
    if (head in this.FUNCS) {
      return this.FUNCS[head](...rest.map((w) => this.evalTerm(w, scope)), ...piped);
    }
    if (words.length !== 1 || piped.length > 0) throw new Error(`unsupported command: ${cmd}`);
    return this.evalTerm(head, scope);
  }

  evalTerm(term: string, scope: Scope): unknown {
    if (term.startsWith('(')) return this.evalPipeline(term.slice(1, -1), scope);
    if (term.startsWith('"')) return JSON.parse(term);
    if (/^-?\d+$/.test(term)) return Number(term);
    if (term === 'true' || term === 'false') return term === 'true';
    let base: unknown;
    let path: string;
    if (term.startsWith('$')) {
      const [name, ...fields] = term.split('.');
      base = name === '$' ? scope.root : scope.vars[name];
      if (name !== '$' && !(name in scope.vars)) throw new Error(`undefined variable ${name}`);
      path = fields.join('.');
    } else if (term.startsWith('.')) {
      base = scope.dot;
      path = term.slice(1);
    } else throw new Error(`unknown function or term: ${term}`);
    for (const field of path ? path.split('.') : []) {
      base = base === null || base === undefined ? undefined : (base as Record<string, unknown>)[field];
    }
    return base;
  }
}

/** Splits on sep outside quotes and parentheses. */
function splitTop(s: string, sep: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let quoted = false;
  let start = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (c === '"' && s[i - 1] !== '\\') quoted = !quoted;
    else if (!quoted && c === '(') depth += 1;
    else if (!quoted && c === ')') depth -= 1;
    else if (!quoted && depth === 0 && c === sep) {
      parts.push(s.slice(start, i));
      start = i + 1;
    }
  }
  parts.push(s.slice(start));
  return parts;
}
