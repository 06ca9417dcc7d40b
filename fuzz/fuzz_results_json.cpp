// The results-JSON reader that `apbench compare` and `apbench merge` use,
// and what they do with what it reads. Invariants: the reader either
// returns results or throws its one-line ResultsFormatError; what it read
// is written back and read again without error; comparing a file with
// itself and merging it by host never fail with anything but a UsageError.
#include <cstddef>
#include <cstdint>
#include <sstream>
#include <string>

#include "apbench/compare.hpp"
#include "apbench/merge.hpp"
#include "apbench/read_results.hpp"
#include "apbench/report.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data,
                                      std::size_t size) {
  std::istringstream in(std::string(reinterpret_cast<const char*>(data), size));
  apb::Results results;
  try {
    results = apb::read_json(in, "fuzz.json");
  } catch (const apb::ResultsFormatError& e) {
    if (std::string(e.what()).find('\n') != std::string::npos)
      __builtin_trap();  // error lines are one line
    return 0;
  }

  std::ostringstream written;
  apb::write_json(written, results);
  std::istringstream again(written.str());
  try {
    (void)apb::read_json(again, "again.json");
  } catch (const apb::ResultsFormatError&) {
    __builtin_trap();  // the reader must read what the writer wrote
  }

  try {
    (void)apb::compare_results(results, results, {});
  } catch (const apb::UsageError&) {
  }
  try {
    (void)apb::merge_results(
        {{"a.json", results, "a"}, {"b.json", results, "b"}},
        {apb::MergeBy::host});
  } catch (const apb::UsageError&) {
  }
  return 0;
}
