#pragma once
// Pinning apbench to some CPUs (--cpus LIST): fewer cores, but no migration
// and no sharing with what runs on the others, so repetitions spread less.
#include <string>
#include <string_view>
#include <vector>

namespace apb {

// "0-3,6" -> {0, 1, 2, 3, 6}. Throws UsageError naming the bad text and the
// accepted form (numbers and ranges, comma-separated).
std::vector<unsigned> parse_cpu_list(std::string_view text);

// Restricts this process (all threads it starts from now on) to the CPUs
// of `list` (sched_setaffinity). Throws UsageError for a bad list or CPUs
// the system does not offer. hardware_threads() then counts them.
void pin_to_cpus(std::string_view list);

// The CPUs this process may run on, as a list: "0-1", "0,2-3".
std::string allowed_cpus();

}  // namespace apb
