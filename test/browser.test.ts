// The browser: the package's browser entry (dist/src/host/browser/index.js) in
// headless Chromium (Debian's /usr/bin/chromium, driven by playwright-core).
// A static HTTP server on 127.0.0.1 serves dist/, build/, the page in
// test/browser/ and the programs; the page runs them on a tmpfs root and the
// results come back through page.evaluate. The programs are the hand-made ELF
// (hi, exit 42) and test/c/hello-browser.c built static, compared with its
// native run. Then an image: a tar made here with `tar` from a tree this test
// writes (test/c/image-tree.c and test/c/fs-conform.c built static, a data tree,
// the conformance suite's seed), served under /images/; the page's Machine
// fetches it as its root (an overlay in memory on top), image-tree lists and
// reads the tree and writes a file, fs-conform runs its suite in the image, and
// both must print what they print natively on the tree the tar was made from.
// Without Chromium this test fails (CI installs it): it never skips.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import { execFileSync } from 'node:child_process';
import {
  chmodSync, chownSync, copyFileSync, existsSync, linkSync, lutimesSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync,
  statSync, symlinkSync, utimesSync, writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, extname, join, resolve, sep } from 'node:path';
import type { AddressInfo } from 'node:net';
import { chromium, type Browser, type Page } from 'playwright-core';
import { hiExit42Elf } from './lib/elf-writer.js';
import { buildC } from './lib/build-c.js';
import { assertSameRun, runNative, type RunResult } from './lib/run.js';
import { repoRoot } from './lib/root.js';
import type { PageCase, PageOutcome } from './browser/page.js';
import { bytesSource, listTar } from '../src/fs/tar.js';
import { spawn, type ChildProcess } from 'node:child_process';
import { getBusybox } from './lib/busybox.js';
import { staticServer, type Running } from './lib/net-servers.js';
import { xosCli } from './lib/root.js';

const CHROMIUM = process.env.XOS_CHROMIUM || '/usr/bin/chromium';
const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update'];
const RUN_TIMEOUT_MS = Number(process.env.XOS_TEST_TIMEOUT_MS) || 180_000;

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8', '.wasm': 'application/wasm',
  '.map': 'application/json', '.ts': 'text/plain; charset=utf-8',
};

