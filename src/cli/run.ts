// `xos run` and `xos sh`: options (docker's short spellings too), the machine, the program.
import { resolve } from 'node:path';
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { constants } from 'node:os';
import { openHostTerminal } from '../host/node/terminal.js';
import { Machine, formatStats, parseAddHost, parseMountSpec, parsePublish, memorySize, type MountSpec, type NetMode, type PublishSpec } from '../api/index.js';
import { busyboxRootImage } from './busybox-root.js';

export const RUN_HELP = `usage: xos run [OPTIONS] PROGRAM [ARG...]
       xos run [OPTIONS] --image IMAGE [PROGRAM [ARG...]]

Run an x86-64 Linux program. PROGRAM is a path in the guest, or a name looked up in its PATH.

  --root DIR             the guest's / is the host directory DIR (default: the host's /)
  --image IMAGE          the guest's / is a container image: a tar (rootfs or docker export, gzip or
                         not), a docker save archive or an OCI layout directory; writable through an
                         overlay in memory (or --upper DIR), with a tmpfs on /tmp. Without PROGRAM,
                         the image's Entrypoint and Cmd; the environment is the image's Env plus -e.
  --upper DIR            keep the overlay's changes in the host directory DIR (see xos image commit)
  -v, --mount HOST:GUEST[:ro]
                         mount the host directory HOST at GUEST (repeatable)
  --tmpfs GUEST          mount an empty tmpfs at GUEST (repeatable)
  -e, --env K=V          set a guest environment variable (repeatable; the guest gets xos's
                         environment plus these, or the image's)
  -w, --cwd DIR          the guest's working directory (default: the host's, or / with --root)
  -m, --memory SIZE      the machine's memory, e.g. 512M, 2G (default 2G; 6M to 4G): guest memory,
                         tmpfs, pipes and the page cache all count against it
  --pids-max N           the most processes and threads at once (docker's --pids-limit)
  --timeout TIME         kill the guest after TIME (seconds, or 500ms, 10s, 5m, 1h) and exit with
                         status 124, as timeout(1) does
  -t, --tty              give the guest a terminal even when stdin is not one
  -i, --interactive      keep stdin open (it always is; accepted for docker's -it)
  -T, --no-tty           no terminal even when stdin is one: stdin, stdout and stderr stay as they are
  --rm                   accepted for docker's spelling (the overlay is always dropped unless --upper)
  --net MODE             bridge (default): the machine's own network, the host's behind it, the
                         host's loopback as host.xos.internal; host: guest sockets are the host's;
                         none: loopback only
  -p, --publish [IP:]HOSTPORT:GUESTPORT[/udp]
                         the host listens on HOSTPORT for a guest listener (repeatable)
  --add-host NAME:IP     a line of the guest's /etc/hosts, also answered by its DNS (repeatable)
  --relay URL            reach the outside through a Wisp relay (ws://HOST:PORT/, xos relay)
                         instead of the host's network
  --strace               trace syscalls on stderr
  --jit on|off           translate hot code to WebAssembly (default off for now; XOS_JIT=1 or 0
                         in the environment sets the default)
  --stats                when the program ends, print on stderr its instructions, their rate and
                         what the JIT did (regions and modules compiled, compile time, invalidations)
  --save-on-exit FILE    when xos is told to stop (SIGTERM, SIGHUP), save the machine to FILE
                         instead of ending its programs (xos resume FILE continues them)
  --save-on-signal SIG FILE
                         on signal SIG (e.g. SIGUSR2) save the machine to FILE and go on
  -g, --gdb PORT         serve GDB's remote protocol on 127.0.0.1:PORT (as qemu-user's -g): the
                         program waits at its first instruction for a debugger to connect and
                         continue it (gdb -ex 'target remote :PORT' PROGRAM); stdio stays as it is

When stdin is a terminal, the guest gets a pseudo-terminal of xos's own (/dev/pts/0) sized like
yours, and your terminal is in raw mode until xos ends: ^C, ^Z and ^\\ go to the guest's foreground
job, ^D is end of file. xos exits with the guest's status, or 128+N when it died of signal N.
`;

