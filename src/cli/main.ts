// The `xos` command.
import { readFileSync } from 'node:fs';
import { Machine, parseSize } from '../api/index.js';
import { SYSCALLS } from '../kernel/syscall-table.js';
import { ISA_FORMS } from '../generated/isa.js';

const USAGE = `usage: xos run [options] PROGRAM [ARG...]
       xos syscalls        the syscall coverage table
       xos isa             the instruction table with each form's status
       xos --help | --version

Run an x86-64 Linux program.
  --root DIR        the guest's / is the host directory DIR (default: the host's /)
  --env K=V         set a guest environment variable (repeatable; the guest gets xos's environment plus these)
  --cwd DIR         the guest's working directory (default: the host's, or / with --root)
  --memory SIZE     guest memory limit, e.g. 512M, 2G (default 2G)
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
  let cwd: string | undefined;
  let memory: number | undefined;
  let strace = false;
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
      case '--cwd': cwd = value(); break;
      case '--env': { const v = value(); if (!v.includes('=')) fail(`--env wants K=V, got ${v}`); env.push(v); break; }
      case '--memory': { const v = value(); memory = parseSize(v); if (!memory) fail(`bad --memory size: ${v}`); break; }
      case '--strace': strace = true; break;
      default: fail(`unknown option ${a}`);
    }
  }
  const argv = args.slice(i);
  if (argv.length === 0) fail('run needs a PROGRAM');
  const hostEnv = Object.entries(process.env).map(([k, v]) => `${k}=${v}`);
  const machine = await Machine.create({ root, memory, strace, debug: !!process.env.XOS_DEBUG });
  const r = await machine.run(argv, { env: [...hostEnv, ...env], cwd: cwd ?? (root ? '/' : process.cwd()), stdio: 'inherit' });
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
  const impl = ISA_FORMS.filter((f) => f.status === 'implemented').length;
  process.stdout.write(`${lines.join('\n')}\n\n${impl} of ${ISA_FORMS.length} forms implemented\n`);
  return 0;
}

async function main(args: string[]): Promise<number> {
  const [cmd, ...rest] = args;
  switch (cmd) {
    case 'run': return run(rest);
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
