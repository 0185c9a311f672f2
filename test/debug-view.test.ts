// The page's debugger view (web/debug-view.ts) in headless Chromium. On a test page
// (test/browser/debug.html), compared with native gdb on the same static binary: the program
// waits at its entry point (readelf's) showing objdump's instruction there; each Step
// moves RIP where native stepi moves it; a breakpoint set in the view stops Continue at
// checkpoint() with the registers native gdb reads there; Pause stops a program that
// loops, inside its loop. On the page `xos serve` serves (build/web, the machine in a
// Worker): Debug stops the terminal's foreground program (busybox's yes) and shows the
// instruction objdump reads at its RIP in the image's busybox; Step, Continue, Detach;
// then ^C ends it as usual. Without Chromium this test fails (CI installs it).
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { extname, join, resolve, sep } from 'node:path';
import type { AddressInfo } from 'node:net';
import { chromium, type Browser, type Page } from 'playwright-core';
import { buildC, hasCommand } from './lib/build-c.js';
import { repoRoot, xosCli } from './lib/root.js';
import { gdbNative } from './lib/gdb.js';
import type {} from './browser/debug-page.js'; // window.__xosDebug

const CHROMIUM = process.env.XOS_CHROMIUM || '/usr/bin/chromium';
const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update'];
const TYPES: Record<string, string> = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8', '.wasm': 'application/wasm' };

function serve(programs: Map<string, Uint8Array>): Promise<{ server: Server; base: string }> {
  const roots: Record<string, string> = { dist: join(repoRoot, 'dist'), build: join(repoRoot, 'build'), test: join(repoRoot, 'test', 'browser') };
  const server = createServer((req, res) => {
    const path = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
    const send = (status: number, body: Uint8Array | string, type = 'text/plain') => { res.writeHead(status, { 'content-type': type }); res.end(body); };
    const prog = /^\/programs\/([^/]+)$/.exec(path);
    if (prog) return programs.has(prog[1]) ? send(200, programs.get(prog[1])!, 'application/octet-stream') : send(404, 'no');
    const m = /^\/(dist|build|test\/browser)\/(.*)$/.exec(path);
    if (!m) return send(404, 'not found');
    const top = roots[m[1] === 'test/browser' ? 'test' : m[1]];
    const file = resolve(top, m[2]);
    if (!file.startsWith(top + sep) || !existsSync(file) || !statSync(file).isFile()) return send(404, 'not found');
    send(200, readFileSync(file), TYPES[extname(file)] ?? 'application/octet-stream');
  });
  return new Promise((ok) => server.listen(0, '127.0.0.1', () => ok({ server, base: `http://127.0.0.1:${(server.address() as AddressInfo).port}` })));
}

const sym = (file: string, name: string) => {
  const line = execFileSync('nm', [file], { encoding: 'utf8' }).split('\n').find((l) => l.endsWith(` ${name}`));
  assert.ok(line, `${name} in ${file}`);
  return parseInt(line.split(' ')[0], 16);
};
const entry = (file: string) => parseInt(/Entry point address:\s+0x([0-9a-f]+)/.exec(execFileSync('readelf', ['-h', file], { encoding: 'utf8' }))![1], 16);

