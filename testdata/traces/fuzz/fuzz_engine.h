// The engine the fuzz targets share: created once (its tables are large
// reservations), smaller than the default so that overflow paths are
// reached too; reports are drained after every input.
#pragma once
#include "fencedep/core/engine.h"

inline fencedep::Engine &fuzz_engine() {
  static fencedep::Engine *engine = [] {
    auto *e = new fencedep::Engine;
    fencedep::EngineOptions o;
    o.max_classes = 1u << 14;
    o.max_edges = 1u << 16;
    if (!e->init(o))
      __builtin_trap();
    return e;
  }();
  return *engine;
}

inline void fuzz_drain(fencedep::Engine &engine) {
  fencedep::PendingReport p;
  while (engine.pop_report(&p)) {
  }
}
