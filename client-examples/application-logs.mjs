// Follows a running application's own output (applicationLogs over graphql-ws): the last lines first, then live.
//
//   BERTH_URL=http://127.0.0.1:8080 BERTH_TOKEN=... [BERTH_TEAM=...] node application-logs.mjs APPLICATION_ID [--tail N] [--lines N]
//
// --tail N: lines from before now to start with (default 100). --lines N: exit 0 after N lines (for scripts); without
// it, follows until Ctrl-C or the container ends. Prints `stream text` per line. After a dropped connection it
// reconnects with backoff and continues live, without the tail again (lines printed meanwhile are not replayed:
// unlike a deployment's log, a container's output is not stored by Berth). Exit 2 for usage or connection errors.
import { follow, token, wsClient } from './berth-client.mjs';

const args = process.argv.slice(2);
const option = (name, fallback) => {
  const at = args.indexOf(name);
  if (at < 0) return fallback;
  const value = Number(args.splice(at, 2)[1]);
  if (!Number.isInteger(value) || value < 0) {
    console.error(`application-logs: ${name} takes a whole number`);
    process.exit(2);
  }
  return value;
};
const tail = option('--tail', 100);
const lines = option('--lines', Infinity);
if (args.length !== 1 || args[0].startsWith('--') || !token) {
  console.error('usage: BERTH_TOKEN=... node application-logs.mjs APPLICATION_ID [--tail N] [--lines N]');
  process.exit(2);
}

const payload = {
  query: 'subscription($a: ID!, $t: Int) { applicationLogs(applicationId: $a, tail: $t) { at stream text } }',
  variables: { a: args[0], t: tail },
};
let printed = 0;
let connections = 0;
const client = wsClient({
  connected: () => {
    connections += 1;
    if (connections > 1) {
      payload.variables.t = 0; // the tail was printed on the first connection already
      console.error('reconnected: following live again');
    }
  },
});
const ended = await follow('application-logs', client, payload, ({ applicationLogs: line }, done) => {
  console.log(`${line.stream} ${line.text}`);
  printed += 1;
  if (printed >= lines) done(true);
});
await client.dispose();
process.exit(ended ? 0 : 2);
