// The container image, checked from its build files where no Docker engine runs the build: production
// dependencies only, a writable data directory for the unprivileged user, a health check, and a build
// context that never carries secrets, local data, tests or benches.
import { readFileSync } from 'node:fs';
import t from 'tap';

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
