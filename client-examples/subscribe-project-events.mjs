// Follows the team's project events over graphql-ws and prints each one as a JSON line.
//
//   BERTH_URL=http://127.0.0.1:8080 BERTH_TOKEN=... [BERTH_TEAM=...] node subscribe-project-events.mjs [--count N]
//
// The token travels in the connection_init payload, never in the URL. With --count N the script exits
// after N events (used by the tests); otherwise it runs until interrupted.
//
// Survives server restarts: when Berth goes away (close 1001 on shutdown, 1013 when its Dragonfly is down,
// or a refused connection while it restarts), the client reconnects with exponential backoff (0.5 s doubling
// to 15 s, with jitter) and subscribes again. Events published while it was away are not replayed: a client
// that must not miss a change refetches what it shows (e.g. the project list) after each reconnect.
import { createClient } from 'graphql-ws';
import WebSocket from 'ws';

const base = process.env.BERTH_URL ?? 'http://127.0.0.1:8080';
const url = base.replace(/^http/, 'ws') + '/graphql-ws';
const countArg = process.argv.indexOf('--count');
const limit = countArg > 0 ? Number(process.argv[countArg + 1]) : Infinity;

let connections = 0;
const client = createClient({
  url,
  webSocketImpl: WebSocket,
  connectionParams: () => ({
    ...(process.env.BERTH_TOKEN ? { authorization: `Bearer ${process.env.BERTH_TOKEN}` } : {}),
    ...(process.env.BERTH_TEAM ? { team: process.env.BERTH_TEAM } : {}),
  }),
  retryAttempts: Infinity,
  // refused credentials (4403) are final; everything else (restarts, outages, refused connections) is retried
  shouldRetry: (event) => !(event && typeof event.code === 'number' && event.code === 4403),
  retryWait: async (retries) => {
    const wait = Math.min(15000, 500 * 2 ** retries) * (0.5 + Math.random() / 2);
    await new Promise((resolve) => setTimeout(resolve, wait));
  },
  on: {
    connected: () => {
      connections += 1;
      console.error(connections === 1 ? `connected to ${url}` : `reconnected to ${url}: refetch anything you display`);
    },
    closed: (event) => console.error(`connection closed (${event?.code ?? 'no code'}), retrying`),
  },
});

process.on('SIGINT', async () => {
  await client.dispose();
  process.exit(0);
});

let seen = 0;
try {
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
} catch (error) {
  console.error(`subscription ended: ${error?.message ?? error?.reason ?? JSON.stringify(error)}`);
  process.exitCode = 1;
} finally {
  await client.dispose();
}
