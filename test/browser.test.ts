// The browser: the package's browser entry (dist/src/host/browser/index.js) in
// headless Chromium (Debian's /usr/bin/chromium, driven by playwright-core).
// A static HTTP server on 127.0.0.1 serves dist/, build/, the page in
// test/browser/ and the programs; the page runs them on a tmpfs root and the
// results come back through page.evaluate. The programs are the hand-made ELF
// (hi, exit 42) and test/c/hello-browser.c built static, compared with its
// native run. Without Chromium this test fails (CI installs it): it never skips.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { dirname, extname, join, resolve, sep } from 'node:path';
import type { AddressInfo } from 'node:net';
import { chromium, type Browser, type Page } from 'playwright-core';
import { hiExit42Elf } from './lib/elf-writer.js';
import { buildC } from './lib/build-c.js';
import { assertSameRun, runNative, type RunResult } from './lib/run.js';
import { repoRoot } from './lib/root.js';
import type { PageCase, PageOutcome } from './browser/page.js';

const CHROMIUM = process.env.XOS_CHROMIUM || '/usr/bin/chromium';
const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update'];
const RUN_TIMEOUT_MS = Number(process.env.XOS_TEST_TIMEOUT_MS) || 180_000;

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8', '.wasm': 'application/wasm',
  '.map': 'application/json', '.ts': 'text/plain; charset=utf-8',
};

// Serves dist/, build/ and test/browser/ from the repository, and the programs under /programs/.
function startServer(programs: Map<string, Uint8Array>): Promise<{ server: Server; base: string }> {
  const roots: Record<string, string> = {
    dist: join(repoRoot, 'dist'), build: join(repoRoot, 'build'), test: join(repoRoot, 'test', 'browser'),
  };
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    const send = (status: number, body: Uint8Array | string, type = 'text/plain; charset=utf-8') => {
      res.writeHead(status, { 'content-type': type, 'cache-control': 'no-store' });
      res.end(body);
    };
    const path = decodeURIComponent(url.pathname);
    const prog = /^\/programs\/([^/]+)$/.exec(path);
    if (prog) {
      const bytes = programs.get(prog[1]);
      return bytes ? send(200, bytes, 'application/octet-stream') : send(404, 'no such program');
    }
    const m = /^\/(dist|build|test\/browser)\/(.*)$/.exec(path);
    if (!m) return send(404, 'not found');
    const top = roots[m[1] === 'test/browser' ? 'test' : m[1]];
    const file = resolve(top, m[2]);
    if (!file.startsWith(top + sep) || !existsSync(file) || !statSync(file).isFile()) return send(404, 'not found');
    send(200, readFileSync(file), TYPES[extname(file)] ?? 'application/octet-stream');
  });
  return new Promise((ok, fail) => {
    server.once('error', fail);
    server.listen(0, '127.0.0.1', () => ok({ server, base: `http://127.0.0.1:${(server.address() as AddressInfo).port}` }));
  });
}

// The modules reachable from `entry` by relative imports; throws on any other specifier (node:*, a package).
function importGraph(entry: string): string[] {
  const seen = new Set<string>();
  const problems: string[] = [];
  const visit = (file: string) => {
    if (seen.has(file)) return;
    seen.add(file);
    const text = readFileSync(file, 'utf8');
    const specs = [...text.matchAll(/(?:^|[;\n])\s*(?:import|export)\s[^'"]*?from\s*['"]([^'"]+)['"]|import\s*\(\s*['"]([^'"]+)['"]\s*\)|^\s*import\s*['"]([^'"]+)['"]/gm)];
    for (const s of specs) {
      const spec = s[1] ?? s[2] ?? s[3];
      if (spec.startsWith('./') || spec.startsWith('../')) visit(resolve(dirname(file), spec));
      else problems.push(`${file.slice(repoRoot.length + 1)} imports '${spec}'`);
    }
  };
  visit(entry);
  if (problems.length) throw new Error(`the browser entry reaches non-relative imports:\n${problems.join('\n')}`);
  return [...seen];
}