export const SH_HELP = `usage: xos sh [OPTIONS] [--image IMAGE] [ARG...]

A shell in a Linux root with no set-up: without --image, a root made of Debian's busybox-static
(fetched with apt-get download and built into ~/.cache/xos on first use); with --image, the
image's bash or sh. The changes live in memory and are gone when the shell exits (--upper DIR
keeps them). Takes the options of xos run (-v, -e, -w, -m, ...); ARGs go to the shell
(xos sh -c 'uname -a').
`;

export class UsageError extends Error {}

interface Parsed {
  root?: string; image?: string; upper?: string; mounts: MountSpec[]; cwd?: string; memory?: number;
  pidsMax?: number; timeout?: number; strace: boolean; jit?: boolean; stats?: boolean; env: string[]; tty?: boolean; argv: string[]; gdbPort?: number;
  net?: NetMode; publish: PublishSpec[]; addHosts: { name: string; address: string }[]; relay?: string;
  saveOnExit?: string; saveOnSignal?: { signal: NodeJS.Signals; file: string };
}

// Options up to the first argument that is not one (or --).
export function parseRunArgs(args: string[], passUnknown = false): Parsed {
  const o: Parsed = { mounts: [], strace: false, env: [], argv: [], publish: [], addHosts: [] };
  let i = 0;
  for (; i < args.length; i++) {
    const a = args[i];
    if (!a.startsWith('-') || a === '-') break;
    if (passUnknown && !KNOWN.test(a)) break; // xos sh -c CMD: the shell's option
    if (a === '--') { i++; break; }
    // -it, -ti: docker's short flags together
    if (/^-[itT]{2,}$/.test(a)) {
      for (const c of a.slice(1)) if (c === 't') o.tty = true; else if (c === 'T') o.tty = false;
      continue;
    }
    const eq = a.startsWith('--') ? a.indexOf('=') : -1;
    const flag = eq > 0 ? a.slice(0, eq) : a;
    const inline = eq > 0 ? a.slice(eq + 1) : undefined;
    const value = (): string => {
      const v = inline ?? args[++i];
      if (v === undefined) throw new UsageError(`${flag} needs a value`);
      return v;
    };
    switch (flag) {
      case '--root': o.root = value(); break;
      case '--image': o.image = value(); break;
      case '--upper': o.upper = value(); break;
      case '-v': case '--mount': case '--volume': {
        const v = value(), m = parseMountSpec(v);
        if (!m) throw new UsageError(`${flag} wants HOST:GUEST[:ro], got ${v}`);
        if (m.host) m.host = resolve(m.host);
        o.mounts.push(m);
        break;
      }
      case '--tmpfs': {
        const v = value();
        if (!v.startsWith('/')) throw new UsageError(`--tmpfs wants a guest path, got ${v}`);
        o.mounts.push({ guest: v, type: 'tmpfs' });
        break;
      }
      case '-w': case '--cwd': case '--workdir': o.cwd = value(); break;
      case '-e': case '--env': {
        const v = value();
        if (v.includes('=')) o.env.push(v);
        else if (process.env[v] !== undefined) o.env.push(`${v}=${process.env[v]}`); // docker's -e NAME
        else if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(v)) throw new UsageError(`${flag} wants K=V, got ${v}`);
        break;
      }
      case '-m': case '--memory': {
        const v = value();
        try { o.memory = memorySize(v); } catch (e) { throw new UsageError(`--memory ${v}: ${(e as Error).message.replace(/^xos: /, '')}`); }
        break;
      }
      case '--pids-max': case '--pids-limit': {
        const v = value();
        o.pidsMax = Number(v);
        if (!/^[0-9]+$/.test(v) || o.pidsMax < 1) throw new UsageError(`${flag} wants a positive number, got ${v}`);
        break;
      }
      case '--timeout': {
        const v = value();
        o.timeout = duration(v);
        if (o.timeout === undefined) throw new UsageError(`--timeout wants a duration (10, 10s, 500ms, 5m, 1h), got ${v}`);
        break;
      }
      case '-t': case '--tty': o.tty = true; break;
      case '-T': case '--no-tty': o.tty = false; break;
      case '-i': case '--interactive': case '--rm': break;
      case '--strace': o.strace = true; break;
      case '--jit': {
        const v = value();
        if (v !== 'on' && v !== 'off') throw new UsageError(`--jit wants on or off, got ${v}`);
        o.jit = v === 'on';
        break;
      }
      case '--stats': o.stats = true; break;
      case '--net': case '--network': {
        const v = value();
        if (v !== 'bridge' && v !== 'host' && v !== 'none') throw new UsageError(`--net wants bridge, host or none, got ${v}`);
        o.net = v;
        break;
      }
      case '-p': case '--publish': {
        const v = value(), p = parsePublish(v);
        if (!p) throw new UsageError(`--publish wants [IP:]HOSTPORT:GUESTPORT[/udp], got ${v}`);
        o.publish.push(p);
        break;
      }
      case '--add-host': {
        const v = value(), h = parseAddHost(v);
        if (!h) throw new UsageError(`--add-host wants NAME:IP, got ${v}`);
        o.addHosts.push(h);
        break;
      }
      case '--relay': o.relay = value(); break;
      case '--save-on-exit': o.saveOnExit = resolve(value()); break;
      case '--save-on-signal': {
        const v = value().toUpperCase(), sig = (v.startsWith('SIG') ? v : `SIG${v}`) as NodeJS.Signals;
        if (!(sig in constants.signals) || ['SIGKILL', 'SIGSTOP', 'SIGINT', 'SIGTERM', 'SIGHUP', 'SIGQUIT'].includes(sig)) {
          throw new UsageError(`--save-on-signal wants a signal xos may take for itself (SIGUSR1, SIGUSR2, ...), got ${v}`);
        }
        const file = args[++i];
        if (file === undefined) throw new UsageError('--save-on-signal needs a signal and a FILE');
        o.saveOnSignal = { signal: sig, file: resolve(file) };
        break;
      }
      case '-g': case '--gdb': {
        const v = value();
        o.gdbPort = /^\d+$/.test(v) ? Number(v) : NaN;
        if (!(o.gdbPort >= 1 && o.gdbPort <= 65535)) throw new UsageError(`${flag} wants a TCP port, got ${v}`);
        break;
      }
      default: throw new UsageError(`unknown option ${a}`);
    }
  }
  o.argv = args.slice(i);
  if (o.root !== undefined && o.image !== undefined) throw new UsageError('--root and --image exclude each other');
  if (o.upper !== undefined && o.image === undefined) throw new UsageError('--upper needs --image');
  return o;
}

