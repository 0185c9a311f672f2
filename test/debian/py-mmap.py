import mmap, os, tempfile
fd, path = tempfile.mkstemp()
os.write(fd, b"\0" * 8192)
with mmap.mmap(fd, 8192) as m:
    m[0:5] = b"hello"; m[4096:4101] = b"world"; m.flush()
    print(m[0:5], m.find(b"world"), len(m))
with open(path, "rb") as f:
    data = f.read(); print("file sees:", data[0:5], data[4096:4101])
with mmap.mmap(fd, 8192, flags=mmap.MAP_PRIVATE) as p:
    p[0:5] = b"HELLO"; print("private:", p[0:5])
with open(path, "rb") as f:
    print("file after private write:", f.read(5))
m = mmap.mmap(-1, 1 << 20); m.write(b"anon" * 10); m.seek(0); print("anon:", m.read(8), len(m))
pid = os.fork()
if pid == 0:
    m[0:4] = b"CHLD"; os._exit(0)
os.waitpid(pid, 0); print("shared anon after fork:", m[0:4])
m.close()
with mmap.mmap(fd, 8192) as m:
    m.resize(16384); m[16000:16004] = b"grow"; print("resized:", m.size(), os.fstat(fd).st_size)
# no flush: read(2), another mapping and a child's store agree with the mapping at once
with mmap.mmap(fd, 8192) as a, mmap.mmap(fd, 8192) as b:
    a[100:103] = b"abc"; print("other mapping:", b[100:103], "pread:", os.pread(fd, 3, 100))
    os.pwrite(fd, b"xyz", 200); print("pwrite seen:", a[200:203])
    pid = os.fork()
    if pid == 0:
        b[300:305] = b"child"; os._exit(0)
    os.waitpid(pid, 0); print("child store:", a[300:305], os.pread(fd, 5, 300))
os.close(fd); os.unlink(path)
