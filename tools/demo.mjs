// `npm run demo [-- APPLET ARGS...]`: run Debian's busybox-static under xos.
// Fetches the package with apt on first use (cached in ~/.cache/xos).
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const cache = join(process.env.XOS_CACHE ?? join(homedir(), '.cache', 'xos'), 'busybox-static');
const busybox = join(cache, 'bin', 'busybox');

if (!existsSync(busybox)) {
  mkdirSync(cache, { recursive: true });
  const download = () => spawnSync('apt-get', ['download', 'busybox-static'], { cwd: cache, stdio: 'inherit' }).status === 0;
  if (!download()) {
    execFileSync('apt-get', ['update'], { stdio: 'inherit' });
    if (!download()) throw new Error('could not fetch busybox-static with apt-get download');
  }
  const deb = readdirSync(cache).find((f) => f.endsWith('.deb'));
  execFileSync('dpkg-deb', ['-x', join(cache, deb), cache]);
}
const args = process.argv.slice(2);
const argv = args.length ? args : ['ls', '-l', '/'];
const r = spawnSync(process.execPath, [join(root, 'bin', 'xos.js'), 'run', busybox, ...argv], { stdio: 'inherit' });
process.exit(r.status ?? 1);
