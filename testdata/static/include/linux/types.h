#ifndef _LINUX_TYPES_H
#define _LINUX_TYPES_H
typedef _Bool bool;
#define true 1
#define false 0
#define NULL ((void *)0)
typedef unsigned long size_t;
typedef unsigned int u32;
typedef unsigned long long u64;
typedef long long s64;
typedef unsigned int gfp_t;
#define EINVAL 22
#define ENOMEM 12
#define EBUSY 16
#define EOPNOTSUPP 95
#define MAX_SCHEDULE_TIMEOUT 0x7fffffffL
#define likely(x) __builtin_expect(!!(x), 1)
#define unlikely(x) __builtin_expect(!!(x), 0)
#define offsetof(t, m) __builtin_offsetof(t, m)
#define container_of(ptr, type, member) ((type *)((char *)(ptr) - offsetof(type, member)))
#define BIT(nr) (1UL << (nr))
void set_bit(long nr, volatile unsigned long *addr);
void __set_bit(long nr, volatile unsigned long *addr);
int test_bit(long nr, const volatile unsigned long *addr);
#endif
