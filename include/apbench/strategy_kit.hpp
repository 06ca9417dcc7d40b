#pragma once
// Everything a strategy is written with, built-in or a user's: the one
// include for bringing your own runtime (docs/extending.md, "Your own
// strategy"). A strategy derives from apb::Strategy (strategy.hpp), says
// what it is (traits(), strategy_traits.hpp) and which op forms it can run
// (op_forms.hpp), and in execute() runs every op of the Batch once:
//
//   - keep the load's ops in flight: coroutine lanes on an io_context
//     (spawn_lanes), or blocking lanes on threads of its own
//     (run_blocking_lane), recording into Strategy::recording()'s slots;
//   - run each op's CPU work its way: a ComputePolicy (InlineCompute on the
//     op's thread, ParallelCompute split by oneTBB, OffloadCompute to an
//     arena, or its own), whose fork_join() spawns and joins fork-join
//     children (fork_join_models.hpp, or its own apb::ForkJoin);
//   - stop when asked: Batch::claim() hands out nothing once the run is
//     stopped; an event loop stops with StopLoopOnRequest;
//   - failures: an op's exception is recorded by the batch, never thrown;
//     throw from execute() only when the strategy itself cannot go on.
//
// Register it at namespace scope with APB_REGISTER_STRATEGY(T)
// (registry.hpp).
#include "apbench/batch.hpp"
#include "apbench/compute_policies.hpp"
#include "apbench/fork_join.hpp"
#include "apbench/fork_join_models.hpp"
#include "apbench/lanes.hpp"
#include "apbench/op_forms.hpp"
#include "apbench/registry.hpp"
#include "apbench/strategy.hpp"
#include "apbench/strategy_traits.hpp"
#include "apbench/tbb_arena.hpp"
