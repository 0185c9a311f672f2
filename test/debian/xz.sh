# xz-utils: compress, test, list, decompress, threads (run in a fresh work directory)
seq 1 20000 > numbers.txt
xz -3 -k numbers.txt; xz -t numbers.txt.xz && echo test-ok
xz -dc numbers.txt.xz | sha256sum
xz -T2 -1 -c numbers.txt | xz -d | tail -1
xz -l --robot numbers.txt.xz | cut -f1-5 | head -3
head -c 100000 /usr/bin/perl | xz -1 | xz -d | sha256sum
head -c 100000 /usr/bin/perl | sha256sum
