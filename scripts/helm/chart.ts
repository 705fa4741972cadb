// Renders deploy/helm/cinemate as `helm template` would (values.yaml deep-merged with overrides; release
// "cinemate") with the subset renderer of template.ts, and checks every rendered object structurally and
// against the Kubernetes schemas (schemas.ts).
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parse, parseAllDocuments } from 'yaml';
import { ConfigSchema } from '../../services/config.ts';
import { schemaProblems } from './schemas.ts';
import { unknownFields } from './strict.ts';
import { Renderer } from './template.ts';

// biome-ignore lint/suspicious/noExplicitAny: a rendered manifest is untyped YAML, walked field by field.
export type K8sObject = Record<string, any>;

const isMap = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

export function mergeValues(base: unknown, over: unknown): unknown {
  if (!isMap(base) || !isMap(over)) return over === undefined ? base : over;
  const out: Record<string, unknown> = { ...base };
  for (const [k, v] of Object.entries(over)) out[k] = mergeValues(base[k], v);
  return out;
}

export function renderChart(chartDir: string, overrides: unknown = {}, releaseName = 'cinemate'): K8sObject[] {
  const chart = parse(readFileSync(path.join(chartDir, 'Chart.yaml'), 'utf8'));
  const values = mergeValues(parse(readFileSync(path.join(chartDir, 'values.yaml'), 'utf8')), overrides);
  const dir = path.join(chartDir, 'templates');
  const files = Object.fromEntries(
    readdirSync(dir)
      .filter((f) => /\.(ya?ml|tpl)$/.test(f))
      .sort()
      .map((f) => [f, readFileSync(path.join(dir, f), 'utf8')]),
  );
  const renderer = new Renderer();
  const parsed = renderer.load(files);
  const root = {
    Values: values,
    Chart: { Name: chart.name, Version: chart.version, AppVersion: chart.appVersion },
    Release: { Name: releaseName, Namespace: 'default', Service: 'Helm' },
  };
  const objects: K8sObject[] = [];
  for (const [name, nodes] of parsed) {
    if (name.startsWith('_')) continue;
    const text = renderer.run(nodes, { dot: root, root, vars: {} });
    if (/<no value>|\{\{|\}\}/.test(text)) throw new Error(`${name}: unrendered template text`);
    for (const doc of parseAllDocuments(text)) {
      if (doc.errors.length > 0) throw new Error(`${name}: ${doc.errors[0].message}\n${text}`);
      const obj = doc.toJS();
      if (obj !== null && obj !== undefined) objects.push({ ...obj, __file: name });
    }
  }
  return objects;
}

const KINDS: Record<string, string> = {
  ConfigMap: 'v1',
  Secret: 'v1',
  Service: 'v1',
  PersistentVolumeClaim: 'v1',
  Deployment: 'apps/v1',
  Job: 'batch/v1',
  Ingress: 'networking.k8s.io/v1',
  HorizontalPodAutoscaler: 'autoscaling/v2',
  PodDisruptionBudget: 'policy/v1',
};
const DNS_1123 = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const QUANTITY = /^[0-9]+(\.[0-9]+)?(m|Ki|Mi|Gi|Ti|k|M|G|T)?$/;

