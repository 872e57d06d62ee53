// Flags of pgbench and sysbench that stormdb spells differently or lacks, with what to use instead.
#pragma once
#include <string>

namespace stormdb {

// For a flag as typed (e.g. "-n", "--time", "--random-seed"), a sentence naming the stormdb
// equivalent, or "" when the flag is not a known pgbench/sysbench one. Sources: pgbench(1) of
// PostgreSQL 15, `sysbench --help` of sysbench 1.0.20.
std::string foreign_flag_hint(const std::string &flag);

}  // namespace stormdb
