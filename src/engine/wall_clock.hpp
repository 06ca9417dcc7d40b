#pragma once
// The wall clock apbench stamps repetitions with and waits on for
// --start-at: the system clock, plus an offset a test may set to play a
// host whose clock is off (APBENCH_CLOCK_OFFSET; network namespaces share
// the machine's one clock, so hosts made of them cannot differ otherwise).
namespace apb {

// Seconds since the Unix epoch by this process's wall clock.
double wall_clock_unix_s();

// Added to every later wall_clock_unix_s() (seconds, either sign).
void set_wall_clock_offset(double seconds);
double wall_clock_offset();

}  // namespace apb
