#pragma once
// Temporary folders a killed apbench left behind. apbench names each
// temporary folder it makes "apbench-<what>-<pid>-XXXXXX" (the chart tool's
// work folder, io.file's files); a process killed with SIGKILL cannot
// remove its own, so the next apbench removes those whose process is gone.

namespace apb::cli {

// Removes, from the temporary folder ($TMPDIR, else /tmp), every folder
// named "apbench-<what>-<pid>-<6 characters>" that belongs to this user and
// whose process no longer exists. Never fails: what cannot be removed stays.
void reap_temp_folders() noexcept;

}  // namespace apb::cli
