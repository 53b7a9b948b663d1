// A broken rule file named by the RulesFiles option: clang-tidy reports it
// as a configuration error with the file's line and column, and the
// checks stay silent rather than run on half a vocabulary.
// TIDY-CONFIG: rules/bad-key.clang-tidy
// CHECK-MESSAGES: error: fencedep rules: {{.*}}/rules/bad-key.yaml:5:7: error: unknown key 'fence-arg' [clang-tidy-config]
#include <linux/dma-fence.h>

struct dma_fence *last;
void in_section(void) {
  bool cookie = dma_fence_begin_signalling();
  dma_fence_wait(last, false);
  dma_fence_end_signalling(cookie);
}