// Serves dist/, build/ and test/browser/ from the repository, the programs under /programs/ and
// the images under /images/.
function startServer(programs: Map<string, Uint8Array>, images: Map<string, Uint8Array>): Promise<{ server: Server; base: string }> {
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
    const image = /^\/images\/([^/]+)$/.exec(path);
    if (image) {
      const bytes = images.get(image[1]);
      return bytes ? send(200, bytes, 'application/x-tar') : send(404, 'no such image');
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

// ---- the image -----------------------------------------------------------------------------

// The tree under /data in the image: d directory, f file, l symlink, h hard link to `target`.
interface TreeEntry { path: string; type: 'd' | 'f' | 'l' | 'h'; mode?: number; uid?: number; data?: string | Uint8Array; target?: string }
function pseudoRandom(n: number): Uint8Array {
  const b = new Uint8Array(n);
  let x = 0x12345678;
  for (let i = 0; i < n; i++) { x ^= x << 13; x ^= x >>> 17; x ^= x << 5; b[i] = x & 0xff; }
  return b;
}
const TREE: TreeEntry[] = [
  { path: 'etc', type: 'd' },
  { path: 'etc/motd', type: 'f', data: 'welcome to the image\n' },
  { path: 'etc/motd-hard', type: 'h', target: 'etc/motd' },
  { path: 'etc/secret', type: 'f', mode: 0o600, data: 'only root reads this\n' },
  { path: 'home', type: 'd' },
  { path: 'home/user', type: 'd', mode: 0o750, uid: 1000 },
  { path: 'home/user/notes.txt', type: 'f', uid: 1000, data: 'first\nsecond\n' },
  { path: 'home/user/.hidden', type: 'f', uid: 1000, data: '' },
  { path: 'empty', type: 'd', mode: 0o700 },
  { path: 'blob', type: 'f', data: pseudoRandom(200_000) },
  { path: 'run.sh', type: 'f', mode: 0o755, data: '#!/bin/sh\necho hi\n' },
  { path: 'motd-link', type: 'l', target: 'etc/motd' },
  { path: 'dangling', type: 'l', target: 'nowhere' },
  { path: 'Zeta', type: 'f', data: 'upper case sorts first\n' },
];
const MTIME = 1_600_000_000;

// Writes TREE under dir (times fixed to whole seconds, which a tar keeps).
function writeTree(dir: string): void {
  const root = process.getuid?.() === 0;
  for (const e of TREE) {
    const p = join(dir, e.path);
    if (e.type === 'd') mkdirSync(p);
    else if (e.type === 'f') writeFileSync(p, e.data ?? '');
    else if (e.type === 'l') symlinkSync(e.target!, p);
    else linkSync(join(dir, e.target!), p);
    if (e.type !== 'l') chmodSync(p, e.mode ?? (e.type === 'd' ? 0o755 : 0o644));
    if (e.uid !== undefined && root) chownSync(p, e.uid, e.uid);
  }
  for (const e of [...TREE].reverse()) {
    if (e.type === 'l') lutimesSync(join(dir, e.path), MTIME, MTIME);
    else utimesSync(join(dir, e.path), MTIME, MTIME);
  }
}

// What image-tree must list for TREE: "TYPE PATH" in its order (names sorted by bytes, depth first).
function expectedListing(): string[] {
  const out: string[] = [];
  const visit = (prefix: string) => {
    const here = TREE.filter((e) => dirname(e.path) === (prefix || '.'))
      .sort((a, b) => Buffer.compare(Buffer.from(a.path), Buffer.from(b.path)));
    for (const e of here) {
      out.push(`${e.type === 'h' ? 'f' : e.type} ${e.path}`);
      if (e.type === 'd') visit(e.path);
    }
  };
  visit('');
  return out;
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
    for (const d of ['base', 'kernel', 'fs', 'net', 'mm', 'elf', 'core', 'generated']) {
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
  const images = new Map<string, Uint8Array>();
  let work = '';
  let treeExe = '', conformExe = '', tree = '';

  before(async () => {
    if (!existsSync(join(repoRoot, 'build', 'core.wasm'))) throw new Error('build/core.wasm is missing: run npm run build');
    programs.set('hi42', hiExit42Elf());
    helloExe = await buildC('hello-browser', 'glibc');
    programs.set('hello-browser', readFileSync(helloExe));
    // the image: /bin/image-tree, /bin/fs-conform, the tree under /data, the conformance seed in /scratch
    [treeExe, conformExe] = await Promise.all([buildC('image-tree', 'glibc'), buildC('fs-conform', 'glibc')]);
    work = mkdtempSync(join(tmpdir(), 'xos-browser-image-'));
    tree = join(work, 'tree');
    for (const d of [tree, join(tree, 'bin'), join(tree, 'data'), join(tree, 'scratch')]) { mkdirSync(d, { recursive: true }); chmodSync(d, 0o755); }
    copyFileSync(treeExe, join(tree, 'bin', 'image-tree'));
    copyFileSync(conformExe, join(tree, 'bin', 'fs-conform'));
    writeTree(join(tree, 'data'));
    execFileSync(conformExe, [join(tree, 'scratch'), 'seed']);
    images.set('test.tar', execFileSync('tar', ['-C', tree, '--numeric-owner', '-cf', '-', '.'], { maxBuffer: 64 << 20 }));
    ({ server, base } = await startServer(programs, images));
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

  // the network: `xos relay` (allowing only this machine's loopback) and a web server behind it
  let relay: ChildProcess | undefined;
  let relayUrl = '';
  let web: Running | undefined;
  const webPage = 'fetched through the relay\n';
  before(async () => {
    programs.set('busybox', readFileSync(await getBusybox()));
    web = await staticServer(new Map([['/page.txt', webPage]]));
    relay = spawn(process.execPath, [xosCli, 'relay', '--port', '0', '--allow', '127.0.0.1'], { stdio: ['ignore', 'pipe', 'pipe'] });
    relayUrl = await new Promise<string>((resolve, reject) => {
      let out = '';
      relay!.stdout!.on('data', (b: Buffer) => {
        out += b.toString();
        const m = /listening on (ws:\/\/\S+)/.exec(out);
        if (m) resolve(m[1]);
      });
      relay!.once('exit', (code) => reject(new Error(`xos relay exited (${code}): ${out}`)));
    });
  });

  after(async () => {
    relay?.kill('SIGTERM');
    await web?.stop();
    if (work) rmSync(work, { recursive: true, force: true });
    await browser?.close();
    await new Promise<void>((ok) => (server ? server.close(() => ok()) : ok()));
  });

  // Run a case in the page; the outcome as the harness's RunResult, for its assertions.
  async function runInPage(c: PageCase, outcome?: (o: PageOutcome) => void): Promise<RunResult> {
    const start = Date.now();
    let o: PageOutcome;
    try {
      o = await page!.evaluate((pc) => window.__xos!.run(pc), c);
    } catch (e) {
      throw new Error(`${c.argv.join(' ')} in the page: ${(e as Error).message}\n${pageLog.join('\n')}`);
    }
    assert.equal(o.error, undefined, `the program did not start: ${o.error}`);
    outcome?.(o);
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

  it('with the JIT on, a compute workload gives the same output as natively, its hot loops translated', async () => {
    const exe = await buildC('jit-compute', 'glibc');
    programs.set('jit-compute', readFileSync(exe));
    const native = await runNative([exe]);
    assert.equal(native.status, 0, `the native run itself failed:\n${native.stderr}`);
    let regions: number | undefined;
    const inPage = await runInPage({ url: '/programs/jit-compute', path: '/bin/jit-compute', argv: ['/bin/jit-compute'], jit: true, timeout: RUN_TIMEOUT_MS }, (o) => { regions = o.jitRegions; });
    assertSameRun(native, inPage, 'jit-compute in Chromium (JIT on)');
    assert.ok(regions !== undefined && regions > 0, `no region was translated (${regions})\n${pageLog.join('\n')}`);
  });

  it('an image tar fetched from the server is the root: the tree lists and reads as natively, a written file stays', async () => {
    const native = await runNative([treeExe, join(tree, 'data'), 'written.txt']);
    assert.equal(native.status, 0, `the native run itself failed:\n${native.stdout}\n${native.stderr}`);
    // the native listing is the tree this test wrote
    const listed = native.stdout.toString().split('\n').filter((l) => /^[dfl] \d{4} /.test(l)).map((l) => l.split(' '));
    const tail = listed.pop();
    assert.equal(tail?.[5], 'written.txt', 'the last entry is the written file');
    assert.deepEqual(listed.map((f) => `${f[0]} ${f[5]}`), expectedListing());
    for (const e of TREE.filter((x) => x.type === 'f')) {
      const line = listed.find((f) => f[5] === e.path)!;
      assert.equal(line[line.indexOf('size') + 1], String(typeof e.data === 'string' ? Buffer.byteLength(e.data) : e.data!.length), e.path);
    }
    const inPage = await runInPage({ image: '/images/test.tar', argv: ['/bin/image-tree', '/data', 'written.txt'], timeout: RUN_TIMEOUT_MS });
    assertSameRun(native, inPage, 'image-tree in Chromium on the fetched image');
    // the written file, as the guest sees it and in the layer of changes; the image itself is unchanged
    const back = await page!.evaluate(() => window.__xos!.readFile('/images/test.tar', '/data/written.txt'));
    assert.equal(back.error, undefined);
    assert.deepEqual(Buffer.from(back.base64!, 'base64'), readFileSync(join(tree, 'data', 'written.txt')));
    const layer = Buffer.from(await page!.evaluate(() => window.__xos!.commitImage('/images/test.tar')), 'base64');
    const names = listTar(bytesSource(layer)).map((e) => e.path.replace(/^\.?\//, ''));
    assert.ok(names.includes('data/written.txt'), `the layer holds the written file: ${names.join(' ')}`);
    assert.ok(!names.includes('data/etc/motd'), 'nothing else of /data was copied up');
    assert.ok(!listTar(bytesSource(images.get('test.tar')!)).some((e) => e.path.endsWith('written.txt')), 'the served tar is unchanged');
  });

  it('the VFS conformance suite in the image gives the same transcript as natively', async () => {
    // renaming a directory of the image answers EXDEV (see test/fs-conform.test.ts); no-perm when not root natively
    const flags = ['no-lower-dir-rename', ...(process.getuid?.() === 0 ? [] : ['no-perm'])];
    const dir = join(work, 'conform-native');
    mkdirSync(dir);
    chmodSync(dir, 0o755);
    const native = await runNative([conformExe, dir, ...flags]);
    assert.equal(native.status, 0, `the native run itself failed:\n${native.stdout}\n${native.stderr}`);
    const inPage = await runInPage({ image: '/images/test.tar', argv: ['/bin/fs-conform', '/scratch', ...flags], timeout: RUN_TIMEOUT_MS });
    assertSameRun(native, inPage, 'fs-conform in Chromium on the fetched image');
  });

  it("through xos relay, the page's guest fetches from a server on the host", async () => {
    const r = await runInPage({
      url: '/programs/busybox', path: '/bin/busybox', relay: relayUrl, timeout: RUN_TIMEOUT_MS,
      argv: ['/bin/busybox', 'wget', '-q', '-O', '-', `http://host.xos.internal:${web!.port}/page.txt`],
    });
    assert.equal(r.status, 0, r.stderr.toString());
    assert.equal(r.stdout.toString(), webPage);
  });

  it('a destination outside the relay\'s allow-list is refused with a clear message', async () => {
    const r = await runInPage({
      url: '/programs/busybox', path: '/bin/busybox', relay: relayUrl, timeout: RUN_TIMEOUT_MS,
      argv: ['/bin/busybox', 'wget', '-q', '-O', '-', 'http://192.0.2.1:8000/page.txt'],
    });
    assert.notEqual(r.status, 0);
    assert.match(r.stderr.toString(), /the relay refused 192\.0\.2\.1:8000 \(not in its allow-list\)/);
    assert.match(r.stderr.toString(), /Connection refused/);
  });

  it('without a relay the outside is unreachable (ENETUNREACH), not a hang', async () => {
    const r = await runInPage({
      url: '/programs/busybox', path: '/bin/busybox', timeout: RUN_TIMEOUT_MS,
      argv: ['/bin/busybox', 'wget', '-q', '-O', '-', `http://10.0.2.2:${web!.port}/page.txt`],
    });
    assert.notEqual(r.status, 0);
    assert.match(r.stderr.toString(), /Network is unreachable/);
  });
});
