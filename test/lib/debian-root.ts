// A Debian bookworm root for the differential tests of test/debian.test.ts.
//
// Built once with `debootstrap --variant=minbase` from the mirror this
// machine's apt is configured with (read from /etc/apt/sources.list and
// /etc/apt/sources.list.d/), plus python3-minimal and its standard library,
// busybox, file, xz-utils, gcc, libc6-dev and musl-tools; then our own C
// programs are compiled inside it with its gcc (dynamic glibc) and musl-gcc
// (dynamic musl).  Everything lives in the cache directory ($XOS_TEST_CACHE
// or ~/.cache/xos-test), outside the clone:
//
//   debian-bookworm/root      the root (complete only when READY exists)
//   debian-bookworm/READY     marker: written last; a root without it is rebuilt
//   debian-bookworm/lock      held by the process building (pid inside)
//   debian-bookworm/root/opt/xos/<hash>/{glibc,musl}/NAME   the C programs,
//                                   keyed by a hash of their sources
//   debian-bookworm/root/opt/xos/debs/hello.deb   a small package for dpkg -i
//
// Building needs root (debootstrap, chroot) and Debian's package mirror.
import { execFile, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  closeSync,
  copyFileSync,
  existsSync,
  mkdirSync,
  openSync,
  readFileSync,
  readdirSync,
  renameSync,
  rmSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { cacheDir, cachePath, cSourceDir } from './root.js';

const execFileP = promisify(execFile);

/** Packages installed on top of minbase. */
export const EXTRA_PACKAGES: readonly string[] = [
  'python3-minimal',
  // json, decimal, sqlite3, … are not in python3-minimal's libpython3.11-minimal
  'libpython3.11-stdlib',
  'busybox',
  'file',
  'xz-utils',
  'gcc',
  'libc6-dev',
  'musl-tools',
];

/**
 * Packages added after the root's first recipe: debootstrap includes them in a new root, and an
 * existing root (the cache is shared by every checkout on the machine) gets them with the root's
 * own apt-get, so that checkouts with and without them do not rebuild the root back and forth.
 * procps: ps, top, pgrep; strace and gdb: ptrace inside the guest.
 */
export const LATE_PACKAGES: readonly { name: string; file: string }[] = [
  { name: 'procps', file: 'bin/ps' },
  { name: 'strace', file: 'usr/bin/strace' },
  { name: 'gdb', file: 'usr/bin/gdb' },
];

/**
 * Packages the network tests need (curl, git, pip, iproute2), installed into the
 * root with its apt once it is built. They are kept out of EXTRA_PACKAGES so
 * that adding them does not rebuild a root that other checkouts share: a marker
 * under /opt/xos names the set installed.
 */
export const NET_PACKAGES: readonly string[] = ['curl', 'git', 'python3-pip', 'iproute2', 'ca-certificates'];

/** Bump when the recipe changes so that old caches are rebuilt. */
const RECIPE_VERSION = 1;

/** The C programs of test/c compiled inside the root (dynamic), and the extra ones only built here. */
export const ROOT_C_PROGRAMS: readonly string[] = [
  'integers',
  'strings',
  'qsort',
  'floats',
  'setjmp',
  'mmap',
  'signals',
  'files',
  'proc-fork',
  'dynlink', // needs libxosdyn.so, built beside it
];

export interface DebianRoot {
  /** Host path of the root directory. */
  dir: string;
  /** Guest paths (inside the root) of the compiled C programs. */
  programs: Record<'glibc' | 'musl', Record<string, string>>;
  /** Guest path of a small .deb (Debian's `hello`) for `dpkg -i`. */
  helloDeb: string;
  /** Seconds the build took in this process, or 0 if the cache was used. */
  buildSeconds: number;
}

let pending: Promise<DebianRoot> | undefined;
let pendingNet: Promise<DebianRoot> | undefined;

/** The Debian root with NET_PACKAGES installed too (installed once, under the build lock). */
export function getDebianNetRoot(): Promise<DebianRoot> {
  pendingNet ??= getDebianRoot().then(async (r) => {
    const marker = join(r.dir, 'opt/xos', `net-packages-${createHash('sha256').update(NET_PACKAGES.join(' ')).digest('hex').slice(0, 12)}`);
    if (existsSync(marker)) return r;
    const base = cachePath('debian-bookworm');
    await withLock(join(base, 'lock'), async () => {
      if (existsSync(marker)) return;
      const logFile = join(base, 'build.log');
      log(`installing ${NET_PACKAGES.join(' ')} into the root (log: ${logFile})`);
      await run('chroot', [r.dir, 'apt-get', 'update'], logFile, CHROOT_ENV);
      await run('chroot', [r.dir, 'apt-get', 'install', '-y', '--no-install-recommends', ...NET_PACKAGES], logFile, CHROOT_ENV);
      await run('chroot', [r.dir, 'apt-get', 'clean'], logFile, CHROOT_ENV);
      writeFileSync(marker, `${NET_PACKAGES.join('\n')}\n`);
    });
    return r;
  });
  return pendingNet;
}

/** The Debian root, built if needed (once per process; across processes a lock file serialises). */
export function getDebianRoot(): Promise<DebianRoot> {
  pending ??= prepare();
  return pending;
}

/** Why the Debian tests cannot run here, or false. */
export function debianSkipReason(): string | false {
  if (process.env.XOS_SKIP_DEBIAN) return 'XOS_SKIP_DEBIAN is set';
  if (process.platform !== 'linux' || process.arch !== 'x64') return 'needs an x86-64 Linux host';
  if (process.getuid?.() !== 0 && !existsSync(join(cacheDir, 'debian-bookworm', 'READY'))) return 'building the Debian root needs root (debootstrap, chroot)';
  return false;
}

// ---- the mirror ------------------------------------------------------------

export interface AptSource {
  uri: string;
  suites: string[];
  components: string[];
  signedBy?: string;
}

/** The `deb` sources of this machine's apt configuration (one-line and deb822 formats). */
export function aptSources(): AptSource[] {
  const out: AptSource[] = [];
  const files: string[] = [];
  if (existsSync('/etc/apt/sources.list')) files.push('/etc/apt/sources.list');
  const d = '/etc/apt/sources.list.d';
  if (existsSync(d)) for (const f of readdirSync(d).sort()) files.push(join(d, f));
  for (const f of files) {
    let text: string;
    try {
      text = readFileSync(f, 'utf8');
    } catch {
      continue;
    }
    if (f.endsWith('.list')) {
      for (const raw of text.split('\n')) {
        const line = raw.replace(/#.*/, '').trim();
        const m = /^deb\s+(?:\[([^\]]*)\]\s+)?(\S+)\s+(\S+)\s*(.*)$/.exec(line);
        if (!m) continue;
        const signed = /signed-by=(\S+)/.exec(m[1] ?? '');
        out.push({ uri: m[2], suites: [m[3]], components: m[4].split(/\s+/).filter(Boolean), signedBy: signed?.[1] });
      }
    } else if (f.endsWith('.sources')) {
      for (const stanza of text.split(/\n\s*\n/)) {
        const fields = new Map<string, string>();
        let last = '';
        for (const raw of stanza.split('\n')) {
          if (raw.startsWith('#')) continue;
          if (/^\s/.test(raw) && last) {
            fields.set(last, fields.get(last) + ' ' + raw.trim());
            continue;
          }
          const m = /^([A-Za-z-]+):\s*(.*)$/.exec(raw);
          if (m) fields.set((last = m[1].toLowerCase()), m[2].trim());
        }
        if (fields.get('enabled') === 'no') continue;
        if (!(fields.get('types') ?? '').split(/\s+/).includes('deb')) continue;
        for (const uri of (fields.get('uris') ?? '').split(/\s+/).filter(Boolean)) {
          out.push({
            uri,
            suites: (fields.get('suites') ?? '').split(/\s+/).filter(Boolean),
            components: (fields.get('components') ?? '').split(/\s+/).filter(Boolean),
            signedBy: fields.get('signed-by'),
          });
        }
      }
    }
  }
  return out;
}

/** The configured mirror that serves bookworm's main component (not -security, not -updates). */
export function bookwormMirror(): AptSource {
  const all = aptSources();
  const s = all.find((x) => x.suites.includes('bookworm') && x.components.includes('main'));
  if (!s) {
    throw new Error(
      `no apt source for "bookworm main" in /etc/apt/sources.list or /etc/apt/sources.list.d/ ` +
        `(found: ${all.map((x) => `${x.uri} ${x.suites.join(',')}`).join('; ') || 'none'})`,
    );
  }
  return s;
}

// ---- the lock --------------------------------------------------------------

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Takes `lock` (O_EXCL create, our pid inside); waits while a live process holds it, steals it from a dead one. */
async function withLock<T>(lock: string, fn: () => Promise<T>): Promise<T> {
  const deadline = Date.now() + 60 * 60_000;
  for (;;) {
    try {
      const fd = openSync(lock, 'wx');
      writeSync(fd, String(process.pid));
      closeSync(fd);
      break;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      let holder = NaN;
      try {
        holder = Number(readFileSync(lock, 'utf8').trim());
      } catch {
        continue; // removed meanwhile
      }
      if (Number.isInteger(holder) && holder > 0 && !pidAlive(holder)) {
        rmSync(lock, { force: true }); // its builder died
        continue;
      }
      if (Date.now() > deadline) throw new Error(`waited an hour for ${lock} (held by pid ${holder})`);
      await sleep(1000);
    }
  }
  try {
    return await fn();
  } finally {
    rmSync(lock, { force: true });
  }
}

// ---- building --------------------------------------------------------------

function log(msg: string): void {
  process.stderr.write(`[debian-root] ${msg}\n`);
}

/** Runs a command, its output going to `logFile`; throws with the log's tail on failure. */
function run(cmd: string, args: string[], logFile: string, env: NodeJS.ProcessEnv = process.env): Promise<void> {
  return new Promise((resolve, reject) => {
    const fd = openSync(logFile, 'a');
    writeSync(fd, `\n$ ${cmd} ${args.join(' ')}\n`);
    const child = spawn(cmd, args, { stdio: ['ignore', fd, fd], env });
    child.on('error', (e) => {
      closeSync(fd);
      reject(new Error(`cannot start ${cmd}: ${e.message}`));
    });
    child.on('close', (code, signal) => {
      closeSync(fd);
      if (code === 0) return resolve();
      const text = readFileSync(logFile, 'utf8');
      reject(new Error(`${cmd} ${args.join(' ')} failed (${signal ?? code}); last lines of ${logFile}:\n${text.slice(-3000)}`));
    });
  });
}

const CHROOT_ENV: NodeJS.ProcessEnv = {
  PATH: '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin',
  HOME: '/root',
  LC_ALL: 'C',
  DEBIAN_FRONTEND: 'noninteractive',
};

async function buildRoot(base: string, root: string): Promise<void> {
  const mirror = bookwormMirror();
  const partial = join(base, 'root.partial');
  const logFile = join(base, 'build.log');
  rmSync(partial, { recursive: true, force: true });
  rmSync(root, { recursive: true, force: true });
  writeFileSync(logFile, '');
  const args = ['--variant=minbase', `--include=${[...EXTRA_PACKAGES, ...LATE_PACKAGES.map((p) => p.name)].join(',')}`];
  if (mirror.signedBy && existsSync(mirror.signedBy)) args.push(`--keyring=${mirror.signedBy}`);
  args.push('bookworm', partial, mirror.uri);
  log(`debootstrap from ${mirror.uri} into ${partial} (log: ${logFile}); this takes several minutes`);
  await run('debootstrap', args, logFile, { ...process.env, DEBIAN_FRONTEND: 'noninteractive' });
  // Keep the root small: the package cache is not needed.
  rmSync(join(partial, 'var/cache/apt/archives'), { recursive: true, force: true });
  mkdirSync(join(partial, 'var/cache/apt/archives/partial'), { recursive: true });
  renameSync(partial, root);
}

/** Installs packages into an existing root with its own apt (from the mirror debootstrap configured). */
async function installLate(root: string, names: string[], logFile: string): Promise<void> {
  log(`installing ${names.join(' ')} into the root (log: ${logFile})`);
  await run('chroot', [root, 'apt-get', 'update'], logFile, CHROOT_ENV);
  await run('chroot', [root, 'apt-get', 'install', '-y', '--no-install-recommends', ...names], logFile, CHROOT_ENV);
  await run('chroot', [root, 'apt-get', 'clean'], logFile, CHROOT_ENV);
}

/** Downloads Debian's `hello` with the host's apt (the same release) into the root; apt-get download writes into its cwd. */
async function downloadHello(root: string, logFile: string): Promise<void> {
  const dir = join(root, 'opt/xos/debs');
  mkdirSync(dir, { recursive: true });
  const tmp = join(dir, 'tmp');
  rmSync(tmp, { recursive: true, force: true });
  mkdirSync(tmp);
  const download = () => execFileP('apt-get', ['download', 'hello'], { cwd: tmp, maxBuffer: 16 << 20 });
  try {
    await download();
  } catch {
    await execFileP('apt-get', ['update'], { maxBuffer: 64 << 20 });
    await download();
  }
  const deb = readdirSync(tmp).find((f) => f.endsWith('.deb'));
  if (!deb) throw new Error(`apt-get download hello left no .deb (log ${logFile})`);
  renameSync(join(tmp, deb), join(dir, 'hello.deb'));
  rmSync(tmp, { recursive: true, force: true });
}

function sourcesHash(): string {
  const h = createHash('sha256');
  for (const name of ROOT_C_PROGRAMS) h.update(name + '\0').update(readFileSync(join(cSourceDir, `${name}.c`)));
  h.update(readFileSync(join(cSourceDir, 'libxosdyn.c')));
  h.update(COMPILE_RECIPE);
  return h.digest('hex').slice(0, 12);
}

const COMPILE_RECIPE = 'v2: -O2 dynamic; libxosdyn.so found through an absolute DT_RUNPATH';

/** Compiles the C programs inside the root with its gcc and musl-gcc, into /opt/xos/<hash>/{glibc,musl}. */
async function buildPrograms(root: string, hash: string, logFile: string): Promise<void> {
  const guestDir = `/opt/xos/${hash}`;
  const hostDir = join(root, guestDir);
  const partial = hostDir + '.partial';
  rmSync(partial, { recursive: true, force: true });
  mkdirSync(join(partial, 'src'), { recursive: true });
  for (const name of [...ROOT_C_PROGRAMS, 'libxosdyn']) copyFileSync(join(cSourceDir, `${name}.c`), join(partial, 'src', `${name}.c`));
  const guestPartial = `${guestDir}.partial`;
  for (const [libc, cc] of [['glibc', 'gcc'], ['musl', 'musl-gcc']] as const) {
    const out = `${guestPartial}/${libc}`;
    mkdirSync(join(root, out), { recursive: true });
    await run('chroot', [root, cc, '-O2', '-shared', '-fPIC', '-o', `${out}/libxosdyn.so`, `${guestPartial}/src/libxosdyn.c`], logFile, CHROOT_ENV);
    for (const name of ROOT_C_PROGRAMS) {
      // An absolute run path (the final directory): $ORIGIN would need
      // /proc/self/exe, which the native chroot (no /proc mounted) lacks.
      const extra = name === 'dynlink' ? [`-L${out}`, '-lxosdyn', `-Wl,-rpath,${guestDir}/${libc}`, '-ldl', '-pthread'] : [];
      await run('chroot', [root, cc, '-O2', '-o', `${out}/${name}`, `${guestPartial}/src/${name}.c`, ...extra, '-lm'], logFile, CHROOT_ENV);
    }
  }
  renameSync(partial, hostDir);
}

async function prepare(): Promise<DebianRoot> {
  const base = cachePath('debian-bookworm');
  const root = join(base, 'root');
  const ready = join(base, 'READY');
  const lock = join(base, 'lock');
  const hash = sourcesHash();
  const progDir = join(root, 'opt/xos', hash);
  const want = `recipe ${RECIPE_VERSION}\n`;
  const isReady = () => existsSync(ready) && readFileSync(ready, 'utf8').startsWith(want) && existsSync(join(root, 'bin/sh'));
  let buildSeconds = 0;
  const lateMissing = () => LATE_PACKAGES.filter((p) => !existsSync(join(root, p.file))).map((p) => p.name);
  if (!isReady() || !existsSync(progDir) || !existsSync(join(root, 'opt/xos/debs/hello.deb')) || lateMissing().length) {
    await withLock(lock, async () => {
      const t0 = Date.now();
      const logFile = join(base, 'build.log');
      if (!isReady()) {
        rmSync(ready, { force: true });
        await buildRoot(base, root);
        await downloadHello(root, logFile);
        writeFileSync(ready, `${want}built ${new Date().toISOString()}\n`);
      }
      if (!existsSync(join(root, 'opt/xos/debs/hello.deb'))) await downloadHello(root, logFile);
      const late = lateMissing();
      if (late.length) await installLate(root, late, logFile);
      if (!existsSync(progDir)) await buildPrograms(root, hash, logFile);
      buildSeconds = (Date.now() - t0) / 1000;
      if (buildSeconds > 1) log(`ready in ${buildSeconds.toFixed(1)} s`);
    });
  }
  const programs: DebianRoot['programs'] = { glibc: {}, musl: {} };
  for (const libc of ['glibc', 'musl'] as const) {
    for (const name of ROOT_C_PROGRAMS) programs[libc][name] = `/opt/xos/${hash}/${libc}/${name}`;
  }
  return { dir: root, programs, helloDeb: '/opt/xos/debs/hello.deb', buildSeconds };
}
