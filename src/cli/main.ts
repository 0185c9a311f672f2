// The `xos` command.
import { readFileSync, writeFileSync, writeSync } from 'node:fs';
import { Machine, parseAddHost, parseMountSpec, parsePublish, parseSize, layerTar, type MountSpec, type NetMode, type PublishSpec } from '../api/index.js';
import { nodeHostDirectory } from '../host/node/hostfs.js';
import { startRelay } from '../host/node/relay.js';
import { SYSCALLS } from '../kernel/syscall-table.js';
import { ISA_FORMS } from '../generated/isa.js';

const USAGE = `usage: xos run [options] PROGRAM [ARG...]
       xos image commit --upper DIR [-o FILE]
                           the changes kept in DIR (an --upper) as an OCI layer tar, with whiteouts
       xos relay [--port N] [--host ADDR] [--allow HOST|CIDR]...
                           a Wisp relay for machines in browsers (ws://127.0.0.1:8080/ by default);
                           with --allow, destinations outside the list are refused
       xos syscalls        the syscall coverage table
       xos isa             the instruction table with each form's status
       xos --help | --version

Run an x86-64 Linux program.
  --root DIR        the guest's / is the host directory DIR (default: the host's /)
  --image IMAGE     the guest's / is a container image: a tar (rootfs or docker export, gzip or not),
                    a docker save archive or an OCI layout directory; writable through an overlay in
                    memory (or --upper DIR), with a tmpfs on /tmp. Without PROGRAM, the image's
                    Entrypoint and Cmd; the guest's environment is the image's Env plus --env.
  --upper DIR       keep the overlay's changes in the host directory DIR (see xos image commit)
  --mount HOST:GUEST[:ro]   mount the host directory HOST at GUEST (repeatable)
  --tmpfs GUEST     mount an empty tmpfs at GUEST (repeatable)
  --env K=V         set a guest environment variable (repeatable; the guest gets xos's environment plus these)
  --cwd DIR         the guest's working directory (default: the host's, or / with --root)
  --memory SIZE     guest memory limit, e.g. 512M, 2G (default 2G)
  --net MODE        bridge (default): the machine's own network, the host's behind it, the host's
                    loopback as host.xos.internal; host: guest sockets are the host's; none: loopback only
  -p, --publish [IP:]HOSTPORT:GUESTPORT[/udp]   the host listens on HOSTPORT for a guest listener (repeatable)
  --add-host NAME:IP   a line of the guest's /etc/hosts, also answered by its DNS (repeatable)
  --relay URL       reach the outside through a Wisp relay (ws://HOST:PORT/) instead of the host's network
  --strace          trace syscalls on stderr
`;

function version(): string {
  const pkg = JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as { version: string };
  return pkg.version;
}

function fail(msg: string, code = 2): never {
  process.stderr.write(`xos: ${msg}\n${code === 2 ? USAGE : ''}`);
  process.exit(code);
}

async function run(args: string[]): Promise<number> {
  let root: string | undefined;
  let image: string | undefined;
  let upper: string | undefined;
  const mounts: MountSpec[] = [];
  let cwd: string | undefined;
  let memory: number | undefined;
  let strace = false;
  const env: string[] = [];
  let net: NetMode | undefined;
  const publish: PublishSpec[] = [];
  const addHosts: { name: string; address: string }[] = [];
  let relay: string | undefined;
  let i = 0;
  for (; i < args.length; i++) {
    const a = args[i];
    if (!a.startsWith('-')) break;
    if (a === '--') { i++; break; }
    const [flag, inline] = a.includes('=') && a.startsWith('--') ? [a.slice(0, a.indexOf('=')), a.slice(a.indexOf('=') + 1)] : [a, undefined];
    const value = () => inline ?? args[++i] ?? fail(`${flag} needs a value`);
    switch (flag) {
      case '--root': root = value(); break;
      case '--image': image = value(); break;
      case '--upper': upper = value(); break;
      case '--mount': { const v = value(); const m = parseMountSpec(v); if (!m) fail(`--mount wants HOST:GUEST[:ro], got ${v}`); mounts.push(m); break; }
      case '--tmpfs': { const v = value(); if (!v.startsWith('/')) fail(`--tmpfs wants a guest path, got ${v}`); mounts.push({ guest: v, type: 'tmpfs' }); break; }
      case '--cwd': cwd = value(); break;
      case '--env': { const v = value(); if (!v.includes('=')) fail(`--env wants K=V, got ${v}`); env.push(v); break; }
      case '--memory': { const v = value(); memory = parseSize(v); if (!memory) fail(`bad --memory size: ${v}`); break; }
      case '--strace': strace = true; break;
      case '--net': case '--network': {
        const v = value();
        if (v !== 'bridge' && v !== 'host' && v !== 'none') fail(`--net wants bridge, host or none, got ${v}`);
        net = v;
        break;
      }
      case '-p': case '--publish': { const v = value(); const p = parsePublish(v); if (!p) fail(`--publish wants [IP:]HOSTPORT:GUESTPORT[/udp], got ${v}`); publish.push(p); break; }
      case '--relay': relay = value(); break;
      case '--add-host': { const v = value(); const h = parseAddHost(v); if (!h) fail(`--add-host wants NAME:IP, got ${v}`); addHosts.push(h); break; }
      default: fail(`unknown option ${a}`);
    }
  }
  let argv = args.slice(i);
  if (root !== undefined && image !== undefined) fail('--root and --image exclude each other');
  if (upper !== undefined && image === undefined) fail('--upper needs --image');
  if (argv.length === 0 && image === undefined) fail('run needs a PROGRAM');
  let machine: Machine;
  try {
    machine = await Machine.create({ root, image, upper, mounts, memory, strace, debug: !!process.env.XOS_DEBUG, net, publish, addHosts, relay });
  } catch (e) {
    const msg = e instanceof Error ? e.message : String(e);
    // the network's errors (a port the host will not publish, an unreachable relay) say what they are about
    if (publish.length || relay !== undefined) {
      if (/publish|relay/.test(msg)) return fail(msg.replace(/^xos: /, ''), 125);
    }
    return fail(`${image ?? root ?? '/'}: ${msg}`, 1);
  }
  const config = machine.imageConfig;
  if (argv.length === 0) {
    argv = [...(config?.entrypoint ?? []), ...(config?.cmd ?? [])];
    if (argv.length === 0) fail('run needs a PROGRAM (the image names none)');
  }
  // With an image the guest gets the image's environment (Machine adds it), not the host's.
  const baseEnv = image !== undefined
    ? [...(config?.env ? [] : ['PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin', 'HOME=/root']),
      ...(process.env.TERM ? [`TERM=${process.env.TERM}`] : [])]
    : Object.entries(process.env).map(([k, v]) => `${k}=${v}`);
  const r = await machine.run(argv, {
    env: [...baseEnv, ...env], cwd: cwd ?? (root || image ? config?.cwd ?? '/' : process.cwd()), stdio: 'inherit',
  });
  if (r.error) {
    process.stderr.write(`xos: ${r.error}\n`);
  }
  return r.signal !== null ? 128 + r.signal : r.exitCode ?? 1;
}

