// Checks deploy/helm/cinemate: renders it with the default values and with each ci/*.yaml (as chart-testing
// does) through scripts/helm/template.ts and validates every object (scripts/helm/chart.ts). When `helm`
// and `kubeconform` are on PATH it also runs `helm lint` and `helm template | kubeconform -strict`.
// Exit code 0 when everything passes; each problem is printed on a line of its own.
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { renderChart, validate } from './helm/chart.ts';

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const chartDir = path.join(root, 'deploy/helm/cinemate');

const onPath = (bin: string) => spawnSync('sh', ['-c', `command -v ${bin}`]).status === 0;

const sets: [string, unknown][] = [['defaults', {}]];
for (const f of readdirSync(path.join(chartDir, 'ci')).filter((x) => x.endsWith('.yaml'))) {
  sets.push([`ci/${f}`, parse(readFileSync(path.join(chartDir, 'ci', f), 'utf8'))]);
}

let failed = false;
for (const [name, values] of sets) {
  try {
    const objects = renderChart(chartDir, values);
    const problems = validate(objects);
    const kinds = objects.map((o) => o.kind).join(', ');
    if (problems.length === 0) console.log(`ok ${name}: ${objects.length} objects (${kinds})`);
    for (const p of problems) console.log(`not ok ${name}: ${p}`);
    failed ||= problems.length > 0;
  } catch (err) {
    console.log(`not ok ${name}: ${(err as Error).message}`);
    failed = true;
  }
}

if (onPath('helm')) {
  const lint = spawnSync('helm', ['lint', chartDir], { stdio: 'inherit' });
  failed ||= lint.status !== 0;
  if (onPath('kubeconform')) {
    const rendered = spawnSync('helm', ['template', 'cinemate', chartDir], { encoding: 'utf8' });
    const conform = spawnSync('kubeconform', ['-strict', '-summary'], { input: rendered.stdout, stdio: 'inherit' });
    failed ||= rendered.status !== 0 || conform.status !== 0;
  } else console.log('# kubeconform is not on PATH: the structural checks above stand in for it');
} else console.log('# helm is not on PATH: rendered with the built-in subset renderer');

process.exit(failed ? 1 : 0);
