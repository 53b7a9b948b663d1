// A report from a thread holding more locks than a report lists: the lock
// of the cycle, taken first, is listed with its place in the held set, the
// latest others after it, and the rest counted. One thread nests
// accounts -> journal; another takes journal, then 20 unrelated locks by
// trylock (no ordering of their own), then accounts.
//
// EXPECT-EXIT: 66
// CHECK: WARNING: possible circular locking dependency detected
// CHECK: 21 locks held by thread {{[0-9]+}}, 16 of them shown (the cycle's and the latest):
// CHECK-NEXT: #0: (journal)
// CHECK-NEXT: #6: (mutex held_many.c:{{[0-9]+:[0-9]+}} in main), at: journal_then_accounts held_many.c:{{[0-9]+:[0-9]+}}
// CHECK: #20: (mutex held_many.c:{{[0-9]+:[0-9]+}} in main), at: journal_then_accounts held_many.c:
// CHECK-NEXT: ... and 5 more
// CHECK: SUMMARY: fencedep: lock-order {{accounts -> journal -> accounts|journal -> accounts -> journal}} (pid {{[0-9]+}})
// CHECK-NOT: WARNING
#include "scenario.h"

static pthread_mutex_t accounts, journal;
static pthread_mutex_t fillers[20];

static void *accounts_then_journal(void *arg) {
  CHECK_PT(pthread_mutex_lock(&accounts));
  CHECK_PT(pthread_mutex_lock(&journal));
  CHECK_PT(pthread_mutex_unlock(&journal));
  CHECK_PT(pthread_mutex_unlock(&accounts));
  return NULL;
}

static void *journal_then_accounts(void *arg) {
  CHECK_PT(pthread_mutex_lock(&journal));
  for (int i = 0; i < 20; ++i)
    CHECK_PT(pthread_mutex_trylock(&fillers[i]));
  CHECK_PT(pthread_mutex_lock(&accounts));
  CHECK_PT(pthread_mutex_unlock(&accounts));
  for (int i = 19; i >= 0; --i)
    CHECK_PT(pthread_mutex_unlock(&fillers[i]));
  CHECK_PT(pthread_mutex_unlock(&journal));
  return NULL;
}

int main(void) {
  CHECK_PT(pthread_mutex_init(&accounts, NULL));
  CHECK_PT(pthread_mutex_init(&journal, NULL));
  fencedep_set_class(&accounts, "accounts");
  fencedep_set_class(&journal, "journal");
  for (int i = 0; i < 20; ++i)
    CHECK_PT(pthread_mutex_init(&fillers[i], NULL));
  pthread_t t;
  CHECK_PT(pthread_create(&t, NULL, accounts_then_journal, NULL));
  CHECK_PT(pthread_join(t, NULL));
  CHECK_PT(pthread_create(&t, NULL, journal_then_accounts, NULL));
  CHECK_PT(pthread_join(t, NULL));
  return 0;
}