const KNOWN = /^(--(root|image|upper|mount|volume|tmpfs|cwd|workdir|env|memory|pids-max|pids-limit|timeout|tty|no-tty|interactive|rm|strace|jit|stats|net|network|publish|add-host|relay|gdb|save-on-exit|save-on-signal)(=.*)?|-[vwemtTipg]|-[itT]+|--)$/;

// '10' (seconds), '500ms', '10s', '5m', '1h', '1d' → milliseconds (undefined when unreadable).
function duration(s: string): number | undefined {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m|h|d)?$/.exec(s.trim());
  if (!m) return undefined;
  const ms = parseFloat(m[1]) * { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 }[(m[2] ?? 's') as 'ms' | 's' | 'm' | 'h' | 'd'];
  return ms > 0 && Number.isFinite(ms) ? ms : undefined;
}

const DEFAULT_PATH = 'PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

async function runParsed(o: Parsed, shell: boolean): Promise<number> {
  let machine: Machine;
  try {
    machine = await Machine.create({
      root: o.root, image: o.image, upper: o.upper, mounts: o.mounts, memory: o.memory, pidsMax: o.pidsMax, strace: o.strace,
      debug: !!process.env.XOS_DEBUG, injectBugs: process.env.XOS_INJECT_BUG?.split(',').filter(Boolean),
      net: o.net, publish: o.publish, addHosts: o.addHosts, relay: o.relay, jit: o.jit,
    });
  } catch (e) {
    const msg = e instanceof Error ? e.message : String(e);
    // the network's errors (a port the host will not publish, an unreachable relay) say what they are about
    if ((o.publish.length || o.relay !== undefined) && /publish|relay/.test(msg)) {
      process.stderr.write(`xos: ${msg.replace(/^xos: /, '')}\n`);
      return 125;
    }
    process.stderr.write(`xos: ${o.image ?? o.root}: ${e instanceof Error ? e.message : String(e)}\n`);
    return 1;
  }
  const config = machine.imageConfig;
  let argv = o.argv;
  let cwd = o.cwd;
  if (shell) {
    const sh = machine.fs.exists('/bin/bash') ? '/bin/bash' : '/bin/sh';
    argv = [sh, '-l', ...argv];
    cwd ??= machine.fs.exists('/root') ? '/root' : '/';
  } else if (argv.length === 0) {
    if (o.image === undefined) throw new UsageError('run needs a PROGRAM');
    argv = [...(config?.entrypoint ?? []), ...(config?.cmd ?? [])];
    if (argv.length === 0) throw new UsageError('run needs a PROGRAM (the image names none)');
  }
  // With an image the guest gets the image's environment (Machine adds it), not the host's.
  const term = process.env.TERM ? [`TERM=${process.env.TERM}`] : [];
  const baseEnv = o.image !== undefined
    ? [...(config?.env ? [] : [DEFAULT_PATH, 'HOME=/root']), ...term, ...(shell ? ['HOME=/root'] : [])]
    : Object.entries(process.env).map(([k, v]) => `${k}=${v}`);
  const stopSaving = saveOnRequest(machine, o);
  let r;
  const t0 = process.hrtime.bigint(); // (not performance.now(): loading perf_hooks costs start-up time)
  try {
    r = await machine.run(argv, {
      env: [...baseEnv, ...o.env], cwd: cwd ?? (o.root || o.image ? config?.cwd ?? '/' : process.cwd()), stdio: 'inherit',
      tty: o.tty, timeout: o.timeout,
      gdb: o.gdbPort === undefined ? undefined : {
        port: o.gdbPort,
        onListening: (server) => process.stderr.write(`xos: waiting for gdb on 127.0.0.1:${server.port}\n`),
      },
    });
  } catch (e) {
    process.stderr.write(`xos: ${e instanceof Error ? e.message : String(e)}\n`);
    return 1;
  } finally {
    await stopSaving();
  }
  if (r.error) process.stderr.write(`xos: ${r.error}\n`);
  if (o.stats) process.stderr.write(formatStats(r, Number(process.hrtime.bigint() - t0) / 1e6) + '\n');
  if (r.timedOut) {
    process.stderr.write(`xos: ${argv[0]}: killed after the --timeout of ${o.timeout! / 1000} s\n`);
    return 124;
  }
  return r.signal !== null ? 128 + r.signal : r.exitCode ?? 1;
}

