// The container image, checked from its build files where no Docker engine runs the build: production
// dependencies only, a writable data directory for the unprivileged user, a health check, and a build
// context that never carries secrets, local data, tests or benches; and docker-compose.yml's two API
// replicas behind nginx.
import { readFileSync } from 'node:fs';
import t from 'tap';
import { parse } from 'yaml';

const dockerfile = readFileSync(new URL('../Dockerfile', import.meta.url), 'utf8');
const ignored = readFileSync(new URL('../.dockerignore', import.meta.url), 'utf8')
  .split('\n')
  .map((line) => line.trim())
  .filter((line) => line && !line.startsWith('#'));
const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));

t.test('the image installs production dependencies without a second Node runtime', async (t) => {
  t.match(dockerfile, /npm ci --omit=dev --omit=optional/);
  t.equal(pkg.dependencies.node, undefined, 'the node runtime package is not a production dependency');
  t.ok(pkg.optionalDependencies.node, 'it stays optional, for `npm start` on an older system Node');
});

t.test('the app runs unprivileged with a data directory it can write', async (t) => {
  const user = dockerfile.indexOf('USER node');
  const chown = dockerfile.indexOf('chown -R node:node /app/data');
  t.ok(chown > 0 && user > chown, 'the data directory is handed to the node user before switching to it');
  t.match(dockerfile, /DATA_DIR=\/app\/data/);
  t.match(dockerfile, /HEALTHCHECK[\s\S]*\/readyz/);
});

t.test('the build context leaves out secrets, local data, tests and benches', async (t) => {
  for (const entry of ['.env', 'data', 'node_modules', '.git', 'test', 'bench', 'coverage']) {
    t.ok(ignored.includes(entry), `${entry} is ignored`);
  }
  t.ok(ignored.includes('!.env.example'), 'the example configuration stays in');
});

t.test('docker compose runs two API replicas behind nginx, migrated once', async (t) => {
  const compose = parse(readFileSync(new URL('../docker-compose.yml', import.meta.url), 'utf8'));
  const nginx = readFileSync(new URL('../deploy/nginx/nginx.conf', import.meta.url), 'utf8');
  const { services } = compose;
  for (const name of ['proxy', 'migrate', 'api-1', 'api-2', 'worker', 'postgres', 'redis']) t.ok(services[name], name);
  t.same(services.proxy.ports, ['3000:8080'], 'only the proxy is published');
  t.notOk(services['api-1'].ports, 'the replicas are reached through the proxy');
  for (const name of ['api-1', 'api-2', 'worker']) {
    t.equal(services[name].environment.DB_AUTO_MIGRATE, 'false', `${name} leaves migrating to the migrate service`);
    t.equal(services[name].depends_on.migrate.condition, 'service_completed_successfully');
    t.equal(services[name].environment.REDIS_URL, 'redis://redis:6379', `${name} shares Redis`);
  }
  t.same(services.migrate.command, ['node', 'scripts/migrate.ts']);
  t.ok(services.proxy.volumes[0].startsWith('./deploy/nginx/nginx.conf:'), 'nginx reads the committed config');
  t.match(nginx, /server api-1:3000[\s\S]*server api-2:3000/);
  t.match(nginx, /proxy_set_header Upgrade \$http_upgrade;/);
  t.match(nginx, /proxy_set_header Connection \$connection_upgrade;/);
  t.match(nginx, /proxy_http_version 1\.1;/);
  t.match(nginx, /proxy_next_upstream [^;]*http_503/, 'a draining replica hands the request to the other');
});
