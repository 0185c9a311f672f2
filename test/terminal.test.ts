// The terminal in Node, as a person uses it: xos in a tmux pane (test/lib/tmux.ts),
// keys typed with send-keys, the screen read with capture-pane. `xos sh` (the
// busybox root) and bash and python3 of the Debian root: ^C stops a foreground
// job and the shell lives on, job control (&, jobs, fg, ^Z, bg), bash's line
// editing and history, python's REPL, vi saving a file (read back on the host),
// less and vi showing what they show natively (the same keys in a pane running
// the same busybox natively), `stty size` as the host's, following a resize,
// and the host terminal's modes (`stty -g`) the same after xos ends, by exit or
// by SIGTERM. And without a terminal: `xos run yes | head -1` ends as natively.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Pane } from './lib/tmux.js';
import { cachePath, xosCli } from './lib/root.js';
import { getBusybox } from './lib/busybox.js';
import { getDebianRoot, type DebianRoot } from './lib/debian-root.js';

const execFileP = promisify(execFile);
// xos sh builds its default root in here (once)
const XOS_CACHE = cachePath('xos-home');
const XOS = `env XOS_CACHE='${XOS_CACHE}' node '${xosCli}'`;
const PROMPT = /root@xos:[^\n]*# ?$/m;

let work: string;
before(() => { work = mkdtempSync(join(tmpdir(), 'xos-term-')); });
after(() => rmSync(work, { recursive: true, force: true }));

