// A thread-pool workload for bench/real_programs.sh: a fixed pool running
// tasks that contend on a Java monitor and a ReentrantLock with a Condition,
// futures and a latch joined by the main thread, and a parallel stream on the
// common ForkJoin pool. Contention makes HotSpot inflate the monitor and park
// threads on its own pthread mutexes and condition variables, which is what
// the runtime sees. Arguments: [threads] [tasks] [spins per task].
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.stream.LongStream;

public final class ThreadPool {
  private static final Object MONITOR = new Object();
  private static long monitorSum;
  private static final ReentrantLock LOCK = new ReentrantLock();
  private static final Condition PROGRESS = LOCK.newCondition();
  private static int finished;

  private static boolean isPrime(long n) {
    if (n < 2)
      return false;
    for (long d = 2; d * d <= n; ++d)
      if (n % d == 0)
        return false;
    return true;
  }

  private static long task(int id, int spins) {
    long h = id;
    for (int i = 0; i < spins; ++i)
      h = h * 6364136223846793005L + 1442695040888963407L;
    synchronized (MONITOR) {
      monitorSum += h & 0xff;
    }
    LOCK.lock();
    try {
      ++finished;
      PROGRESS.signalAll();
    } finally {
      LOCK.unlock();
    }
    return h;
  }

  public static void main(String[] args) throws Exception {
    int threads = args.length > 0 ? Integer.parseInt(args[0]) : 4;
    int tasks = args.length > 1 ? Integer.parseInt(args[1]) : 4000;
    int spins = args.length > 2 ? Integer.parseInt(args[2]) : 20000;

    ExecutorService pool = Executors.newFixedThreadPool(threads);
    ConcurrentHashMap<Integer, Long> results = new ConcurrentHashMap<>();
    CountDownLatch done = new CountDownLatch(tasks);
    List<Future<Long>> futures = new ArrayList<>();
    for (int t = 0; t < tasks; ++t) {
      final int id = t;
      futures.add(pool.submit(() -> {
        long h = task(id, spins);
        results.put(id, h);
        done.countDown();
        return h;
      }));
    }
    // Wait on the condition the workers signal, as a progress reporter would.
    LOCK.lock();
    try {
      while (finished < tasks / 2)
        PROGRESS.await(10, TimeUnit.SECONDS);
    } finally {
      LOCK.unlock();
    }
    long sum = 0;
    for (Future<Long> f : futures)
      sum += f.get();
    done.await();
    long primes = LongStream.range(2, 300000).parallel().filter(ThreadPool::isPrime).count();
    pool.shutdown();
    if (!pool.awaitTermination(1, TimeUnit.MINUTES)) {
      System.err.println("pool did not terminate");
      System.exit(1);
    }
    if (results.size() != tasks || primes != 25997) {
      System.err.println("wrong result: " + results.size() + " tasks, " + primes + " primes");
      System.exit(1);
    }
    System.out.println("tasks " + tasks + " checksum " + Long.toHexString(sum) + " monitor "
                       + monitorSum + " primes " + primes);
  }
}
