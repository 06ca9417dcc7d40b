#pragma once
// All a workload author needs: define a workload (plain, a pipeline of
// stages, or a fork-join tree), read its parameters, register it, and use the
// op context, the offload awaitable and the error types. Results, analysis and
// reporting have their own headers (results.hpp, analysis.hpp, report.hpp).
#include "apbench/busy_work.hpp"  // calibrated CPU work for examples and tests
#include "apbench/calibration.hpp"  // calibrate_once per parameter set
#include "apbench/error.hpp"        // UsageError: a bad parameter value
#include "apbench/fork_join.hpp"    // ForkJoinWorkload: divide and conquer
#include "apbench/loopback_echo_server.hpp"  // a TCP echo server to call
#include "apbench/loopback_http_server.hpp"  // an HTTP server to fetch from
#include "apbench/offload.hpp"               // co_await apb::offload(fn)
#include "apbench/op_error.hpp"     // OpError: a failed op, counted by cause
#include "apbench/params.hpp"       // ParamSpec, ParamType, Params
#include "apbench/pipeline.hpp"     // PipelineWorkload, stages
#include "apbench/registry.hpp"     // APB_REGISTER_WORKLOAD
#include "apbench/run_failure.hpp"  // RunFailure: a run that cannot go on
#include "apbench/seed.hpp"         // mix64: reproducible per-op data
#include "apbench/stop.hpp"         // sleep_for that a stop request ends
#include "apbench/timeout.hpp"      // with_timeout for async ops
#include "apbench/workload.hpp"     // Workload, WorkloadInfo, OpContext, forms
