// The network: guests fetching from servers on this machine's loopback (as
// host.xos.internal, and at 127.0.0.1 with --net host), a guest server
// published with -p and fetched by the host, names from --add-host and the
// machine's DNS server, python3's socket/selectors/asyncio (natively in the
// Debian root and under xos, compared), curl, git clone over smart HTTP, pip
// from a package index, and the interfaces as ip, /sys/class/net, /proc/net and
// glibc see them. All traffic stays on 127.0.0.1.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync, readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { get } from 'node:http';
import { debianSkipReason, getDebianNetRoot, type DebianRoot } from './lib/debian-root.js';
import { freePort, gitHttpServer, pythonHttpServer, staticServer, type Running } from './lib/net-servers.js';
import { assertSameRun, runXos, xosCommand, type RunResult } from './lib/run.js';
import { getBusybox } from './lib/busybox.js';
import { LIBCS, buildC, skipReason } from './lib/build-c.js';
import { createSocket as udpSocket } from 'node:dgram';
import { xosCli } from './lib/root.js';
import { connectWebSocket } from '../src/host/node/websocket.js';
import { WispClient, wispHostNet } from '../src/net/wisp.js';
import type { ChildProcess } from 'node:child_process';

const ENV = { PATH: '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin', LC_ALL: 'C', HOME: '/root' };
const skip = debianSkipReason();

function ok(r: RunResult, what: string): string {
  assert.equal(r.status, 0, `${what}: status ${r.status}\nstdout:\n${r.stdout}\nstderr:\n${r.stderr.toString().slice(-3000)}`);
  return r.stdout.toString();
}

function httpGet(url: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    get(url, (res) => {
      let body = '';
      res.on('data', (b: Buffer) => { body += b.toString(); });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    }).on('error', reject);
  });
}

// A guest server needs a moment to listen: until then connections fail. The answer, or undefined after two minutes.
async function httpGetSoon(url: string): Promise<{ status: number; body: string } | undefined> {
  const deadline = Date.now() + 120_000;
  while (Date.now() < deadline) {
    const got = await httpGet(url).catch(() => undefined);
    if (got) return got;
    await new Promise((r) => setTimeout(r, 300));
  }
  return undefined;
}

