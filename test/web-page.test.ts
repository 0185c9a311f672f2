// The page a person opens (build/web, served by `xos serve`), in headless
// Chromium driven by playwright-core: it boots the busybox image to a prompt in
// xterm.js; typed commands run; ^C interrupts; a file written survives a reload
// (kept in OPFS) and is gone after Reset; Save keeps the whole machine, and after a
// reload the shell is back with its variable and its background job still counting,
// until Reset; a file dropped on the page lands in
// /root; a guest file downloads; the text is read from the page's DOM (xterm.js's
// DOM renderer). And the witness page's window.__debug.x86_64 (the seed's
// contract) runs a hand-made ELF and busybox with pushed stdin, and on the busybox
// image its snapshot() and restore() bring back the files and a running job. Screenshots go to
// test-artifacts/ (gitignored). Without Chromium this test fails: it never skips.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { repoRoot, xosCli } from './lib/root.js';
import { hiExit42Elf } from './lib/elf-writer.js';
import { getBusybox } from './lib/busybox.js';

const CHROMIUM = process.env.XOS_CHROMIUM || '/usr/bin/chromium';
const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update'];
const WAIT_MS = Number(process.env.XOS_TEST_TIMEOUT_MS) || 120_000;
const ARTIFACTS = join(repoRoot, 'test-artifacts');

let server: ChildProcess;
let base: string;
let browser: Browser;

before(async () => {
  mkdirSync(ARTIFACTS, { recursive: true });
  server = spawn(process.execPath, [xosCli, 'serve', '--port', '0'], { stdio: ['ignore', 'pipe', 'inherit'] });
  base = await new Promise<string>((resolve, reject) => {
    let out = '';
    server.stdout!.on('data', (b: Buffer) => {
      out += b.toString();
      const m = /(http:\/\/127\.0\.0\.1:\d+\/)/.exec(out);
      if (m) resolve(m[1]);
    });
    server.once('exit', (code) => reject(new Error(`xos serve ended (${code}): ${out}`)));
  });
  browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
});
after(async () => {
  await browser?.close();
  server?.kill();
});

// What the terminal shows, from the DOM (one line per row).
const screen = (page: Page) => page.evaluate(() =>
  Array.from(document.querySelectorAll('.xterm-rows > div'), (d) => (d.textContent ?? '').replace(/\u00a0/g, ' ').trimEnd()).join('\n'));

async function waitFor(page: Page, pattern: RegExp, what: string): Promise<string> {
  try {
    await page.waitForFunction(([src, flags]) => {
      const text = Array.from(document.querySelectorAll('.xterm-rows > div'), (d) => (d.textContent ?? '').replace(/\u00a0/g, ' ').trimEnd()).join('\n');
      return new RegExp(src, flags).test(text);
    }, [pattern.source, pattern.flags], { timeout: WAIT_MS, polling: 100 });
  } catch {
    throw new Error(`the page never showed ${what}; it shows:\n${await screen(page)}`);
  }
  return screen(page);
}
// The last non-blank row is the prompt.
const PROMPT = /root@xos:~# ?\n*$/;
const prompt = (page: Page, what: string) => waitFor(page, PROMPT, `the prompt (${what})`);

async function typeLine(page: Page, text: string): Promise<void> {
  await page.keyboard.type(text);
  await page.keyboard.press('Enter');
}

// The whole machine's save (the status line's data-machine: saved, resumed).
async function waitMachine(page: Page, state: string): Promise<void> {
  try {
    await page.waitForFunction((s) => document.getElementById('status')?.dataset.machine === s, state, { timeout: WAIT_MS });
  } catch {
    throw new Error(`the machine was never ${state}; the status line says: ${await page.evaluate(() => document.getElementById('status')?.textContent)}`);
  }
}

async function waitSaved(page: Page): Promise<void> {
  await page.waitForFunction(() => document.getElementById('status')?.dataset.saved === 'saved', null, { timeout: WAIT_MS });
}

