// Follows an application's deployments (deploymentUpdated over graphql-ws): its latest deployment as it is now, then
// every status change of any of its deployments, one line each: `#number id status [reason]`.
//
//   BERTH_URL=http://127.0.0.1:8080 BERTH_TOKEN=... [BERTH_TEAM=...] node deployment-updates.mjs APPLICATION_ID [--until-done]
//
// --until-done: follow the first deployment seen under way (not one already over when the stream began) and exit
// when it ends: 0 when it SUCCEEDED, 1 when it FAILED or was CANCELLED. A dropped connection is resumed with backoff; the stream then starts
// again with the latest deployment as it is. Exit 2 for usage or connection errors.
import { errorsOf, token, wsClient } from './berth-client.mjs';

const args = process.argv.slice(2);
const untilDone = args.includes('--until-done');
const positional = args.filter((a) => a !== '--until-done');
if (positional.length !== 1 || positional[0].startsWith('--') || !token) {
  console.error('usage: BERTH_TOKEN=... node deployment-updates.mjs APPLICATION_ID [--until-done]');
  process.exit(2);
}

const TERMINAL = new Set(['SUCCEEDED', 'FAILED', 'CANCELLED']);
let followed = null; // with --until-done: the first deployment seen under way
const client = wsClient({ connected: () => {}, closed: () => {} });
const outcome = await new Promise((resolve) => {
  client.subscribe({
    query: 'subscription($a: ID!) { deploymentUpdated(applicationId: $a) { id number status reason } }',
    variables: { a: positional[0] },
  }, {
    next: (result) => {
      if (result.errors) {
        console.error(`deployment-updates: ${errorsOf(result)}`);
        resolve(2);
        return;
      }
      const d = result.data.deploymentUpdated;
      console.log(`#${d.number} ${d.id} ${d.status}${d.reason ? ` ${d.reason}` : ''}`);
      if (!TERMINAL.has(d.status)) followed ??= d.id;
      else if (untilDone && d.id === followed) resolve(d.status === 'SUCCEEDED' ? 0 : 1);
    },
    error: (error) => {
      console.error(`deployment-updates: ${error?.message ?? error?.reason ?? JSON.stringify(error)}`);
      resolve(2);
    },
    complete: () => resolve(untilDone ? 2 : 0),
  });
});
await client.dispose();
process.exit(outcome);