describe('the debug view in headless Chromium', { skip: hasCommand('gdb') ? false : 'gdb not found', timeout: 10 * 60_000 }, () => {
  let browser: Browser | undefined;
  let server: Server | undefined;
  let base = '';
  let prog = '', loop = '';
  const programs = new Map<string, Uint8Array>();

  before(async () => {
    prog = await buildC('gdb-target', 'glibc', ['-g', '-O0']);
    loop = await buildC('loop', 'glibc');
    programs.set('gdb-target', readFileSync(prog));
    programs.set('loop', readFileSync(loop));
    ({ server, base } = await serve(programs));
    browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
  });
  after(async () => {
    await browser?.close();
    server?.close();
  });

  async function open(query: string): Promise<Page> {
    const page = await browser!.newPage();
    await page.goto(`${base}/test/browser/debug.html?${query}`);
    await page.waitForFunction(() => window.__xosDebug !== undefined || window.__xosDebugError !== undefined, undefined, { timeout: 120_000 });
    const err = await page.evaluate(() => window.__xosDebugError);
    assert.equal(err, undefined);
    return page;
  }
  const state = (page: Page) => page.locator('[data-field=state]').textContent();
  const reg = async (page: Page, name: string) => BigInt(((await page.locator(`tr[data-reg="${name}"] td`).nth(1).textContent()) ?? '').split(' ')[0]);
  // Click and wait for the view to show a new stop.
  async function act(page: Page, action: string, stopWhy: RegExp): Promise<void> {
    const before = await page.evaluate(() => window.__xosDebug!.view.last);
    await page.click(`button[data-action=${action}]`);
    await page.waitForFunction((b) => { const l = window.__xosDebug!.view.last; return l !== b && l?.state === 'stopped'; }, before, { timeout: 60_000 });
    assert.match((await state(page)) ?? '', stopWhy);
  }

  it('waits at the entry point, steps where native stepi goes, stops at a breakpoint with native\'s registers', async () => {
    // native: the same steps and registers through gdb
    const steps = 6;
    const native = await gdbNative(prog, ['regs'], ['starti', ...Array.from({ length: steps }, () => ['stepi', 'p/x $pc']).flat(),
      'break checkpoint', 'continue', 'p/x $rbx', 'p/x $r12', 'p/x $r13', 'p/x $r14', 'p/x $r15', 'kill']);
    const values = [...native.out.matchAll(/^\$\d+ = (0x[0-9a-f]+)$/gm)].map((m) => BigInt(m[1]));
    assert.equal(values.length, steps + 5, native.out);

    const page = await open('program=/programs/gdb-target&args=regs');
    try {
      await page.waitForFunction(() => window.__xosDebug!.view.last?.state === 'stopped');
      const start = entry(prog);
      assert.equal(await reg(page, 'rip'), BigInt(start), 'stopped at the entry point');
      const objdump = execFileSync('objdump', ['-d', '-M', 'intel', '-w', `--start-address=${start}`, `--stop-address=${start + 16}`, prog], { encoding: 'utf8' });
      const first = /^\s*[0-9a-f]+:\t(?:[0-9a-f]{2} )+\s*\t(.*)$/m.exec(objdump)![1].replace(/\s+/g, ' ').trim();
      assert.equal(await page.locator('tr.xos-dbg-current td').nth(2).textContent(), first, 'the instruction at RIP, as objdump reads it');
      for (let i = 0; i < steps; i++) {
        await act(page, 'step', /stopped \(step\)/);
        assert.equal(await reg(page, 'rip'), values[i], `RIP after step ${i + 1}`);
      }
      await page.fill('input[data-field=break]', `0x${sym(prog, 'checkpoint').toString(16)}`);
      await page.click('button[data-action=break]');
      await page.waitForFunction(() => (document.querySelector('input[data-field=break]') as HTMLInputElement).value === '');
      await act(page, 'continue', /stopped \(breakpoint\)/);
      const names = ['rbx', 'r12', 'r13', 'r14', 'r15'];
      for (let i = 0; i < names.length; i++) assert.equal(await reg(page, names[i]), values[steps + i], names[i]);
      assert.equal(await reg(page, 'rip'), BigInt(sym(prog, 'checkpoint')), 'at the breakpoint, on the function\'s first byte');
      // the listing has lines before RIP and the current one is marked
      const rows = await page.locator('[data-field=disassembly] tr').count();
      const cur = await page.locator('[data-field=disassembly] tr').evaluateAll((trs) => trs.findIndex((t) => t.classList.contains('xos-dbg-current')));
      assert.ok(cur > 0 && rows > cur + 1, `current line ${cur} of ${rows}`);
    } finally {
      await page.close();
    }
  });

  it('pauses a running program inside its loop', async () => {
    const page = await open('program=/programs/loop');
    try {
      await page.waitForFunction(() => window.__xosDebug!.view.last?.state === 'stopped');
      await page.click('button[data-action=continue]');
      await page.waitForFunction(() => document.getElementById('output')!.textContent!.includes('looping'), undefined, { timeout: 60_000 });
      await act(page, 'pause', /stopped \(paused\)/);
      const rip = await reg(page, 'rip');
      const main = BigInt(sym(loop, 'main'));
      assert.ok(rip >= main && rip < main + 0x100n, `RIP 0x${rip.toString(16)} is in main's loop (main at 0x${main.toString(16)})`);
    } finally {
      await page.close();
    }
  });
});

