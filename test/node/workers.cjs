// worker_threads: two workers compute sums and post them back (test/runtimes.test.ts runs it natively and under xos).
const { Worker, isMainThread, parentPort, workerData } = require('worker_threads');
if (isMainThread) {
  const results = [];
  let done = 0;
  for (let i = 0; i < 2; i++) {
    const w = new Worker(__filename, { workerData: i });
    w.on('message', (m) => { results[i] = m; if (++done === 2) console.log('workers said', JSON.stringify(results)); });
    w.on('error', (e) => { console.log('worker error', e.message); process.exitCode = 1; });
  }
} else {
  let s = 0;
  for (let k = 0; k < 100000; k++) s += k * (workerData + 1);
  parentPort.postMessage(s);
}
