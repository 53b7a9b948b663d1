#ifndef _LINUX_MM_H
#define _LINUX_MM_H
#include <linux/types.h>
struct mm_struct {
  int users;
};
struct address_space {
  int nrpages;
};
void mmap_read_lock(struct mm_struct *mm);
void mmap_read_unlock(struct mm_struct *mm);
void mmap_write_lock(struct mm_struct *mm);
void mmap_write_unlock(struct mm_struct *mm);
void i_mmap_lock_write(struct address_space *mapping);
void i_mmap_unlock_write(struct address_space *mapping);
#endif
