#!/usr/bin/env node
// GraphQL subscription fan-out benchmark for ANY graphql-ws (graphql-transport-ws)
// endpoint: K WebSocket clients subscribe with the same subscription document,
// the tool publishes N messages into the server's event source, and measures
// delivered messages/s and publish->receive latency at the WebSocket clients.
// Needs Node >= 22 (global WebSocket). Loopback targets only; bounded by
// --messages and --timeout.
//
//   node gql-ws-fanout.mjs --url ws://127.0.0.1:55000/graphql \
//     --query gql/subs/postgraphile/deployment-log.graphql --vars gql/subs/postgraphile/deployment-log.vars.json \
//     --publish pg://postgres@127.0.0.1:55432/berth_bench/berth:deploy:logs:bench \
//     --subs 100 --messages 20000 --size 120 --rate 1000
//
// --publish redis://127.0.0.1:56379/<channel>   PUBLISH <channel> <payload>  (Berth: Redis/Dragonfly-fed)
// --publish pg://user@host:port/db/<channel>   SELECT pg_notify(<channel>, <payload>)  (PostGraphile peer;
//                                               uses the `pg` package from client-examples/node_modules)
// The payload starts with "<seq>|<epoch-ms>|" and is padded to --size bytes; the server
// must pass the text through into the subscription result (any field, any nesting):
// the client finds the first "<digits>|<digits>.<digits>|" in each WebSocket frame.
// --init-payload '{"authorization":"Bearer x"}'  connection_init payload (auth); FANOUT_INIT_PAYLOAD in the
//            environment does the same and keeps the token out of the process list (bench/run.sh uses it)
// --format berth-project  publish Berth's ProjectChanged JSON instead of "<seq>|<ms>|" text (Berth's payload is
//            typed, so nothing free-form reaches the client): the seq goes into the projectId UUID
//            (00000000-0000-4000-8000-<seq as 12 hex>) and the publish time into occurredAt (RFC 3339, microseconds);
//            --team <uuid> fills teamId. The subscription must select projectId and occurredAt.
// --format berth-log  publish Berth's LogBatch JSON for --deployment <uuid> (a deployment that is not finished): each
//            probe is line 1 and message k line k + 1, so the server's exactly-once follower never sees a gap however
//            late a subscription registers; the line's text carries "<seq>|<ms>|" for the measurement.
// --client undici|ws  WebSocket implementation: Node's built-in (undici; always offers permessage-deflate, default)
//            or the `ws` package from ../peer-postgraphile (--deflate 0|1 decides whether it offers permessage-deflate;
//            default 0). Servers that accept the offer (Berth/Micronaut does, PostGraphile/ws does not) compress every
//            frame, and the client must inflate it.
// --procs P  spread WebSocket clients over P processes.
// Output: human summary + one line "GQLWSJSON {...}".
import net from "node:net";
import { fork } from "node:child_process";
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";
import { dirname, join } from "node:path";

const argv = process.argv.slice(2);
const opt = (name, def) => { const i = argv.indexOf(`--${name}`); return i >= 0 ? argv[i + 1] : def; };
const cfg = {
  url: opt("url", "ws://127.0.0.1:55000/graphql"),
  query: opt("query"), vars: opt("vars"),
  publish: opt("publish"),
  subs: Number(opt("subs", 100)), procs: Number(opt("procs", 1)),
  messages: Number(opt("messages", 20000)), size: Number(opt("size", 120)),
  rate: Number(opt("rate", 0)), window: Number(opt("window", 64)),
  timeout: Number(opt("timeout", 180)), label: opt("label", ""),
  initPayload: JSON.parse(opt("init-payload", process.env.FANOUT_INIT_PAYLOAD ?? "{}")),
  connectBatch: Number(opt("connect-batch", 50)),
  format: opt("format", "text"), team: opt("team", "00000000-0000-0000-0000-000000000000"),
  deployment: opt("deployment", "00000000-0000-0000-0000-000000000000"),
  client: opt("client", "undici"), deflate: opt("deflate", "0") === "1",
};
const LOOPBACK = /^(127\.\d+\.\d+\.\d+|localhost|\[::1\]|::1)$/;
for (const u of [cfg.url, cfg.publish].filter(Boolean)) {
  if (!LOOPBACK.test(new URL(u).hostname)) { console.error(`refusing non-loopback target ${u}`); process.exit(2); }
}
const now = () => performance.timeOrigin + performance.now();

