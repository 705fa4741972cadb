// The Helm chart, checked where no helm binary runs: scripts/helm-check.ts renders it with the default and
// the ci/ values and validates the objects; a chart broken in the ways that matter (a root pod, a wrong
// probe path, a migration Job that is no hook, an unknown setting) is reported; the renderer keeps Go's
// template semantics for what the chart uses and refuses what it does not support; unknown fields are
// refused as kubeconform -strict refuses them.
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import t from 'tap';
import { type K8sObject, renderChart, validate } from '../scripts/helm/chart.ts';
import { Renderer } from '../scripts/helm/template.ts';

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const chart = path.join(root, 'deploy/helm/cinemate');

t.test('npm run helm:check passes on the chart as committed', async (t) => {
  const run = spawnSync(process.execPath, [path.join(root, 'scripts/helm-check.ts')], { encoding: 'utf8' });
  t.equal(run.status, 0, run.stdout + run.stderr);
  t.match(run.stdout, /^ok defaults: 10 objects/m);
  t.match(run.stdout, /^ok ci\/production-values\.yaml/m);
});

t.test('the default install: API with HPA and PDB, worker, migration hook, probes, non-root', async (t) => {
  const objects = renderChart(chart);
  t.same(validate(objects), []);
  const kinds = objects.map((o) => o.kind).sort();
  t.same(kinds, [
    'ConfigMap',
    'Deployment',
    'Deployment',
    'HorizontalPodAutoscaler',
    'Ingress',
    'Job',
    'PersistentVolumeClaim',
    'PodDisruptionBudget',
    'Secret',
    'Service',
  ]);
  const api = objects.find((o) => o.metadata.name === 'cinemate-api') as K8sObject;
  const c = api.spec.template.spec.containers[0];
  t.same([c.livenessProbe.httpGet.path, c.readinessProbe.httpGet.path], ['/livez', '/readyz']);
  t.equal(api.spec.replicas, undefined, 'the HPA owns the replica count');
  const job = objects.find((o) => o.kind === 'Job') as K8sObject;
  t.equal(job.metadata.annotations['helm.sh/hook'], 'pre-install,pre-upgrade');
  t.same(job.spec.template.spec.containers[0].command, ['npm', 'run', 'migrate']);
  const config = objects.find((o) => o.kind === 'ConfigMap') as K8sObject;
  t.match(config.data, { DB_AUTO_MIGRATE: 'false', JOBS_INLINE: 'false', DB_POOL_MAX: '10' });
  const changed = renderChart(chart, { config: { LOG_LEVEL: 'debug' } });
  const checksum = (objects: K8sObject[]) =>
    objects.find((o) => o.metadata.name === 'cinemate-api')?.spec.template.metadata.annotations['checksum/config'];
  t.match(checksum(objects), /^[0-9a-f]{64}$/);
  t.not(checksum(changed), checksum(objects), 'a changed setting rolls the API pods');
});

t.test('production values: an existing Secret, a fixed count, TLS, no HPA', async (t) => {
  const objects = renderChart(chart, {
    api: { autoscaling: { enabled: false }, replicas: 3 },
    secrets: { existingSecret: 'cinemate-env' },
    ingress: { tlsSecretName: 'tls' },
  });
  t.same(validate(objects), []);
  t.notOk(objects.some((o) => o.kind === 'Secret' || o.kind === 'HorizontalPodAutoscaler'));
  const api = objects.find((o) => o.metadata.name === 'cinemate-api') as K8sObject;
  t.equal(api.spec.replicas, 3);
  t.equal(api.spec.template.spec.containers[0].envFrom[1].secretRef.name, 'cinemate-env');
  t.equal(objects.find((o) => o.kind === 'Ingress')?.spec.tls[0].secretName, 'tls');
});

