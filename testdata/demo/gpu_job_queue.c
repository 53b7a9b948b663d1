/*
 * A GPU job queue with a latent fence deadlock.
 *
 * queue_flush() waits for the last submitted job's fence while holding the
 * queue lock, and the scheduler takes the queue lock to pick a job before it
 * signals that job's fence. If the flush takes the lock before the scheduler
 * has picked the job, neither can go on. This run is sequenced so that the
 * scheduler always picks the job first, so it never hangs; fencedep reports
 * the deadlock anyway, from the order of events: queue lock then fence wait
 * in one thread, queue lock then fence signal in the other.
 *
 * A fence here is a completion flag polled with nanosleep, the way a
 * user-mode driver polls a seqno the GPU writes. The runtime cannot see such
 * a wait by itself, hence the fencedep_fence_* annotations. The demo's own
 * sequencing uses plain atomics, which the runtime does not track, so it adds
 * no dependencies of its own.
 */
#include <fencedep/fencedep.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <time.h>

struct gpu_fence {
  atomic_int signalled;
  atomic_int waiters;
};

struct job {
  int id;
  struct gpu_fence done;
  struct job *next;
};

struct job_queue {
  pthread_mutex_t lock;
  struct job *head;
  struct job *last_submitted;
};

static struct job_queue queue;
static struct job job = {.id = 1};
static atomic_int job_picked;

static void sleep_ms(long ms) {
  struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
  nanosleep(&ts, NULL);
}

static void fence_init(struct gpu_fence *f) {
  atomic_init(&f->signalled, 0);
  atomic_init(&f->waiters, 0);
  fencedep_fence_init(f, "gpu-ring", 0);
}

static void fence_wait(struct gpu_fence *f) {
  fencedep_fence_wait_begin(f);
  atomic_fetch_add(&f->waiters, 1);
  while (!atomic_load(&f->signalled))
    sleep_ms(1);
  fencedep_fence_wait_end(f);
}

static void fence_signal(struct gpu_fence *f) {
  fencedep_fence_signal(f);
  atomic_store(&f->signalled, 1);
}

static void queue_init(struct job_queue *q) {
  pthread_mutex_init(&q->lock, NULL);
  q->head = NULL;
  q->last_submitted = NULL;
}

static void queue_submit(struct job_queue *q, struct job *j) {
  fence_init(&j->done);
  pthread_mutex_lock(&q->lock);
  j->next = q->head;
  q->head = j;
  q->last_submitted = j;
  pthread_mutex_unlock(&q->lock);
}

static struct job *queue_pick(struct job_queue *q) {
  pthread_mutex_lock(&q->lock);
  struct job *j = q->head;
  if (j)
    q->head = j->next;
  pthread_mutex_unlock(&q->lock);
  return j;
}

/* Waits until the last submitted job has run. The bug: it waits under the
 * queue lock, which the scheduler needs before it can run any job. */
static void queue_flush(struct job_queue *q) {
  pthread_mutex_lock(&q->lock);
  if (q->last_submitted)
    fence_wait(&q->last_submitted->done);
  pthread_mutex_unlock(&q->lock);
}

static void *scheduler_main(void *arg) {
  struct job_queue *q = arg;
  struct job *j;
  while (!(j = queue_pick(q)))
    sleep_ms(1);
  atomic_store(&job_picked, 1);
  /* Demo sequencing: the GPU finishes once the flush is waiting, so that
   * this run shows the flush really blocking under the lock. */
  while (!atomic_load(&j->done.waiters))
    sleep_ms(1);
  fence_signal(&j->done);
  return NULL;
}

static void *submitter_main(void *arg) {
  struct job_queue *q = arg;
  queue_submit(q, &job);
  /* Demo sequencing: flush only after the scheduler has picked the job.
   * The other order is the deadlock. */
  while (!atomic_load(&job_picked))
    sleep_ms(1);
  queue_flush(q);
  return NULL;
}

int main(void) {
  pthread_t scheduler, submitter;
  queue_init(&queue);
  pthread_create(&scheduler, NULL, scheduler_main, &queue);
  pthread_create(&submitter, NULL, submitter_main, &queue);
  pthread_join(submitter, NULL);
  pthread_join(scheduler, NULL);
  printf("gpu_job_queue: job %d ran and the flush returned; no hang this time\n", job.id);
  return 0;
}
