/* Linked with -static: `fencedep run` must refuse it. */
int main(void) { return 0; }
