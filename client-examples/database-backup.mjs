// Creates a database, waits until it runs (databaseEvents over graphql-ws), backs it up and follows the backup's log
// (backupLogs over graphql-ws: the dump, then the verification with --verify) to its end: `database NAME STATUS`, then
// `log SEQ TEXT` per line, then `backup ID STATUS ...`. A dropped connection resumes after the last line printed.
//
//   BERTH_URL=http://127.0.0.1:8080 BERTH_TOKEN=... [BERTH_TEAM=...] node database-backup.mjs \
//     ENVIRONMENT_ID SERVER_ID NAME ENGINE DESTINATION_ID [--image IMAGE] [--port PUBLIC_PORT] [--verify]
//
// Exit 0 when the backup SUCCEEDED (and, with --verify, its verification did), 1 when the database or the backup
// FAILED, 2 for usage or connection errors. A password of your own comes from BERTH_DATABASE_PASSWORD (never argv).
import { describe, follow, graphql, token, wsClient } from './berth-client.mjs';

const args = process.argv.slice(2);
const option = (name) => {
  const at = args.indexOf(name);
  return at < 0 ? undefined : args.splice(at, 2)[1];
};
const image = option('--image');
const port = option('--port');
const verify = args.includes('--verify');
const positional = args.filter((a) => a !== '--verify');
if (positional.length !== 5 || positional.some((a) => a.startsWith('--')) || !token || (port !== undefined && !/^\d+$/.test(port))) {
  console.error('usage: BERTH_TOKEN=... node database-backup.mjs ENVIRONMENT_ID SERVER_ID NAME ENGINE DESTINATION_ID [--image IMAGE] [--port PORT] [--verify]');
  process.exit(2);
}
const [environmentId, serverId, name, engine, destinationId] = positional;

const ask = async (query, variables) => {
  try {
    return await graphql(query, variables);
  } catch (error) {
    console.error(`database-backup: ${describe(error)}`);
    // Berth answered with errors (graphql() throws them as one Error), or Berth could not be reached at all
    process.exit(error instanceof TypeError ? 2 : 1);
  }
};
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

const input = { environmentId, serverId, name, engine };
if (image) input.image = image;
if (port) input.publicPort = Number(port);
if (process.env.BERTH_DATABASE_PASSWORD) input.password = process.env.BERTH_DATABASE_PASSWORD;
const { createDatabase: { database } } = await ask(
  'mutation($i: CreateDatabaseInput!) { createDatabase(input: $i) { database { id status } } }', { i: input });
console.log(`database ${name} ${database.status}`);

// until it runs: its events live, and its status asked every second besides (a change before the stream began is
// not missed)
const client = wsClient();
const events = follow('database-backup', client, { query: 'subscription { databaseEvents { databaseId status } }' },
  ({ databaseEvents: event }, done) => {
    if (event.databaseId !== database.id) return;
    console.log(`database ${name} ${event.status}`);
    if (event.status === 'RUNNING') done(true);
    if (event.status === 'FAILED') done('FAILED');
  });
const polled = (async () => {
  for (;;) {
    await sleep(1000);
    const { database: now } = await ask('query($id: ID!) { database(id: $id) { status statusDetail } }', { id: database.id });
    if (now.status === 'RUNNING') return true;
    if (now.status === 'FAILED') return now.statusDetail ?? 'FAILED';
  }
})();
// a stream that could not be followed leaves the answer to the polling
const running = await Promise.race([events.then((outcome) => (outcome === false ? new Promise(() => {}) : outcome)), polled]);
await client.dispose();
if (running !== true) {
  console.error(`database-backup: the database did not start: ${running}`);
  process.exit(1);
}

const { backupDatabase: { backup } } = await ask(
  'mutation($d: ID!, $t: ID!, $v: Boolean!) { backupDatabase(input: {databaseId: $d, destinationId: $t, verify: $v}) { backup { id status } } }',
  { d: database.id, t: destinationId, v: verify });
// the backup's log until nothing of it is queued or running; graphql-ws sends this payload again on every reconnect,
// and keeping afterSeq current makes Berth resume exactly after the last line printed
let lastSeq = 0;
const payload = {
  query: 'subscription($b: ID!, $a: Int) { backupLogs(backupId: $b, afterSeq: $a) { seq text } }',
  variables: { b: backup.id, a: 0 },
};
const logClient = wsClient({ closed: () => { payload.variables.a = lastSeq; } });
const ended = await follow('database-backup', logClient, payload, ({ backupLogs: line }) => {
  if (line.seq <= lastSeq) return;
  lastSeq = line.seq;
  payload.variables.a = lastSeq;
  console.log(`log ${line.seq} ${line.text}`);
});
await logClient.dispose();
if (!ended) process.exit(2);
const { backup: now } = await ask(
  'query($id: ID!) { backup(id: $id) { status sizeBytes sha256 detail verifyStatus verification } }', { id: backup.id });
console.log(`backup ${backup.id} ${now.status}${now.sizeBytes != null ? ` ${now.sizeBytes} bytes sha256:${now.sha256}` : ''}`
  + `${now.detail ? ` ${now.detail}` : ''}${verify && now.verifyStatus ? ` verify ${now.verifyStatus}${now.verification ? `: ${now.verification}` : ''}` : ''}`);
if (now.status !== 'SUCCEEDED') process.exit(1);
process.exit(!verify || now.verifyStatus === 'SUCCEEDED' ? 0 : 1);
