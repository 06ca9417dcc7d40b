#pragma once
// What a workload mostly does: waits (io), computes (cpu) or both (hybrid).
// Its own header so results.hpp needs neither Asio nor the workload API.
#include <string_view>

namespace apb {

enum class WorkloadKind { io, cpu, hybrid };
std::string_view to_string(WorkloadKind kind);  // "io", "cpu", "hybrid"

}  // namespace apb
