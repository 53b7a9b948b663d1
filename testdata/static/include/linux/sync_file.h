#ifndef _LINUX_SYNC_FILE_H
#define _LINUX_SYNC_FILE_H
#include <linux/dma-fence.h>
struct sync_file;
struct sync_file *sync_file_create(struct dma_fence *fence);
#endif
