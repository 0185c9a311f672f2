// A terminal a test can type into and read: a tmux pane on a private tmux
// server (its own socket, so nothing of the user's tmux is touched), running a
// host shell. keys() types (tmux key names: Enter, Left, C-c, Escape…),
// screen() reads what the pane shows, waitFor() polls it until a pattern
// appears (or fails after a generous time: nothing here measures speed).
import { execFileSync } from 'node:child_process';

export const TMUX_WAIT_MS = Number(process.env.XOS_TEST_TIMEOUT_MS) || 120_000;

export class Pane {
  private readonly socket: string;
  private static count = 0;

  // A pane of `cols` x `rows` running `bash --norc` with the prompt 'host$ '.
  constructor(readonly cols = 100, readonly rows = 30, env: Record<string, string> = {}) {
    this.socket = `xos-test-${process.pid}-${Pane.count++}`;
    const vars = Object.entries({ PS1: 'host$ ', TERM: 'xterm-256color', LC_ALL: 'C', HISTFILE: '/dev/null', ...env })
      .map(([k, v]) => `${k}='${v.replace(/'/g, "'\\''")}'`).join(' ');
    this.tmux('-f', '/dev/null', 'new-session', '-d', '-s', 't', '-x', String(cols), '-y', String(rows),
      `env ${vars} bash --norc --noprofile -i`);
    this.tmux('set-option', '-g', 'status', 'off');
  }

  tmux(...args: string[]): string {
    return execFileSync('tmux', ['-L', this.socket, ...args], { encoding: 'utf8' });
  }

  keys(...keys: string[]): void { this.tmux('send-keys', '-t', 't', ...keys); }
  // Text typed as it is (no key names).
  type(text: string): void { this.tmux('send-keys', '-t', 't', '-l', text); }
  line(text: string): void { this.type(text); this.keys('Enter'); }

  screen(): string { return this.tmux('capture-pane', '-p', '-t', 't'); }
  // The screen's lines without trailing blanks, and without the blank lines at the bottom.
  lines(): string[] {
    const l = this.screen().split('\n').map((s) => s.trimEnd());
    while (l.length && l[l.length - 1] === '') l.pop();
    return l;
  }

  async waitFor(pattern: RegExp, what = String(pattern), ms = TMUX_WAIT_MS): Promise<RegExpExecArray> {
    const end = Date.now() + ms;
    for (;;) {
      const s = this.screen();
      const m = pattern.exec(s);
      if (m) return m;
      if (Date.now() > end) throw new Error(`the terminal never showed ${what}; it shows:\n${s}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  resize(cols: number, rows: number): void { this.tmux('resize-window', '-t', 't', '-x', String(cols), '-y', String(rows)); }

  close(): void {
    try { this.tmux('kill-server'); } catch { /* already gone */ }
  }
}

export function haveTmux(): boolean {
  try { execFileSync('tmux', ['-V'], { stdio: 'ignore' }); return true; } catch { return false; }
}