// HDR-like histogram (same as redis-fanout.mjs)
const SUB = 256, LIN = 1024, NB = LIN + (36 - 10) * SUB;
const bucketOf = (us) => { if (us < LIN) return us < 0 ? 0 : us | 0; const e = Math.floor(Math.log2(us)); const b = LIN + (e - 10) * SUB + Math.floor((us / 2 ** e - 1) * SUB); return b >= NB ? NB - 1 : b; };
const valueOf = (b) => { if (b < LIN) return b; const e = 10 + Math.floor((b - LIN) / SUB), f = (b - LIN) % SUB; return 2 ** e * (1 + (f + 0.5) / SUB); };
class Hist {
  constructor() { this.c = new Float64Array(NB); this.n = 0; this.max = 0; this.sum = 0; }
  add(us) { this.c[bucketOf(us)]++; this.n++; this.sum += us; if (us > this.max) this.max = us; }
  merge(o) { for (let i = 0; i < NB; i++) this.c[i] += o.c[i]; this.n += o.n; this.sum += o.sum; if (o.max > this.max) this.max = o.max; }
  toJSON() { return { c: Array.from(this.c), n: this.n, sum: this.sum, max: this.max }; }
  pct(p) { const t = Math.ceil(this.n * p); let a = 0; for (let i = 0; i < NB; i++) { a += this.c[i]; if (a >= t) return Math.round(valueOf(i)); } return this.max; }
}