t.test('a broken chart is reported', async (t) => {
  const rootPod = validate(renderChart(chart, { podSecurityContext: { runAsNonRoot: false, runAsUser: 0 } }));
  t.match(rootPod.join('\n'), /runAsNonRoot is not true/);
  t.match(validate(renderChart(chart, { config: { NOT_A_SETTING: 'x' } })), ['env NOT_A_SETTING is no setting']);
  t.match(validate(renderChart(chart, { api: { resources: { limits: { cpu: 'lots' } } } })).join('\n'), /limits\.cpu/);
  // Caught by the Kubernetes schemas (not by the structural checks): a replica count that is a string.
  t.match(
    validate(renderChart(chart, { worker: { replicas: '"one"' } })).join('\n'),
    /worker-deployment\.yaml Deployment\/\S+: schema: .*replicas must be integer/,
  );

  const mutate = (edit: (objects: K8sObject[]) => void) => {
    const objects = renderChart(chart);
    edit(objects);
    return validate(objects).join('\n');
  };
  t.match(
    mutate((o) => {
      o.find((x) => x.metadata.name === 'cinemate-api')!.spec.template.spec.containers[0].readinessProbe.httpGet.path =
        '/health';
    }),
    /readiness probe is not \/readyz/,
  );
  t.match(
    mutate((o) => {
      delete o.find((x) => x.kind === 'Job')!.metadata.annotations['helm.sh/hook'];
    }),
    /not a pre-install hook/,
  );
  t.match(
    mutate((o) => {
      o.find((x) => x.kind === 'Service')!.spec.selector = { app: 'other' };
    }),
    /no Service selects the API pods/,
  );
  t.match(
    mutate((o) => {
      o.find((x) => x.kind === 'Ingress')!.metadata.annotations = {};
    }),
    /proxy-read-timeout/,
  );
  // Unknown fields are refused (kubeconform -strict), deep in a pod spec and at the top of an object.
  const strict = mutate((o) => {
    const api = o.find((x) => x.metadata.name === 'cinemate-api')!;
    api.spec.template.spec.containers[0].readinessProbe.httpGet.pathh = '/readyz';
    api.spec.template.spec.securityContext.runAsNonRoots = true;
    o.find((x) => x.kind === 'Ingress')!.specs = {};
  });
  t.match(strict, /cinemate-api: strict: spec\.template\.spec\.containers\[0\]\.readinessProbe\.httpGet\.pathh is not/);
  t.match(strict, /cinemate-api: strict: spec\.template\.spec\.securityContext\.runAsNonRoots is not a field/);
  t.match(strict, /Ingress\/\S+: strict: specs is not a field of V1Ingress/);
  t.same(
    mutate(() => {}),
    '',
    'the chart as rendered has no unknown field',
  );
});

t.test('the renderer follows Go template semantics for what the chart uses', async (t) => {
  const render = (src: string, values: unknown) => {
    const r = new Renderer();
    const [[, nodes]] = [...r.load({ 'x.yaml': src })];
    const root = { Values: values };
    return r.run(nodes, { dot: root, root, vars: {} });
  };
  t.equal(render('a: {{ .Values.x | default "d" | quote }}', {}), 'a: "d"');
  t.equal(render('a: {{ .Values.x | default "d" }}', { x: 'v' }), 'a: v');
  t.equal(render('{{- range $k, $v := .Values.m }}\n{{ $k }}={{ $v }}{{- end }}', { m: { b: 2, a: 1 } }), '\na=1\nb=2');
  t.equal(render('x:\n  {{- if .Values.on }} yes{{- else }} no{{- end }}', { on: [] }), 'x: no', 'empty list is false');
  t.equal(render('k:{{ toYaml .Values.m | nindent 2 }}', { m: { a: [1] } }), 'k:\n  a:\n    - 1');
  t.throws(() => render('{{ with .Values.m }}{{ end }}', {}), /unsupported/);
  t.throws(() => render('{{ lookup "v1" "Secret" "" "" }}', {}), /unsupported command/);
});
