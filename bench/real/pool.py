"""A thread-pool workload for bench/real_programs.sh.

A concurrent.futures pool hashes buffers (hashlib releases the GIL on large
inputs, so the workers run in parallel), and a producer/consumer pipeline
passes items through a queue.Queue and a threading.Condition.
Arguments: [workers] [tasks].
"""
import concurrent.futures
import hashlib
import queue
import sys
import threading


def digest(i, data):
    h = hashlib.sha256()
    for _ in range(16):
        h.update(data)
        h.update(i.to_bytes(4, "little"))
    return h.hexdigest()


def pipeline(workers, items):
    q = queue.Queue(maxsize=64)
    done = threading.Condition()
    total = [0, 0]  # sum, consumers finished

    def consume():
        s = 0
        while True:
            item = q.get()
            if item is None:
                break
            s += item * item
        with done:
            total[0] += s
            total[1] += 1
            done.notify_all()

    threads = [threading.Thread(target=consume) for _ in range(workers)]
    for t in threads:
        t.start()
    for i in range(items):
        q.put(i)
    for _ in threads:
        q.put(None)
    with done:
        done.wait_for(lambda: total[1] == workers, timeout=60)
    for t in threads:
        t.join()
    return total[0]


def main():
    workers = int(sys.argv[1]) if len(sys.argv) > 1 else 4
    tasks = int(sys.argv[2]) if len(sys.argv) > 2 else 64
    data = bytes(range(256)) * 4096  # 1 MiB
    with concurrent.futures.ThreadPoolExecutor(max_workers=workers) as pool:
        digests = list(pool.map(lambda i: digest(i, data), range(tasks)))
    items = 100000
    s = pipeline(workers, items)
    if len(set(digests)) != tasks or s != sum(i * i for i in range(items)):
        print("wrong result", file=sys.stderr)
        return 1
    print("tasks", tasks, "first", digests[0][:16], "pipeline", s)
    return 0


if __name__ == "__main__":
    sys.exit(main())
