// Reading the host's memory without trusting it: ioctl and socket arguments
// come from the program and may be bad pointers that the real call would
// answer with EFAULT. The runtime copies them with process_vm_readv on its
// own process, which fails cleanly instead of faulting.
#pragma once
#include <cstddef>

namespace fencedep::runtime {

// Copies n bytes from the host's `src` to `dst`; false when any of it is
// unreadable (or the kernel refuses process_vm_readv: then the caller passes
// the call through without modelling it).
bool safe_read(void *dst, const void *src, size_t n);

// Copies a request's argument struct: min(size_from_request, sizeof *out)
// bytes into a zeroed *out. False when the request is smaller than
// `min_size` (not the layout we know) or the memory is unreadable.
template <typename T>
bool read_arg(T *out, const void *arg, size_t size_from_request, size_t min_size) {
  *out = T{};
  if (size_from_request < min_size)
    return false;
  size_t n = size_from_request < sizeof(T) ? size_from_request : sizeof(T);
  return safe_read(out, arg, n);
}

} // namespace fencedep::runtime
