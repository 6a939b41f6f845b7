// Follows an application's deployments (deploymentUpdated over graphql-ws): its latest deployment as it is now, then
// every status change of any of its deployments, one line each: `#number id status [reason]`.
//
//   BERTH_URL=http://127.0.0.1:8080 BERTH_TOKEN=... [BERTH_TEAM=...] node deployment-updates.mjs APPLICATION_ID [--until-done | --deployment ID]
//
// --until-done: follow the first deployment seen under way (not one already over when the stream began) and exit
// when it ends. --deployment ID: the same for that deployment (say, the one deployApplication just queued), also when it
// had ended before the stream began. Both exit 0 when it SUCCEEDED, 1 when it FAILED or was CANCELLED. A dropped
// connection is resumed with backoff; the stream then starts again with the latest deployment as it is. Exit 2 for
// usage or connection errors.
import { follow, graphql, token, wsClient } from './berth-client.mjs';

const args = process.argv.slice(2);
const untilDone = args.includes('--until-done');
const at = args.indexOf('--deployment');
const wanted = at < 0 ? null : args.splice(at, 2)[1];
const positional = args.filter((a) => a !== '--until-done');
if (positional.length !== 1 || positional[0].startsWith('--') || !token || (at >= 0 && !wanted) || (wanted && untilDone)) {
  console.error('usage: BERTH_TOKEN=... node deployment-updates.mjs APPLICATION_ID [--until-done | --deployment ID]');
  process.exit(2);
}

const TERMINAL = new Set(['SUCCEEDED', 'FAILED', 'CANCELLED']);
const exitFor = (status) => (status === 'SUCCEEDED' ? 0 : 1);
let followed = wanted; // with --until-done: the first deployment seen under way
let asked = false;
const client = wsClient();
const outcome = await follow('deployment-updates', client, {
  query: 'subscription($a: ID!) { deploymentUpdated(applicationId: $a) { id number status reason } }',
  variables: { a: positional[0] },
}, ({ deploymentUpdated: d }, done) => {
  console.log(`#${d.number} ${d.id} ${d.status}${d.reason ? ` ${d.reason}` : ''}`);
  if (!TERMINAL.has(d.status)) followed ??= d.id;
  else if ((untilDone || wanted) && d.id === followed) done(exitFor(d.status));
  if (wanted && !asked) {
    // the stream is live now: a deployment that had ended before it began is over, and its end will not come again
    asked = true;
    graphql('query($id: ID!) { deployment(id: $id) { number status reason } }', { id: wanted }).then(({ deployment }) => {
      if (!deployment) {
        console.error(`deployment-updates: no deployment ${wanted}`);
        done(2);
      } else if (TERMINAL.has(deployment.status)) {
        console.log(`#${deployment.number} ${wanted} ${deployment.status}${deployment.reason ? ` ${deployment.reason}` : ''}`);
        done(exitFor(deployment.status));
      }
    }, (error) => {
      console.error(`deployment-updates: ${error.message}`);
      done(2);
    });
  }
});
await client.dispose();
process.exit(outcome === false ? 2 : outcome === true ? (untilDone || wanted ? 2 : 0) : outcome);
