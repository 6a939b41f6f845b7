#!/usr/bin/env node
// Seed Berth (started by bench/run.sh) with the bench data shape through its own API:
//   first user (owns the bootstrap team) -> personal access token (read, write, admin)
//   -> 50 projects "project-01".."project-50", each with production (automatic) + staging + preview.
// Idempotent: reuses $BENCH_RUN/berth.token and existing projects. Writes into $BENCH_RUN:
//   berth.token (0600), berth-team-id.txt, berth-project-ids.txt, berth-p1.vars.json ({{PICK:...}} of the 50 ids).
// Env: BENCH_URL, BENCH_RUN. Node >= 18 (fetch).
import { readFileSync, writeFileSync, existsSync } from "node:fs";
import { randomBytes } from "node:crypto";
const url = process.env.BENCH_URL, run = process.env.BENCH_RUN;
if (!url || !run) { console.error("set BENCH_URL and BENCH_RUN (bench/run.sh does)"); process.exit(2); }
if (!/^http:\/\/127\.0\.0\.1[:/]/.test(url)) { console.error("loopback only"); process.exit(2); }
async function gql(query, variables = {}, token) {
  const headers = { "content-type": "application/json", accept: "application/json" };
  if (token) headers.authorization = `Bearer ${token}`;
  const res = await fetch(url, { method: "POST", headers, body: JSON.stringify({ query, variables }) });
  const body = await res.json();
  if (body.errors) throw new Error(JSON.stringify(body.errors).slice(0, 500));
  return body.data;
}
const tokenFile = `${run}/berth.token`;
let pat = existsSync(tokenFile) ? readFileSync(tokenFile, "utf8").trim() : null;
if (!pat) {
  const password = randomBytes(24).toString("hex");
  const s = await gql(`mutation($i: SignUpInput!) { signUp(input: $i) { accessToken } }`,
    { i: { email: "bench@berth.test", password, name: "Bench" } });
  const t = await gql(`mutation($i: CreateApiTokenInput!) { createApiToken(input: $i) { token } }`,
    { i: { name: "bench", scopes: ["read", "write", "admin"] } }, s.signUp.accessToken);
  pat = t.createApiToken.token;
  writeFileSync(tokenFile, pat + "\n", { mode: 0o600 });
}
const me = await gql(`{ me { team { id } scopes } }`, {}, pat);
const existing = new Map();
let after = null;
for (let page = 0; page < 10; page++) {
  const d = await gql(`query($a: String) { projects(first: 100, after: $a) { edges { cursor node { id name environments { name } } } pageInfo { hasNextPage } } }`, { a: after }, pat);
  for (const e of d.projects.edges) existing.set(e.node.name, e.node);
  if (!d.projects.pageInfo.hasNextPage || d.projects.edges.length === 0) break;
  after = d.projects.edges.at(-1).cursor;
}
const ids = [];
for (let p = 1; p <= 50; p++) {
  const name = `project-${String(p).padStart(2, "0")}`;
  let node = existing.get(name);
  if (!node) {
    const d = await gql(`mutation($i: CreateProjectInput!) { createProject(input: $i) { project { id name environments { name } } } }`,
      { i: { name, description: `Project ${p}: services and workers for product line ${p % 7}` } }, pat);
    node = d.createProject.project;
  }
  for (const env of ["staging", "preview"]) {
    if (!node.environments.some((e) => e.name === env)) {
      await gql(`mutation($i: CreateEnvironmentInput!) { createEnvironment(input: $i) { environment { id } } }`,
        { i: { projectId: node.id, name: env } }, pat);
    }
  }
  ids.push(node.id);
}
writeFileSync(`${run}/berth-team-id.txt`, me.me.team.id + "\n");
writeFileSync(`${run}/berth-project-ids.txt`, ids.join("\n") + "\n");
writeFileSync(`${run}/berth-p1.vars.json`, JSON.stringify({ id: `{{PICK:${ids.join(",")}}}` }) + "\n");
console.log(`berth seeded: team ${me.me.team.id}, scopes ${me.me.scopes.join(",")}, ${ids.length} projects (${existing.size} existed), token in ${tokenFile}`);
