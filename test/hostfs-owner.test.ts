// hostfs ownership when xos is not root on the host: the host user's files
// show as root's inside (as in a rootless container), and the guest's chown
// is recorded by xos instead of reaching the host. The backend is told which
// host user it acts as, so the test can run as root and still check the host
// side: nothing there changes owner.
import { before, after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, chownSync, copyFileSync, lstatSync, mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { getBusybox } from './lib/busybox.js';
import { apiModule } from './lib/root.js';
import { nodeHostDirectory } from '../src/host/node/hostfs.js';
import type { FsBackend } from '../src/fs/backend.js';

interface RunResultApi { exitCode: number | null; stdoutText: string; stderrText: string }
interface MachineApi { run(argv: string[], opts?: { env?: Record<string, string> }): Promise<RunResultApi> }
interface MachineClass { create(opts: { root: FsBackend }): Promise<MachineApi> }

const isRoot = process.getuid?.() === 0;
const USER = 4321, GROUP = 4322; // the host user xos pretends to run as

describe('hostfs ownership for a non-root host user', { skip: isRoot ? false : 'needs root to give the test files to another host user' }, () => {
  let dir: string;
  let m: MachineApi;
  const run = async (script: string) => {
    const r = await m.run(['/bin/busybox', 'sh', '-c', script], { env: { PATH: '/bin' } });
    assert.equal(r.exitCode, 0, r.stderrText);
    return r.stdoutText;
  };

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'xos-owner-'));
    mkdirSync(join(dir, 'bin'));
    copyFileSync(await getBusybox(), join(dir, 'bin/busybox'));
    mkdirSync(join(dir, 'd'));
    writeFileSync(join(dir, 'd/mine'), 'x');
    writeFileSync(join(dir, 'd/theirs'), 'y');
    chmodSync(join(dir, 'd/mine'), 0o755);
    for (const p of ['', 'bin', 'bin/busybox', 'd', 'd/mine']) chownSync(join(dir, p), USER, GROUP);
    chownSync(join(dir, 'd/theirs'), 1000, 1001);
    const { Machine } = (await import(pathToFileURL(apiModule).href)) as { Machine: MachineClass };
    m = await Machine.create({ root: nodeHostDirectory(dir, { hostIds: { uid: USER, gid: GROUP } }) });
  });
  after(() => { if (dir) rmSync(dir, { recursive: true, force: true }); });

  it("shows the host user's files as root's and others' as they are", async () => {
    assert.equal(await run('stat -c "%n %u:%g" /d/mine /d/theirs /bin/busybox'), '/d/mine 0:0\n/d/theirs 1000:1001\n/bin/busybox 0:0\n');
  });

  it('records chown inside, leaves the host owner alone, clears set-user-ID as Linux does', async () => {
    const out = await run([
      'chown 123:456 /d/mine', 'stat -c "%u:%g %a" /d/mine',
      'chmod 6755 /d/mine', 'stat -c "%a" /d/mine',
      'chown 7 /d/mine', 'stat -c "%u:%g %a" /d/mine',
      'chown :0 /d/theirs', 'stat -c "%u:%g" /d/theirs',
      'mkdir /d/sub && chown 5:5 /d/sub && ls -ln /d | sed -n "s/^\\([d-]\\)[^ ]* *[0-9]* *\\([0-9]*\\) *\\([0-9]*\\).* \\([a-z]*\\)$/\\1 \\2 \\3 \\4/p"',
    ].join(' && '));
    assert.equal(out, '123:456 755\n6755\n7:456 755\n1000:0\n- 7 456 mine\nd 5 5 sub\n- 1000 0 theirs\n');
    const mine = statSync(join(dir, 'd/mine'));
    assert.deepEqual([mine.uid, mine.gid, mine.mode & 0o7777], [USER, GROUP, 0o755], 'the host file keeps its owner; the mode change reached it');
    const theirs = lstatSync(join(dir, 'd/theirs'));
    assert.deepEqual([theirs.uid, theirs.gid], [1000, 1001]);
    const sub = statSync(join(dir, 'd/sub'));
    assert.deepEqual([sub.uid, sub.gid], [0, 0], 'made by this (root) test process; not chowned on the host');
  });

  it('forgets a recorded owner when the file is removed', async () => {
    assert.equal(await run('touch /d/t && chown 9:9 /d/t && rm /d/t && touch /d/t && stat -c "%u:%g" /d/t'), '0:0\n');
  });
});
