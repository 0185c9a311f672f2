// The browser test's page script (served as dist/test/browser/page.js): makes one
// Machine from the package's browser entry and exposes window.__xos.run, which
// the test (test/browser.test.ts) calls through page.evaluate. (`node --test
// dist/test/` loads every file under it, this one too: outside a page it does nothing.)
import { Machine } from '../../src/host/browser/index.js';

export interface PageCase {
  url: string; // where the program's bytes are served
  path: string; // where it goes in the guest's file system
  argv: string[];
  stdin?: string;
  env?: Record<string, string>;
  timeout?: number;
}
export interface PageOutcome {
  exitCode: number | null;
  signal: number | null;
  stdoutBase64: string;
  stderrText: string;
  error?: string;
  ms: number;
}
interface PageApi { run(c: PageCase): Promise<PageOutcome> }
declare global { interface Window { __xos?: PageApi; __xosLoadError?: string } }

const log = (s: string) => { document.getElementById('log')!.textContent += s + '\n'; };

function base64(b: Uint8Array): string {
  let s = '';
  for (let i = 0; i < b.length; i += 8192) s += String.fromCharCode(...b.subarray(i, i + 8192));
  return btoa(s);
}

if (typeof document !== 'undefined') {
  const machine = Machine.create(); // the core from its default URL: build/core.wasm beside dist/
  machine.then(() => log('core compiled'), (e: unknown) => { window.__xosLoadError = String(e); log(`error: ${String(e)}`); });

  window.__xos = {
    async run(c: PageCase): Promise<PageOutcome> {
      const m = await machine;
      const res = await fetch(c.url);
      if (!res.ok) throw new Error(`${c.url}: HTTP ${res.status}`);
      const bytes = new Uint8Array(await res.arrayBuffer());
      const start = performance.now();
      const r = await m.run(c.argv, { files: { [c.path]: bytes }, stdin: c.stdin, env: c.env, timeout: c.timeout });
      const ms = Math.round(performance.now() - start);
      log(`${c.argv.join(' ')}: exit ${r.exitCode} signal ${r.signal} in ${ms} ms\n${r.stdoutText}`);
      const out: PageOutcome = {
        exitCode: r.exitCode, signal: r.signal, stdoutBase64: base64(r.stdout), stderrText: r.stderrText, ms,
      };
      if (r.error !== undefined) out.error = r.error;
      return out;
    },
  };
}