/** Every problem found in the rendered objects; empty when the chart is sound. */
export function validate(objects: K8sObject[]): string[] {
  const problems: string[] = [];
  const fail = (o: K8sObject, msg: string) => problems.push(`${o.__file} ${o.kind}/${o.metadata?.name}: ${msg}`);
  const byKind = (kind: string) => objects.filter((o) => o.kind === kind);
  const names = new Set<string>();
  for (const o of objects) {
    if (KINDS[o.kind] === undefined) fail(o, `unknown kind ${o.kind}`);
    else if (o.apiVersion !== KINDS[o.kind]) fail(o, `apiVersion ${o.apiVersion}, expected ${KINDS[o.kind]}`);
    const name = o.metadata?.name;
    if (typeof name !== 'string' || !DNS_1123.test(name) || name.length > 63) fail(o, 'metadata.name is not DNS-1123');
    if (names.has(`${o.kind}/${name}`)) fail(o, 'duplicate name');
    names.add(`${o.kind}/${name}`);
    for (const [k, v] of Object.entries(o.metadata?.labels ?? {})) if (typeof v !== 'string') fail(o, `label ${k}`);
    for (const [k, v] of Object.entries(o.metadata?.annotations ?? {})) {
      if (typeof v !== 'string') fail(o, `annotation ${k} is not a string`);
    }
  }
  const env = envKeys(objects);
  for (const key of env.keys) if (!(key in ConfigSchema.properties)) problems.push(`env ${key} is no setting`);
  const pods = [...byKind('Deployment'), ...byKind('Job')];
  for (const o of pods) checkPod(o, o.spec?.template, env.sources, fail);
  const api = byKind('Deployment').find((d) => d.spec?.template?.spec?.containers?.[0]?.name === 'api');
  if (!api) problems.push('no API Deployment');
  else checkApi(api, objects, fail);
  if (!byKind('Deployment').some((d) => d.spec?.template?.spec?.containers?.[0]?.command?.includes('worker.ts'))) {
    problems.push('no worker Deployment');
  }
  const jobs = byKind('Job');
  if (jobs.length === 0) problems.push('no migration Job');
  for (const job of jobs) {
    const hooks = String(job.metadata?.annotations?.['helm.sh/hook'] ?? '').split(',');
    for (const h of ['pre-install', 'pre-upgrade']) if (!hooks.includes(h)) fail(job, `not a ${h} hook`);
    if (!job.metadata?.annotations?.['helm.sh/hook-delete-policy']) fail(job, 'no hook-delete-policy');
    if (job.spec?.template?.spec?.containers?.[0]?.command?.join(' ') !== 'npm run migrate')
      fail(job, 'not npm run migrate');
    if (!['Never', 'OnFailure'].includes(job.spec?.template?.spec?.restartPolicy)) fail(job, 'restartPolicy');
    // The env the Job reads must exist before it: rendered as earlier hooks, or an existing Secret.
    for (const src of [...byKind('ConfigMap'), ...byKind('Secret')]) {
      const weight = Number(src.metadata?.annotations?.['helm.sh/hook-weight'] ?? Number.NaN);
      const jobWeight = Number(job.metadata?.annotations?.['helm.sh/hook-weight'] ?? 0);
      if (!(weight < jobWeight)) fail(src, 'read by the migration hook but not created before it');
    }
  }
  problems.push(...schemaProblems(objects), ...unknownFields(objects));
  return problems;
}

function envKeys(objects: K8sObject[]) {
  const keys = new Set<string>();
  const sources = new Set<string>();
  for (const o of objects) {
    if (o.kind !== 'ConfigMap' && o.kind !== 'Secret') continue;
    sources.add(`${o.kind}/${o.metadata?.name}`);
    for (const k of Object.keys({ ...o.data, ...o.stringData })) keys.add(k);
  }
  return { keys, sources };
}

type Fail = (o: K8sObject, msg: string) => void;

