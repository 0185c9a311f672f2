// The `xos` command.
import { readFileSync, writeFileSync, writeSync } from 'node:fs';
import { layerTar } from '../api/index.js';
import { startRelay } from '../host/node/relay.js';
import { nodeHostDirectory } from '../host/node/hostfs.js';
import { SYSCALLS } from '../kernel/syscall-table.js';
import { ISA_FORMS } from '../generated/isa.js';
import { run, sh, resume, RUN_HELP, SH_HELP, RESUME_HELP, UsageError } from './run.js';
import { serve, SERVE_HELP } from './serve.js';

const USAGE = `usage: xos COMMAND [ARG...]

  xos sh [OPTIONS]             a shell in a busybox root made on first use (or --image IMAGE)
  xos run [OPTIONS] PROGRAM [ARG...]
                               run an x86-64 Linux program (in the host's /, --root DIR or --image IMAGE)
  xos resume FILE              continue a machine saved by xos run --save-on-exit or --save-on-signal
  xos serve [--port N]         serve the web page: a terminal on a machine in your browser
  xos relay [--port N] [--host ADDR] [--allow HOST|CIDR]...
                               a Wisp relay for machines in browsers (ws://127.0.0.1:8080/ by default);
                               with --allow, destinations outside the list are refused
  xos image commit --upper DIR [-o FILE]
                               the changes kept in DIR (an --upper) as an OCI layer tar, with whiteouts
  xos syscalls                 the syscall coverage table
  xos isa                      the instruction table: each form's status, handler and source file
  xos help [COMMAND]           this, or a command's options (also xos COMMAND --help)
  xos --version
`;

const IMAGE_HELP = `usage: xos image commit --upper DIR [-o FILE]

The changes an overlay kept in DIR (xos run --image IMAGE --upper DIR) as an OCI layer tar, with
whiteouts for what was removed: on stdout, or in FILE.
`;

const RELAY_HELP = `usage: xos relay [--port N] [--host ADDR] [--allow HOST|CIDR]...

A Wisp relay (a WebSocket server) through which machines in browsers, or xos run --relay URL, reach
the network: on ws://127.0.0.1:8080/ unless --host and --port say otherwise. With --allow, only those
destinations (names or CIDR ranges, repeatable) are reached; others are refused. Runs until killed.
`;

const HELP: Record<string, string> = { run: RUN_HELP, sh: SH_HELP, resume: RESUME_HELP, serve: SERVE_HELP, image: IMAGE_HELP, relay: RELAY_HELP };

function version(): string {
  const pkg = JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as { version: string };
  return pkg.version;
}

// Long outputs are written synchronously: process.exit() right after an asynchronous
// write to a pipe would cut them short.
function writeOut(text: string): void {
  const b = Buffer.from(text);
  for (let o = 0; o < b.length;) o += writeSync(1, b, o, b.length - o);
}

function syscalls(): number {
  const rows = [...SYSCALLS.values()].sort((a, b) => a.nr - b.nr);
  const count = (s: string) => rows.filter((r) => r.status === s).length;
  const lines = rows.map((r) => `${String(r.nr).padStart(3)}  ${r.name.padEnd(24)} ${r.status.padEnd(12)} ${r.note ?? ''}`.trimEnd());
  writeOut(`${lines.join('\n')}\n\n${count('implemented')} implemented, ${count('partial')} partial, ${count('missing')} missing\n`);
  return 0;
}

function isa(): number {
  const lines = ISA_FORMS.map((f) => `${f.opcode.padEnd(24)} ${f.name.padEnd(30)} ${f.status.padEnd(11)} ${f.handler.padEnd(24)} ${f.file}`.trimEnd());
  const count = (s: string) => ISA_FORMS.filter((f) => f.status === s).length;
  const tested = count('tested'), impl = tested + count('implemented');
  writeOut(`${lines.join('\n')}\n\n${impl} of ${ISA_FORMS.length} forms implemented: ${tested} tested ` +
    `(against the host CPU by the differential tester, test/cpu), ${impl - tested} implemented only; ${count('missing')} missing\n`);
  return 0;
}

// xos image commit --upper DIR [-o FILE]: an overlay's upper directory as an OCI layer.
function imageCommand(args: string[]): number {
  if (args[0] !== 'commit') throw new UsageError(`unknown image command ${args[0] ?? '(none)'}`);
  let upper: string | undefined, out: string | undefined;
  for (let i = 1; i < args.length; i++) {
    const a = args[i];
    if (a === '--upper') upper = args[++i];
    else if (a.startsWith('--upper=')) upper = a.slice(8);
    else if (a === '-o' || a === '--output') out = args[++i];
    else if (a.startsWith('--output=')) out = a.slice(9);
    else throw new UsageError(`unknown option ${a}`);
  }
  if (!upper) throw new UsageError('image commit needs --upper DIR');
  let tar: Uint8Array;
  try {
    tar = layerTar(nodeHostDirectory(upper, { readOnly: true }));
  } catch (e) {
    process.stderr.write(`xos: ${upper}: ${e instanceof Error ? e.message : String(e)}\n`);
    return 1;
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
    const value = (): string => {
      const v = inline ?? args[++i];
      if (v === undefined) throw new UsageError(`${flag} needs a value`);
      return v;
    };
    switch (flag) {
      case '--port': { const v = value(); port = Number(v); if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UsageError(`bad --port ${v}`); break; }
      case '--host': host = value(); break;
      case '--allow': allow.push(value()); break;
      default: throw new UsageError(`unknown relay option ${a}`);
    }
  }
  let relay;
  try {
    relay = await startRelay({ port, host, allow, log: (line) => process.stderr.write(`xos relay: ${line}\n`) });
  } catch (e) {
    process.stderr.write(`xos: ${e instanceof Error ? e.message : String(e)}\n`);
    return 1;
  }
  process.stdout.write(`xos relay: listening on ${relay.url}${allow.length ? ` (allowing ${allow.join(', ')})` : ''}\n`);
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  await relay.close();
  return 0;
}

function help(cmd?: string): number {
  if (cmd !== undefined && !HELP[cmd] && cmd !== 'help') throw new UsageError(`no help for ${cmd}: not a command`);
  process.stdout.write(cmd && HELP[cmd] ? HELP[cmd] : USAGE);
  return 0;
}

async function main(args: string[]): Promise<number> {
  const [cmd, ...rest] = args;
  // xos COMMAND --help (before the options, as git and docker take it)
  if (cmd && HELP[cmd] && (rest[0] === '--help' || rest[0] === '-h')) return help(cmd);
  switch (cmd) {
    case 'run': return run(rest);
    case 'sh': return sh(rest);
    case 'resume': return resume(rest);
    case 'serve': return serve(rest);
    case 'image': return imageCommand(rest);
    case 'relay': return relayCommand(rest);
    case 'syscalls': return syscalls();
    case 'isa': return isa();
    case '--version': case '-V': case 'version': process.stdout.write(`xos ${version()}\n`); return 0;
    case '--help': case '-h': case 'help': return help(rest[0]);
    case undefined: throw new UsageError('no command');
    default: throw new UsageError(`unknown command ${cmd}`);
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (e: unknown) => {
    if (e instanceof UsageError) {
      const cmd = process.argv[2];
      process.stderr.write(`xos: ${e.message}\n${HELP[cmd] ? `(xos help ${cmd} lists the options)` : USAGE}\n`);
      process.exit(2);
    }
    process.stderr.write(`xos: internal error: ${e instanceof Error ? e.stack ?? e.message : String(e)}\n`);
    process.exit(70);
  },
);
