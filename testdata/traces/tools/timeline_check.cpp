// timeline_check FILE: checks a `fencedep graph --timeline` file the way a
// trace viewer reads it (Trace Event Format JSON) and prints it as sorted
// text for FileCheck:
//   thread NAME
//   slice THREAD: NAME
//   flow CATEGORY NAME: FROM-THREAD -> TO-THREAD
// Fails when the JSON is malformed, a flow lacks its start or end, or a
// flow end does not fall inside a slice of its thread (the viewer binds
// arrows to the enclosing slice).
#include <nlohmann/json.hpp>

#include <cstdio>
#include <fstream>
#include <map>
#include <set>
#include <string>

using nlohmann::json;

int main(int argc, char **argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: timeline_check FILE\n");
    return 2;
  }
  std::ifstream in(argv[1]);
  json j = json::parse(in, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded() || !j.is_object() || !j.contains("traceEvents") ||
      !j["traceEvents"].is_array()) {
    std::fprintf(stderr, "%s: not a Trace Event Format object\n", argv[1]);
    return 1;
  }
  using Key = std::pair<long, long>; // pid, tid
  std::map<Key, std::string> names;
  struct Span {
    double begin, end;
  };
  std::map<Key, std::vector<Span>> slices;
  std::set<std::string> out;
  struct End {
    Key at;
    double ts;
    std::string cat, name;
  };
  std::map<long, End> starts, ends;
  for (const json &e : j["traceEvents"]) {
    std::string ph = e.value("ph", "");
    Key k{e.value("pid", -1L), e.value("tid", -1L)};
    if (ph == "M" && e.value("name", "") == "thread_name")
      names[k] = e["args"].value("name", "");
    else if (ph == "X")
      slices[k].push_back({e.value("ts", 0.0), e.value("ts", 0.0) + e.value("dur", 0.0)});
    else if (ph == "s" || ph == "f")
      (ph == "s" ? starts : ends)[e.value("id", -1L)] =
          End{k, e.value("ts", 0.0), e.value("cat", ""), e.value("name", "")};
  }
  auto thread = [&](const Key &k) { return names.count(k) ? names[k] : std::string("?"); };
  auto inside = [&](const End &x) {
    for (const Span &s : slices[x.at])
      if (s.begin - 1e-6 <= x.ts && x.ts <= s.end + 1e-6)
        return true;
    return false;
  };
  int bad = 0;
  for (const auto &[k, n] : names)
    out.insert("thread " + n);
  for (const json &e : j["traceEvents"])
    if (e.value("ph", "") == "X")
      out.insert("slice " + thread({e.value("pid", -1L), e.value("tid", -1L)}) + ": " +
                 e.value("name", ""));
  for (const auto &[id, s] : starts) {
    auto f = ends.find(id);
    if (f == ends.end()) {
      std::fprintf(stderr, "flow %ld has no end\n", id);
      ++bad;
      continue;
    }
    if (!inside(s) || !inside(f->second)) {
      std::fprintf(stderr, "flow %ld (%s) is not bound to slices\n", id, s.name.c_str());
      ++bad;
    }
    out.insert("flow " + s.cat + " " + s.name + ": " + thread(s.at) + " -> " +
               thread(f->second.at));
  }
  for (const auto &[id, f] : ends)
    if (!starts.count(id)) {
      std::fprintf(stderr, "flow %ld has no start\n", id);
      ++bad;
    }
  for (const std::string &line : out)
    std::printf("%s\n", line.c_str());
  return bad ? 1 : 0;
}
