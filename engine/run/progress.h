// Load progress shared by the ctx:parallel parts of a prepare: rows done, expected total, and a
// throttled "rows/s, ETA" line on stderr.
#pragma once

namespace stormdb::progress {

// Resets the counters at the start of a hook.
void reset(bool enabled);
// Adds rows done; total_rows > 0 sets the expected total. Thread-safe; prints at most every 2 s.
void add(double rows, double total_rows);
// Prints the closing line ("loaded N rows in T s, R rows/s") if anything was reported.
void finish();

}  // namespace stormdb::progress
