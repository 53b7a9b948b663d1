// json_check FILE KIND: FILE holds one JSON array of fencedep reports and at
// least one of them is of KIND. Prints what is wrong otherwise.
#include <nlohmann/json.hpp>

#include <cstdio>
#include <fstream>

int main(int argc, char **argv) {
  if (argc != 3) {
    std::fprintf(stderr, "usage: json_check FILE KIND\n");
    return 2;
  }
  std::ifstream in(argv[1]);
  nlohmann::json j = nlohmann::json::parse(in, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded() || !j.is_array()) {
    std::fprintf(stderr, "%s: not a JSON array\n", argv[1]);
    return 1;
  }
  int found = 0;
  for (const auto &r : j) {
    if (!r.is_object() || r.value("fencedep_report", 0) != 1) {
      std::fprintf(stderr, "%s: an element is not a fencedep report\n", argv[1]);
      return 1;
    }
    found += r.value("kind", "") == argv[2];
  }
  if (!found) {
    std::fprintf(stderr, "%s: %zu reports, none of kind %s\n", argv[1], j.size(), argv[2]);
    return 1;
  }
  std::printf("%s: %zu reports, %d of kind %s\n", argv[1], j.size(), found, argv[2]);
  return 0;
}