describe('network: busybox', { concurrency: 2 }, () => {
  let busybox = '';
  let web: Running;
  const page = `served by the host ${process.pid}\n`;
  before(async () => {
    busybox = await getBusybox();
    web = await staticServer(new Map([['/page.txt', page]]));
  });
  after(async () => { await web?.stop(); });

  it('wget fetches from the host as host.xos.internal', async () => {
    const r = await runXos([busybox, 'wget', '-q', '-O', '-', `http://host.xos.internal:${web.port}/page.txt`]);
    assert.equal(ok(r, 'wget'), page);
  });

  it('wget fetches from 127.0.0.1 with --net host', async () => {
    const r = await runXos([busybox, 'wget', '-q', '-O', '-', `http://127.0.0.1:${web.port}/page.txt`], { xosArgs: ['--net', 'host'] });
    assert.equal(ok(r, 'wget --net host'), page);
  });

  it("the machine's 127.0.0.1 is its own: the host's server is not there", async () => {
    const r = await runXos([busybox, 'wget', '-q', '-O', '-', `http://127.0.0.1:${web.port}/page.txt`]);
    assert.notEqual(r.status, 0);
    assert.match(r.stderr.toString(), /refused/i);
  });

  it('--net none: the outside is unreachable', async () => {
    const r = await runXos([busybox, 'wget', '-q', '-O', '-', `http://192.0.2.1:${web.port}/page.txt`], { xosArgs: ['--net', 'none'] });
    assert.notEqual(r.status, 0);
    assert.match(r.stderr.toString(), /unreachable/i);
  });

  it('the DNS server answers --add-host names and host.xos.internal', async () => {
    const r = await runXos([busybox, 'sh', '-c', 'cat /etc/resolv.conf; nslookup db.example; nslookup host.xos.internal'],
      { xosArgs: ['--add-host', 'db.example:192.0.2.44'] });
    const out = ok(r, 'nslookup');
    assert.match(out, /^nameserver 10\.0\.2\.3$/m);
    assert.match(out, /Name:\s+db\.example\s+Address:\s+192\.0\.2\.44/);
    assert.match(out, /Name:\s+host\.xos\.internal\s+Address:\s+10\.0\.2\.2/);
  });

  for (const libc of LIBCS) {
    it(`getifaddrs, if_nameindex and if_nametoindex (${libc}) see lo and eth0`, { skip: skipReason(libc) }, async () => {
      const exe = await buildC('net-ifaddrs', libc);
      const out = ok(await runXos([exe]), 'net-ifaddrs').trim().split('\n').sort();
      assert.deepEqual(out, [
        'ifaddr eth0 inet 10.0.2.15 255.255.255.0 up=1 loopback=0', 'ifaddr eth0 packet 02:42:0a:00:02:0f - up=1 loopback=0',
        'ifaddr lo inet 127.0.0.1 255.0.0.0 up=1 loopback=1', 'ifaddr lo inet6 ::1 - up=1 loopback=1',
        'ifaddr lo packet 00:00:00:00:00:00 - up=1 loopback=1', 'index 1 lo', 'index 2 eth0', 'indextoname 2 eth0',
        'nametoindex eth0 2 lo 1 nope 0',
      ]);
    });
  }

  it('bad destinations: port 0, nobody on the machine\'s network, IPv6 outside (bridge and none)', async () => {
    const exe = await buildC('net-edges', 'glibc');
    const bridge = ok(await runXos([exe]), 'net-edges');
    assert.equal(bridge, 'gateway port 0: Connection refused\ngateway port 0 udp: Invalid argument\n' +
      'nobody on the machine\'s network: No route to host\nnobody on the machine\'s network udp: No route to host\n' +
      'IPv6 outside: Network is unreachable\nIPv6 outside udp: Network is unreachable\n');
    const none = ok(await runXos([exe], { xosArgs: ['--net', 'none'] }), 'net-edges --net none');
    assert.equal(none, 'gateway port 0: Network is unreachable\ngateway port 0 udp: Invalid argument\n' +
      'nobody on the machine\'s network: Network is unreachable\nnobody on the machine\'s network udp: Network is unreachable\n' +
      'IPv6 outside: Network is unreachable\nIPv6 outside udp: Network is unreachable\n');
  });

  it('busybox ifconfig (ioctls and /proc/net/dev); changes are refused as in a container', async () => {
    const r = await runXos([busybox, 'sh', '-c', 'ifconfig eth0; ifconfig eth0 mtu 1400; echo "status $?"']);
    const out = r.stdout.toString();
    assert.match(out, /HWaddr 02:42:0A:00:02:0F/);
    assert.match(out, /inet addr:10\.0\.2\.15\s+Bcast:10\.0\.2\.255\s+Mask:255\.255\.255\.0/);
    assert.match(out, /status 1/);
    assert.match(r.stderr.toString(), /SIOCSIFMTU: Operation not permitted/);
  });

  it('with --net host a guest server binds on the host itself', async () => {
    const port = await freePort();
    const dir = mkdtempSync('/tmp/xos-hostnet-');
    writeFileSync(join(dir, 'index.html'), `bound on the host ${port}\n`);
    const [node, ...args] = [process.execPath, ...xosCommand([busybox, 'httpd', '-f', '-p', `127.0.0.1:${port}`, '-h', dir], { xosArgs: ['--net', 'host'] })];
    const child = spawn(node, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    try {
      const got = await httpGetSoon(`http://127.0.0.1:${port}/index.html`);
      assert.ok(got, 'the guest server never answered');
      assert.equal(got.body, `bound on the host ${port}\n`);
    } finally {
      child.kill('SIGKILL');
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('a guest server published with -p answers the host', async () => {
    const hostPort = await freePort();
    const dir = mkdtempSync('/tmp/xos-publish-');
    writeFileSync(join(dir, 'index.html'), `guest page ${hostPort}\n`);
    const [node, ...args] = [process.execPath, ...xosCommand([busybox, 'httpd', '-f', '-p', '8000', '-h', dir], { xosArgs: ['-p', `127.0.0.1:${hostPort}:8000`] })];
    const child = spawn(node, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let err = '';
    child.stderr.on('data', (b: Buffer) => { err += b.toString(); });
    try {
      const got = await httpGetSoon(`http://127.0.0.1:${hostPort}/index.html`);
      assert.ok(got, `the published port never answered; xos said: ${err}`);
      assert.equal(got.status, 200);
      assert.equal(got.body, `guest page ${hostPort}\n`);
    } finally {
      child.kill('SIGKILL');
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('network: a Wisp relay (xos relay)', { concurrency: 2 }, () => {
  let busybox = '';
  let web: Running;
  let relay: ChildProcess;
  let url = '';
  const relayLog: string[] = [];
  const page = 'through the relay\n';
  before(async () => {
    busybox = await getBusybox();
    web = await staticServer(new Map([['/page.txt', page]]));
    relay = spawn(process.execPath, [xosCli, 'relay', '--port', '0', '--allow', '127.0.0.1/32', '--allow', 'localhost'], { stdio: ['ignore', 'pipe', 'pipe'] });
    relay.stderr!.on('data', (b: Buffer) => relayLog.push(b.toString()));
    url = await new Promise<string>((resolve, reject) => {
      let out = '';
      relay.stdout!.on('data', (b: Buffer) => {
        out += b.toString();
        const m = /listening on (ws:\/\/\S+)/.exec(out);
        if (m) resolve(m[1]);
      });
      relay.once('exit', (code) => reject(new Error(`xos relay exited (${code}): ${out}`)));
    });
  });
  after(async () => {
    relay?.kill('SIGTERM');
    await web?.stop();
  });

  it('a guest fetches from the host through the relay', async () => {
    const r = await runXos([busybox, 'wget', '-q', '-O', '-', `http://host.xos.internal:${web.port}/page.txt`], { xosArgs: ['--relay', url] });
    assert.equal(ok(r, 'wget through the relay'), page);
  });

  it('a destination outside the allow-list is refused, and says so', async () => {
    const r = await runXos([busybox, 'wget', '-q', '-O', '-', 'http://192.0.2.1:8000/'], { xosArgs: ['--relay', url] });
    assert.notEqual(r.status, 0);
    assert.match(r.stderr.toString(), /xos: the relay refused 192\.0\.2\.1:8000 \(not in its allow-list\)/);
    assert.match(r.stderr.toString(), /Connection refused/);
    assert.match(relayLog.join(''), /refused 192\.0\.2\.1:8000/);
  });

  it("the relay answers DNS queries with its host's resolver", async () => {
    const client = new WispClient(await connectWebSocket(url));
    const net = wispHostNet(client);
    // a query for localhost, type A: the relay's loopback comes back as the gateway
    const q = Uint8Array.from([0x12, 0x34, 1, 0, 0, 1, 0, 0, 0, 0, 0, 0, 9, ...Buffer.from('localhost'), 0, 0, 1, 0, 1]);
    const reply = await net.query!(q);
    client.close();
    assert.ok(reply, 'no reply');
    assert.equal(reply[0], 0x12);
    assert.equal(reply[3] & 0xf, 0, 'rcode NOERROR');
    assert.deepEqual([...reply.subarray(reply.length - 4)], [10, 0, 2, 2]);
  });
});

describe('network: the Debian root', { skip, concurrency: 2 }, () => {
  let root: DebianRoot;
  let py: Running;
  let work: string;
  const page = 'a page from python http.server\n';
  const inRoot = (...argv: string[]) => runXos(argv, { root: root.dir, env: ENV, cwd: '/' });

  before(async () => {
    root = await getDebianNetRoot();
    work = join(root.dir, 'tmp', `xos-net-${process.pid}`);
    mkdirSync(work, { recursive: true });
    writeFileSync(join(work, 'page.txt'), page);
    py = await pythonHttpServer(root.dir, `/tmp/xos-net-${process.pid}`);
  });
  after(async () => {
    await py?.stop();
    if (work) rmSync(work, { recursive: true, force: true });
  });

  it('python3 socket, selectors and asyncio: the same natively and under xos (bridge and --net host)', async () => {
    mkdirSync(join(root.dir, 'opt/xos/scripts'), { recursive: true });
    writeFileSync(join(root.dir, 'opt/xos/scripts/py-net.py'), readFileSync(new URL('../../test/debian/py-net.py', import.meta.url)));
    const argv = ['/usr/bin/python3', '/opt/xos/scripts/py-net.py'];
    const native = await new Promise<RunResult>((resolve) => {
      const c = spawn('/usr/sbin/chroot', [root.dir, ...argv], { env: ENV });
      const out: Buffer[] = [], err: Buffer[] = [];
      c.stdout.on('data', (b: Buffer) => out.push(b));
      c.stderr.on('data', (b: Buffer) => err.push(b));
      c.on('close', (code) => resolve({ label: 'native', status: code ?? 1, signal: null, stdout: Buffer.concat(out), stderr: Buffer.concat(err), timedOut: false, ms: 0 }));
    });
    assert.equal(native.status, 0, native.stderr.toString());
    const xos = await inRoot(...argv);
    assertSameRun(native, xos, 'py-net.py');
    // and with --net host, every socket the host's own
    const host = await runXos(argv, { root: root.dir, env: ENV, cwd: '/', xosArgs: ['--net', 'host'] });
    assertSameRun(native, host, 'py-net.py --net host');
  });

  it('curl fetches from the host as host.xos.internal, and at 127.0.0.1 with --net host', async () => {
    const r = await inRoot('curl', '-sS', `http://host.xos.internal:${py.port}/page.txt`);
    assert.equal(ok(r, 'curl'), page);
    const h = await runXos(['curl', '-sS', `http://127.0.0.1:${py.port}/page.txt`], { root: root.dir, env: ENV, xosArgs: ['--net', 'host'] });
    assert.equal(ok(h, 'curl --net host'), page);
  });

  it('busybox wget from python http.server', async () => {
    const r = await inRoot('busybox', 'wget', '-q', '-O', '-', `http://host.xos.internal:${py.port}/page.txt`);
    assert.equal(ok(r, 'busybox wget'), page);
  });

  it('UDP: a guest asks a host server as host.xos.internal, and answers the host on a published port', async () => {
    // a host echo server
    const echo = udpSocket('udp4');
    echo.on('message', (m, r) => echo.send(Buffer.concat([Buffer.from('echo: '), m]), r.port, r.address));
    await new Promise<void>((ok) => echo.bind(0, '127.0.0.1', () => ok()));
    const echoPort = echo.address().port;
    try {
      const r = await inRoot('python3', '-c', `
import socket
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.settimeout(20)
s.sendto(b'from the guest', ('host.xos.internal', ${echoPort}))
data, addr = s.recvfrom(100)
print(data.decode(), addr[0])`);
      assert.equal(ok(r, 'udp to the host'), 'echo: from the guest 10.0.2.2\n');
    } finally {
      echo.close();
    }
    // a guest echo server published with -p HOSTPORT:9000/udp
    const hostPort = await freePort();
    const [node, ...args] = [process.execPath, ...xosCommand(['python3', '-c', `
import socket
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(('0.0.0.0', 9000))
for _ in range(100):
    data, addr = s.recvfrom(100)
    s.sendto(b'guest got ' + data + b' from ' + addr[0].encode(), addr)
`], { root: root.dir, env: ENV, xosArgs: ['-p', `127.0.0.1:${hostPort}:9000/udp`] })];
    const child = spawn(node, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    const client = udpSocket('udp4');
    try {
      const reply = await new Promise<string>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error('no reply from the published UDP port')), 120_000);
        client.on('message', (m) => { clearTimeout(timer); clearInterval(again); resolve(m.toString()); });
        // until the guest has bound its socket, datagrams are dropped: send again now and then
        const again = setInterval(() => client.send('hello', hostPort, '127.0.0.1'), 500);
      });
      assert.equal(reply, 'guest got hello from 10.0.2.2');
    } finally {
      client.close();
      child.kill('SIGKILL');
    }
  });

  it('getent hosts finds a name given with --add-host', async () => {
    const r = await runXos(['getent', 'hosts', 'files.example', 'host.xos.internal'], { root: root.dir, env: ENV, xosArgs: ['--add-host', 'files.example:192.0.2.9'] });
    const out = ok(r, 'getent');
    assert.match(out, /^192\.0\.2\.9\s+files\.example$/m);
    assert.match(out, /^10\.0\.2\.2\s+host\.xos\.internal$/m);
  });

  it('ip, /sys/class/net, /proc/net/dev and glibc see the same interfaces', async () => {
    const script = [
      'ip -o link | cut -d: -f2 | tr -d " " | paste -sd,',
      'ls /sys/class/net | paste -sd,',
      "tail -n +3 /proc/net/dev | cut -d: -f1 | tr -d ' ' | paste -sd,",
      "python3 -c 'import socket; print(\",\".join(n for i, n in socket.if_nameindex()))'",
      'ip -o -4 addr show eth0 | tr -s " " | cut -d" " -f4',
      'cat /sys/class/net/eth0/address',
      "ip -o link show eth0 | grep -o 'link/ether [0-9a-f:]*' | cut -d' ' -f2",
      'cat /sys/class/net/lo/ifindex /sys/class/net/eth0/ifindex | paste -sd,',
      'ip route | head -1',
      "python3 -c 'import socket; print(sorted({a[4][0] for a in socket.getaddrinfo(\"host.xos.internal\", 80, flags=socket.AI_ADDRCONFIG)}))'",
    ].join('; ');
    const lines = ok(await inRoot('/bin/sh', '-c', script), 'interfaces').trim().split('\n');
    assert.deepEqual(lines.slice(0, 4), ['lo,eth0', 'eth0,lo', 'lo,eth0', 'lo,eth0']);
    assert.equal(lines[4], '10.0.2.15/24');
    assert.equal(lines[5], lines[6]);
    assert.equal(lines[7], '1,2');
    assert.equal(lines[8], 'default via 10.0.2.2 dev eth0 ');
    assert.equal(lines[9], "['10.0.2.2']");
  });

  it('/proc/net/tcp and /proc/net/udp6 show the guest sockets', async () => {
    const script = `
import socket
t = socket.socket(); t.bind(('127.0.0.1', 0)); t.listen(3)
u = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM); u.bind(('::1', 0))
tp, up = t.getsockname()[1], u.getsockname()[1]
tcp = [l.split() for l in open('/proc/net/tcp').readlines()[1:]]
udp6 = [l.split() for l in open('/proc/net/udp6').readlines()[1:]]
print([f[3] for f in tcp if f[1] == '0100007F:%04X' % tp])
print([f[3] for f in udp6 if f[1] == '00000000000000000000000001000000:%04X' % up])
`;
    const out = ok(await inRoot('python3', '-c', script), '/proc/net');
    assert.equal(out, "['0A']\n['07']\n");
  });

  it('git clone over HTTP from git http-backend on the host (--net host)', async () => {
    const base = mkdtempSync('/tmp/xos-git-');
    let server: Running | undefined;
    try {
      const src = join(base, 'src');
      mkdirSync(src);
      const git = (cwd: string, ...args: string[]) => execFileSync('git', args, { cwd, env: { ...process.env, GIT_AUTHOR_NAME: 'xos', GIT_AUTHOR_EMAIL: 'xos@example.invalid', GIT_COMMITTER_NAME: 'xos', GIT_COMMITTER_EMAIL: 'xos@example.invalid' } });
      git(src, 'init', '-q', '-b', 'main');
      writeFileSync(join(src, 'README'), 'cloned through xos\n');
      git(src, 'add', 'README');
      git(src, 'commit', '-q', '-m', 'the first commit');
      git(base, 'clone', '-q', '--bare', 'src', 'repo.git');
      server = await gitHttpServer(base);
      const dest = `/tmp/xos-net-${process.pid}/clone`;
      const r = await runXos(['/bin/sh', '-c', `git clone -q http://127.0.0.1:${server.port}/repo.git ${dest} && git -C ${dest} log --format=%s && cat ${dest}/README`],
        { root: root.dir, env: ENV, xosArgs: ['--net', 'host'] });
      assert.equal(ok(r, 'git clone'), 'the first commit\ncloned through xos\n');
    } finally {
      await server?.stop();
      rmSync(base, { recursive: true, force: true });
    }
  });

  it('pip installs a wheel from a package index on the host', async () => {
    // the wheel, made natively with the root's python
    const dir = `/tmp/xos-net-${process.pid}/index`;
    const make = `
import zipfile, hashlib, base64, os
os.makedirs('${dir}', exist_ok=True)
name = '${dir}/xosdemo-1.0-py3-none-any.whl'
files = {'xosdemo/__init__.py': b'VALUE = "installed from the host index"\\n',
  'xosdemo-1.0.dist-info/METADATA': b'Metadata-Version: 2.1\\nName: xosdemo\\nVersion: 1.0\\n',
  'xosdemo-1.0.dist-info/WHEEL': b'Wheel-Version: 1.0\\nGenerator: xos-test\\nRoot-Is-Purelib: true\\nTag: py3-none-any\\n'}
record = ''.join('%s,sha256=%s,%d\\n' % (p, base64.urlsafe_b64encode(hashlib.sha256(d).digest()).rstrip(b'=').decode(), len(d)) for p, d in files.items())
files['xosdemo-1.0.dist-info/RECORD'] = (record + 'xosdemo-1.0.dist-info/RECORD,,\\n').encode()
with zipfile.ZipFile(name, 'w') as z:
    for p, d in files.items(): z.writestr(p, d)
`;
    execFileSync('/usr/sbin/chroot', [root.dir, '/usr/bin/python3', '-c', make], { env: ENV });
    const wheel = readFileSync(join(root.dir, dir, 'xosdemo-1.0-py3-none-any.whl'));
    const index = await staticServer(new Map<string, Uint8Array | string>([
      ['/simple/xosdemo/', '<!DOCTYPE html><html><body><a href="/files/xosdemo-1.0-py3-none-any.whl">xosdemo-1.0-py3-none-any.whl</a></body></html>\n'],
      ['/files/xosdemo-1.0-py3-none-any.whl', wheel],
    ]));
    try {
      const target = `/tmp/xos-net-${process.pid}/site`;
      const r = await inRoot('/bin/sh', '-c',
        `python3 -m pip install -q --no-cache-dir --disable-pip-version-check --break-system-packages --trusted-host host.xos.internal --index-url http://host.xos.internal:${index.port}/simple --target ${target} xosdemo ` +
        `&& PYTHONPATH=${target} python3 -c 'import xosdemo; print(xosdemo.VALUE)'`);
      assert.equal(ok(r, 'pip install'), 'installed from the host index\n');
      assert.ok(existsSync(join(root.dir, target, 'xosdemo-1.0.dist-info', 'RECORD')));
    } finally {
      await index.stop();
    }
  });
});
