#!/usr/bin/env node
// Prints bench/run.sh's results as one markdown table: node report.mjs RESULTS.jsonl ENV.txt
import { readFileSync } from "node:fs";
const [file, envFile] = process.argv.slice(2);
const lines = readFileSync(file, "utf8").trim().split("\n").filter(Boolean).map((l) => JSON.parse(l));
const env = envFile ? readFileSync(envFile, "utf8").trim() : "";
const f = (n, d = 0) => (n === undefined || n === null || Number.isNaN(n) ? "–" : Number(n).toFixed(d));
const foreign = (noise) => (noise ? `${f(noise.foreign_pct, 1)} % (${Object.entries(noise.foreign_top_cpu_s || {}).slice(0, 2).map(([k, v]) => `${k} ${v}s`).join(", ") || "none"})` : "–");
const out = [];
out.push("```", env, "```", "");
out.push("| workload | req/s or deliveries/s | p50 ms | p99 ms | errors / lost | raw SQL tps | Berth / raw | Berth CPU s | Berth RSS MB | foreign load |");
out.push("|---|---|---|---|---|---|---|---|---|---|");
for (const r of lines) {
  if (r.wrk) {
    const w = r.wrk, errors = w.graphql_errors + w.non200 + Object.values(w.socket_errors).reduce((a, b) => a + b, 0);
    out.push(`| ${r.workload} | ${f(w.rps)} | ${f(w.lat_ms.p50, 1)} | ${f(w.lat_ms.p99, 1)} | ${errors} of ${w.requests} (checked ${w.checked}) | ${f(r.raw_tps)} | ${f(w.rps / r.raw_tps, 3)} | ${f(r.berth_cpu_s, 1)} (${f((r.berth_cpu_s * 1000) / w.requests, 2)} ms/req) | ${r.rss_mb} | ${foreign(r.noise)} |`);
  } else if (r.workload.startsWith("F1") || r.workload.startsWith("L1")) {
    const x = r.fanout;
    if (!x) { out.push(`| ${r.workload} | failed | | | | | | ${f(r.berth_cpu_s, 1)} | ${r.rss_mb} | ${foreign(r.noise)} |`); continue; }
    out.push(`| ${r.workload} (${x.subs} subscribers, ${x.rate ? x.rate * x.subs + " deliveries/s offered" : "as fast as published"}) | ${f(x.deliveredPerSec)} | ${f(x.lat_ms.p50, 1)} | ${f(x.lat_ms.p99, 1)} | lost ${x.lost} of ${x.expected}, closed ${x.wsClosed} | | | ${f(r.berth_cpu_s, 1)} | ${r.rss_mb} | ${foreign(r.noise)} |`);
  } else if (r.workload.startsWith("s1")) {
    out.push(`| S1 ${r.workload === "s1-first" ? "first start" : "restart"}: fork → /health UP | ${f(r.ms)} ms | | | | | | | ${r.rss_mb} (at ready) | |`);
  } else if (r.workload === "idle") {
    out.push(`| idle after the run | | | | | | | | ${r.rss_mb} | |`);
  }
}
console.log(out.join("\n"));
