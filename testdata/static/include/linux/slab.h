#ifndef _LINUX_SLAB_H
#define _LINUX_SLAB_H
#include <linux/gfp.h>
struct kmem_cache;
void *kmalloc(size_t size, gfp_t flags);
void *kzalloc(size_t size, gfp_t flags);
void *kcalloc(size_t n, size_t size, gfp_t flags);
void *kmalloc_array(size_t n, size_t size, gfp_t flags);
void *kmem_cache_alloc(struct kmem_cache *cache, gfp_t flags);
void *vmalloc(unsigned long size);
void kfree(const void *p);
void kmem_cache_free(struct kmem_cache *cache, void *p);
#endif
