#pragma once
// Name matching for the CLI: glob filters and "did you mean" suggestions.
#include <string>
#include <string_view>
#include <vector>

namespace apb {

// Shell-style glob: '*' matches any run (including empty, including '.'),
// '?' matches exactly one character; everything else literally,
// case-sensitive, whole string.
bool glob_match(std::string_view pattern, std::string_view text);

// A set of --filter patterns. A pattern with a leading '-' excludes.
// A name is selected when it matches at least one include pattern (or there
// are no include patterns) and matches no exclude pattern.
class NameFilter {
 public:
  void add(std::string_view pattern);
  bool matches(std::string_view name) const;
  bool empty() const { return includes_.empty() && excludes_.empty(); }
  const std::vector<std::string>& includes() const { return includes_; }
  const std::vector<std::string>& excludes() const { return excludes_; }

 private:
  std::vector<std::string> includes_;
  std::vector<std::string> excludes_;
};

// The candidate nearest to `wrong` by edit distance, or "" when nothing is
// reasonably close (distance > max(2, wrong.size() / 2)).
std::string nearest_name(std::string_view wrong,
                         const std::vector<std::string>& candidates);

// "unknown strategy 'asyc' (did you mean 'async'?); accepted: a, b, c"
std::string unknown_name_message(std::string_view what, std::string_view wrong,
                                 const std::vector<std::string>& accepted);

}  // namespace apb
