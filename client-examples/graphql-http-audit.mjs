// Runs the graphql-http package's GraphQL-over-HTTP audits against Berth's /graphql and prints one line per
// audit plus a summary. Exits 1 when any MUST audit fails.
//
//   BERTH_URL=http://127.0.0.1:8080 node graphql-http-audit.mjs
import { auditServer } from 'graphql-http';

const url = (process.env.BERTH_URL ?? 'http://127.0.0.1:8080') + '/graphql';
const results = await auditServer({ url });
const counts = {};
let mustFailed = 0;
for (const result of results) {
  const level = result.name.split(' ')[0];
  counts[level] ??= { ok: 0, warn: 0, error: 0 };
  counts[level][result.status] += 1;
  if (level === 'MUST' && result.status !== 'ok') mustFailed += 1;
  const detail = result.status === 'ok' ? '' : ` -- ${result.reason}`;
  console.log(`${result.status.toUpperCase().padEnd(5)} ${result.id} ${result.name}${detail}`);
}
for (const [level, c] of Object.entries(counts)) {
  console.log(`summary ${level}: ${c.ok} ok, ${c.warn} warn, ${c.error} error`);
}
console.log(`audits: ${results.length} run, ${mustFailed} MUST failures`);
process.exitCode = mustFailed === 0 ? 0 : 1;
