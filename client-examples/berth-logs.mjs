// Follows a deployment's log over graphql-ws, printing each line once, and exits with the deployment's outcome.
//
//   BERTH_URL=http://127.0.0.1:8080 BERTH_TOKEN=... [BERTH_TEAM=...] node berth-logs.mjs DEPLOYMENT_ID
//   BERTH_URL=http://127.0.0.1:8080 BERTH_TOKEN=... [BERTH_TEAM=...] node berth-logs.mjs --deploy APPLICATION_ID
//
// With --deploy it first queues a deployment of the application (deployApplication over HTTP) and follows that.
// Prints `seq stream text` per line (--json: one JSON object per line). Exit status: 0 when the deployment
// SUCCEEDED, 1 when it FAILED or was CANCELLED (the reason goes to stderr), 2 for usage or connection errors.
//
// Never loses or repeats a line: when the connection drops (a network blip, a Berth node restarting: close 1001; its
// Dragonfly away or this client too far behind: 1013),
// the client reconnects with backoff and subscribes again with afterSeq = the last line it printed, so the server
// replays exactly what was missed from PostgreSQL and then continues live.
import { follow, graphql, token, wsClient } from './berth-client.mjs';

const args = process.argv.slice(2);
const json = args.includes('--json');
const positional = args.filter((a) => a !== '--json');
const deploy = positional[0] === '--deploy';
if (deploy) positional.shift();
if (positional.length !== 1 || positional[0].startsWith('--') || !token) {
  console.error('usage: BERTH_TOKEN=... node berth-logs.mjs [--json] (DEPLOYMENT_ID | --deploy APPLICATION_ID)');
  process.exit(2);
}

let deploymentId = positional[0];
try {
  if (deploy) {
    const data = await graphql('mutation($a: ID!) { deployApplication(input: {applicationId: $a}) { deployment { id number status queuePosition } } }',
      { a: deploymentId });
    const deployment = data.deployApplication.deployment;
    deploymentId = deployment.id;
    console.error(`deployment #${deployment.number} ${deployment.id} ${deployment.status} (queue position ${deployment.queuePosition ?? '-'})`);
  }
} catch (error) {
  console.error(`berth-logs: ${error.message}`);
  process.exit(2);
}

let lastSeq = 0;
let connections = 0;
// graphql-ws sends this payload again on every reconnect: keeping afterSeq current makes the server resume exactly there
const payload = {
  query: 'subscription($d: ID!, $a: Int) { deploymentLogs(deploymentId: $d, afterSeq: $a) { seq at stream text } }',
  variables: { d: deploymentId, a: 0 },
};
const client = wsClient({
  connected: () => {
    connections += 1;
    if (connections > 1) console.error(`reconnected: resuming after line ${lastSeq}`);
  },
  closed: (event) => {
    payload.variables.a = lastSeq;
    if (event?.code !== 1000) console.error(`connection closed (${event?.code ?? 'no code'}), retrying`);
  },
});

const ended = await follow('berth-logs', client, payload, ({ deploymentLogs: line }) => {
  if (line.seq <= lastSeq) return; // never twice, even if a replay overlaps
  lastSeq = line.seq;
  payload.variables.a = lastSeq;
  console.log(json ? JSON.stringify(line) : `${line.seq} ${line.stream} ${line.text}`);
});
await client.dispose();
if (!ended) process.exit(2);
const { deployment } = await graphql('query($id: ID!) { deployment(id: $id) { status reason } }', { id: deploymentId });
console.error(`deployment ${deploymentId} ${deployment.status}${deployment.reason ? `: ${deployment.reason}` : ''}`);
process.exit(deployment.status === 'SUCCEEDED' ? 0 : 1);
