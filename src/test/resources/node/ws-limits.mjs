// Probes /graphql-ws limits with the `ws` client, which offers permessage-deflate like browsers do.
// Usage: NODE_MODULES=<dir> BERTH_WS=ws://127.0.0.1:port/graphql-ws BERTH_TOKEN=... node ws-limits.mjs
// Prints one JSON line: the negotiated extensions and the close code of each probe.
import { createRequire } from 'node:module';
const require = createRequire(process.env.NODE_MODULES + '/');
const WebSocket = require('ws');

const url = process.env.BERTH_WS;
const token = process.env.BERTH_TOKEN;

function probe(run) {
  return new Promise((resolve) => {
    const ws = new WebSocket(url, 'graphql-transport-ws', { perMessageDeflate: true });
    const result = { extensions: null, close: null };
    const timer = setTimeout(() => { result.close = 'timeout'; ws.terminate(); resolve(result); }, 15000);
    ws.on('upgrade', (response) => { result.extensions = response.headers['sec-websocket-extensions'] ?? null; });
    ws.on('open', () => run(ws));
    ws.on('close', (code) => { clearTimeout(timer); result.close = code; resolve(result); });
    ws.on('error', () => {});
  });
}

function initThen(ws, next) {
  ws.on('message', (data) => {
    if (JSON.parse(data.toString()).type === 'connection_ack') next(ws);
  });
  ws.send(JSON.stringify({ type: 'connection_init', payload: { authorization: 'Bearer ' + token } }));
}

const big = 'x'.repeat(2 * 1024 * 1024);
const results = {
  beforeAck: await probe((ws) => ws.send(JSON.stringify({ type: 'connection_init', payload: { pad: 'x'.repeat(8192) } }))),
  oneBigFrame: await probe((ws) => initThen(ws, (s) => s.send(JSON.stringify({ type: 'ping', payload: { pad: big } })))),
  fragments: await probe((ws) => initThen(ws, (s) => {
    const chunk = 'y'.repeat(64 * 1024);
    s.send('{"type":"ping","payload":{"pad":"', { fin: false });
    for (let i = 0; i < 40; i++) s.send(chunk, { fin: false });
    s.send('"}}', { fin: true });
  })),
  smallAfterAck: await probe((ws) => initThen(ws, (s) => {
    s.send(JSON.stringify({ type: 'ping', payload: { pad: 'z'.repeat(100 * 1024) } }));
    s.on('message', (data) => { if (JSON.parse(data.toString()).type === 'pong') s.close(1000); });
  })),
};
console.log(JSON.stringify(results));
