import os, sys, subprocess, threading, signal, time, queue, tempfile
r = subprocess.run(["sh", "-c", "echo from child; exit 3"], capture_output=True, text=True)
print("run:", r.returncode, r.stdout.strip())
print("check_output:", subprocess.check_output(["printf", "%s-%s", "a", "b"]).decode())
p = subprocess.Popen(["cat"], stdin=subprocess.PIPE, stdout=subprocess.PIPE)
out, _ = p.communicate(b"piped through cat\n" * 3); print("popen:", p.returncode, out.count(b"\n"))
p = subprocess.Popen(["sleep", "30"]); p.kill(); print("killed:", p.wait())
try:
    subprocess.run(["sleep", "10"], timeout=0.3)
except subprocess.TimeoutExpired:
    print("timeout expired")
print("shell pipe:", subprocess.run("seq 1 10 | tail -n 2 | tr '\\n' ' '", shell=True, capture_output=True, text=True).stdout)
results = []
lock = threading.Lock()
def work(n):
    s = sum(i * i for i in range(n * 1000))
    with lock:
        results.append((n, s))
ts = [threading.Thread(target=work, args=(n,)) for n in range(1, 9)]
for t in ts: t.start()
for t in ts: t.join()
print("threads:", sorted(results)[:3], len(results))
q = queue.Queue()
def producer():
    for i in range(100): q.put(i)
    q.put(None)
threading.Thread(target=producer).start()
total = 0
while (x := q.get()) is not None: total += x
print("queue:", total)
ev = threading.Event(); threading.Timer(0.05, ev.set).start(); print("event:", ev.wait(5))
pid = os.fork()
if pid == 0:
    os._exit(42)
_, status = os.waitpid(pid, 0); print("fork:", os.WIFEXITED(status), os.WEXITSTATUS(status))
rfd, wfd = os.pipe()
pid = os.fork()
if pid == 0:
    os.close(rfd); os.write(wfd, b"hello through a pipe"); os._exit(0)
os.close(wfd); data = b""
while chunk := os.read(rfd, 4): data += chunk
os.waitpid(pid, 0); print("pipe:", data.decode())
got = []
signal.signal(signal.SIGUSR1, lambda s, f: got.append(s))
os.kill(os.getpid(), signal.SIGUSR1); print("signal:", got == [signal.SIGUSR1])
signal.signal(signal.SIGALRM, lambda s, f: got.append("alarm"))
signal.setitimer(signal.ITIMER_REAL, 0.05); time.sleep(0.5); print("alarm:", got[-1])
pid = os.fork()
if pid == 0:
    time.sleep(30); os._exit(0)
os.kill(pid, signal.SIGKILL); _, status = os.waitpid(pid, 0); print("sigkill:", os.WIFSIGNALED(status), os.WTERMSIG(status))
try:
    signal.signal(signal.SIGINT, signal.default_int_handler); os.kill(os.getpid(), signal.SIGINT); time.sleep(1)
except KeyboardInterrupt:
    print("KeyboardInterrupt")
with tempfile.TemporaryDirectory() as d:
    path = os.path.join(d, "f"); open(path, "w").write("x" * 1000); print("tempfile:", os.path.getsize(path), os.listdir(d))
print("env:", os.environ.get("HOME"), os.getcwd(), os.getuid(), sys.platform, sys.maxsize, sys.byteorder)
sys.exit(5)
