#!/usr/bin/env node
// Seed Berth (started by bench/run.sh) with the bench data shape through its own API:
//   first user (owns the bootstrap team) -> personal access token (read, write, admin)
//   -> 50 projects "project-01".."project-50", each with production (automatic) + staging + preview
//   -> a private key, a server (127.0.0.1 port 1: nothing is deployed) and a template application "template" in
//      bench-support/production (created after the 50, so outside Q1's first 20), whose source and settings bench/sql/seed_dataset.sql copies into 1,500 applications.
// Idempotent: reuses $BENCH_RUN/berth.token and what exists. Writes into $BENCH_RUN:
//   berth.token (0600), berth-team-id.txt, berth-project-ids.txt, berth-p1.vars.json ({{PICK:...}} of the 50 ids),
//   berth-server-id.txt, berth-template-id.txt, berth-support-project-id.txt.
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
let server = (await gql(`{ servers { id name } }`, {}, pat)).servers.find((x) => x.name === "bench-server");
if (!server) {
  const key = await gql(`mutation { generatePrivateKey(input: {name: "bench-key"}) { privateKey { id } } }`, {}, pat);
  server = (await gql(`mutation($k: ID!) { createServer(input: {name: "bench-server", host: "127.0.0.1", port: 1, privateKeyId: $k}) { server { id } } }`,
    { k: key.generatePrivateKey.privateKey.id }, pat)).createServer.server;
}
let support = existing.get("bench-support");
if (!support) {
  support = (await gql(`mutation($i: CreateProjectInput!) { createProject(input: $i) { project { id name } } }`,
    { i: { name: "bench-support", description: "the template application and L1's deployment, outside Q1's 20 projects" } }, pat)).createProject.project;
}
const first = (await gql(`query($id: ID!) { project(id: $id) { environments { id name applications(first: 100) { edges { node { id name } } } } } }`,
  { id: support.id }, pat)).project.environments.find((e) => e.name === "production");
let template = first.applications.edges.map((e) => e.node).find((a) => a.name === "template");
if (!template) {
  template = (await gql(`mutation($i: CreateApplicationInput!) { createApplication(input: $i) { application { id } } }`, {
    i: { environmentId: first.id, serverId: server.id, name: "template", source: { image: { image: "registry.example.com/bench/app:1.0" } },
      ports: [{ containerPort: 8080 }], healthCheck: { path: "/health", port: 8080 }, restartPolicy: "UNLESS_STOPPED", memoryLimitMiB: 256,
      labels: { team: "bench" } },
  }, pat)).createApplication.application;
}
writeFileSync(`${run}/berth-server-id.txt`, server.id + "\n");
writeFileSync(`${run}/berth-template-id.txt`, template.id + "\n");
writeFileSync(`${run}/berth-support-project-id.txt`, support.id + "\n");
writeFileSync(`${run}/berth-team-id.txt`, me.me.team.id + "\n");
writeFileSync(`${run}/berth-project-ids.txt`, ids.join("\n") + "\n");
writeFileSync(`${run}/berth-p1.vars.json`, JSON.stringify({ id: `{{PICK:${ids.join(",")}}}` }) + "\n");
console.log(`berth seeded: team ${me.me.team.id}, scopes ${me.me.scopes.join(",")}, ${ids.length} projects (${existing.size} existed), token in ${tokenFile}`);