describe('the page', () => {
  let context: BrowserContext;
  let page: Page;
  before(async () => {
    context = await browser.newContext({ viewport: { width: 1000, height: 600 }, acceptDownloads: true });
    page = await context.newPage();
    page.on('dialog', (d) => void d.accept());
    const start = Date.now();
    await page.goto(base);
    await prompt(page, 'after boot');
    process.stdout.write(`# the page showed a prompt ${Date.now() - start} ms after it was asked for\n`);
  });
  after(() => context.close());

  it('boots to a prompt and runs what is typed', async () => {
    await typeLine(page, 'echo "sum $((6 * 7))"; uname -m');
    const s = await waitFor(page, /^sum 42\nx86_64$/m, 'the command\'s output');
    assert.match(s, /^sum 42$/m);
    await prompt(page, 'after the command');
    await page.screenshot({ path: join(ARTIFACTS, 'page-boot.png') });
  });

  it('^C interrupts a foreground program', async () => {
    await typeLine(page, 'clear');
    await prompt(page, 'after clear');
    await typeLine(page, 'sleep 100');
    await waitFor(page, /# sleep 100\n/, 'the command echoed');
    await page.keyboard.press('Control+C');
    await prompt(page, 'after ^C');
    await typeLine(page, 'echo "status $?"');
    await waitFor(page, /^status 130$/m, 'the status of the interrupted sleep');
  });

  it('a dropped file lands in /root', async () => {
    await page.evaluate(() => {
      const dt = new DataTransfer();
      dt.items.add(new File(['dropped by the test\n'], 'dropped.txt', { type: 'text/plain' }));
      document.dispatchEvent(new DragEvent('drop', { dataTransfer: dt, bubbles: true, cancelable: true }));
    });
    await page.waitForFunction(() => /copied to \/root\/dropped.txt/.test(document.getElementById('status')?.textContent ?? ''), null, { timeout: WAIT_MS });
    await typeLine(page, 'clear; wc -c < /root/dropped.txt; cat /root/dropped.txt');
    await waitFor(page, /^20\ndropped by the test$/m, 'the dropped file in the guest');
  });

  it('a guest file downloads', async () => {
    await typeLine(page, 'seq 1 1000 > /root/numbers.txt');
    await prompt(page, 'after seq');
    await page.fill('#download-path', '/root/numbers.txt');
    const [download] = await Promise.all([page.waitForEvent('download', { timeout: WAIT_MS }), page.click('#download button')]);
    assert.equal(download.suggestedFilename(), 'numbers.txt');
    const text = readFileSync(await download.path(), 'utf8');
    assert.equal(text, Array.from({ length: 1000 }, (_, i) => `${i + 1}\n`).join(''));
  });

  it('Save keeps the machine: after a reload the shell has its variable and its job runs on; Reset forgets them', async () => {
    await page.click('#terminal');
    await typeLine(page, 'clear; v=kept$((6 * 7)); (n=0; while :; do n=$((n+1)); echo $n > /tmp/count; sleep 0.2; done) &');
    await prompt(page, 'after starting the job');
    await typeLine(page, 'sleep 1; cat /tmp/count');
    await waitFor(page, /^\d+\n/m, 'the count');
    await prompt(page, 'after reading the count');
    const clicked = Date.now();
    await page.click('#save');
    try {
      await page.waitForFunction((t) => Number(document.getElementById('status')?.dataset.machineSavedAt) >= t, clicked, { timeout: WAIT_MS });
    } catch {
      throw new Error(`Save did not save: ${await page.evaluate(() => document.getElementById('status')?.textContent)}`);
    }
    await page.reload();
    await waitMachine(page, 'resumed');
    await prompt(page, 'after the machine was resumed');
    await typeLine(page, 'clear; echo "v=$v"; jobs; a=$(cat /tmp/count); sleep 1; b=$(cat /tmp/count); [ "$b" -gt "$a" ] && echo "counting $a $b"');
    const s = await waitFor(page, /^counting \d+ \d+$/m, 'the job counting on');
    assert.match(s, /^v=kept42$/m);
    assert.match(s, /^\[1\]\+ +Running +\(.*while :; do .*\/tmp\/count; sleep 0\.2; done\)$/m);
    await page.screenshot({ path: join(ARTIFACTS, 'page-resumed.png') });
    await Promise.all([page.waitForEvent('load', { timeout: WAIT_MS }), page.click('#reset')]);
    await prompt(page, 'after Reset');
    await typeLine(page, 'clear; echo "v=[$v]"; jobs; echo "jobs: end"; cat /tmp/count');
    const t = await waitFor(page, /^jobs: end$/m, 'the shell after Reset');
    assert.match(t, /^v=\[\]$/m);
    assert.doesNotMatch(t, /Running/);
    await waitFor(page, /cat: can't open '\/tmp\/count': No such file or directory/, 'no count after Reset');
  });

  it('a file written survives a reload, and the shell too once the terminal was quiet; both are gone after Reset', async () => {
    await page.click('#terminal');
    await typeLine(page, 'clear; echo "kept $((40 + 2))" > /root/kept.txt; w=quiet');
    await prompt(page, 'after writing');
    const quiet = Date.now();
    await waitSaved(page);
    try {
      await page.waitForFunction((t) => Number(document.getElementById('status')?.dataset.machineSavedAt) >= t, quiet, { timeout: WAIT_MS });
    } catch {
      throw new Error(`the quiet terminal's machine was not saved: ${await page.evaluate(() => document.getElementById('status')?.textContent)}`);
    }
    await page.reload();
    await waitMachine(page, 'resumed');
    await prompt(page, 'after the reload');
    await typeLine(page, 'cat /root/kept.txt; echo "w=$w"');
    await waitFor(page, /^kept 42\nw=quiet$/m, 'the file and the variable after the reload');
    await page.screenshot({ path: join(ARTIFACTS, 'page-reloaded.png') });
    await Promise.all([page.waitForEvent('load', { timeout: WAIT_MS }), page.click('#reset')]);
    await prompt(page, 'after Reset');
    await typeLine(page, 'cat /root/kept.txt; ls /root');
    await waitFor(page, /cat: can't open '\/root\/kept.txt': No such file or directory/, 'the file gone');
  });

  it('a second page on the same image takes the saved state over: the first one saves no more', async () => {
    const second = await context.newPage();
    await second.goto(base);
    await prompt(second, 'on the second page');
    await page.bringToFront();
    await page.click('#terminal');
    await typeLine(page, 'echo first > /root/first.txt');
    try {
      await page.waitForFunction(() => /another page has this machine/.test(document.getElementById('status')?.textContent ?? ''), null, { timeout: WAIT_MS });
    } catch {
      throw new Error(`the first page went on saving: ${await page.evaluate(() => document.getElementById('status')?.textContent)}`);
    }
    await second.close();
  });
});

describe('the witness page (window.__debug.x86_64)', () => {
  let page: Page;
  before(async () => {
    page = await browser.newPage();
    await page.goto(`${base}witness.html`);
    await page.waitForFunction(() => window.__debug?.x86_64?.ready === true, null, { timeout: WAIT_MS });
  });
  after(() => page.close());

  it('runElf: a hand-made ELF, its output, status and registers', async () => {
    const elf = hiExit42Elf();
    const entry = new DataView(elf.buffer, elf.byteOffset).getBigUint64(24, true);
    const w = await page.evaluate(async (bytes) => {
      const d = window.__debug.x86_64;
      await d.runElf(bytes);
      return { exitCode: d.exitCode, signal: d.signal, stdout: d.stdout, stderr: d.stderr, registers: d.registers };
    }, Array.from(elf));
    assert.equal(w.exitCode, 42);
    assert.equal(w.signal, null);
    assert.equal(w.stdout, 'hi\n');
    assert.equal(w.stderr, '');
    const hex = (v: bigint) => `0x${v.toString(16)}`;
    // at the final syscall (exit_group(42)): rax 231, rdi 42, rsi the message, rdx 3, rip after the syscall
    assert.equal(w.registers.RAX, hex(231n));
    assert.equal(w.registers.RDI, hex(42n));
    assert.equal(w.registers.RSI, hex(entry + 36n));
    assert.equal(w.registers.RDX, hex(3n));
    assert.equal(w.registers.RIP, hex(entry + 36n));
    for (const r of ['RSP', 'RBX', 'RCX', 'RBP', 'R8', 'R9', 'R10', 'R11', 'R12', 'R13', 'R14', 'R15', 'RFLAGS']) {
      assert.match((w.registers as Record<string, string>)[r], /^0x[0-9a-f]+$/, r);
    }
  });

  it('pushStdin feeds the next program (busybox given as bytes)', async () => {
    const busybox = readFileSync(await getBusybox());
    const w = await page.evaluate(async (b64) => {
      const bytes = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
      const d = window.__debug.x86_64;
      d.pushStdin('one\ntwo\n');
      d.pushStdin(new TextEncoder().encode('three\n'));
      await d.runElf(bytes, { argv: ['busybox', 'wc', '-l'] });
      return { exitCode: d.exitCode, stdout: d.stdout };
    }, busybox.toString('base64'));
    assert.deepEqual(w, { exitCode: 0, stdout: '3\n' });
  });

});

describe('the witness page on the busybox image: snapshot() and restore()', () => {
  let page: Page;
  before(async () => {
    page = await browser.newPage();
    await page.goto(`${base}witness.html?image=busybox`);
    await page.waitForFunction(() => window.__debug?.x86_64?.ready === true, null, { timeout: WAIT_MS });
  });
  after(() => page.close());

  it('restore() brings back the files of the snapshot and its loop, still counting', async () => {
    const r = await page.evaluate(async () => {
      const d = window.__debug.x86_64;
      // (the machine's first process, its init: it runs until /tmp/stop is made)
      const running = d.runShellScript('echo one > /root/state; i=0; while [ ! -e /tmp/stop ]; do i=$((i+1)); echo $i > /tmp/count; sleep 0.05; done');
      for (;;) {
        await d.runShellScript('cat /tmp/count');
        if (d.stdout) break;
        await new Promise((res) => setTimeout(res, 50));
      }
      const s = await d.snapshot();
      if (!s.ok) return { error: s.reason };
      await d.runShellScript('echo two > /root/state; cat /root/state');
      const changed = d.stdout;
      const restored = await d.restore(s.bytes);
      const replaced = (await running as { signal: number | null }).signal;
      await d.runShellScript('cat /root/state; a=$(cat /tmp/count); sleep 0.5; b=$(cat /tmp/count); [ "$b" -gt "$a" ] && echo counting');
      const after = d.stdout;
      const bad = await d.restore([1, 2, 3]);
      await d.runShellScript('touch /tmp/stop');
      return { size: s.size, changed, restored, replaced, after, bad };
    });
    assert.equal(r.error, undefined);
    assert.ok((r.size ?? 0) > 1000, `a snapshot of ${r.size} bytes`);
    assert.equal(r.changed, 'two\n');
    assert.deepEqual(r.restored, { ok: true });
    assert.equal(r.replaced, 9, 'the machine it replaced is closed');
    assert.equal(r.after, 'one\ncounting\n');
    assert.equal(r.bad?.ok, false);
    assert.match((r.bad as { reason: string }).reason, /not an xos snapshot/);
  });
});

declare global {
  interface Window {
    __debug: { x86_64: {
      ready: boolean; exitCode: number | null; signal: number | null; stdout: string; stderr: string;
      registers: Record<string, string>;
      runElf(bytes: number[] | Uint8Array, opts?: { argv?: string[] }): Promise<unknown>;
      pushStdin(b: string | Uint8Array): void;
      runShellScript(script: string): Promise<unknown>;
      snapshot(): Promise<{ ok: true; bytes: Uint8Array; size: number } | { ok: false; reason: string }>;
      restore(s: Uint8Array | number[]): Promise<{ ok: boolean; reason?: string }>;
    } };
  }
}
