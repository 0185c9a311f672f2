// Servers the network tests start on this machine's loopback: Python's
// http.server (run natively from the Debian root), a static HTTP server, `git
// http-backend` behind a small CGI gateway, and a free port to publish on.
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Running { port: number; stop(): Promise<void> }

/** A TCP port nobody listens on right now (for -p, which wants a concrete host port). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as AddressInfo).port;
      s.close(() => resolve(port));
    });
  });
}

function listen(server: Server): Promise<Running> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve({
      port: (server.address() as AddressInfo).port,
      stop: () => new Promise((ok) => { server.closeAllConnections(); server.close(() => ok()); }),
    }));
  });
}

/** Serves `files` (URL path → bytes; a directory's path or .html as text/html); anything else is a 404. */
export function staticServer(files: Map<string, Uint8Array | string>): Promise<Running> {
  return listen(createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    const body = files.get(path);
    const type = path.endsWith('/') || path.endsWith('.html') ? 'text/html' : 'application/octet-stream';
    res.writeHead(body === undefined ? 404 : 200, { 'content-type': type });
    res.end(body ?? 'not found');
  }));
}

/** `python3 -m http.server` on 127.0.0.1 (a free port it picks), serving `dir`, run natively inside `root`. */
export function pythonHttpServer(root: string, dir: string): Promise<Running> {
  return new Promise((resolve, reject) => {
    const child: ChildProcess = spawn('/usr/sbin/chroot', [root, '/usr/bin/python3', '-u', '-m', 'http.server', '0', '--bind', '127.0.0.1', '--directory', dir],
      { stdio: ['ignore', 'pipe', 'pipe'], env: { PATH: '/usr/bin:/bin', LC_ALL: 'C' } });
    let out = '';
    const timer = setTimeout(() => { child.kill('SIGKILL'); reject(new Error(`python3 http.server did not start: ${out}`)); }, 30_000);
    child.stdout!.on('data', (b: Buffer) => {
      out += b.toString();
      const m = /port (\d+)/.exec(out);
      if (!m) return;
      clearTimeout(timer);
      resolve({
        port: Number(m[1]),
        stop: () => new Promise((ok) => { child.once('exit', () => ok()); child.kill('SIGTERM'); }),
      });
    });
    child.stderr!.on('data', (b: Buffer) => { out += b.toString(); });
    child.once('error', (e) => { clearTimeout(timer); reject(e); });
  });
}

/** The repositories under `projectRoot` over smart HTTP: each request runs `git http-backend` (CGI). */
export function gitHttpServer(projectRoot: string): Promise<Running> {
  return listen(createServer((req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://x');
    const cgi = spawn('git', ['http-backend'], {
      env: {
        PATH: process.env.PATH, GIT_PROJECT_ROOT: projectRoot, GIT_HTTP_EXPORT_ALL: '1', REQUEST_METHOD: req.method ?? 'GET',
        PATH_INFO: decodeURIComponent(url.pathname), QUERY_STRING: url.search.slice(1), CONTENT_TYPE: req.headers['content-type'] ?? '',
        REMOTE_ADDR: '127.0.0.1', GIT_PROTOCOL: String(req.headers['git-protocol'] ?? ''),
        HTTP_CONTENT_ENCODING: String(req.headers['content-encoding'] ?? ''),
      },
      stdio: ['pipe', 'pipe', 'inherit'],
    });
    req.pipe(cgi.stdin!);
    const chunks: Buffer[] = [];
    cgi.stdout!.on('data', (b: Buffer) => chunks.push(b));
    cgi.on('close', () => {
      const all = Buffer.concat(chunks);
      const end = all.indexOf('\r\n\r\n');
      const headEnd = end >= 0 ? end : all.indexOf('\n\n');
      const sep = end >= 0 ? 4 : 2;
      const head = all.subarray(0, headEnd).toString('latin1');
      let status = 200;
      const headers: Record<string, string> = {};
      for (const line of head.split(/\r?\n/)) {
        const i = line.indexOf(':');
        if (i < 0) continue;
        const k = line.slice(0, i).trim(), v = line.slice(i + 1).trim();
        if (k.toLowerCase() === 'status') status = Number(v.split(' ')[0]);
        else headers[k] = v;
      }
      res.writeHead(status, headers);
      res.end(all.subarray(headEnd + sep));
    });
  }));
}
