// Follows the team's project events over graphql-ws and prints each one as a JSON line.
//
//   BERTH_URL=http://127.0.0.1:8080 BERTH_TOKEN=... node subscribe-project-events.mjs [--count N]
//
// The token travels in the connection_init payload, never in the URL. With --count N the script exits
// after N events (used by the tests); otherwise it runs until interrupted.
import { createClient } from 'graphql-ws';
import WebSocket from 'ws';

const base = process.env.BERTH_URL ?? 'http://127.0.0.1:8080';
const url = base.replace(/^http/, 'ws') + '/graphql-ws';
const countArg = process.argv.indexOf('--count');
const limit = countArg > 0 ? Number(process.argv[countArg + 1]) : Infinity;

const client = createClient({
  url,
  webSocketImpl: WebSocket,
  connectionParams: () => (process.env.BERTH_TOKEN ? { authorization: `Bearer ${process.env.BERTH_TOKEN}` } : {}),
  retryAttempts: 5,
  on: { connected: () => console.error(`connected to ${url}`) },
});

let seen = 0;
const subscription = client.iterate({
  query: `subscription { projectEvents { kind projectId occurredAt project { name } } }`,
});
for await (const event of subscription) {
  if (event.errors) {
    console.error(JSON.stringify(event.errors));
    process.exitCode = 1;
    break;
  }
  console.log(JSON.stringify(event.data.projectEvents));
  if (++seen >= limit) break;
}
await client.dispose();
