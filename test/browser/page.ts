// The browser test's page script (served as dist/test/browser/page.js): makes one
// Machine from the package's browser entry (a tmpfs root), and one per image URL
// it is asked for (the image fetched by Machine.create), and exposes window.__xos,
// which the test (test/browser.test.ts) calls through page.evaluate. (`node --test
// dist/test/` loads every file under it, this one too: outside a page it does nothing.)
import { Machine, compileCore } from '../../src/host/browser/index.js';

export interface PageCase {
  url?: string; // where the program's bytes are served (none: it is in the file system already)
  path?: string; // where it goes in the guest's file system
  image?: string; // run in the machine whose root is the image at this URL (made on first use)
  relay?: string; // run in a machine whose outside is this Wisp relay (made on first use)
  jit?: boolean; // run in a machine with the JIT on (made on first use)
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
  jitRegions?: number; // regions the machine's JIT translated so far (a machine with the JIT on)
}
interface PageApi {
  run(c: PageCase): Promise<PageOutcome>;
  // A file of an image machine as the guest sees it (base64), or the error's code.
  readFile(image: string, path: string): Promise<{ base64?: string; error?: string }>;
  // What the programs changed in an image machine, as an OCI layer tar (base64).
  commitImage(image: string): Promise<string>;
}
declare global { interface Window { __xos?: PageApi; __xosLoadError?: string } }

const log = (s: string) => { document.getElementById('log')!.textContent += s + '\n'; };

function base64(b: Uint8Array): string {
  let s = '';
  for (let i = 0; i < b.length; i += 8192) s += String.fromCharCode(...b.subarray(i, i + 8192));
  return btoa(s);
}

if (typeof document !== 'undefined') {
  const core = compileCore(); // from its default URL: build/core.wasm beside dist/
  const machine = core.then((m) => Machine.create({ core: m }));
  machine.then(() => log('core compiled'), (e: unknown) => { window.__xosLoadError = String(e); log(`error: ${String(e)}`); });
  const imageMachines = new Map<string, Promise<Machine>>();
  const imageMachine = (url: string): Promise<Machine> => {
    let m = imageMachines.get(url);
    if (!m) {
      m = core.then((c) => Machine.create({ core: c, image: url }));
      imageMachines.set(url, m);
    }
    return m;
  };

  const relayMachines = new Map<string, Promise<Machine>>();
  const relayMachine = (url: string): Promise<Machine> => {
    let m = relayMachines.get(url);
    if (!m) {
      m = core.then((c) => Machine.create({ core: c, relay: url }));
      relayMachines.set(url, m);
    }
    return m;
  };

  let jitMachine: Promise<Machine> | undefined;

  window.__xos = {
    async run(c: PageCase): Promise<PageOutcome> {
      const m = await (c.image !== undefined ? imageMachine(c.image) : c.relay !== undefined ? relayMachine(c.relay)
        : c.jit ? (jitMachine ??= core.then((k) => Machine.create({ core: k, jit: true }))) : machine);
      const files: Record<string, Uint8Array> = {};
      if (c.url !== undefined && c.path !== undefined) {
        const res = await fetch(c.url);
        if (!res.ok) throw new Error(`${c.url}: HTTP ${res.status}`);
        files[c.path] = new Uint8Array(await res.arrayBuffer());
      }
      const start = performance.now();
      const r = await m.run(c.argv, { files, stdin: c.stdin, env: c.env, timeout: c.timeout });
      const ms = Math.round(performance.now() - start);
      log(`${c.argv.join(' ')}: exit ${r.exitCode} signal ${r.signal} in ${ms} ms\n${r.stdoutText}`);
      const out: PageOutcome = {
        exitCode: r.exitCode, signal: r.signal, stdoutBase64: base64(r.stdout), stderrText: r.stderrText, ms,
      };
      if (r.error !== undefined) out.error = r.error;
      if (r.jit) out.jitRegions = r.jit.functions;
      return out;
    },
    async readFile(image: string, path: string) {
      const m = await imageMachine(image);
      try {
        return { base64: base64(m.fs.readFile(path)) };
      } catch (e) {
        return { error: (e as { code?: string }).code ?? String(e) };
      }
    },
    async commitImage(image: string) { return base64((await imageMachine(image)).commitImage()); },
  };
}
