// `xos serve`: the web page (build/web, made by the build) over HTTP. Any static
// server does as well; this one only gets the types right (wasm as
// application/wasm, so the core compiles while it downloads) and asks browsers
// to revalidate, so a rebuilt page is seen at once.
import { createReadStream, existsSync, statSync } from 'node:fs';
import { extname, join, normalize, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { UsageError } from './run.js';
import { nodeHttp } from '../host/node/lazy-builtins.js';

export const SERVE_HELP = `usage: xos serve [--port N] [--host ADDRESS] [--dir DIR]

Serve the web page: an xterm.js terminal on a machine running in your browser (in a Web Worker),
booting the busybox image the build made (build/web/images/busybox.tar). The guest's changes are
kept in the browser's storage. Default: http://127.0.0.1:8080/. build/web is a plain static
site: any static server works as well (python3 -m http.server -d build/web).

  --port N         the port (default 8080; 0 picks a free one)
  --host ADDRESS   the address to listen on (default 127.0.0.1: this machine only)
  --dir DIR        serve DIR instead of build/web
`;

export const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8', '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8', '.wasm': 'application/wasm', '.json': 'application/json', '.map': 'application/json',
  '.tar': 'application/x-tar', '.gz': 'application/gzip', '.png': 'image/png', '.svg': 'image/svg+xml',
  '.txt': 'text/plain; charset=utf-8',
};

export const WEB_DIR = fileURLToPath(new URL('../../../build/web', import.meta.url));

export async function serve(args: string[]): Promise<number> {
  let port = 8080, host = '127.0.0.1', dir = WEB_DIR;
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    const value = () => { const v = args[++i]; if (v === undefined) throw new UsageError(`${a} needs a value`); return v; };
    if (a === '--port' || a === '-p') {
      port = Number(value());
      if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UsageError(`bad port ${args[i]}`);
    } else if (a === '--host') host = value();
    else if (a === '--dir') dir = value();
    else throw new UsageError(`unknown option ${a}`);
  }
  if (!existsSync(join(dir, 'index.html'))) {
    process.stderr.write(`xos: no page in ${dir}: run npm run build in the checkout first\n`);
    return 1;
  }
  const root = normalize(dir);
  const server = nodeHttp().createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    let path: string;
    try { path = decodeURIComponent(url.pathname); } catch { path = '/'; }
    let file = normalize(join(root, path));
    if (file !== root && !file.startsWith(root + sep)) { res.writeHead(403).end(); return; }
    if (existsSync(file) && statSync(file).isDirectory()) file = join(file, 'index.html');
    if (!existsSync(file) || !statSync(file).isFile()) {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found\n');
      return;
    }
    res.writeHead(200, {
      'content-type': TYPES[extname(file)] ?? 'application/octet-stream',
      'content-length': statSync(file).size,
      'cache-control': 'no-cache',
    });
    if (req.method === 'HEAD') { res.end(); return; }
    createReadStream(file).pipe(res);
  });
  await new Promise<void>((ok, fail) => { server.once('error', fail); server.listen(port, host, ok); });
  const addr = server.address();
  const actual = typeof addr === 'object' && addr ? addr.port : port;
  process.stdout.write(`xos: serving ${dir} on http://${host.includes(':') ? `[${host}]` : host}:${actual}/ (Ctrl-C stops)\n`);
  await new Promise<void>((ok) => {
    const stop = () => server.close(() => ok());
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  return 0;
}
