// The `xos` command.
import { readFileSync, writeFileSync, writeSync } from 'node:fs';
import { Machine, parseMountSpec, parseSize, layerTar, type MountSpec } from '../api/index.js';
import { nodeHostDirectory } from '../host/node/hostfs.js';
import { SYSCALLS } from '../kernel/syscall-table.js';
import { ISA_FORMS } from '../generated/isa.js';

const USAGE = `usage: xos run [options] PROGRAM [ARG...]
       xos image commit --upper DIR [-o FILE]
                           the changes kept in DIR (an --upper) as an OCI layer tar, with whiteouts
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
  --strace          trace syscalls on stderr
  -g PORT, --gdb PORT   serve GDB's remote protocol on 127.0.0.1:PORT; the program waits at its
                    first instruction for a debugger (gdb -ex 'target remote :PORT' PROGRAM)
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
  let gdbPort: number | undefined;
  const env: string[] = [];
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
      case '-g': case '--gdb': {
        const v = value();
        gdbPort = /^\d+$/.test(v) ? Number(v) : NaN;
        if (!(gdbPort >= 1 && gdbPort <= 65535)) fail(`${flag} wants a TCP port, got ${v}`);
        break;
      }
      default: fail(`unknown option ${a}`);
    }
  }
  let argv = args.slice(i);
  if (root !== undefined && image !== undefined) fail('--root and --image exclude each other');
  if (upper !== undefined && image === undefined) fail('--upper needs --image');
  if (argv.length === 0 && image === undefined) fail('run needs a PROGRAM');
  let machine: Machine;
  try {
    machine = await Machine.create({ root, image, upper, mounts, memory, strace, debug: !!process.env.XOS_DEBUG });
  } catch (e) {
    return fail(`${image ?? root}: ${e instanceof Error ? e.message : String(e)}`, 1);
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
  let r;
  try {
    r = await machine.run(argv, {
      env: [...baseEnv, ...env], cwd: cwd ?? (root || image ? config?.cwd ?? '/' : process.cwd()), stdio: 'inherit',
      gdb: gdbPort === undefined ? undefined : {
        port: gdbPort,
        onListening: (server) => process.stderr.write(`xos: waiting for gdb on 127.0.0.1:${server.port}\n`),
      },
    });
  } catch (e) {
    return fail(`${e instanceof Error ? e.message : String(e)}`, 1);
  }
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

async function main(args: string[]): Promise<number> {
  const [cmd, ...rest] = args;
  switch (cmd) {
    case 'run': return run(rest);
    case 'image': return imageCommand(rest);
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
