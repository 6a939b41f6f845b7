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

/**
 * A graphql-ws client that reconnects with backoff (1001: a Berth node restarting; 1011: its Dragonfly away), but
 * not after 4403 (the credentials were refused). `on` takes graphql-ws's event listeners.
 */
export function wsClient(on = {}) {
  return createClient({
    url: base.replace(/^http/, 'ws') + '/graphql-ws',
    webSocketImpl: WebSocket,
    connectionParams: () => (team ? { authorization: `Bearer ${token}`, team } : { authorization: `Bearer ${token}` }),
    retryAttempts: Infinity,
    shouldRetry: (event) => !(event && typeof event.code === 'number' && event.code === 4403),
    retryWait: async (retries) => {
      await new Promise((resolve) => setTimeout(resolve, Math.min(10000, 250 * 2 ** retries) * (0.5 + Math.random() / 2)));
    },
    on,
  });
}
