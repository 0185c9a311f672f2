// The VFS conformance suite: test/c/fs-conform.c (built with glibc and with
// musl, static) runs natively as root in a host scratch directory, and under
// xos in a scratch directory on each backend; the transcripts (no inode
// numbers, devices or times: relations, modes, sizes, errno names) and exit
// statuses must be the same.
//
// The backends: a host directory as the root (--root) and as a mount
// (--mount), a tmpfs (--tmpfs), and an image (a tar made here with `tar`)
// under an overlay whose upper is in memory (--image) or a host directory
// (--image --upper). The program first makes DIR/seed; in the image those
// files are already there (its lower layer, made by the native program's
// `seed` run), so the program's changes to them go through copy-up and
// whiteouts.
//
// Left out of the transcript: a file's inode number across copy-up (overlayfs
// keeps the lower one through an xattr), O_TMPFILE and RENAME_EXCHANGE (their
// own tests: fs-tmpfile, fs-rename), a working directory or directory
// descriptor whose directory is renamed (fs-identity).
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { chmodSync, copyFileSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LIBCS, buildC, skipReason, type Libc } from './lib/build-c.js';
import { assertSameRun, runNative, runXos, type RunOptions, type RunResult } from './lib/run.js';

// What a backend truly cannot do, as flags the program takes (the native run gets the same flags,
// so that the two transcripts still compare line for line).
const SKIP_REASONS: Record<string, string> = {
  'no-nsec': 'node:fs sets a host file\'s times from a double of seconds: microseconds, not nanoseconds',
  'no-lower-dir-rename': 'renaming a directory of the image (the lower layer) answers EXDEV, as overlayfs without redirect_dir does',
  'no-punch': 'node:fs has no fallocate: PUNCH_HOLE on a host file answers EOPNOTSUPP (never zeros written over the range)',
  'no-perm': 'the native run is not root: it cannot become nobody, so neither run checks permissions as another user',
};

interface Backend {
  name: string;
  skips: string[]; // keys of SKIP_REASONS
  // Makes the backend's files; returns the guest's scratch directory and how to run xos there.
  setup(exe: string, work: string): { dir: string; argv0: string; opts: RunOptions; check?: () => void };
}

const notRoot = process.getuid?.() !== 0;
const common = notRoot ? ['no-perm'] : [];

function scratch(work: string, name: string): string {
  const d = join(work, name);
  mkdirSync(d, { recursive: true });
  chmodSync(d, 0o755);
  return d;
}

// Only DIR/seed may be left: the program removes what it makes.
function assertOnlySeed(dir: string): void {
  assert.deepEqual(readdirSync(dir), ['seed'], `${dir} should hold only seed`);
}

// An image: the program at /fs-conform, /scratch/seed made by a native `seed` run.
function makeImage(exe: string, work: string): string {
  const tree = scratch(work, 'image-tree');
  copyFileSync(exe, join(tree, 'fs-conform'));
  chmodSync(join(tree, 'fs-conform'), 0o755);
  const dir = scratch(tree, 'scratch');
  execFileSync(exe, [dir, 'seed']);
  const tar = join(work, 'image.tar');
  execFileSync('tar', ['-C', tree, '--numeric-owner', '-cf', tar, '.']);
  return tar;
}