// Write a snapshot so that a reader never sees half of one: into a temporary beside FILE, renamed over it.
async function saveTo(machine: Machine, file: string): Promise<void> {
  const bytes = await machine.snapshot();
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, bytes);
  renameSync(tmp, file);
}

// --save-on-signal and --save-on-exit: handlers until the program ends (the returned function removes
// them, and waits for a save on exit under way: xos ends when it is written).
function saveOnRequest(machine: Machine, o: Parsed): () => Promise<void> {
  const off: (() => void)[] = [];
  let exiting: Promise<void> | undefined;
  const fail = (e: unknown) => process.stderr.write(`xos: could not save the machine: ${e instanceof Error ? e.message : String(e)}\n`);
  if (o.saveOnSignal) {
    const { signal, file } = o.saveOnSignal;
    const h = () => { saveTo(machine, file).then(() => process.stderr.write(`xos: saved the machine to ${file}\n`), fail); };
    process.on(signal, h);
    off.push(() => process.off(signal, h));
  }
  if (o.saveOnExit) {
    const file = o.saveOnExit;
    // first, before the machine's own handlers pass the signal to the guest: the snapshot is taken
    // before this handler returns (the machine is read before the first wait)
    const h = () => {
      exiting ??= saveTo(machine, file).then(() => {
        process.stderr.write(`xos: saved the machine to ${file} (xos resume ${file} continues it)\n`);
        process.exit(0);
      }, (e) => { fail(e); process.exit(1); });
    };
    for (const sig of ['SIGTERM', 'SIGHUP'] as const) { process.prependListener(sig, h); off.push(() => process.off(sig, h)); }
  }
  return async () => {
    for (const f of off) f();
    if (exiting) await exiting;
  };
}

