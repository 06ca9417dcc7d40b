#pragma once
// The results file: Results written as the "apbench.results/1" JSON
// (docs/results-schema.md), the stable interface, and read back by tools
// that work on saved runs (`apbench compare`, `apbench merge`).
#include <iosfwd>
#include <string>

#include "apbench/error.hpp"
#include "apbench/results.hpp"

namespace apb {

// Schema "apbench.results/1", documented in docs/results-schema.md; every
// key a reporter or a tool may read. Also the `--json` reporter.
void write_json(std::ostream& out, const Results& results);

// The input is not a results file this apbench can read. what() is one
// line naming the file and what was wrong ("not JSON", "not an apbench
// results file", "unknown schema version", a key of the wrong type or out
// of range, an unknown status, repetitions that disagree with the samples).
class ResultsFormatError : public UsageError {
 public:
  using UsageError::UsageError;
};

// Parses a results document. `source` names it in error messages (a path).
// Reads the context, the runs (identity, load, repetition samples, wall
// time, throughput, latency, errors), the SLO and the series; advice and
// summary lines are not read back (analyse() derives them again).
Results read_json(std::istream& in, const std::string& source);

// read_json of a file; a file that cannot be opened is a ResultsFormatError
// too ("cannot read 'x.json': No such file or directory"), and so is a path
// that is not a regular file (a FIFO, a device, a directory: refused
// without being read) or a file larger than 1 GiB.
Results read_json_file(const std::string& path);

}  // namespace apb