const BACKENDS: Backend[] = [
  {
    name: 'hostfs as the root (--root)',
    skips: ['no-nsec', 'no-punch'],
    setup(exe, work) {
      const root = scratch(work, 'root');
      copyFileSync(exe, join(root, 'fs-conform'));
      chmodSync(join(root, 'fs-conform'), 0o755);
      const dir = scratch(root, 'scratch');
      return { dir: '/scratch', argv0: '/fs-conform', opts: { root }, check: () => assertOnlySeed(dir) };
    },
  },
  {
    name: 'hostfs as a mount (--mount)',
    skips: ['no-nsec', 'no-punch'],
    setup(exe, work) {
      const host = scratch(work, 'mounted');
      const point = scratch(work, 'mount-point');
      return {
        dir: point, argv0: exe, opts: { xosArgs: ['--mount', `${host}:${point}`] },
        check: () => { assertOnlySeed(host); assert.deepEqual(readdirSync(point), [], 'nothing reached the mount point itself'); },
      };
    },
  },
  {
    name: 'tmpfs (--tmpfs)',
    skips: [],
    setup(exe, work) {
      const point = scratch(work, 'tmpfs-point');
      return { dir: point, argv0: exe, opts: { xosArgs: ['--tmpfs', point] }, check: () => assert.deepEqual(readdirSync(point), []) };
    },
  },
  {
    name: 'image with an overlay in memory (--image)',
    skips: ['no-lower-dir-rename'],
    setup(exe, work) {
      return { dir: '/scratch', argv0: '/fs-conform', opts: { root: false, xosArgs: ['--image', makeImage(exe, work)] } };
    },
  },
  {
    name: 'image with an overlay in a host directory (--image --upper)',
    skips: ['no-lower-dir-rename', 'no-nsec', 'no-punch'],
    setup(exe, work) {
      const upper = scratch(work, 'upper');
      return {
        dir: '/scratch', argv0: '/fs-conform', opts: { root: false, xosArgs: ['--image', makeImage(exe, work), '--upper', upper] },
        // what the program changed in the image is in the upper: a copied-up file and a whiteout
        check: () => {
          const seed = readdirSync(join(upper, 'scratch', 'seed'));
          assert.ok(seed.includes('file') && seed.includes('.wh.moved'), `the upper holds the changes: ${seed.join(' ')}`);
        },
      };
    },
  },
];

for (const libc of LIBCS) {
  describe(`VFS conformance, ${libc} static`, { concurrency: 1 }, () => {
    let work = '';
    const natives = new Map<string, Promise<RunResult>>();
    before(() => { work = mkdtempSync(join(tmpdir(), `xos-fs-conform-${libc}-`)); });
    after(() => { if (work) rmSync(work, { recursive: true, force: true }); });

    // The native run with these flags, in a fresh host directory (once per set of flags).
    function native(exe: string, flags: string[]): Promise<RunResult> {
      const key = flags.join(' ');
      let r = natives.get(key);
      if (!r) {
        const dir = scratch(work, `native-${natives.size}`);
        r = runNative([exe, dir, ...flags]).then((res) => {
          assert.equal(res.status, 0, `the native run failed:\n${res.stdout}\n${res.stderr}`);
          assert.ok(res.stdout.toString().endsWith('\nleft in DIR: ../ ./ seed/\n'), 'the native run cleaned up');
          if (!notRoot) assert.match(res.stdout.toString(), /nobody's child: exit 0\n/);
          assertOnlySeed(dir);
          return res;
        });
        natives.set(key, r);
      }
      return r;
    }

    for (const b of BACKENDS) {
      const flags = [...common, ...b.skips];
      const skipNote = flags.length ? ` [skips: ${flags.map((f) => `${f}: ${SKIP_REASONS[f]}`).join('; ')}]` : '';
      it(`${b.name}${skipNote}`, { skip: skipReason(libc as Libc) }, async () => {
        const exe = await buildC('fs-conform', libc);
        const want = await native(exe, flags);
        const s = b.setup(exe, scratch(work, b.name.replace(/\W+/g, '-')));
        const got = await runXos([s.argv0, s.dir, ...flags], s.opts);
        assertSameRun(want, got, `fs-conform on ${b.name} (${libc})`);
        s.check?.();
      });
    }
  });
}

describe('VFS conformance: the skip flags', () => {
  it('each one used has its reason', () => {
    for (const b of BACKENDS) for (const f of b.skips) assert.ok(SKIP_REASONS[f], `${b.name}: ${f} has no reason`);
  });
});