// objdump's text of the instruction at `addr` in `file` ('' when no instruction starts there).
function objdumpAt(file: string, addr: bigint): string {
  const out = execFileSync('objdump', ['-d', '-M', 'intel', '-w', `--start-address=${addr}`, `--stop-address=${addr + 16n}`, file], { encoding: 'utf8' });
  const m = /^\s*([0-9a-f]+):\t(?:[0-9a-f]{2} )+\s*\t(.*)$/m.exec(out);
  return m && BigInt(`0x${m[1]}`) === addr ? m[2].replace(/\s+#.*$/, '').replace(/\s+<[^>]*>$/, '').replace(/\s+/g, ' ').trim() : '';
}

describe('the debugger on the page xos serve serves', { timeout: 10 * 60_000 }, () => {
  let server: ChildProcess | undefined;
  let base = '';
  let browser: Browser | undefined;
  let busybox = '';
  const dir = mkdtempSync(join(tmpdir(), 'xos-page-debug-'));

  before(async () => {
    const image = join(repoRoot, 'build', 'web', 'images', 'busybox.tar');
    assert.ok(existsSync(image), 'build/web/images/busybox.tar (npm run build makes it)');
    execFileSync('tar', ['-xf', image, '-C', dir, 'bin/busybox']);
    busybox = join(dir, 'bin', 'busybox');
    server = spawn(process.execPath, [xosCli, 'serve', '--port', '0'], { stdio: ['ignore', 'pipe', 'inherit'] });
    base = await new Promise<string>((ok, fail) => {
      let out = '';
      server!.stdout!.on('data', (b: Buffer) => {
        out += b.toString();
        const m = /(http:\/\/127\.0\.0\.1:\d+\/)/.exec(out);
        if (m) ok(m[1]);
      });
      server!.once('exit', (code) => fail(new Error(`xos serve ended (${code}): ${out}`)));
    });
    browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
  });
  after(async () => {
    await browser?.close();
    server?.kill();
    rmSync(dir, { recursive: true, force: true });
  });

  const screen = (page: Page) => page.evaluate(() =>
    Array.from(document.querySelectorAll('.xterm-rows > div'), (d) => (d.textContent ?? '').replace(/\u00a0/g, ' ').trimEnd()).join('\n'));
  async function waitScreen(page: Page, re: RegExp): Promise<void> {
    try {
      await page.waitForFunction(([src, flags]) => new RegExp(src, flags).test(Array.from(document.querySelectorAll('.xterm-rows > div'),
        (d) => (d.textContent ?? '').replace(/\u00a0/g, ' ').trimEnd()).join('\n')), [re.source, re.flags], { timeout: 120_000, polling: 100 });
    } catch {
      assert.fail(`the terminal never showed ${re}; it shows:\n${await screen(page)}`);
    }
  }
  const waitState = (page: Page, re: RegExp) => page.waitForFunction(([src]) =>
    new RegExp(src).test(document.querySelector('[data-field=state]')?.textContent ?? ''), [re.source], { timeout: 60_000 });
  const rip = async (page: Page) => BigInt(((await page.locator('tr[data-reg="rip"] td').nth(1).textContent()) ?? '').split(' ')[0]);

  it('stops the foreground program, shows its code as objdump reads it, steps, continues, detaches', async () => {
    const page = await browser!.newPage({ viewport: { width: 1100, height: 800 } });
    try {
      await page.goto(base);
      await waitScreen(page, /root@xos:~# ?\n*$/);
      await page.keyboard.type('yes > /dev/null');
      await page.keyboard.press('Enter');
      await page.waitForTimeout(500);
      await page.click('#debug-toggle');
      await waitState(page, /^stopped \(paused\)/);
      const at = await rip(page);
      const current = (await page.locator('tr.xos-dbg-current td').nth(2).textContent()) ?? '';
      assert.equal(current, objdumpAt(busybox, at), `the instruction at RIP 0x${at.toString(16)} in busybox`);
      await page.click('button[data-action=step]');
      await waitState(page, /^stopped \(step\)/);
      const next = await rip(page);
      assert.notEqual(next, at, 'Step moved RIP');
      assert.notEqual(objdumpAt(busybox, next), '', `an instruction of busybox starts at 0x${next.toString(16)}`);
      await page.click('button[data-action=continue]');
      await waitState(page, /^running/);
      await page.click('button[data-action=detach]');
      await page.waitForFunction(() => (document.getElementById('debug') as HTMLElement).hidden, undefined, { timeout: 60_000 });
      await page.click('#terminal');
      await page.keyboard.press('Control+C');
      await waitScreen(page, /root@xos:~# ?\n*$/);
      await page.keyboard.type('echo "status $?"');
      await page.keyboard.press('Enter');
      await waitScreen(page, /^status 130$/m);
    } finally {
      await page.close();
    }
  });
});
