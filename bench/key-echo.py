#!/usr/bin/env python3
# Key-to-echo latency of a shell on a terminal: the time from writing one key to
# the pseudo-terminal's master until its echo can be read back, for N keys typed
# one at a time at a shell prompt. Runs a command (default: xos sh) on a fresh
# pty, waits for its prompt, then types. Prints the median and the 90th percentile.
#   python3 bench/key-echo.py [-n N] [--prompt REGEX] -- COMMAND...
# e.g. native:  python3 bench/key-echo.py -- busybox sh
import argparse, os, pty, re, select, statistics, sys, time

ap = argparse.ArgumentParser()
ap.add_argument('-n', type=int, default=100)
ap.add_argument('--prompt', default=r'[#$] $')
ap.add_argument('command', nargs='*')
a = ap.parse_args()
cmd = a.command or ['node', os.path.join(os.path.dirname(__file__), '..', 'bin', 'xos.js'), 'sh']

pid, fd = pty.fork()
if pid == 0:
    os.environ['TERM'] = 'xterm'
    os.environ['PS1'] = '$ '
    os.execvp(cmd[0], cmd)

def read_until(pattern, timeout=120):
    buf, end = b'', time.monotonic() + timeout
    while time.monotonic() < end:
        r, _, _ = select.select([fd], [], [], 0.5)
        if r:
            got = os.read(fd, 4096)
            if b'\x1b[6n' in got:  # a cursor position query (busybox's line editing): answer as a terminal does
                os.write(fd, b'\x1b[1;1R')
                got = got.replace(b'\x1b[6n', b'')
            buf += got
            if re.search(pattern, buf.decode('latin1')):
                return buf
    sys.exit(f'no {pattern!r} in time; got {buf!r}')

read_until(a.prompt)
times = []
for i in range(a.n):
    key = b'abcdefghij'[i % 10:i % 10 + 1]
    t0 = time.perf_counter()
    os.write(fd, key)
    got = b''
    while key not in got:
        select.select([fd], [], [], 10)
        got += os.read(fd, 4096)
    times.append((time.perf_counter() - t0) * 1000)
os.write(fd, b'\x15exit\r')
time.sleep(0.5)
times.sort()
print(f'{" ".join(cmd)}: key to echo, {a.n} keys: median {statistics.median(times):.2f} ms, '
      f'90th percentile {times[int(len(times) * 0.9)]:.2f} ms, max {times[-1]:.2f} ms')
