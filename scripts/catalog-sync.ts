// npm run catalog:sync [-- --pages 5 --force]: imports TMDb's popular, top-rated and upcoming movies and
// popular series with their details (seasons, episodes, credits) into the catalog tables. Resumable: a
// title whose details are already stored is skipped unless --force; stop it any time and run it again.
// Progress is a bar on a terminal and a line every 25 titles otherwise; a failure to reach TMDb ends the
// run with one line on stderr and exit code 1 (2 when only some titles failed).
import { parseArgs } from 'node:util';
import { loadConfig } from '../services/config.ts';
import { migrate, openOrm, type Em } from '../services/db/orm.ts';
import { createMemoryCache } from '../services/cache/memory.ts';
import { createTmdbClient } from '../services/tmdb/client.ts';
import { syncedTitleIds } from '../repositories/titles.ts';
import { parseContentId } from '../services/catalog/ids.ts';
import { importFromTmdb } from '../services/catalog/tmdb-read.ts';

const { values } = parseArgs({
  options: {
    pages: { type: 'string', default: '5' },
    force: { type: 'boolean', default: false },
    concurrency: { type: 'string', default: '4' },
  },
});
const pages = Math.max(1, Math.min(500, Number(values.pages) || 5));
const concurrency = Math.max(1, Math.min(16, Number(values.concurrency) || 4));

const config = loadConfig();
if (!config.TMDB_ACCESS_TOKEN) {
  console.error('catalog:sync needs TMDB_ACCESS_TOKEN (without it the catalog is the bundled demo catalog).');
  process.exit(1);
}

const cache = createMemoryCache();
const tmdb = createTmdbClient({
  baseUrl: config.TMDB_BASE_URL,
  accessToken: config.TMDB_ACCESS_TOKEN,
  cache,
  timeoutMs: config.TMDB_TIMEOUT_MS,
  maxConcurrent: config.TMDB_MAX_CONCURRENT,
});
const orm = await openOrm({ databaseUrl: config.DATABASE_URL, dataDir: config.DATA_DIR });

function bar(done: number, total: number, label: string) {
  const width = 30;
  const filled = total === 0 ? width : Math.round((done / total) * width);
  const line = `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${done}/${total} ${label}`.slice(0, 110);
  if (process.stdout.isTTY) process.stdout.write(`\r${line.padEnd(110)}`);
  else if (done === total || done % 25 === 0) console.log(line);
}

try {
  await migrate(orm);
  const em = orm.em.fork() as Em;
  const ids = new Set<string>();
  const lists: Array<
    [string, (page: number) => Promise<{ results: Array<{ id: number }>; total_pages: number }>, 'm' | 's']
  > = [
    ['popular movies', (p) => tmdb.popularMovies(p), 'm'],
    ['top-rated movies', (p) => tmdb.topRatedMovies(p), 'm'],
    ['upcoming movies', (p) => tmdb.upcomingMovies(p), 'm'],
    ['popular series', (p) => tmdb.popularTv(p), 's'],
  ];
  for (const [name, fetch, prefix] of lists) {
    for (let page = 1; page <= pages; page++) {
      const result = await fetch(page);
      for (const r of result.results) ids.add(`${prefix}${r.id}`);
      if (page >= result.total_pages) break;
    }
    console.log(`${name}: ${ids.size} titles listed so far`);
  }
  const synced = new Set(values.force ? [] : await syncedTitleIds(em));
  const todo = [...ids].filter((id) => !synced.has(id));
  console.log(`${ids.size - todo.length} already synced, ${todo.length} to import`);
  let done = 0;
  let failed = 0;
  const queue = [...todo];
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      for (let id = queue.shift(); id; id = queue.shift()) {
        try {
          const title = await importFromTmdb(orm.em.fork() as Em, tmdb, parseContentId(id));
          bar(++done, todo.length, `${id} ${'title' in title ? title.title : title.name}`);
        } catch (err) {
          failed++;
          bar(++done, todo.length, `${id} failed: ${(err as Error).message}`);
        }
      }
    }),
  );
  if (process.stdout.isTTY) process.stdout.write('\n');
  console.log(`done: ${todo.length - failed} imported, ${failed} failed, ${ids.size - todo.length} skipped`);
  if (failed > 0) process.exitCode = 2;
} catch (err) {
  // An unreachable or refusing TMDb (or database) is a reason to stop, told in one line, not a stack trace.
  if (process.stdout.isTTY) process.stdout.write('\n');
  console.error(`catalog:sync stopped: ${(err as Error).message} (TMDb at ${config.TMDB_BASE_URL})`);
  process.exitCode = 1;
} finally {
  await tmdb.close();
  await orm.close(true);
  await cache.close();
}
