#!/usr/bin/env node
// Foreign-load accounting on a shared machine, by process ancestry (cpu-by-comm.sh only groups by name, and
// Berth is a `java` like the foreign Maven builds).
//   node bench/lib/cpu.mjs snap FILE                      per-process ticks (self, reaped children), ppid, comm + /proc/stat
//   node bench/lib/cpu.mjs diff A B                       JSON for the window A..B
//   node bench/lib/cpu.mjs quiet MAX_PCT MAX_WAIT_S [GAP_S]  sample 5 s; until gate_pct (busy - our self time) < MAX_PCT, sleep GAP_S (60) and
//                                                         resample, at most MAX_WAIT_S in all; exit 1 if never quiet
// Ours = processes whose ancestry contains a pid in $OUR_PIDS (space separated: server, postmaster, redis, the
// runner shell...) plus this process's own ancestry chain up to (not including) pid 1. Kernel threads are counted
// apart (loopback networking softirqs are caused by our load). foreign_pct = CPU of processes that are not ours
// (self + children they reaped), in % of the whole machine (all cores), so 15 % = 0.3 core on 2 cores. CPU of
// orphans reaped by pid 1 is reported apart (init_reaped_pct): it may be ours or foreign, and may predate the window.
import { readFileSync, writeFileSync, readdirSync } from "node:fs";
import { execSync } from "node:child_process";
const HZ = Number(execSync("getconf CLK_TCK").toString().trim()) || 100;
// processes whose command line contains OUR_CMD_MARK (default $BENCH_DIR) are ours even when orphaned (e.g. the
// fan-out tool's subscriber children after their parent exited)
const MARK = process.env.OUR_CMD_MARK ?? process.env.BENCH_DIR ?? "";
function snap() {
  const stat = readFileSync("/proc/stat", "utf8").split("\n")[0].trim().split(/\s+/).slice(1).map(Number);
  const procs = {};
  for (const d of readdirSync("/proc")) {
    if (!/^\d+$/.test(d)) continue;
    let s; try { s = readFileSync(`/proc/${d}/stat`, "utf8"); } catch { continue; }
    const comm = s.slice(s.indexOf("(") + 1, s.lastIndexOf(")")).replace(/\s/g, "_");
    const f = s.slice(s.lastIndexOf(")") + 2).split(" "); // f[0] = state (field 3)
    let cmd = ""; if (MARK) { try { cmd = readFileSync(`/proc/${d}/cmdline`, "latin1").replace(/\0/g, " ").slice(0, 300); } catch {} }
    procs[d] = { ppid: +f[1], comm, start: +f[19], self: +f[11] + +f[12], kids: +f[13] + +f[14], kthread: (+f[6] & 0x200000) !== 0 || +f[1] === 2 || +d === 2,
                 mark: MARK ? cmd.includes(MARK) : false, zombie: f[0] === "Z" };
  }
  return { t: Date.now(), stat, procs, self: process.pid };
}
function diff(A, B) {
  const tot = (s) => s.reduce((a, b) => a + b, 0), idle = (s) => s[3] + s[4];
  const dt = tot(B.stat) - tot(A.stat) || 1, busy = dt - (idle(B.stat) - idle(A.stat));
  const roots = new Set((process.env.OUR_PIDS ?? "").split(/\s+/).filter(Boolean).map(Number));
  // our own ancestry (the runner's shell, the tool's job wrapper), excluding pid 1
  for (let p = B.procs[B.self] ? B.self : A.self, n = 0; p > 1 && n < 50; n++) { roots.add(+p); p = (B.procs[p] ?? A.procs[p])?.ppid ?? 0; }
  const all = { ...A.procs, ...B.procs };
  // a zombie has no cmdline any more: count it as ours when a marked process of ours had the same name
  const markedComms = new Set(Object.values(all).filter((x) => x.mark).map((x) => x.comm));
  const ours = (pid) => {
    if (all[pid]?.zombie && markedComms.has(all[pid].comm)) return true;
    for (let p = +pid, n = 0; p > 1 && n < 64; n++) { if (roots.has(p) || all[p]?.mark) return true; p = all[p]?.ppid ?? 0; } return false; };
  let o = 0, oSelf = 0, k = 0, f = 0, init = 0; const top = {}, otop = {};
  for (const [pid, b] of Object.entries(B.procs)) {
    const a = A.procs[pid], same = a && a.start === b.start;
    let d = (b.self + b.kids) - (same ? a.self + a.kids : 0); const ds = b.self - (same ? a.self : 0);
    if (+pid === 1) { init += Math.max(0, (b.kids - (same ? a.kids : 0))); d = Math.max(0, ds); } // orphans reaped by init: ambiguous
    if (d <= 0) continue;
    if (b.kthread) k += d;
    else if (ours(pid)) { o += d; oSelf += Math.max(0, ds); otop[b.comm] = (otop[b.comm] ?? 0) + d; }
    else { f += d; top[b.comm] = (top[b.comm] ?? 0) + d; }
  }
  const pct = (x) => +(100 * x / dt).toFixed(1);
  const foreign = f; // named: CPU of live or reaped-by-foreign-parent processes that are not ours
  const topOf = (t) => Object.fromEntries(Object.entries(t).sort((x, y) => y[1] - x[1]).slice(0, 6).map(([c, v]) => [c, +(v / HZ).toFixed(1)]));
  // gate_pct: busy minus only the *self* time of our live processes, so CPU reaped from exited children (which may
  // have run before the window) cannot hide foreign load; use it when our side is idle (the quiet check).
  return { window_s: +((B.t - A.t) / 1000).toFixed(1), machine_busy_pct: pct(busy), ours_pct: pct(o), kernel_pct: pct(k),
           foreign_pct: pct(foreign), init_reaped_pct: pct(init), unattributed_pct: pct(Math.max(0, busy - o - k - f - init)),
           gate_pct: pct(Math.max(0, busy - oSelf)),
           foreign_top_cpu_s: topOf(top), ours_top_cpu_s: topOf(otop) };
}
const [cmd, ...a] = process.argv.slice(2);
const sleep = (s) => new Promise((r) => setTimeout(r, s * 1000));
if (cmd === "snap") writeFileSync(a[0], JSON.stringify(snap()));
else if (cmd === "diff") console.log(JSON.stringify(diff(JSON.parse(readFileSync(a[0])), JSON.parse(readFileSync(a[1])))));
else if (cmd === "quiet") {
  const max = Number(a[0] ?? 15), maxWait = Number(a[1] ?? 3600), gap = Number(a[2] ?? 60);
  const t0 = Date.now(); let r;
  for (let i = 0; i < 1000; i++) {
    const A = snap(); await sleep(5); r = diff(A, snap());
    r.waited_s = Math.round((Date.now() - t0) / 1000);
    if (r.gate_pct < max) { console.log(JSON.stringify({ quiet: true, ...r })); process.exit(0); }
    console.error(`${new Date().toISOString()} busy-minus-ours ${r.gate_pct}% >= ${max}% (${JSON.stringify(r.foreign_top_cpu_s)}); waiting ${gap}s`);
    if (Date.now() - t0 + gap * 1000 > maxWait * 1000) break;
    await sleep(gap);
  }
  console.log(JSON.stringify({ quiet: false, ...r })); process.exit(1);
} else { console.error("usage: noise.mjs snap FILE | diff A B | quiet MAX_PCT MAX_WAIT_S [GAP_S]"); process.exit(2); }
