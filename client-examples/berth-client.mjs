// What the Node examples share: BERTH_URL (default http://127.0.0.1:8080), BERTH_TOKEN (a bearer token: prefer a
// personal access token for scripts) and BERTH_TEAM (a team id; without it, the token's or the user's first team),
// sent the same way over HTTP (X-Berth-Team) and graphql-ws (connection_init's `team`).
import { createClient } from 'graphql-ws';
import WebSocket from 'ws';

export const base = process.env.BERTH_URL ?? 'http://127.0.0.1:8080';
export const token = process.env.BERTH_TOKEN;
export const team = process.env.BERTH_TEAM;

/** One operation over HTTP; throws with the errors' codes and messages when the answer has any. */
export async function graphql(query, variables) {
  const headers = { 'content-type': 'application/json', accept: 'application/graphql-response+json', authorization: `Bearer ${token}` };
  if (team) headers['x-berth-team'] = team;
  const response = await fetch(`${base}/graphql`, { method: 'POST', headers, body: JSON.stringify({ query, variables }) });
  const body = await response.json();
  if (body.errors?.length) throw new Error(body.errors.map((e) => `${e.extensions?.code ?? 'ERROR'}: ${e.message}`).join('; '));
  return body.data;
}

/** The errors of a subscription's result as one line. */
export function errorsOf(result) {
  return result.errors.map((e) => `${e.extensions?.code ?? 'ERROR'}: ${e.message}`).join('; ');
}

/** What a subscription's `error` callback got (an Error, a CloseEvent or a list of GraphQL errors) as one line. */
export function describe(error) {
  if (Array.isArray(error)) return errorsOf({ errors: error });
  if (error && typeof error.code === 'number') return `connection closed (${error.code}${error.reason ? `: ${error.reason}` : ''})`;
  return error?.message ?? JSON.stringify(error);
}

/** Connection attempts in a row that may fail before the first one succeeds: a wrong URL or a stopped Berth ends soon. */
const ATTEMPTS_BEFORE_FIRST_CONNECTION = 5;
/** A connection that lived this long was a good one: the backoff starts again from its shortest wait. */
const GOOD_CONNECTION_MS = 30000;

/**
 * A graphql-ws client that reconnects with backoff after a dropped connection: 1001 (a Berth node stopping), 1013
 * (its Dragonfly away, or this client fell too far behind), 1006 (the network). It does not retry after 4403 (the
 * credentials were refused), nor when it never connected at all after a few attempts (a wrong BERTH_URL, Berth not
 * running): then the subscription's `error` gets the last close or error. The backoff counts connections that ended
 * early, acknowledged or not (Berth acknowledges, then closes 1013 while Dragonfly is away): graphql-ws's own count
 * starts again at every acknowledgement. `on` takes graphql-ws's event listeners.
 */
export function wsClient(on = {}) {
  let connectedOnce = false;
  let failedBeforeFirst = 0;
  let shortLived = 0;
  let connectedAt = 0;
  return createClient({
    url: base.replace(/^http/, 'ws') + '/graphql-ws',
    webSocketImpl: WebSocket,
    connectionParams: () => (team ? { authorization: `Bearer ${token}`, team } : { authorization: `Bearer ${token}` }),
    retryAttempts: Infinity,
    shouldRetry: (event) => {
      if (event && typeof event.code === 'number' && event.code === 4403) return false;
      return connectedOnce || failedBeforeFirst < ATTEMPTS_BEFORE_FIRST_CONNECTION;
    },
    retryWait: async () => {
      const wait = Math.min(10000, 250 * 2 ** Math.max(0, shortLived - 1)) * (0.5 + Math.random() / 2);
      await new Promise((resolve) => setTimeout(resolve, wait));
    },
    on: {
      ...on,
      connected: (...args) => {
        connectedOnce = true;
        connectedAt = Date.now();
        on.connected?.(...args);
      },
      closed: (...args) => {
        // counted once per connection, however many subscriptions share it
        if (!connectedOnce) failedBeforeFirst += 1;
        shortLived = connectedAt && Date.now() - connectedAt >= GOOD_CONNECTION_MS ? 1 : shortLived + 1;
        connectedAt = 0;
        on.closed?.(...args);
      },
    },
  });
}

/**
 * Subscribes `payload` (sent again as it is then on every reconnect) and hands each result's data to
 * `onData(data, done)`. Resolves with what `done(value)` is given, true when the server completes the stream, and
 * false after printing `name: <why>` to stderr when the result has errors or the connection cannot be made. Once it
 * resolved, it unsubscribes and hands on nothing more (messages of one network read arrive together).
 */
export function follow(name, client, payload, onData) {
  return new Promise((resolve) => {
    let settled = false;
    let unsubscribe = () => {};
    const settle = (value) => {
      if (settled) return;
      settled = true;
      resolve(value);
      unsubscribe();
    };
    unsubscribe = client.subscribe(payload, {
      next: (result) => {
        if (settled) return;
        if (result.errors) {
          console.error(`${name}: ${errorsOf(result)}`);
          settle(false);
          return;
        }
        onData(result.data, settle);
      },
      error: (error) => {
        if (settled) return;
        console.error(`${name}: ${describe(error)}`);
        settle(false);
      },
      complete: () => settle(true),
    });
  });
}
