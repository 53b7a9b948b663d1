// The real libc / libpthread functions behind every hook, resolved once with
// dlsym(RTLD_NEXT) (falling back to RTLD_DEFAULT, rejecting our own
// definitions). All bindings are listed in one place: FENCEDEP_REAL_FUNCTIONS.
#pragma once
#include <poll.h>
#include <pthread.h>
#include <semaphore.h>
#include <signal.h>
#include <sys/epoll.h>
#include <sys/select.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <time.h>

namespace fencedep::runtime {

using thread_start_fn = void *(*)(void *);

// X(name, return type, parameter list, glibc version or nullptr)
#define FENCEDEP_REAL_FUNCTIONS(X)                                                           \
  X(pthread_mutex_init, int, (pthread_mutex_t *, const pthread_mutexattr_t *), nullptr)     \
  X(pthread_mutex_destroy, int, (pthread_mutex_t *), nullptr)                               \
  X(pthread_mutex_lock, int, (pthread_mutex_t *), nullptr)                                  \
  X(pthread_mutex_trylock, int, (pthread_mutex_t *), nullptr)                               \
  X(pthread_mutex_timedlock, int, (pthread_mutex_t *, const struct timespec *), nullptr)    \
  X(pthread_mutex_clocklock, int, (pthread_mutex_t *, clockid_t, const struct timespec *),  \
    nullptr)                                                                                \
  X(pthread_mutex_unlock, int, (pthread_mutex_t *), nullptr)                                \
  X(pthread_rwlock_init, int, (pthread_rwlock_t *, const pthread_rwlockattr_t *), nullptr)  \
  X(pthread_rwlock_destroy, int, (pthread_rwlock_t *), nullptr)                             \
  X(pthread_rwlock_rdlock, int, (pthread_rwlock_t *), nullptr)                              \
  X(pthread_rwlock_tryrdlock, int, (pthread_rwlock_t *), nullptr)                           \
  X(pthread_rwlock_timedrdlock, int, (pthread_rwlock_t *, const struct timespec *), nullptr) \
  X(pthread_rwlock_clockrdlock, int,                                                        \
    (pthread_rwlock_t *, clockid_t, const struct timespec *), nullptr)                      \
  X(pthread_rwlock_wrlock, int, (pthread_rwlock_t *), nullptr)                              \
  X(pthread_rwlock_trywrlock, int, (pthread_rwlock_t *), nullptr)                           \
  X(pthread_rwlock_timedwrlock, int, (pthread_rwlock_t *, const struct timespec *), nullptr) \
  X(pthread_rwlock_clockwrlock, int,                                                        \
    (pthread_rwlock_t *, clockid_t, const struct timespec *), nullptr)                      \
  X(pthread_rwlock_unlock, int, (pthread_rwlock_t *), nullptr)                              \
  X(pthread_spin_init, int, (pthread_spinlock_t *, int), nullptr)                           \
  X(pthread_spin_destroy, int, (pthread_spinlock_t *), nullptr)                             \
  X(pthread_spin_lock, int, (pthread_spinlock_t *), nullptr)                                \
  X(pthread_spin_trylock, int, (pthread_spinlock_t *), nullptr)                             \
  X(pthread_spin_unlock, int, (pthread_spinlock_t *), nullptr)                              \
  X(pthread_cond_init, int, (pthread_cond_t *, const pthread_condattr_t *), "GLIBC_2.3.2")  \
  X(pthread_cond_destroy, int, (pthread_cond_t *), "GLIBC_2.3.2")                           \
  X(pthread_cond_wait, int, (pthread_cond_t *, pthread_mutex_t *), "GLIBC_2.3.2")           \
  X(pthread_cond_timedwait, int,                                                            \
    (pthread_cond_t *, pthread_mutex_t *, const struct timespec *), "GLIBC_2.3.2")          \
  X(pthread_cond_clockwait, int,                                                            \
    (pthread_cond_t *, pthread_mutex_t *, clockid_t, const struct timespec *), nullptr)     \
  X(pthread_cond_signal, int, (pthread_cond_t *), "GLIBC_2.3.2")                            \
  X(pthread_cond_broadcast, int, (pthread_cond_t *), "GLIBC_2.3.2")                         \
  X(pthread_barrier_init, int,                                                              \
    (pthread_barrier_t *, const pthread_barrierattr_t *, unsigned), nullptr)                \
  X(pthread_barrier_destroy, int, (pthread_barrier_t *), nullptr)                           \
  X(pthread_barrier_wait, int, (pthread_barrier_t *), nullptr)                              \
  X(pthread_create, int,                                                                    \
    (pthread_t *, const pthread_attr_t *, thread_start_fn, void *), nullptr)                \
  X(pthread_join, int, (pthread_t, void **), nullptr)                                       \
  X(pthread_timedjoin_np, int, (pthread_t, void **, const struct timespec *), nullptr)      \
  X(pthread_exit, void, (void *), nullptr)                                                  \
  X(sem_init, int, (sem_t *, int, unsigned), nullptr)                                       \
  X(sem_destroy, int, (sem_t *), nullptr)                                                   \
  X(sem_wait, int, (sem_t *), nullptr)                                                      \
  X(sem_timedwait, int, (sem_t *, const struct timespec *), nullptr)                        \
  X(sem_clockwait, int, (sem_t *, clockid_t, const struct timespec *), nullptr)             \
  X(sem_trywait, int, (sem_t *), nullptr)                                                   \
  X(sem_post, int, (sem_t *), nullptr)                                                      \
  X(eventfd, int, (unsigned, int), nullptr)                                                 \
  X(eventfd_read, int, (int, unsigned long *), nullptr)                                     \
  X(eventfd_write, int, (int, unsigned long), nullptr)                                      \
  X(read, ssize_t, (int, void *, size_t), nullptr)                                          \
  X(write, ssize_t, (int, const void *, size_t), nullptr)                                   \
  X(close, int, (int), nullptr)                                                             \
  X(ioctl, int, (int, unsigned long, ...), nullptr)                                         \
  X(poll, int, (struct pollfd *, nfds_t, int), nullptr)                                     \
  X(ppoll, int, (struct pollfd *, nfds_t, const struct timespec *, const sigset_t *),        \
    nullptr)                                                                                \
  X(select, int, (int, fd_set *, fd_set *, fd_set *, struct timeval *), nullptr)            \
  X(pselect, int,                                                                           \
    (int, fd_set *, fd_set *, fd_set *, const struct timespec *, const sigset_t *), nullptr) \
  X(epoll_ctl, int, (int, int, int, struct epoll_event *), nullptr)                         \
  X(epoll_wait, int, (int, struct epoll_event *, int, int), nullptr)                        \
  X(epoll_pwait, int, (int, struct epoll_event *, int, int, const sigset_t *), nullptr)     \
  X(epoll_pwait2, int,                                                                      \
    (int, struct epoll_event *, int, const struct timespec *, const sigset_t *), nullptr)   \
  X(sendmsg, ssize_t, (int, const struct msghdr *, int), nullptr)                           \
  X(recvmsg, ssize_t, (int, struct msghdr *, int), nullptr)                                 \
  X(fork, pid_t, (void), nullptr)                                                           \
  X(execve, int, (const char *, char *const[], char *const[]), nullptr)                     \
  X(_exit, void, (int), nullptr)

struct RealFunctions {
#define FENCEDEP_DECLARE_REAL(name, ret, params, version) ret(*name) params;
  FENCEDEP_REAL_FUNCTIONS(FENCEDEP_DECLARE_REAL)
#undef FENCEDEP_DECLARE_REAL
};

extern RealFunctions real;
// Resolves every binding; idempotent. False if a mandatory one is missing.
bool resolve_real_functions();

#define REAL(name) (::fencedep::runtime::real.name ? ::fencedep::runtime::real.name : \
                    (::fencedep::runtime::resolve_real_functions(), ::fencedep::runtime::real.name))

} // namespace fencedep::runtime
