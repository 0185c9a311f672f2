// Snapshots travel between Node and the browser (issue 14, "Anywhere"): Debian's
// busybox shell in the middle of a counting loop, on the page's busybox image
// (build/web/images/busybox.tar, made by the build), saved in Node and resumed in
// headless Chromium through the package's browser entry, and saved in Chromium and
// resumed in Node: what it printed before the save and what the restored machine
// prints after it together are what the same loop prints natively without a pause;
// so do a clone made in the page and the part of the loop it runs.
// A snapshot offered another image is refused. Without Chromium this test fails: it
// never skips.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { extname, join, resolve, sep } from 'node:path';
import type { AddressInfo } from 'node:net';
import { promisify } from 'node:util';
import { chromium, type Browser, type Page } from 'playwright-core';
import { getBusybox } from './lib/busybox.js';
import { repoRoot } from './lib/root.js';
import { Machine, type MachineProcess } from '../src/api/index.js';
import type { Finished, Saved } from './browser/snapshot-page.js';

const CHROMIUM = process.env.XOS_CHROMIUM || '/usr/bin/chromium';
const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update'];
const WAIT_MS = Number(process.env.XOS_TEST_TIMEOUT_MS) || 180_000;
const IMAGE = join(repoRoot, 'build', 'web', 'images', 'busybox.tar');
const IMAGE_URL = '/build/web/images/busybox.tar';
const LOOP = 'i=0; while [ $i -lt 150 ]; do i=$((i+1)); echo $i; sleep 0.01; done; echo end';
const execFileP = promisify(execFile);

const TYPES: Record<string, string> = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8', '.wasm': 'application/wasm' };

// dist/, build/ and test/browser/ of the repository.
function serve(): Promise<{ server: Server; base: string }> {
  const server = createServer((req, res) => {
    const path = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
    const m = /^\/(dist|build|test\/browser)\/(.*)$/.exec(path);
    const top = m ? join(repoRoot, m[1]) : '';
    const file = m ? resolve(top, m[2]) : '';
    if (!m || !file.startsWith(top + sep) || !existsSync(file) || !statSync(file).isFile()) {
      res.writeHead(404).end('not found');
      return;
    }
    res.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream', 'cache-control': 'no-store' });
    res.end(readFileSync(file));
  });
  return new Promise((ok, fail) => {
    server.once('error', fail);
    server.listen(0, '127.0.0.1', () => ok({ server, base: `http://127.0.0.1:${(server.address() as AddressInfo).port}` }));
  });
}

function collect(p: MachineProcess): { text: () => string } {
  const chunks: Buffer[] = [];
  p.stdout.on('data', (d: Buffer) => chunks.push(d));
  return { text: () => Buffer.concat(chunks).toString() };
}
const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('snapshots between Node and the browser (headless Chromium)', { timeout: 10 * 60_000 }, () => {
  let server: Server | undefined;
  let browser: Browser | undefined;
  let page: Page;
  let want = '';
  const pageLog: string[] = [];

  before(async () => {
    if (!existsSync(IMAGE)) throw new Error(`${IMAGE} is missing: npm run build makes it (it needs apt-get for busybox-static)`);
    want = (await execFileP(await getBusybox(), ['sh', '-c', LOOP])).stdout;
    let base: string;
    ({ server, base } = await serve());
    browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS, timeout: 60_000 });
    page = await browser.newPage();
    page.on('console', (m) => pageLog.push(`console.${m.type()}: ${m.text()}`));
    page.on('pageerror', (e) => pageLog.push(`page error: ${e.message}`));
    await page.goto(`${base}/test/browser/snapshot.html`);
    await page.waitForFunction(() => window.__snap !== undefined || window.__snapLoadError !== undefined, undefined, { timeout: 60_000 });
    const err = await page.evaluate(() => window.__snapLoadError);
    if (err) throw new Error(`the page could not load: ${err}\n${pageLog.join('\n')}`);
  });
  after(async () => {
    await browser?.close();
    await new Promise<void>((ok) => (server ? server.close(() => ok()) : ok()));
  });

  const inPage = async <T>(f: () => Promise<T>): Promise<T> => {
    try {
      return await f();
    } catch (e) {
      throw new Error(`${(e as Error).message}\n${pageLog.join('\n')}`);
    }
  };

  it('a loop saved in Node continues in the page from the same count', async () => {
    const m = await Machine.create({ image: IMAGE, net: 'none' });
    const p = m.spawn(['/bin/sh', '-c', LOOP]);
    const out = collect(p);
    await pause(700);
    const head = out.text();
    const snap = Buffer.from(await m.snapshot());
    m.close();
    assert.ok(head.length > 0 && head.length < want.length, `the loop was saved mid-way (${JSON.stringify(head.slice(-12))})`);
    const r = await inPage(() => page.evaluate(([b64, url]) => window.__snap!.finish(b64, url), [snap.toString('base64'), IMAGE_URL] as const)) as Finished;
    assert.equal(r.exitCode, 0);
    assert.equal(head + r.text, want);
  });

  it('a loop saved in the page continues in Node from the same count', async () => {
    const s = await inPage(() => page.evaluate(([url, script]) => window.__snap!.save(url, ['/bin/sh', '-c', script], 700), [IMAGE_URL, LOOP] as const)) as Saved;
    assert.ok(s.head.length > 0 && s.head.length < want.length, `the loop was saved mid-way (${JSON.stringify(s.head.slice(-12))})`);
    const m = await Machine.restore(Buffer.from(s.snapBase64, 'base64'), { image: IMAGE });
    assert.equal(m.processes.length, 1, 'the restored machine has the process the page started');
    const p = m.processes[0];
    const out = collect(p);
    const st = await p.wait();
    await pause(20);
    m.close();
    assert.equal(st.exitCode, 0);
    assert.equal(s.head + out.text(), want);
  });

  it('a clone in the page goes on from where its machine was', async () => {
    const r = await inPage(() => page.evaluate(([url, script]) => window.__snap!.clone(url, ['/bin/sh', '-c', script], 700), [IMAGE_URL, LOOP] as const));
    assert.ok(r.head.length > 0 && r.head.length < want.length, `cloned mid-way (${JSON.stringify(r.head.slice(-12))})`);
    assert.equal(r.exitCode, 0);
    assert.equal(r.head + r.rest, want);
  });

  it('a snapshot offered another image, or one of host files, is refused with one line', async () => {
    const m = await Machine.create({ image: IMAGE, net: 'none' });
    m.spawn(['/bin/sh', '-c', 'sleep 10']);
    await pause(100);
    const snap = Buffer.from(await m.snapshot());
    m.close();
    const msg = await inPage(() => page.evaluate(([b64]) => window.__snap!.refused(b64, '/build/core.wasm'), [snap.toString('base64')] as const));
    assert.match(msg, /^Error: the snapshot was taken on image sha256:[0-9a-f]{64}, not this one \(sha256:[0-9a-f]{64}\)$/);
    const none = await inPage(() => page.evaluate(([b64]) => window.__snap!.refused(b64), [snap.toString('base64')] as const));
    assert.match(none, /taken on an image: restore it with \{ image \}/);
    // a machine whose root is the host's / (Node's default) stays in Node
    const h = await Machine.create({ net: 'none' });
    const hostRoot = Buffer.from(await h.snapshot());
    h.close();
    const local = await inPage(() => page.evaluate(([b64]) => window.__snap!.refused(b64), [hostRoot.toString('base64')] as const));
    assert.match(local, /^Error: the snapshot's files are in a host directory: it can be restored only where that directory is \(in Node\)$/);
  });
});
