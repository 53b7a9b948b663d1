# Warning flags live on an INTERFACE target that targets link PRIVATE,
# never as global flags.
add_library(fencedep_warnings INTERFACE)
target_compile_options(fencedep_warnings INTERFACE
  -Wall -Wextra -Wshadow -Wnon-virtual-dtor -Wno-unused-parameter
  $<$<COMPILE_LANGUAGE:CXX>:-Wold-style-cast -Wno-old-style-cast>)