// Wait until the screen's last line that is not blank is the xos prompt.
async function prompt(p: Pane, what: string): Promise<void> {
  await p.waitFor(/root@xos:[^\n]*# *\n*$/, `the prompt (${what})`);
}

describe('xos sh in a terminal', () => {
  let pane: Pane;
  before(async () => {
    pane = new Pane(100, 30);
    await pane.waitFor(/host\$ ?$/m, 'the host prompt');
    pane.line(`stty -g > ${work}/stty-before; ${XOS} sh -v ${work}:/work; stty -g > ${work}/stty-after; echo "xos ended $?"`);
    await pane.waitFor(PROMPT, 'the xos sh prompt');
  });
  after(() => pane.close());

  it('^C interrupts a foreground sleep and the shell lives on', async () => {
    pane.line('clear');
    await prompt(pane, 'after clear');
    pane.line('sleep 100');
    await pane.waitFor(/# sleep 100\n/, 'the command echoed');
    pane.keys('C-c');
    await prompt(pane, 'after ^C');
    pane.line('echo "status $?"');
    await pane.waitFor(/^status 130$/m, 'the status of the interrupted sleep');
  });

  it('job control: &, jobs, fg, ^Z, bg', async () => {
    pane.line('clear; sleep 100 &');
    await prompt(pane, 'after sleep &');
    pane.line('jobs');
    await pane.waitFor(/\[1\]\+? +Running +sleep 100/, 'the job running');
    pane.line('fg');
    await pane.waitFor(/^sleep 100$/m, 'fg naming the job');
    pane.keys('C-z');
    await pane.waitFor(/\[1\]\+? +Stopped +sleep 100/, 'the job stopped');
    await prompt(pane, 'after ^Z');
    pane.line('bg');
    await prompt(pane, 'after bg');
    pane.line('jobs');
    await pane.waitFor(/jobs\n\[1\]\+? +Running +sleep 100/, 'the job running again');
    pane.line('kill %1; wait');
    await pane.waitFor(/\[1\]\+? +Terminated +sleep 100/, 'the job killed');
  });

  it('stty size is the pane\'s and follows a resize (SIGWINCH)', async () => {
    // a foreground job that waits for SIGWINCH: it says ready once its trap is set (a resize before
    // that would go unseen), and the trap ends the wait whether it comes during the wait or before
    const waitWinch = 'sh -c \'trap "echo got WINCH; kill \\$!" WINCH; sleep 100 & echo ready; wait\'';
    pane.line('clear; stty size');
    await pane.waitFor(/^30 100$/m, '30 100');
    pane.line(waitWinch);
    await pane.waitFor(/^ready$/m, 'the trap set');
    pane.resize(90, 25);
    await pane.waitFor(/^got WINCH$/m, 'SIGWINCH in the foreground job');
    await prompt(pane, 'after the resize');
    pane.line('clear; stty size');
    await pane.waitFor(/^25 90$/m, '25 90 after the resize');
    pane.line('clear');
    await prompt(pane, 'after clear');
    pane.line(waitWinch);
    await pane.waitFor(/^ready$/m, 'the trap set again');
    pane.resize(100, 30);
    await pane.waitFor(/^got WINCH$/m, 'SIGWINCH again');
    await prompt(pane, 'after the second resize');
    pane.line('clear; stty size');
    await pane.waitFor(/^30 100$/m, '30 100 again');
  });

  it('vi opens, edits and saves a file (read back on the host)', async () => {
    writeFileSync(join(work, 'notes.txt'), 'first line\n');
    pane.line('clear; vi /work/notes.txt');
    await pane.waitFor(/^first line/m, 'the file in vi');
    pane.type('Go');
    pane.type('second line from vi');
    await pane.waitFor(/^second line from vi/m, 'the typed line');
    pane.keys('Escape');
    await pane.waitFor(/- \/work\/notes.txt/, 'vi back in command mode');
    pane.type(':wq');
    pane.keys('Enter');
    await prompt(pane, 'after vi');
    assert.equal(readFileSync(join(work, 'notes.txt'), 'utf8'), 'first line\nsecond line from vi\n');
  });

  it('^D at the prompt ends the shell, and the host terminal is as it was', async () => {
    pane.keys('C-d');
    await pane.waitFor(/^xos ended 0$/m, 'xos ending with the shell');
    const before = readFileSync(join(work, 'stty-before'), 'utf8');
    assert.match(before, /^[0-9a-f:]+\n$/);
    assert.equal(readFileSync(join(work, 'stty-after'), 'utf8'), before);
  });
});

describe('the host terminal after SIGTERM to xos', () => {
  it('is as it was', async () => {
    const pane = new Pane(80, 24);
    try {
      await pane.waitFor(/host\$ ?$/m, 'the host prompt');
      pane.line(`stty -g > ${work}/term-before; (echo $BASHPID > ${work}/xos.pid; exec ${XOS} sh); stty -g > ${work}/term-after; echo "after term"`);
      await pane.waitFor(PROMPT, 'the xos sh prompt');
      const pid = Number(readFileSync(join(work, 'xos.pid'), 'utf8'));
      assert.ok(pid > 1);
      process.kill(pid, 'SIGTERM');
      await pane.waitFor(/after term\n/, 'the host shell after SIGTERM');
      assert.equal(readFileSync(join(work, 'term-after'), 'utf8'), readFileSync(join(work, 'term-before'), 'utf8'));
    } finally {
      pane.close();
    }
  });
});

// The same keys to busybox natively and under xos: the screens must match (after the prompts).
describe('full-screen programs show what they show natively', () => {
  let busybox: string;
  before(async () => { busybox = await getBusybox(); });

  async function screens(setup: (p: Pane, bb: string) => Promise<void>): Promise<{ native: string[]; xos: string[] }> {
    const native = new Pane(80, 24), guest = new Pane(80, 24);
    try {
      await native.waitFor(/host\$ ?$/m, 'the host prompt');
      await guest.waitFor(/host\$ ?$/m, 'the host prompt');
      guest.line(`${XOS} sh -v ${work}:${work}`);
      await guest.waitFor(PROMPT, 'the xos sh prompt');
      await setup(native, busybox);
      await setup(guest, 'busybox');
      return { native: native.lines(), xos: guest.lines() };
    } finally {
      native.close();
      guest.close();
    }
  }

  it('less: the first page, then G', async () => {
    const s = await screens(async (p, bb) => {
      p.line(`clear; seq 1 200 | ${bb} less`);
      await p.waitFor(/^23$/m, 'the first page');
      p.type('G');
      await p.waitFor(/\(END\)/, 'the end');
    });
    assert.deepEqual(s.xos, s.native);
  });

  it('vi: a file with long lines, moved around in', async () => {
    const f = join(work, 'long.txt');
    writeFileSync(f, Array.from({ length: 60 }, (_, i) => `line ${i} ${'x'.repeat(i * 3)}`).join('\n') + '\n');
    const s = await screens(async (p, bb) => {
      p.line(`clear; ${bb} vi ${f}`);
      await p.waitFor(/^line 0 *$/m, 'the file');
      p.type('30j');
      p.type('$');
      await p.waitFor(/ 31\/60 /, 'line 31');
    });
    assert.deepEqual(s.xos, s.native);
  });
});

describe('bash and python3 of the Debian root in a terminal', () => {
  let root: DebianRoot;
  let pane: Pane;
  before(async () => {
    root = await getDebianRoot();
    pane = new Pane(100, 30);
    await pane.waitFor(/host\$ ?$/m, 'the host prompt');
    pane.line(`${XOS} run --root ${root.dir} -e HOME=/root -e 'PS1=guest> ' /bin/bash --norc --noprofile`);
    await pane.waitFor(/^guest> ?$/m, 'the bash prompt');
  });
  after(() => pane.close());

  it('line editing with arrows, and history', async () => {
    pane.line('clear');
    pane.type('echo abc');
    pane.keys('Left', 'Left');
    pane.type('X');
    pane.keys('Home');
    pane.type('# ');
    pane.keys('End');
    pane.type('Y');
    pane.keys('Enter');
    pane.line('echo two');
    await pane.waitFor(/^two$/m, 'the second command');
    pane.keys('Up', 'Up');
    await pane.waitFor(/^guest> # echo aXbcY$/m, 'the first line back from history');
    pane.keys('C-a', 'Delete', 'Delete', 'Enter');
    await pane.waitFor(/^aXbcY$/m, 'the edited command run');
  });

  it('python3\'s REPL, with history and ^D', async () => {
    pane.line('clear; python3 -q');
    await pane.waitFor(/^>>> ?$/m, 'the python prompt');
    pane.line('6 * 7');
    await pane.waitFor(/^42$/m, '42');
    pane.keys('Up');
    pane.type(' + 1');
    pane.keys('Enter');
    await pane.waitFor(/^43$/m, '43');
    pane.keys('C-d');
    await pane.waitFor(/^guest> ?$/m, 'bash after python');
  });
});

describe('without a terminal', () => {
  it('xos run yes | head -1 ends, as natively, with yes killed by SIGPIPE', async () => {
    const script = (yes: string) => `${yes} | head -1; echo "status \${PIPESTATUS[0]}"`;
    const native = await execFileP('bash', ['-c', script('yes')], { timeout: 120_000 });
    const xos = await execFileP('bash', ['-c', script(`node '${xosCli}' run /usr/bin/yes`)], { timeout: 120_000 });
    assert.equal(native.stdout, 'y\nstatus 141\n');
    assert.equal(xos.stdout, native.stdout);
  });

  it('stdin, stdout and stderr stay pipes', async () => {
    const r = await execFileP('bash', ['-c', `echo hi | node '${xosCli}' run /bin/sh -c 'test -t 0 || echo in; test -t 1 || echo out; read x; echo $x'`], { timeout: 120_000 });
    assert.equal(r.stdout, 'in\nout\nhi\n');
    assert.ok(existsSync(xosCli));
  });
});
