// Drives /graphiql in Debian's Chromium (playwright-core, no downloaded browser) with no network but loopback:
// a query with a token from the Headers tab, then a subscription that receives an event.
// Usage: NODE_MODULES=<dir> BERTH_URL=http://127.0.0.1:PORT BERTH_TOKEN=... node graphiql-browser.mjs
// Prints one JSON line: what the page showed, and every request that tried to leave 127.0.0.1.
import { createRequire } from 'node:module';
const require = createRequire(process.env.NODE_MODULES + '/');
const { chromium } = require('playwright-core');

const base = process.env.BERTH_URL;
const token = process.env.BERTH_TOKEN;
const result = { outside: [], loaded: false, query: null, subscription: null, consoleErrors: [] };

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
  headless: true,
  args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
    '--disable-component-update', '--disable-sync', '--disable-default-apps',
    // nothing but loopback resolves: the page must load with no network at all
    '--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE 127.0.0.1'],
});
try {
  const context = await browser.newContext();
  await context.route('**/*', (route) => {
    const host = new URL(route.request().url()).hostname;
    if (host === '127.0.0.1' || host === 'localhost') return route.continue();
    result.outside.push(route.request().url());
    return route.abort();
  });
  const page = await context.newPage();
  page.on('console', (message) => { if (message.type() === 'error') result.consoleErrors.push(message.text()); });
  await page.addInitScript((bearer) => {
    localStorage.setItem('graphiql:headers', JSON.stringify({ Authorization: 'Bearer ' + bearer }));
  }, token);
  await page.goto(base + '/graphiql');
  await page.waitForSelector('.graphiql-container', { timeout: 20000 });
  result.loaded = true;

  const run = async (query) => {
    await page.evaluate((text) => document.querySelector('.graphiql-query-editor .CodeMirror').CodeMirror.setValue(text), query);
    await page.click('.graphiql-execute-button');
  };
  const responseText = () => page.evaluate(() => {
    const editor = document.querySelector('.graphiql-response .CodeMirror');
    return editor ? editor.CodeMirror.getValue() : document.querySelector('.graphiql-response')?.innerText ?? '';
  });
  const waitFor = async (predicate, ms) => {
    const deadline = Date.now() + ms;
    while (Date.now() < deadline) {
      const text = await responseText();
      if (predicate(text)) return text;
      await page.waitForTimeout(100);
    }
    return await responseText();
  };

  await run('{ me { user { email } } }');
  result.query = await waitFor((t) => t.includes('"email"') || t.includes('errors'), 15000);

  await run('subscription { projectEvents { kind project { name } } }');
  await page.waitForTimeout(1000); // the subscription reaches the server; then a change is made beside the page
  const created = await fetch(base + '/graphql', {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: 'Bearer ' + token },
    body: JSON.stringify({ query: 'mutation { createProject(input: {name: "seen-in-graphiql"}) { project { id } } }' }),
  });
  result.created = created.status;
  result.subscription = await waitFor((t) => t.includes('CREATED') || t.includes('errors'), 15000);
} finally {
  await browser.close();
}
console.log(JSON.stringify(result));
