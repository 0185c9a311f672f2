// What the tests need from the system, checked before `npm test` runs them:
// compilers for the differential C programs (gcc, glibc's static libc, musl-gcc),
// Chromium for the browser tests, debootstrap for the Debian root, tmux for the
// terminal tests, Debian's Go for the Go programs, gdb for the debugger tests, apt-get and dpkg-deb for
// Debian's busybox-static. As root (CI, a fresh container) the missing ones are installed with apt-get;
// otherwise the suite stops at once and names the one command that installs them.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

const has = (cmd) => spawnSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore' }).status === 0;
const staticLibc = () => ['/usr/lib/x86_64-linux-gnu/libc.a', '/usr/lib64/libc.a', '/usr/lib/libc.a'].some(existsSync);

// package → whether it is there
const NEEDS = [
  ['gcc', () => has('gcc')],
  ['libc6-dev', staticLibc],
  ['musl-tools', () => has('musl-gcc')],
  ['chromium', () => existsSync(process.env.XOS_CHROMIUM || '/usr/bin/chromium')],
  ['debootstrap', () => has('debootstrap')],
  ['tmux', () => has('tmux')],
  ['golang-go', () => has('go') || existsSync('/usr/lib/go/bin/go')], // Go programs of test/runtimes.test.ts
  ['gdb', () => has('gdb')],
  ['git', () => has('git')], // the repository test/net.test.ts serves to a guest with git http-backend
];

if (process.platform !== 'linux' || process.arch !== 'x64') {
  process.stderr.write('xos tests: they compare every program with its native run, so they need an x86-64 Linux machine (Debian or Ubuntu).\n');
  process.exit(1);
}
if (!has('apt-get') || !has('dpkg-deb')) {
  process.stderr.write('xos tests: they fetch Debian\'s packages (busybox-static, a debootstrap root) with apt-get and dpkg-deb: run them on Debian or Ubuntu.\n');
  process.exit(1);
}
const missing = NEEDS.filter(([, ok]) => !ok()).map(([pkg]) => pkg);
if (missing.length) {
  const cmd = `apt-get install -y --no-install-recommends ${missing.join(' ')}`;
  if (process.getuid?.() === 0) {
    process.stdout.write(`xos tests: installing what they need: ${missing.join(' ')}\n`);
    const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
    try {
      execFileSync('sh', ['-c', cmd], { stdio: 'inherit', env });
    } catch {
      execFileSync('apt-get', ['update'], { stdio: 'inherit', env });
      execFileSync('sh', ['-c', cmd], { stdio: 'inherit', env });
    }
    const still = NEEDS.filter(([, ok]) => !ok()).map(([pkg]) => pkg);
    if (still.length) {
      process.stderr.write(`xos tests: still missing after apt-get: ${still.join(' ')}\n`);
      process.exit(1);
    }
  } else {
    process.stderr.write(`xos tests: missing ${missing.join(', ')}. Install them first (once):\n\n  sudo apt-get update && sudo ${cmd}\n\n`);
    process.exit(1);
  }
}
