#ifndef _LINUX_DELAY_H
#define _LINUX_DELAY_H
void msleep(unsigned int msecs);
void usleep_range(unsigned long min, unsigned long max);
void might_sleep(void);
#endif
