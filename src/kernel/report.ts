// What xos itself says on the machine's stderr: reports of gaps (an
// unimplemented instruction or syscall), of guests killed for want of memory,
// and of xos's own bugs. Each report is made once per key, and there is a cap
// on their number: a guest that meets thousands of distinct gaps (a fuzzer, a
// random instruction stream) gets a bounded stderr, not one line each.
import type { HostOutput } from '../base/host.js';

export const MAX_REPORTS = 50;

export class Reporter {
  private readonly seen = new Set<string>();
  // lines said and whether the cap was announced, for gaps and for xos's own bugs apart (a bug is
  // never hidden behind a flood of gaps)
  private readonly said = { gap: 0, bug: 0 };
  private readonly capped = { gap: false, bug: false };

  constructor(private readonly out: HostOutput) {}

  // One line, once per key, while under the cap.
  once(key: string, message: string): void {
    if (this.seen.has(key)) return;
    this.seen.add(key);
    this.line(message);
  }

  // One line, counted against the cap of its kind.
  line(message: string, kind: 'gap' | 'bug' = 'gap'): void {
    if (this.said[kind] >= MAX_REPORTS) {
      if (!this.capped[kind]) {
        this.capped[kind] = true;
        this.write(`xos: more than ${MAX_REPORTS} reports${kind === 'bug' ? ' of internal errors' : ''}: the rest are not shown`);
      }
      return;
    }
    this.said[kind]++;
    this.write(`xos: ${message}`);
  }

  // Text outside the cap (XOS_DEBUG's stacks, --strace lines).
  raw(text: string): void { this.write(text); }

  private write(text: string): void {
    // a broken stderr must not become a second failure
    try { this.out.write(new TextEncoder().encode(text.endsWith('\n') ? text : `${text}\n`)); } catch { /* nowhere left to say it */ }
  }
}

// The one-line summary of an exception: its message and where it was thrown (file:line of the
// first frame), which is what a bug report needs when there is no XOS_DEBUG stack.
export function describeError(e: unknown): { summary: string; stack: string } {
  if (!(e instanceof Error)) return { summary: String(e), stack: String(e) };
  const frame = /\n\s+at (?:.*? \()?(?:file:\/\/)?([^\s()]+?):(\d+):\d+\)?/.exec(e.stack ?? '');
  const where = frame ? ` at ${frame[1].split('/').slice(-2).join('/')}:${frame[2]}` : '';
  return { summary: `${e.name}: ${e.message}${where}`, stack: e.stack ?? e.message };
}
