/* TPC-C value helpers of the native loader (addresses, I_DATA/S_DATA, C_LAST, permutations), drawn
 * exactly as workloads/tpcc/rng.lua draws them. */
#ifndef TPCC_VALUES_H
#define TPCC_VALUES_H

#include <stdint.h>

#include <stormdb/plugin.h>

/* Cardinalities of clause 4.3.3.1 (workloads/tpcc/const.lua). */
enum {
  TPCC_ITEMS = 100000,
  TPCC_CUSTOMERS = 3000,          /* per district */
  TPCC_ORDERS = 3000,             /* per district */
  TPCC_FIRST_UNDELIVERED = 2101   /* O_CARRIER_ID / OL_DELIVERY_D are null from this O_ID on */
};

/* C_LAST of number n in 0..999 (4.3.2.3) into buf (>= 16 bytes); returns its length. */
int32_t tpcc_last_name(int n, char *buf);
/* Street 1, street 2, city (a-strings 10..20), state (2 upper-case letters) and zip (4 digits +
 * "11111", 4.3.2.7), written as five COPY columns. */
void tpcc_address(const stormdb_host *h, stormdb_rng *r, sdb_conn *c);
/* a-string lo..hi with "ORIGINAL" at a random position in 10% of the rows (I_DATA, S_DATA). */
void tpcc_data_string(const stormdb_host *h, stormdb_rng *r, sdb_conn *c, int32_t lo, int32_t hi);
/* Random permutation of 1..n into p (Fisher-Yates, as Rng:permutation). */
void tpcc_permutation(const stormdb_host *h, stormdb_rng *r, int32_t *p, int32_t n);

#endif
