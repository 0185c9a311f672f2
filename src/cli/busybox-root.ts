// The default root of `xos sh` and the page's busybox image: a root file system
// made of Debian's busybox-static (fetched with `apt-get download`, as a user
// would, into ~/.cache/xos or $XOS_CACHE), one link per applet, and the few
// files a shell expects (/etc/passwd, /etc/group, /etc/profile, /root, /tmp).
// Written as a tar (an image xos boots with --image) and cached.
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { Machine } from '../api/index.js';
import { Tmpfs } from '../fs/tmpfs.js';
import { layerTar } from '../fs/overlay.js';
import { nodeChildProcess } from '../host/node/lazy-builtins.js';

// Bump when what goes into the image changes: older cached images are rebuilt.
const RECIPE = 1;

export const cacheDir = (): string => process.env.XOS_CACHE ?? join(homedir(), '.cache', 'xos');

// Debian's busybox-static unpacked in the cache; returns the path of the busybox binary.
export function fetchBusybox(log: (s: string) => void = () => {}): string {
  const dir = join(cacheDir(), 'busybox-static');
  const bin = join(dir, 'bin', 'busybox');
  if (existsSync(bin)) return bin;
  mkdirSync(cacheDir(), { recursive: true });
  const work = mkdtempSync(join(cacheDir(), 'busybox-'));
  try {
    log('xos: fetching Debian\'s busybox-static with apt-get download (once)\n');
    const download = () => {
      try {
        nodeChildProcess().execFileSync('apt-get', ['download', 'busybox-static'], { cwd: work, stdio: ['ignore', 'ignore', 'pipe'] });
        return true;
      } catch { return false; }
    };
    if (!download()) {
      try { nodeChildProcess().execFileSync('apt-get', ['update'], { stdio: ['ignore', 'ignore', 'pipe'] }); } catch { /* reported below */ }
      if (!download()) {
        throw new Error('cannot fetch busybox-static with apt-get download (xos sh needs Debian\'s or Ubuntu\'s apt; '
          + 'as root, `apt-get update` may help). Any image works instead: xos sh --image IMAGE');
      }
    }
    const deb = readdirSync(work).find((f) => f.endsWith('.deb'));
    if (!deb) throw new Error(`apt-get download busybox-static left no .deb in ${work}`);
    const root = join(work, 'root');
    nodeChildProcess().execFileSync('dpkg-deb', ['-x', join(work, deb), root]);
    if (!existsSync(join(root, 'bin', 'busybox'))) throw new Error(`no bin/busybox in ${deb}`);
    try { renameSync(root, dir); } catch { if (!existsSync(bin)) throw new Error(`cannot move busybox into ${dir}`); }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
  return bin;
}

const PASSWD = 'root:x:0:0:root:/root:/bin/sh\ndaemon:x:1:1:daemon:/usr/sbin:/bin/false\nnobody:x:65534:65534:nobody:/nonexistent:/bin/false\n';
const GROUP = 'root:x:0:\ndaemon:x:1:\ntty:x:5:\nusers:x:100:\nnogroup:x:65534:\n';
const PROFILE = `export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
export PS1='\\u@\\h:\\w\\$ '
export PAGER=less
[ -r "$HOME/.profile" ] && [ "$HOME/.profile" != /etc/profile ] && . "$HOME/.profile"
`;

// The root as a tar: busybox, its applets as links (the list from `busybox --list-full`, run
// under xos), and /etc's few files.
export async function busyboxRootTar(busybox: string): Promise<Uint8Array> {
  const m = await Machine.create({ root: join(busybox, '..', '..') });
  const r = await m.run(['/bin/busybox', '--list-full'], { timeout: 120_000 });
  if (r.exitCode !== 0) throw new Error(`busybox --list-full failed under xos: ${r.stderrText || r.error || r.exitCode}`);
  const fs = new Tmpfs({ now: () => 0n, size: 2 ** 30 });
  for (const d of ['/bin', '/sbin', '/usr/bin', '/usr/sbin', '/etc', '/home', '/proc', '/sys', '/dev', '/var/log', '/mnt']) fs.mkdirp(d);
  fs.mkdirp('/root', 0o700);
  fs.chmod('/root', 0o700);
  fs.mkdirp('/tmp');
  fs.chmod('/tmp', 0o1777);
  fs.writeFile('/bin/busybox', readFileSync(busybox), 0o755);
  for (const line of r.stdoutText.split('\n')) {
    const path = '/' + line.trim().replace(/^\/+/, '');
    if (path === '/' || path === '/bin/busybox' || !/^\/[a-z0-9/._[-]+$/i.test(path)) continue;
    fs.symlinkp('/bin/busybox', path); // as `busybox --install -s` makes them
  }
  fs.writeFile('/etc/passwd', PASSWD);
  fs.writeFile('/etc/group', GROUP);
  fs.writeFile('/etc/profile', PROFILE);
  fs.writeFile('/etc/hostname', 'xos\n');
  fs.writeFile('/etc/os-release', 'NAME="xos busybox"\nID=busybox\nPRETTY_NAME="busybox on xos"\n');
  fs.writeFile('/etc/shells', '/bin/sh\n/bin/ash\n');
  fs.writeFile('/root/.profile', '');
  return layerTar(fs);
}

// The cached root image (built on first use); returns its path.
export async function busyboxRootImage(log: (s: string) => void = () => {}): Promise<string> {
  const path = join(cacheDir(), `busybox-root-${RECIPE}.tar`);
  if (existsSync(path)) return path;
  const busybox = fetchBusybox(log);
  log('xos: making the default root from busybox (once)\n');
  const tar = await busyboxRootTar(busybox);
  const tmp = `${path}.${process.pid}`;
  writeFileSync(tmp, tar);
  renameSync(tmp, path);
  return path;
}
