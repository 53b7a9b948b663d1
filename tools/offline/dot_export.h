// The class graph as Graphviz DOT: locks as boxes, waits and fences as
// ellipses, contexts as hexagons; edges labelled with their kind (and read
// modes); every reported cycle drawn in a colour of its own.
#pragma once
#include <functional>
#include <ostream>
#include <string>
#include <vector>

#include "fencedep/core/engine.h"

namespace fencedep::offline {

struct DotCycle {
  std::string title;
  std::vector<EdgeId> edges;
};

struct DotOptions {
  bool cycles_only = false; // only the classes and edges of reported cycles
};

void write_dot(Engine &engine, const std::vector<DotCycle> &cycles,
               const std::vector<std::string> &class_names, const DotOptions &opts,
               std::ostream &out);

} // namespace fencedep::offline
