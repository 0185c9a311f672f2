# Python's socket, selectors and asyncio over loopback, client and server in
# one process: TCP and UDP, IPv4 and IPv6, timeouts, getaddrinfo.
import asyncio
import selectors
import socket
import threading

out = []
def say(*a):
    out.append(' '.join(str(x) for x in a))

# --- socket: a threaded echo server ---------------------------------------------------------
def echo_server(family, host):
    srv = socket.socket(family, socket.SOCK_STREAM)
    srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    srv.bind((host, 0))
    srv.listen(8)
    def serve():
        conn, _ = srv.accept()
        with conn:
            while True:
                data = conn.recv(4096)
                if not data:
                    break
                conn.sendall(data.upper())
        srv.close()
    t = threading.Thread(target=serve)
    t.start()
    return srv.getsockname()[1], t

for family, host in ((socket.AF_INET, '127.0.0.1'), (socket.AF_INET6, '::1')):
    port, t = echo_server(family, host)
    with socket.create_connection((host, port), timeout=10) as c:
        c.sendall(b'hello over tcp')
        say('echo', family.name, c.recv(100))
        c.sendall(b'x' * 300000)
        got = b''
        while len(got) < 300000:
            got += c.recv(65536)
        say('big echo', len(got), got == b'X' * 300000)
        c.shutdown(socket.SHUT_WR)
        say('eof', c.recv(10))
    t.join()

# refused, and a timeout
s = socket.socket()
s.bind(('127.0.0.1', 0))
free = s.getsockname()[1]
s.close()
try:
    socket.create_connection(('127.0.0.1', free), timeout=5)
except ConnectionRefusedError as e:
    say('refused', e.errno)
a, b = socket.socketpair()
a.settimeout(0.2)
try:
    a.recv(1)
except socket.timeout:
    say('timeout ok')
a.close(); b.close()

# --- UDP ------------------------------------------------------------------------------------
u1 = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
u1.bind(('127.0.0.1', 0))
u2 = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
u2.sendto(b'ping', u1.getsockname())
data, addr = u1.recvfrom(100)
say('udp', data, addr[0], addr[1] == u2.getsockname()[1])
u1.sendto(b'pong', addr)
say('udp back', u2.recv(100))
u1.close(); u2.close()

# --- selectors: a non-blocking server and client ----------------------------------------------
sel = selectors.DefaultSelector()
srv = socket.socket()
srv.bind(('127.0.0.1', 0))
srv.listen()
srv.setblocking(False)
sel.register(srv, selectors.EVENT_READ, 'accept')
cli = socket.socket()
cli.setblocking(False)
cli.connect_ex(srv.getsockname())
sel.register(cli, selectors.EVENT_WRITE, 'client-writable')
served = None
events_seen = []
done = False
while not done:
    for key, mask in sel.select(timeout=5):
        events_seen.append(key.data)
        if key.data == 'accept':
            conn, _ = srv.accept()
            conn.setblocking(False)
            sel.register(conn, selectors.EVENT_READ, 'server-read')
        elif key.data == 'client-writable':
            cli.send(b'selector data')
            sel.modify(cli, selectors.EVENT_READ, 'client-read')
        elif key.data == 'server-read':
            d = key.fileobj.recv(100)
            key.fileobj.send(d[::-1])
        elif key.data == 'client-read':
            say('selectors', cli.recv(100))
            done = True
say('selector events', sorted(set(events_seen)))
sel.close()

# --- asyncio: streams and datagrams -----------------------------------------------------------
async def main():
    async def handle(reader, writer):
        while line := await reader.readline():
            writer.write(b'> ' + line)
            await writer.drain()
        writer.close()
        await writer.wait_closed()

    for host in ('127.0.0.1', '::1'):
        server = await asyncio.start_server(handle, host, 0)
        port = server.sockets[0].getsockname()[1]
        reader, writer = await asyncio.open_connection(host, port)
        for word in (b'alpha', b'beta', b'gamma'):
            writer.write(word + b'\n')
            await writer.drain()
            say('asyncio', host, (await reader.readline()).strip())
        writer.write_eof()
        say('asyncio eof', await reader.read())
        writer.close()
        await writer.wait_closed()
        server.close()
        await server.wait_closed()

    class Echo(asyncio.DatagramProtocol):
        def connection_made(self, transport): self.transport = transport
        def datagram_received(self, data, addr): self.transport.sendto(data * 2, addr)

    loop = asyncio.get_running_loop()
    transport, _ = await loop.create_datagram_endpoint(Echo, local_addr=('127.0.0.1', 0))
    got = loop.create_future()

    class Client(asyncio.DatagramProtocol):
        def datagram_received(self, data, addr): got.set_result(data)

    ct, _ = await loop.create_datagram_endpoint(Client, remote_addr=transport.get_extra_info('sockname'))
    ct.sendto(b'dgram')
    say('asyncio udp', await asyncio.wait_for(got, 5))
    ct.close()
    transport.close()

asyncio.run(main())

say('getaddrinfo', sorted({(ai[0].name, ai[4][0]) for ai in socket.getaddrinfo('127.0.0.1', 80, type=socket.SOCK_STREAM)}))
say('getaddrinfo ::1', sorted({(ai[0].name, ai[4][0]) for ai in socket.getaddrinfo('::1', 80, type=socket.SOCK_STREAM)}))
say('inet_pton', socket.inet_pton(socket.AF_INET6, '::ffff:1.2.3.4').hex())
print('\n'.join(out))