describe('browser entry', () => {
  it('reaches only relative imports (no node:*, no packages)', () => {
    const files = importGraph(join(repoRoot, 'dist', 'src', 'host', 'browser', 'index.js'));
    assert.ok(files.some((f) => f.endsWith(join('kernel', 'kernel.js'))), 'the graph includes the kernel');
  });

  it('layers below host/ use no Node or platform globals', () => {
    const bad: string[] = [];
    const scan = (dir: string) => {
      for (const e of readdirSync(dir, { withFileTypes: true })) {
        const p = join(dir, e.name);
        if (e.isDirectory()) { scan(p); continue; }
        if (!e.name.endsWith('.ts')) continue;
        readFileSync(p, 'utf8').split('\n').forEach((line, i) => {
          const code = line.replace(/\/\/.*$/, '');
          if (/from\s+['"]node:|(?<![\w$.'"/-])(process\.|Buffer\.|setImmediate\(|setTimeout\(|Date\.now\(|Math\.random\(|performance\.|window\.|document\.)/.test(code)) {
            bad.push(`${p.slice(repoRoot.length + 1)}:${i + 1}: ${line.trim()}`);
          }
        });
      }
    };
    for (const d of ['kernel', 'fs', 'mm', 'elf', 'core', 'generated']) {
      if (existsSync(join(repoRoot, 'src', d))) scan(join(repoRoot, 'src', d));
    }
    assert.deepEqual(bad, [], `platform APIs below host/:\n${bad.join('\n')}`);
  });
});

describe('browser (headless Chromium)', { timeout: 15 * 60_000 }, () => {
  const programs = new Map<string, Uint8Array>();
  let server: Server | undefined;
  let base = '';
  let browser: Browser | undefined;
  let page: Page | undefined;
  const pageLog: string[] = [];
  let helloExe = '';

  before(async () => {
    if (!existsSync(join(repoRoot, 'build', 'core.wasm'))) throw new Error('build/core.wasm is missing: run npm run build');
    programs.set('hi42', hiExit42Elf());
    helloExe = await buildC('hello-browser', 'glibc');
    programs.set('hello-browser', readFileSync(helloExe));
    ({ server, base } = await startServer(programs));
    try {
      browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS, timeout: 60_000 });
    } catch (e) {
      throw new Error(`cannot launch Chromium at ${CHROMIUM} (install it: apt-get install chromium; ` +
        `or point XOS_CHROMIUM at one): ${(e as Error).message}`);
    }
    page = await browser.newPage();
    page.on('console', (m) => pageLog.push(`console.${m.type()}: ${m.text()}`));
    page.on('pageerror', (e) => pageLog.push(`page error: ${e.message}`));
    page.on('requestfailed', (r) => pageLog.push(`request failed: ${r.url()} ${r.failure()?.errorText ?? ''}`));
    page.on('response', (r) => { if (r.status() >= 400) pageLog.push(`HTTP ${r.status()}: ${r.url()}`); });
    await page.goto(`${base}/test/browser/index.html`);
    try {
      await page.waitForFunction(() => window.__xos !== undefined || window.__xosLoadError !== undefined, undefined, { timeout: 60_000 });
    } catch (e) {
      throw new Error(`the test page did not load: ${(e as Error).message}\n${pageLog.join('\n')}`);
    }
    const loadError = await page.evaluate(() => window.__xosLoadError);
    if (loadError) throw new Error(`the page could not make a Machine: ${loadError}\n${pageLog.join('\n')}`);
  });

  after(async () => {
    await browser?.close();
    await new Promise<void>((ok) => (server ? server.close(() => ok()) : ok()));
  });

  // Run a case in the page; the outcome as the harness's RunResult, for its assertions.
  async function runInPage(c: PageCase): Promise<RunResult> {
    const start = Date.now();
    let o: PageOutcome;
    try {
      o = await page!.evaluate((pc) => window.__xos!.run(pc), c);
    } catch (e) {
      throw new Error(`${c.argv.join(' ')} in the page: ${(e as Error).message}\n${pageLog.join('\n')}`);
    }
    assert.equal(o.error, undefined, `the program did not start: ${o.error}`);
    return {
      label: `chromium ${c.argv.join(' ')}`,
      status: o.exitCode ?? 128 + (o.signal ?? 0),
      signal: null,
      stdout: Buffer.from(o.stdoutBase64, 'base64'),
      stderr: Buffer.from(o.stderrText),
      timedOut: o.signal === 9 && Date.now() - start >= RUN_TIMEOUT_MS,
      ms: o.ms,
    };
  }

  it('the hand-made ELF prints hi and exits 42', async () => {
    const r = await runInPage({ url: '/programs/hi42', path: '/bin/hi42', argv: ['/bin/hi42'], timeout: RUN_TIMEOUT_MS });
    assert.equal(r.stdout.toString(), 'hi\n');
    assert.equal(r.status, 42);
  });

  it('a static C program gives the same stdout and exit code as natively', async () => {
    const args = ['one', 'two words'];
    const stdin = 'first line\nsecond line\n';
    const env = { XOS_WHO: 'the test', LC_ALL: 'C' };
    const native = await runNative([helloExe, ...args], { stdin, env });
    assert.equal(native.status, 7, `the native run itself failed:\n${native.stdout}\n${native.stderr}`);
    const inPage = await runInPage({
      url: '/programs/hello-browser', path: '/usr/local/bin/hello-browser', argv: ['hello-browser', ...args],
      stdin, env, timeout: RUN_TIMEOUT_MS,
    });
    assertSameRun(native, inPage, 'hello-browser in Chromium');
  });
});
