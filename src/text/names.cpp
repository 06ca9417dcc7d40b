// Name matching for the CLI (see apbench/names.hpp).
#include "text/names.hpp"

#include <algorithm>
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace apb {

// Iterative matcher with single-star backtracking: on a mismatch we return
// to the most recent '*' and let it swallow one more character. Earlier
// stars never need revisiting, so this is O(pattern * text) worst case and
// uses no recursion.
bool glob_match(std::string_view pattern, std::string_view text) {
  std::size_t p = 0;
  std::size_t t = 0;
  std::size_t star = std::string_view::npos;  // position of last '*'
  std::size_t star_t = 0;                     // text position it resumes at
  while (t < text.size()) {
    if (p < pattern.size() && pattern[p] == '*') {
      star = p++;
      star_t = t;
    } else if (p < pattern.size() &&
               (pattern[p] == '?' || pattern[p] == text[t])) {
      ++p;
      ++t;
    } else if (star != std::string_view::npos) {
      p = star + 1;
      t = ++star_t;
    } else {
      return false;
    }
  }
  while (p < pattern.size() && pattern[p] == '*') ++p;
  return p == pattern.size();
}

// An empty pattern (or a lone "-") is ignored: `--filter ''` selects all
// rather than nothing.
void NameFilter::add(std::string_view pattern) {
  if (!pattern.empty() && pattern.front() == '-') {
    pattern.remove_prefix(1);
    if (!pattern.empty()) excludes_.emplace_back(pattern);
  } else if (!pattern.empty()) {
    includes_.emplace_back(pattern);
  }
}

bool NameFilter::matches(std::string_view name) const {
  auto hit = [name](const std::string& p) { return glob_match(p, name); };
  if (!includes_.empty() &&
      std::none_of(includes_.begin(), includes_.end(), hit)) {
    return false;
  }
  return std::none_of(excludes_.begin(), excludes_.end(), hit);
}

namespace {

// Levenshtein distance (insert, delete, substitute; each costs 1), byte-wise.
std::size_t edit_distance(std::string_view a, std::string_view b) {
  std::vector<std::size_t> prev(b.size() + 1);
  std::vector<std::size_t> cur(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) prev[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    cur[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      const std::size_t sub = prev[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1);
      cur[j] = std::min({prev[j] + 1, cur[j - 1] + 1, sub});
    }
    std::swap(prev, cur);
  }
  return prev[b.size()];
}

}  // namespace

// Rules, in order:
//  1. the candidate with the smallest edit distance, if that distance is at
//     most max(2, wrong.size() / 2) (ties: the first in `candidates`);
//  2. otherwise the shortest candidate that starts with `wrong` (an
//     abbreviation such as "seq" for "sequential"; ties: the first);
//  3. otherwise "". An empty `wrong` never gets a suggestion.
std::string nearest_name(std::string_view wrong,
                         const std::vector<std::string>& candidates) {
  if (wrong.empty()) return "";
  const std::size_t limit = std::max<std::size_t>(2, wrong.size() / 2);
  const std::string* best = nullptr;
  std::size_t best_distance = 0;
  for (const auto& c : candidates) {
    const std::size_t d = edit_distance(wrong, c);
    if (best == nullptr || d < best_distance) {
      best = &c;
      best_distance = d;
    }
  }
  if (best != nullptr && best_distance <= limit) return *best;

  const std::string* prefixed = nullptr;
  for (const auto& c : candidates) {
    if (c.size() > wrong.size() &&
        std::string_view(c).substr(0, wrong.size()) == wrong &&
        (prefixed == nullptr || c.size() < prefixed->size())) {
      prefixed = &c;
    }
  }
  return prefixed != nullptr ? *prefixed : "";
}

std::string unknown_name_message(std::string_view what, std::string_view wrong,
                                 const std::vector<std::string>& accepted) {
  std::string msg = "unknown ";
  msg += what;
  msg += " '";
  msg += wrong;
  msg += "'";
  const std::string near = nearest_name(wrong, accepted);
  if (!near.empty()) {
    msg += " (did you mean '";
    msg += near;
    msg += "'?)";
  }
  msg += "; accepted: ";
  if (accepted.empty()) {
    msg += "(none)";
  } else {
    for (std::size_t i = 0; i < accepted.size(); ++i) {
      if (i > 0) msg += ", ";
      msg += accepted[i];
    }
  }
  return msg;
}

}  // namespace apb
