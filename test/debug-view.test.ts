// The page's debugger view (web/debug-view.ts on web/debug.html) in headless
// Chromium, compared with native gdb on the same static binary: the program waits at
// its entry point (readelf's) showing objdump's instruction there; each Step moves
// RIP where native stepi moves it; a breakpoint set in the view stops Continue at
// checkpoint() with the registers native gdb reads there; Pause stops a program that
// loops, inside its loop. Without Chromium this test fails (CI installs it).
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { extname, join, resolve, sep } from 'node:path';
import type { AddressInfo } from 'node:net';
import { chromium, type Browser, type Page } from 'playwright-core';
import { buildC, hasCommand } from './lib/build-c.js';
import { repoRoot } from './lib/root.js';
import { gdbNative } from './lib/gdb.js';
import type {} from '../web/debug-page.js'; // window.__xosDebug

const CHROMIUM = process.env.XOS_CHROMIUM || '/usr/bin/chromium';
const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update'];
const TYPES: Record<string, string> = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8', '.wasm': 'application/wasm' };

function serve(programs: Map<string, Uint8Array>): Promise<{ server: Server; base: string }> {
  const roots: Record<string, string> = { dist: join(repoRoot, 'dist'), build: join(repoRoot, 'build'), web: join(repoRoot, 'web') };
  const server = createServer((req, res) => {
    const path = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
    const send = (status: number, body: Uint8Array | string, type = 'text/plain') => { res.writeHead(status, { 'content-type': type }); res.end(body); };
    const prog = /^\/programs\/([^/]+)$/.exec(path);
    if (prog) return programs.has(prog[1]) ? send(200, programs.get(prog[1])!, 'application/octet-stream') : send(404, 'no');
    const m = /^\/(dist|build|web)\/(.*)$/.exec(path);
    if (!m) return send(404, 'not found');
    const file = resolve(roots[m[1]], m[2]);
    if (!file.startsWith(roots[m[1]] + sep) || !existsSync(file) || !statSync(file).isFile()) return send(404, 'not found');
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
    await page.goto(`${base}/web/debug.html?${query}`);
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
