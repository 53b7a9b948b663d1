// A TU that does not compile: reported with its errors, the rest goes on.
// ERR: {{.*}}/broken/bad.c: error: translation unit has 2 compiler error(s); its summary may be incomplete
// ERR-NEXT: {{.*}}/broken/bad.c:9:1: error: unknown type name 'struct_that_does_not_exist'
// ERR-NEXT: {{.*}}/broken/bad.c:11:1: error: use of undeclared identifier 'oops'
// ERR: fencedep check: 2 translation unit(s), 1 with errors, 1 finding(s) (1 fence-signalling-wait)
// ERR-NEXT: fencedep check:   1 translation unit(s) failed first with: error: unknown type name 'struct_that_does_not_exist'
#include <linux/dma-fence.h>

struct_that_does_not_exist f(void);
int g(void) {
oops;
}
