// The layering as code can break it: no import cycles between feature folders (a new one fails here), and
// routes and plugins never run SQL (that is what repositories/ is for). Reads the import statements of
// every .ts file under the layer folders; no app is built.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import t from 'tap';

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const LAYERS = ['routes', 'services', 'repositories', 'plugins', 'schemas', 'entities'];

function files(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const full = path.join(dir, name);
    if (statSync(full).isDirectory()) out.push(...files(full));
    else if (name.endsWith('.ts')) out.push(full);
  }
  return out;
}

/** `services/catalog/lists.ts` belongs to `services/catalog`; `schemas/movies.ts` to `schemas/movies`. */
function featureOf(file: string): string {
  const [layer, second] = path.relative(root, file).split(path.sep);
  return `${layer}/${second.replace(/\.ts$/, '')}`;
}

const IMPORT =
  /(?:^|\n)\s*(?:import|export)\s(type\s)?[^'"]*?from\s+['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/g;

function importsOf(file: string, text: string): string[] {
  const found: string[] = [];
  for (const m of text.matchAll(IMPORT)) {
    const spec = m[2] ?? m[3];
    if (!spec.startsWith('.')) continue;
    const target = path.resolve(path.dirname(file), spec);
    // Types come from schemas/ by design (Static<typeof X>), while schemas/ take constants such as the
    // certifications from services/: a type-only import of a schema is not a dependency between features.
    if (m[1] && path.relative(root, target).startsWith(`schemas${path.sep}`)) continue;
    found.push(target);
  }
  return found;
}

const sources = LAYERS.flatMap((layer) => files(path.join(root, layer)));
const texts = new Map(sources.map((f) => [f, readFileSync(f, 'utf8')]));

/** Feature → the features it imports. */
const graph = new Map<string, Set<string>>();
for (const [file, text] of texts) {
  const from = featureOf(file);
  const edges = graph.get(from) ?? new Set<string>();
  graph.set(from, edges);
  for (const target of importsOf(file, text)) {
    const rel = path.relative(root, target);
    if (!LAYERS.includes(rel.split(path.sep)[0])) continue;
    const to = featureOf(target);
    if (to !== from) edges.add(to);
  }
}

/** Strongly connected components with more than one feature (Tarjan). */
function cycles(g: Map<string, Set<string>>): string[][] {
  let index = 0;
  const stack: string[] = [];
  const on = new Set<string>();
  const idx = new Map<string, number>();
  const low = new Map<string, number>();
  const out: string[][] = [];
  const visit = (v: string) => {
    idx.set(v, index);
    low.set(v, index++);
    stack.push(v);
    on.add(v);
    for (const w of g.get(v) ?? []) {
      if (!idx.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (on.has(w)) low.set(v, Math.min(low.get(v)!, idx.get(w)!));
    }
    if (low.get(v) === idx.get(v)) {
      const scc: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        on.delete(w);
        scc.push(w);
      } while (w !== v);
      if (scc.length > 1) out.push(scc.sort());
    }
  };
  for (const v of [...g.keys()].sort()) if (!idx.has(v)) visit(v);
  return out;
}

t.test('the import graph is read', async (t) => {
  t.ok(sources.length > 100, 'every layer folder is scanned');
  t.ok(graph.get('routes/movies')?.has('services/catalog'), 'routes/movies imports services/catalog');
});

t.test('no import cycles between feature folders', async (t) => {
  t.same(
    cycles(graph).map((scc) => scc.join(' ⇄ ')),
    [],
    'each feature folder only imports folders that do not import it back',
  );
});

t.test('the cycle finder finds a planted cycle', async (t) => {
  const planted = new Map(graph);
  planted.set('schemas/common', new Set([...(graph.get('schemas/common') ?? []), 'routes/movies']));
  const found = cycles(planted).map((scc) => scc.join(' ⇄ '));
  t.ok(
    found.some((c) => c.includes('routes/movies') && c.includes('schemas/common')),
    'schemas/common → routes/movies closes a cycle',
  );
});

t.test('routes and plugins run no SQL', async (t) => {
  const SQL = /\bem\.execute\(|\.getKysely\b|from ['"]kysely['"]|repositories\/db\.ts/;
  const offenders = [...texts]
    .filter(([file]) => /^(routes|plugins)\//.test(path.relative(root, file)))
    .filter(([, text]) => SQL.test(text))
    .map(([file]) => path.relative(root, file));
  t.same(offenders, [], 'SQL lives in repositories/');
});
