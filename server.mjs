// Plain-JavaScript launcher for server.ts: a Node that cannot run TypeScript sources (older than 22.18) gets
// one line saying what to do instead of ERR_UNKNOWN_FILE_EXTENSION.
if (!process.features?.typescript) {
  console.error(
    `Node ${process.versions.node} cannot run the TypeScript sources: use \`npm start\` (it runs the project's own Node 24) or Node >= 22.18.`,
  );
  process.exit(1);
}
// Tracing starts before the app's modules load (see services/tracing/preload.ts).
await import('./services/tracing/preload.ts');
await import('./server.ts');
