// The gdb stub on a TCP port of the host's loopback (as `qemu-x86_64 -g PORT` and
// gdbserver serve it): one debugger connection; when it closes, the process goes on
// without a debugger (unless the debugger killed it).
import type { Socket } from 'node:net';
import { nodeNet } from './lazy-builtins.js';
import type { Kernel } from '../../kernel/kernel.js';
import type { Tracee } from '../../kernel/debug.js';
import { GdbStub } from '../gdb-remote.js';

export interface GdbServer {
  readonly port: number; // the port listened on (the one given, or the one chosen for port 0)
  // Resolves when a debugger has connected.
  readonly connected: Promise<void>;
  // Stop listening and close the connection (the process goes on, detached).
  close(): Promise<void>;
  // Exceptions the stub met while answering (each answered E01): none, unless xos has a bug.
  readonly internalErrors: readonly string[];
}

export interface GdbServerOptions {
  port: number;
  host?: string; // default 127.0.0.1
  spawned?: boolean; // the process was started for the debugger (qAttached)
}

export function serveGdb(kernel: Kernel, tracee: Tracee, o: GdbServerOptions): Promise<GdbServer> {
  let socket: Socket | undefined;
  let stub: GdbStub | undefined;
  let onConnect!: () => void;
  const connected = new Promise<void>((resolve) => { onConnect = resolve; });
  const server = nodeNet().createServer((s) => {
    server.close(); // one debugger
    socket = s;
    s.setNoDelay(true);
    stub = new GdbStub({
      kernel, tracee, spawned: o.spawned,
      send: (b) => { if (!s.destroyed) s.write(b); },
      end: () => s.end(),
    });
    s.on('data', (b: Buffer) => stub!.receive(new Uint8Array(b.buffer, b.byteOffset, b.byteLength)));
    s.on('close', () => stub!.close());
    s.on('error', () => stub!.close());
    onConnect();
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(o.port, o.host ?? '127.0.0.1', () => {
      server.off('error', reject);
      const addr = server.address();
      const port = typeof addr === 'object' && addr ? addr.port : o.port;
      resolve({
        port, connected,
        get internalErrors() { return stub?.internalErrors ?? []; },
        close: () => new Promise<void>((done) => {
          stub?.close();
          if (server.listening) server.close();
          if (!socket || socket.destroyed) { done(); return; }
          socket.end(() => done());
          socket.once('close', () => done());
        }),
      });
    });
  });
}