function checkPod(o: K8sObject, template: K8sObject | undefined, sources: Set<string>, fail: Fail) {
  const spec = template?.spec;
  if (!spec?.containers?.length) return fail(o, 'no containers');
  if (o.kind === 'Deployment') {
    const selector = o.spec?.selector?.matchLabels ?? {};
    if (Object.keys(selector).length === 0) fail(o, 'no selector');
    for (const [k, v] of Object.entries(selector)) {
      if (template?.metadata?.labels?.[k] !== v) fail(o, `selector ${k} does not match the pod labels`);
    }
  }
  const pod = spec.securityContext ?? {};
  if (pod.runAsNonRoot !== true) fail(o, 'pod securityContext.runAsNonRoot is not true');
  if (!(pod.runAsUser > 0)) fail(o, 'pod securityContext.runAsUser is root or unset');
  const volumes = new Set((spec.volumes ?? []).map((v: K8sObject) => v.name));
  for (const c of spec.containers) {
    if (!c.name || !c.image || c.image.endsWith(':')) fail(o, `container ${c.name}: name and image required`);
    const sc = c.securityContext ?? {};
    if (sc.allowPrivilegeEscalation !== false) fail(o, `container ${c.name}: allowPrivilegeEscalation`);
    if (!sc.capabilities?.drop?.includes('ALL')) fail(o, `container ${c.name}: capabilities not dropped`);
    for (const side of ['requests', 'limits']) {
      for (const r of ['cpu', 'memory']) {
        if (!QUANTITY.test(String(c.resources?.[side]?.[r] ?? '')))
          fail(o, `container ${c.name}: resources.${side}.${r}`);
      }
    }
    for (const m of c.volumeMounts ?? []) if (!volumes.has(m.name)) fail(o, `mount ${m.name} has no volume`);
    for (const from of c.envFrom ?? []) {
      const ref = from.configMapRef ? `ConfigMap/${from.configMapRef.name}` : `Secret/${from.secretRef?.name}`;
      // An existing Secret named by values is the operator's; a rendered name must exist in the chart.
      if (!sources.has(ref) && ref.startsWith('ConfigMap/')) fail(o, `envFrom ${ref} is not rendered`);
    }
  }
}

function checkApi(api: K8sObject, objects: K8sObject[], fail: Fail) {
  const c = api.spec.template.spec.containers[0];
  const ports = new Map((c.ports ?? []).map((p: K8sObject) => [p.name, p.containerPort]));
  if (c.livenessProbe?.httpGet?.path !== '/livez') fail(api, 'liveness probe is not /livez');
  if (c.readinessProbe?.httpGet?.path !== '/readyz') fail(api, 'readiness probe is not /readyz');
  for (const probe of [c.livenessProbe, c.readinessProbe]) {
    if (probe && !ports.has(probe.httpGet?.port)) fail(api, `probe port ${probe.httpGet?.port} is not a named port`);
  }
  const podLabels = api.spec.template.metadata.labels;
  const selects = (selector: Record<string, string> | undefined) =>
    selector && Object.keys(selector).length > 0 && Object.entries(selector).every(([k, v]) => podLabels[k] === v);
  const services = objects.filter((o) => o.kind === 'Service');
  const service = services.find((s) => selects(s.spec?.selector));
  if (!service) fail(api, 'no Service selects the API pods');
  for (const p of service?.spec?.ports ?? []) {
    if (!ports.has(p.targetPort)) fail(service as K8sObject, `targetPort ${p.targetPort} is not a container port`);
  }
  for (const ing of objects.filter((o) => o.kind === 'Ingress')) {
    for (const rule of ing.spec?.rules ?? []) {
      for (const p of rule.http?.paths ?? []) {
        const backend = p.backend?.service;
        const target = services.find((s) => s.metadata.name === backend?.name);
        if (!target) fail(ing, `backend ${backend?.name} is no Service`);
        else if (!target.spec.ports.some((sp: K8sObject) => sp.name === backend.port?.name)) fail(ing, 'backend port');
      }
    }
    const timeout = Number(ing.metadata?.annotations?.['nginx.ingress.kubernetes.io/proxy-read-timeout'] ?? 0);
    if (timeout < 300) fail(ing, 'WebSockets need proxy-read-timeout well above the heartbeat');
  }
  for (const hpa of objects.filter((o) => o.kind === 'HorizontalPodAutoscaler')) {
    if (hpa.spec?.scaleTargetRef?.name !== api.metadata.name) fail(hpa, 'does not scale the API Deployment');
    if (!hpa.spec?.metrics?.some((m: K8sObject) => m.resource?.name === 'cpu')) fail(hpa, 'no CPU metric');
    if (!(hpa.spec?.minReplicas >= 1 && hpa.spec?.maxReplicas >= hpa.spec?.minReplicas)) fail(hpa, 'replica range');
    if (api.spec.replicas !== undefined) fail(api, 'replicas set while an HPA owns the count');
  }
  const pdbs = objects.filter((o) => o.kind === 'PodDisruptionBudget');
  if (!pdbs.some((p) => selects(p.spec?.selector?.matchLabels))) fail(api, 'no PodDisruptionBudget covers the API');
}
