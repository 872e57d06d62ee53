/* TPC-C value helpers of the native loader, mirroring workloads/tpcc/rng.lua draw for draw. */
#include "tpcc_values.h"

#include <string.h>

static const char *const kSyllables[] = {"BAR", "OUGHT", "ABLE", "PRI", "PRES", "ESE", "ANTI", "CALLY", "ATION", "EING"};

int32_t tpcc_last_name(int n, char *buf) {
  int32_t len = 0;
  const int digits[3] = {n / 100, n / 10 % 10, n % 10};
  for (int i = 0; i < 3; i++) {
    size_t l = strlen(kSyllables[digits[i]]);
    memcpy(buf + len, kSyllables[digits[i]], l);
    len += (int32_t)l;
  }
  return len;
}

void tpcc_address(const stormdb_host *h, stormdb_rng *r, sdb_conn *c) {
  char buf[32];
  for (int i = 0; i < 3; i++) h->copy_str(c, buf, h->rand_string(r, buf, 10, 20, 0));
  buf[0] = (char)h->rand_uniform(r, 65, 90);
  buf[1] = (char)h->rand_uniform(r, 65, 90);
  h->copy_str(c, buf, 2);
  h->rand_string(r, buf, 4, 4, 1);
  memcpy(buf + 4, "11111", 5);
  h->copy_str(c, buf, 9);
}

void tpcc_data_string(const stormdb_host *h, stormdb_rng *r, sdb_conn *c, int32_t lo, int32_t hi) {
  char buf[64];
  int32_t n = (int32_t)h->rand_uniform(r, lo, hi);
  h->rand_string(r, buf, n, n, 0);
  if (h->rand_uniform(r, 1, 10) == 1) memcpy(buf + (int32_t)h->rand_uniform(r, 0, n - 8), "ORIGINAL", 8);
  h->copy_str(c, buf, n);
}

void tpcc_permutation(const stormdb_host *h, stormdb_rng *r, int32_t *p, int32_t n) {
  for (int32_t i = 0; i < n; i++) p[i] = i + 1;
  for (int32_t i = n; i >= 2; i--) {
    int32_t j = (int32_t)h->rand_uniform(r, 1, i);
    int32_t t = p[i - 1];
    p[i - 1] = p[j - 1];
    p[j - 1] = t;
  }
}