function syscalls(): number {
  const rows = [...SYSCALLS.values()].sort((a, b) => a.nr - b.nr);
  const count = (s: string) => rows.filter((r) => r.status === s).length;
  const lines = rows.map((r) => `${String(r.nr).padStart(3)}  ${r.name.padEnd(24)} ${r.status.padEnd(12)} ${r.note ?? ''}`.trimEnd());
  process.stdout.write(`${lines.join('\n')}\n\n${count('implemented')} implemented, ${count('partial')} partial, ${count('missing')} missing\n`);
  return 0;
}

function isa(): number {
  const lines = ISA_FORMS.map((f) => `${f.opcode.padEnd(18)} ${f.name.padEnd(28)} ${f.status}`);
  const count = (s: string) => ISA_FORMS.filter((f) => f.status === s).length;
  const tested = count('tested'), impl = tested + count('implemented');
  process.stdout.write(`${lines.join('\n')}\n\n${impl} of ${ISA_FORMS.length} forms implemented: ${tested} tested ` +
    `(against the host CPU by the differential tester, test/cpu), ${impl - tested} implemented only; ${count('missing')} missing\n`);
  return 0;
}

// xos image commit --upper DIR [-o FILE]: an overlay's upper directory as an OCI layer.
function imageCommand(args: string[]): number {
  if (args[0] !== 'commit') fail(`unknown image command ${args[0] ?? '(none)'}`);
  let upper: string | undefined, out: string | undefined;
  for (let i = 1; i < args.length; i++) {
    const a = args[i];
    if (a === '--upper') upper = args[++i];
    else if (a.startsWith('--upper=')) upper = a.slice(8);
    else if (a === '-o' || a === '--output') out = args[++i];
    else if (a.startsWith('--output=')) out = a.slice(9);
    else fail(`unknown option ${a}`);
  }
  if (!upper) fail('image commit needs --upper DIR');
  let tar: Uint8Array;
  try {
    tar = layerTar(nodeHostDirectory(upper, { readOnly: true }));
  } catch (e) {
    return fail(`${upper}: ${e instanceof Error ? e.message : String(e)}`, 1);
  }
  if (out) writeFileSync(out, tar);
  else for (let o = 0; o < tar.length;) o += writeSync(1, tar, o, tar.length - o);
  return 0;
}

// xos relay [--port N] [--host ADDR] [--allow HOST|CIDR]...: runs until killed.
async function relayCommand(args: string[]): Promise<number> {
  let port = 8080, host = '127.0.0.1';
  const allow: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    const [flag, inline] = a.startsWith('--') && a.includes('=') ? [a.slice(0, a.indexOf('=')), a.slice(a.indexOf('=') + 1)] : [a, undefined];
    const value = () => inline ?? args[++i] ?? fail(`${flag} needs a value`);
    switch (flag) {
      case '--port': { const v = value(); port = Number(v); if (!Number.isInteger(port) || port < 0 || port > 65535) fail(`bad --port ${v}`); break; }
      case '--host': host = value(); break;
      case '--allow': allow.push(value()); break;
      default: fail(`unknown relay option ${a}`);
    }
  }
  let relay;
  try {
    relay = await startRelay({ port, host, allow, log: (line) => process.stderr.write(`xos relay: ${line}\n`) });
  } catch (e) {
    return fail(e instanceof Error ? e.message : String(e), 1);
  }
  process.stdout.write(`xos relay: listening on ${relay.url}${allow.length ? ` (allowing ${allow.join(', ')})` : ''}\n`);
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  await relay.close();
  return 0;
}

async function main(args: string[]): Promise<number> {
  const [cmd, ...rest] = args;
  switch (cmd) {
    case 'run': return run(rest);
    case 'image': return imageCommand(rest);
    case 'relay': return relayCommand(rest);
    case 'syscalls': return syscalls();
    case 'isa': return isa();
    case '--version': case '-V': process.stdout.write(`xos ${version()}\n`); return 0;
    case '--help': case '-h': case 'help': process.stdout.write(USAGE); return 0;
    case undefined: fail('no command');
    default: fail(`unknown command ${cmd}`);
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (e: unknown) => {
    process.stderr.write(`xos: internal error: ${e instanceof Error ? e.stack ?? e.message : String(e)}\n`);
    process.exit(70);
  },
);
