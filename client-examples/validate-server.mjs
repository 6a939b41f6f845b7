// Validates a server and follows each step live (serverValidation over graphql-ws), printing one line per step.
//
//   BERTH_URL=http://127.0.0.1:8080 BERTH_TOKEN=... [BERTH_TEAM=...] node validate-server.mjs SERVER_ID
//
// Exit status: 0 when the server is REACHABLE and every step passed, 1 when not (a failed step says why and what to
// do, e.g. the network step on a Docker without a bridge), 2 for usage or connection errors.
import { follow, graphql, token, wsClient } from './berth-client.mjs';

const [serverId] = process.argv.slice(2);
if (!serverId || !token) {
  console.error('usage: BERTH_TOKEN=... node validate-server.mjs SERVER_ID');
  process.exit(2);
}

let validationId;
try {
  validationId = (await graphql('mutation($id: ID!) { validateServer(input: {id: $id}) { validationId } }', { id: serverId }))
    .validateServer.validationId;
} catch (error) {
  console.error(`validate-server: ${error.message}`);
  process.exit(2);
}

let printed = -1; // a resubscription replays the steps from the first: each is printed once
let allPassed = true;
let status = null;
const client = wsClient();
const ended = await follow('validate-server', client, {
  query: 'subscription($id: ID!) { serverValidation(id: $id) { index step ok detail status } }',
  variables: { id: validationId },
}, ({ serverValidation: step }) => {
  if (step.index <= printed) return;
  printed = step.index;
  if (step.status) {
    status = step.status;
    console.log(`result: ${step.status}`);
  } else {
    allPassed &&= step.ok;
    console.log(`${step.ok ? 'ok  ' : 'FAIL'} ${step.step}: ${step.detail ?? ''}`);
  }
});
await client.dispose();
if (!ended || status === null) process.exit(2);
process.exit(status === 'REACHABLE' && allPassed ? 0 : 1);