export const RESUME_HELP = `usage: xos resume [--image IMAGE] FILE

Continue a machine saved with xos run --save-on-exit or --save-on-signal (or Machine.snapshot):
its programs go on where they were, on this terminal (or stdio). --image: the image the machine
was built on, when it has moved (checked against the digest the snapshot keeps).
`;

// xos resume FILE: the saved machine's first program, on this terminal, to its end.
export async function resume(args: string[]): Promise<number> {
  let image: string | undefined, file: string | undefined;
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (a === '--image') image = args[++i];
    else if (a.startsWith('--image=')) image = a.slice(8);
    else if (a.startsWith('-') && a !== '-') throw new UsageError(`unknown option ${a}`);
    else if (file === undefined) file = a;
    else throw new UsageError('resume takes one FILE');
  }
  if (!file) throw new UsageError('resume needs a FILE');
  let machine: Machine;
  try {
    machine = await Machine.restore(readFileSync(file), image !== undefined ? { image: resolve(image) } : {});
  } catch (e) {
    process.stderr.write(`xos: ${file}: ${e instanceof Error ? e.message : String(e)}\n`);
    return 1;
  }
  const p = machine.processes[0];
  if (!p) { machine.close(); process.stderr.write(`xos: ${file}: the saved machine runs no program\n`); return 1; }
  // a program on a pseudo-terminal gets this terminal (raw meanwhile); one on the console has it already
  const term = machine.hasTerminal(p) ? openHostTerminal(true) : undefined;
  if (term) {
    p.stdout.on('data', (d: Buffer) => term.output(d));
    term.attach({ write: (d) => p.stdin.write(d), resize: (s) => p.resize(s.cols, s.rows), hangup: () => p.kill('SIGHUP') });
    p.resize(term.size.cols, term.size.rows);
  } else {
    p.stdout.pipe(process.stdout);
    p.stderr.pipe(process.stderr);
  }
  const st = await p.wait();
  term?.detach();
  machine.close();
  return st.signal !== null ? 128 + st.signal : st.exitCode ?? 1;
}

export function run(args: string[]): Promise<number> {
  return runParsed(parseRunArgs(args), false);
}

// xos sh: the default root (or --image) and its shell.
export async function sh(args: string[]): Promise<number> {
  const o = parseRunArgs(args, true);
  if (o.root === undefined && o.image === undefined) {
    try {
      o.image = await busyboxRootImage((s) => process.stderr.write(s));
    } catch (e) {
      process.stderr.write(`xos: ${e instanceof Error ? e.message : String(e)}\n`);
      return 1;
    }
  }
  return runParsed(o, true);
}
