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
  } else if (r.workload === "s1-first") {
    out.push(`| S1 first start of this run (external services): fork → /health UP | ${f(r.ms)} ms | | | | | | | ${r.rss_mb} (at ready) | |`);
  } else if (r.workload === "s1-external" || r.workload === "s1-embedded") {
    const what = r.workload === "s1-external" ? "restart, external PostgreSQL and Redis" : `embedded default${r.first ? ", new data dir (initdb)" : ", restart"}`;
    const all = r.idle_pss_all_mb ? `; with its PostgreSQL and Redis ${r.idle_pss_all_mb} PSS` : "";
    out.push(`| S1 ${what}: fork → /health UP | ${f(r.ms)} ms | | | | | | | ${r.rss_mb} at ready, ${r.idle_rss_mb} idle${all} | |`);
  } else if (r.workload === "idle") {
    out.push(`| idle after the run | | | | | | | | ${r.rss_mb} | |`);
  }
}
// the targets, judged on this run's rows
const rows = (name) => lines.filter((r) => r.workload === name);
const ratio = (name) => { const r = rows(name)[0]; return r && r.wrk && r.raw_tps ? r.wrk.rps / r.raw_tps : undefined; };
const fan = (prefix) => lines.find((r) => r.workload.startsWith(prefix))?.fanout;
const median = (a) => { const b = a.filter((x) => x !== undefined).sort((x, y) => x - y); return b.length ? b[Math.floor((b.length - 1) / 2)] : undefined; };
const targets = [];
const judge = (what, value, ok, shown) => { if (value !== undefined) targets.push(`| ${what} | ${shown ?? value} | ${ok ? "met" : "**missed**"} |`); };
judge("Q1 ≥ 0.5 of PostgreSQL building the JSON", ratio("Q1"), ratio("Q1") >= 0.5, f(ratio("Q1"), 3));
judge("Q2 ≥ 0.25 of the raw statements", ratio("Q2"), ratio("Q2") >= 0.25, f(ratio("Q2"), 3));
judge("M1 ≥ 0.2 of a raw upsert with audit row", ratio("M1"), ratio("M1") >= 0.2, f(ratio("M1"), 3));
const lmax = fan("L1 1000 subs, 10k lines max rate"), l20 = fan("L1 1000 subs, 20k deliveries/s");
judge("L1 ≥ 60,000 deliveries/s at 1,000 subscribers", lmax?.deliveredPerSec, lmax?.deliveredPerSec >= 60000, f(lmax?.deliveredPerSec));
judge("L1 at 20,000 deliveries/s (1,000 subscribers): p99 < 15 ms, 0 lost", l20?.lat_ms?.p99, l20?.lat_ms?.p99 < 15 && l20?.lost === 0, `p99 ${f(l20?.lat_ms?.p99, 1)} ms, lost ${l20?.lost}`);
const ready = median(rows("s1-external").map((r) => r.ms)), idle = median(rows("s1-external").map((r) => r.idle_rss_mb));
judge("S1 ready < 3 s with external services (median of 3)", ready, ready < 3000, `${f(ready)} ms`);
judge("S1 idle RSS < 300 MB (median of 3, external services)", idle, idle < 300, `${f(idle)} MB`);
const embIdle = median(rows("s1-embedded").map((r) => r.idle_rss_mb));
judge("S1 idle RSS < 300 MB (median of 3, embedded default: the JVM)", embIdle, embIdle < 300, `${f(embIdle)} MB`);
if (targets.length) out.push("", "| target (issue 12) | this run | |", "|---|---|---|", ...targets);
console.log(out.join("\n"));
