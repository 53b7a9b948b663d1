// timeline_check FILE: checks a `fencedep graph --timeline` file the way a
// trace viewer reads it (Trace Event Format JSON) and prints it as sorted
// text for FileCheck:
//   thread NAME
//   slice THREAD: NAME
//   instant THREAD: NAME [ARG=VALUE...]
//   flow CATEGORY NAME: FROM-THREAD -> TO-THREAD
// Fails when the JSON is malformed, an event lacks a field the format
// requires (ph, name, pid, tid, ts; dur >= 0 for X; s for i), slices on one
// track do not nest (Perfetto requires it), a flow lacks its start or end,
// or a flow end does not fall inside a slice or instant of its thread (the
// viewer binds arrows to the enclosing slice).
#include <nlohmann/json.hpp>

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <map>
#include <set>
#include <string>
#include <vector>

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
  int bad = 0;
  auto malformed = [&](const json &e, const char *what) {
    std::fprintf(stderr, "%s: %s\n", what, e.dump().c_str());
    ++bad;
  };
  for (const json &e : j["traceEvents"]) {
    std::string ph = e.value("ph", "");
    if (ph.empty() || !e.contains("pid") || !e.contains("tid") || !e.contains("name")) {
      malformed(e, "event without ph, name, pid or tid");
      continue;
    }
    if (ph != "M" && (!e.contains("ts") || !e["ts"].is_number()))
      malformed(e, "event without a numeric ts");
    Key k{e.value("pid", -1L), e.value("tid", -1L)};
    if (ph == "M" && e.value("name", "") == "thread_name")
      names[k] = e["args"].value("name", "");
    else if (ph == "X") {
      if (!e.contains("dur") || !e["dur"].is_number() || e.value("dur", -1.0) < 0)
        malformed(e, "complete event without a duration >= 0");
      slices[k].push_back({e.value("ts", 0.0), e.value("ts", 0.0) + e.value("dur", 0.0)});
    } else if (ph == "i") {
      std::string scope = e.value("s", "");
      if (scope != "t" && scope != "p" && scope != "g")
        malformed(e, "instant event without a scope");
      slices[k].push_back({e.value("ts", 0.0), e.value("ts", 0.0)});
    } else if (ph == "s" || ph == "f")
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
  // Slices on a track nest: sorted by start (longest first), each one ends
  // no later than every slice still open around it.
  for (auto &[k, list] : slices) {
    std::vector<Span> x;
    for (const json &e : j["traceEvents"])
      if (e.value("ph", "") == "X" && Key{e.value("pid", -1L), e.value("tid", -1L)} == k)
        x.push_back({e.value("ts", 0.0), e.value("ts", 0.0) + e.value("dur", 0.0)});
    std::sort(x.begin(), x.end(), [](const Span &a, const Span &b) {
      return a.begin != b.begin ? a.begin < b.begin : a.end > b.end;
    });
    std::vector<double> open;
    for (const Span &s : x) {
      while (!open.empty() && open.back() <= s.begin + 1e-9)
        open.pop_back();
      if (!open.empty() && s.end > open.back() + 1e-9) {
        std::fprintf(stderr, "slices on track %s overlap without nesting at %.3f\n",
                     names.count(k) ? names[k].c_str() : "?", s.begin);
        ++bad;
        break;
      }
      open.push_back(s.end);
    }
  }
  for (const auto &[k, n] : names)
    out.insert("thread " + n);
  for (const json &e : j["traceEvents"]) {
    std::string ph = e.value("ph", "");
    Key k{e.value("pid", -1L), e.value("tid", -1L)};
    if (ph == "X")
      out.insert("slice " + thread(k) + ": " + e.value("name", ""));
    if (ph == "i" && e.value("cat", "") != "cycle") {
      std::string args;
      if (e.contains("args") && e["args"].is_object())
        for (const auto &[key, v] : e["args"].items())
          args += " " + key + "=" + (v.is_string() ? v.get<std::string>() : v.dump());
      out.insert("instant " + thread(k) + ": " + e.value("name", "") + args);
    }
  }
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
