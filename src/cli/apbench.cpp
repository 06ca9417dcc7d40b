// The apbench executable: apbench::main (src/cli/main.cpp) and the built-in
// workloads, nothing else. A project of your own links the same two targets
// plus its workloads (see examples/custom_workload); this file exists only
// because an executable needs a source file.