// ---------- child: WebSocket subscribers ----------
async function childMain() {
  const { mySubs, base } = JSON.parse(process.env.GQLWS_CHILD);
  const query = readFileSync(cfg.query, "utf8");
  const varsText = cfg.vars ? readFileSync(cfg.vars, "utf8") : "{}";
  const hist = new Hist();
  const expected = cfg.messages * mySubs;
  let delivered = 0, ready = 0, closed = 0, errors = 0, errorSample = "", done = false, lastRecv = 0;
  const per = new Uint32Array(mySubs), probeSeen = new Uint8Array(mySubs);
  const reText = /(\d+)\|(\d+\.\d+)\|/;
  const reBerth = /"projectId":"00000000-0000-4000-8000-([0-9a-f]{12})".*?"occurredAt":"([^"]+)"|"occurredAt":"([^"]+)".*?"projectId":"00000000-0000-4000-8000-([0-9a-f]{12})"/;
  // returns [_, seq, epochMs] like reText.exec, or null
  const parseIso = (iso) => { const m = /^(.*?)(?:\.(\d+))?Z$/.exec(iso); if (!m) return NaN; const frac = (m[2] ?? "").padEnd(6, "0").slice(0, 6); return Date.parse(m[1] + "Z") + Number(frac) / 1000; };
  const re = cfg.format === "berth-project"
    ? { exec: (d) => { const m = reBerth.exec(d); if (!m) return null; const seq = m[1] ?? m[4], iso = m[2] ?? m[3]; return [m[0], String(parseInt(seq, 16)), String(parseIso(iso))]; } }
    : reText;
  const finish = (reason) => {
    if (done) return; done = true;
    process.send({ type: "result", reason, delivered, expected, closed, errors, errorSample, lastRecv,
      minPerSub: per.reduce((a, b) => Math.min(a, b), Infinity), hist: hist.toJSON() }, () => process.exit(0));
  };
  const sockets = [];
  const open = (i) => new Promise((resolve) => {
    const ws = cfg.client === "ws"
      ? new (createRequire(join(dirname(fileURLToPath(import.meta.url)), "../../client-examples/package.json"))("ws"))(cfg.url, ["graphql-transport-ws"], { perMessageDeflate: cfg.deflate })
      : new WebSocket(cfg.url, ["graphql-transport-ws"]);
    sockets.push(ws);
    ws.onopen = () => ws.send(JSON.stringify({ type: "connection_init", payload: cfg.initPayload }));
    ws.onmessage = (ev) => {
      const data = typeof ev.data === "string" ? ev.data : Buffer.from(ev.data).toString();
      if (data.includes('"type":"next"')) {
        const m = re.exec(data);
        if (m && m[1] === "0") { probeSeen[i] = 1; return; } // readiness probe
        if (m) {
          const t = now();
          hist.add((t - Number(m[2])) * 1000); per[i]++; delivered++; lastRecv = t;
          if (delivered >= expected) finish("complete");
        } else if (data.includes('"errors"')) { errors++; if (!errorSample) errorSample = data.slice(0, 300); }
        return;
      }
      const msg = JSON.parse(data);
      if (msg.type === "connection_ack") {
        ws.send(JSON.stringify({ id: String(base + i), type: "subscribe",
          payload: { query, variables: JSON.parse(varsText.replaceAll("{{SUB}}", String(base + i))) } }));
        // graphql-ws sends nothing on successful subscribe; give the server a moment
        // to register (checked again by the parent's warm-up probe)
        ready++; resolve();
      } else if (msg.type === "ping") ws.send(JSON.stringify({ type: "pong" }));
      else if (msg.type === "error") { errors++; if (!errorSample) errorSample = data.slice(0, 300); }
    };
    ws.onerror = (e) => { errors++; if (!errorSample) errorSample = String(e.message ?? e); resolve(); };
    ws.onclose = () => { closed++; };
  });
  for (let i = 0; i < mySubs; i += cfg.connectBatch) {
    await Promise.all(Array.from({ length: Math.min(cfg.connectBatch, mySubs - i) }, (_, k) => open(i + k)));
  }
  process.send({ type: "ready", ready });
  process.on("message", (m) => {
    if (m.type === "stop") finish("stopped");
    if (m.type === "probe") process.send({ type: "probe", got: probeSeen.reduce((a, b) => a + b, 0) });
  });
  process.on("disconnect", () => process.exit(0));
  setTimeout(() => finish("timeout"), cfg.timeout * 1000).unref();
}

// ---------- publishers ----------
const cmd = (...parts) => { let s = `*${parts.length}\r\n`; for (const p of parts) s += `$${Buffer.byteLength(p)}\r\n${p}\r\n`; return s; };
async function redisPublisher(u) {
  const channel = decodeURIComponent(u.pathname.slice(1));
  const sock = net.createConnection({ host: u.hostname, port: Number(u.port || 6379) });
  sock.setNoDelay(true);
  await new Promise((res, rej) => { sock.once("connect", res); sock.once("error", rej); });
  let pending = [], buf = "";
  sock.on("data", (d) => { buf += d.toString("latin1"); let i; while ((i = buf.indexOf("\r\n")) >= 0) { const line = buf.slice(0, i); buf = buf.slice(i + 2); const cb = pending.shift(); cb?.(line.startsWith("-") ? new Error(line) : null); } });
  return {
    publish: (payload) => new Promise((res, rej) => { pending.push((e) => (e ? rej(e) : res())); sock.write(cmd("PUBLISH", channel, payload)); }),
    close: () => sock.destroy(),
  };
}
async function pgPublisher(u) {
  const parts = u.pathname.slice(1).split("/");
  const channel = decodeURIComponent(parts.slice(1).join("/"));
  const here = dirname(fileURLToPath(import.meta.url));
  const require = createRequire(join(here, "../../client-examples/package.json"));
  const { Client } = require("pg");
  const clients = [];
  for (let i = 0; i < 4; i++) {
    const c = new Client({ host: u.hostname, port: Number(u.port || 5432), user: decodeURIComponent(u.username || "postgres"), database: parts[0] });
    await c.connect(); clients.push(c);
  }
  let rr = 0;
  const chains = clients.map(() => Promise.resolve());
  return { // one query in flight per client (node-pg does not pipeline), round-robin over 4 clients
    publish: (payload) => { const i = rr++ % clients.length; const p = chains[i].then(() => clients[i].query("SELECT pg_notify($1, $2)", [channel, payload])); chains[i] = p.catch(() => {}); return p; },
    close: () => Promise.all(clients.map((c) => c.end())),
  };
}

// ---------- parent ----------
async function parentMain() {
  if (!cfg.query || !cfg.publish) { console.error("need --query FILE and --publish URL"); process.exit(2); }
  const hard = setTimeout(() => { console.error("hard timeout"); process.exit(3); }, (cfg.timeout + 30) * 1000); hard.unref();
  const pu = new URL(cfg.publish);
  const pub = pu.protocol === "redis:" ? await redisPublisher(pu) : pu.protocol === "pg:" ? await pgPublisher(pu) : null;
  if (!pub) { console.error(`unknown --publish scheme ${pu.protocol}`); process.exit(2); }
  const per = Array.from({ length: cfg.procs }, (_, i) => Math.floor(cfg.subs / cfg.procs) + (i < cfg.subs % cfg.procs ? 1 : 0));
  const kids = [], results = [];
  let readyKids = 0, readySubs = 0, probeAnswers = [], base = 0;
  const t0connect = now();
  await new Promise((res) => {
    for (const mySubs of per) {
      const k = fork(fileURLToPath(import.meta.url), argv, { env: { ...process.env, GQLWS_CHILD: JSON.stringify({ mySubs, base }) } });
      base += mySubs;
      k.on("message", (m) => {
        if (m.type === "ready") { readySubs += m.ready; if (++readyKids === per.length) res(); }
        if (m.type === "probe") probeAnswers.push(m.got);
        if (m.type === "result") results.push(m);
      });
      kids.push(k);
    }
  });
  const connectSecs = (now() - t0connect) / 1000;
  const pad = "x".repeat(cfg.size);
  const payload = cfg.format === "berth-project"
    ? (seq) => { const t = now(); const ms = Math.floor(t), us = Math.floor((t - ms) * 1000);
        const iso = new Date(ms).toISOString().replace(/Z$/, String(us).padStart(3, "0") + "Z");
        return JSON.stringify({ kind: "UPDATED", teamId: cfg.team, projectId: `00000000-0000-4000-8000-${seq.toString(16).padStart(12, "0")}`, occurredAt: iso }); }
    : cfg.format === "berth-log"
    ? (seq) => { const t = now(); const h = `${seq}|${t.toFixed(3)}|`;
        // every probe is line 1 and message k is line k + 1: a subscription registered after the first probes still
        // starts at line 1 (these lines are not in PostgreSQL, so a gap could never be filled and the follower waits)
        return JSON.stringify({ deploymentId: cfg.deployment, endSeq: null,
          lines: [{ seq: seq === 0 ? 1 : seq + 1, at: new Date(Math.floor(t)).toISOString(), stream: "STDOUT", text: h + pad.slice(h.length) }] }); }
    : (seq) => { const h = `${seq}|${now().toFixed(3)}|`; return h + pad.slice(h.length); };
  // Probe: publish marker messages until every subscriber has received one (subscriptions are
  // registered asynchronously on the server), then reset the counters. Bounded: 100 probes.
  let probes = 0;
  for (; probes < 100; probes++) {
    await pub.publish(payload(0));
    await new Promise((r) => setTimeout(r, 100));
    probeAnswers = []; for (const k of kids) k.send({ type: "probe" });
    await new Promise((r) => setTimeout(r, 50));
    if (probeAnswers.length === kids.length && probeAnswers.reduce((a, b) => a + b, 0) === cfg.subs) break;
  }
  await new Promise((r) => setTimeout(r, 300)); // let stray probes drain
  // Publish N messages
  const t0 = now();
  let sent = 0, inflight = 0, pubErrors = 0;
  await new Promise((resolve) => {
    const one = () => { inflight++; const p = payload(++sent); pub.publish(p).catch(() => { pubErrors++; }).finally(() => { inflight--; if (cfg.rate === 0) pump(); if (sent >= cfg.messages && inflight === 0) resolve(); }); };
    const pump = () => { while (sent < cfg.messages && inflight < cfg.window) one(); };
    if (cfg.rate === 0) pump();
    else {
      const tick = () => {
        const due = Math.min(cfg.messages, Math.floor(((now() - t0) / 1000) * cfg.rate) + 1);
        while (sent < due) one();
        if (sent < cfg.messages) setTimeout(tick, 1);
      };
      tick();
    }
  });
  const tPubEnd = now();
  await Promise.race([
    new Promise((res) => { const iv = setInterval(() => { if (results.length === kids.length) { clearInterval(iv); res(); } }, 20); }),
    new Promise((r) => setTimeout(r, Math.max(2000, cfg.timeout * 1000 - (tPubEnd - t0)))),
  ]);
  if (results.length < kids.length) for (const k of kids) if (k.connected) k.send({ type: "stop" });
  await new Promise((res) => { const iv = setInterval(() => { if (results.length === kids.length) { clearInterval(iv); res(); } }, 20); });
  const tEnd = now();
  const hist = new Hist();
  let delivered = 0, expected = 0, closed = 0, errors = 0, minPer = Infinity, errorSample = "", lastRecv = 0;
  for (const r of results) { hist.merge(r.hist); delivered += r.delivered; expected += r.expected; closed += r.closed; errors += r.errors; minPer = Math.min(minPer, r.minPerSub); errorSample ||= r.errorSample; lastRecv = Math.max(lastRecv, r.lastRecv); }
  const deliverSecs = ((lastRecv || tEnd) - t0) / 1000;
  const res = {
    label: cfg.label, url: cfg.url, client: cfg.client === "ws" ? `ws${cfg.deflate ? "+deflate" : ""}` : "undici(deflate offered)", publish: `${pu.protocol}//${pu.host}${pu.pathname}`, subs: cfg.subs, procs: cfg.procs,
    connectSecs: +connectSecs.toFixed(2), probes, messages: cfg.messages, size: cfg.size, rate: cfg.rate,
    publishSecs: +((tPubEnd - t0) / 1000).toFixed(3), publishErrors: pubErrors,
    delivered, expected, lost: expected - delivered, minPerSubscriber: minPer, wsClosed: closed, errors, errorSample,
    deliverSecs: +deliverSecs.toFixed(3), deliveredPerSec: Math.round(delivered / deliverSecs),
    lat_ms: { mean: +(hist.sum / Math.max(1, hist.n) / 1000).toFixed(3), p50: hist.pct(0.5) / 1000, p90: hist.pct(0.9) / 1000,
              p99: hist.pct(0.99) / 1000, p999: hist.pct(0.999) / 1000, max: +(hist.max / 1000).toFixed(3) },
  };
  console.log(`${cfg.label || "gql-ws"} K=${res.subs} rate=${res.rate || "max"}: published ${cfg.messages} in ${res.publishSecs}s, ` +
    `delivered ${res.delivered}/${res.expected} in ${res.deliverSecs}s = ${res.deliveredPerSec}/s; latency p50 ${res.lat_ms.p50} ms p99 ${res.lat_ms.p99} ms max ${res.lat_ms.max} ms; errors ${errors}`);
  console.log("GQLWSJSON " + JSON.stringify(res));
  await pub.close();
  for (const k of kids) k.kill();
  process.exit(res.lost === 0 && errors === 0 ? 0 : 1);
}

if (process.env.GQLWS_CHILD) childMain(); else parentMain();
