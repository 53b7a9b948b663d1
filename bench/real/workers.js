// A worker_threads workload for bench/real_programs.sh: N workers hash data
// and count in a SharedArrayBuffer with Atomics, post their digests back,
// and the main thread meanwhile runs pbkdf2 on libuv's thread pool.
// Arguments: [workers] [rounds per worker].
'use strict';
const { Worker, isMainThread, parentPort, workerData } = require('node:worker_threads');
const crypto = require('node:crypto');

function hashRounds(id, rounds, counters) {
  const h = crypto.createHash('sha256');
  const chunk = Buffer.alloc(4096, id);
  for (let i = 0; i < rounds; ++i) {
    h.update(chunk);
    Atomics.add(counters, id, 1);
  }
  return h.digest('hex');
}

if (isMainThread) {
  const n = Number(process.argv[2]) || 4;
  const rounds = Number(process.argv[3]) || 20000;
  const counters = new Int32Array(new SharedArrayBuffer(4 * n));
  const digests = new Array(n);
  const pending = [];
  for (let i = 0; i < n; ++i) {
    pending.push(new Promise((resolve, reject) => {
      const w = new Worker(__filename, { workerData: { id: i, rounds, sab: counters.buffer } });
      w.on('message', (m) => { digests[m.id] = m.digest; });
      w.on('error', reject);
      w.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`worker ${i} exit ${code}`))));
    }));
  }
  for (let i = 0; i < 8; ++i) {
    pending.push(new Promise((resolve, reject) => {
      crypto.pbkdf2(`password${i}`, 'salt', 20000, 32, 'sha256',
                    (err, key) => (err ? reject(err) : resolve(key)));
    }));
  }
  Promise.all(pending).then(() => {
    for (let i = 0; i < n; ++i) {
      if (Atomics.load(counters, i) !== rounds || !digests[i]) {
        console.error(`worker ${i}: ${Atomics.load(counters, i)} rounds`);
        process.exitCode = 1;
        return;
      }
    }
    console.log(`workers ${n} rounds ${rounds} first ${digests[0].slice(0, 16)}`);
  }, (err) => {
    console.error(err);
    process.exitCode = 1;
  });
} else {
  const { id, rounds, sab } = workerData;
  const digest = hashRounds(id, rounds, new Int32Array(sab));
  parentPort.postMessage({ id, digest });
}
