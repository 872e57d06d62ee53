/* TPC-C native loader (plugin "tpcc_native"): COPY row generators for ITEM, STOCK, CUSTOMER, HISTORY,
 * ORDERS and ORDER-LINE that write the same rows as workloads/tpcc/load.lua for the same seed.
 *
 * Every value is drawn from the engine stream the script seeded, through the host table, in
 * exactly the order tpcc/load.lua and tpcc/rng.lua draw it; numbers go through the host's COPY
 * formatting, so the COPY text is byte-identical to the Lua loader's. Change both together.
 * Clause references are to TPC-C 5.11 (4.3.3.1 for the initial population). */
#include <stdint.h>

#include <stormdb/plugin.h>

#include "tpcc_values.h"

static const stormdb_host *H;

/* Writes the rows of one key; returns copy_end_row's status for them (-1, 0 or 1). */
typedef int32_t (*KeyRows)(sdb_conn *c, stormdb_rng *r, void *state, int64_t key, const stormdb_param *a);

/* The generator protocol for keys key..last: stop after a key whose rows filled the buffer. */
static int64_t each_key(KeyRows rows, sdb_conn *c, stormdb_rng *r, void *state, int64_t key, int64_t last,
                        const stormdb_param *a) {
  for (; key <= last; key++) {
    int32_t e = rows(c, r, state, key, a);
    if (e < 0) return -1;
    if (e > 0) return key + 1;
  }
  return key;
}

/* A stormdb_copy_generator.generate calling each_key with the row writer `fn`. */
#define GENERATOR(name, fn)                                                                          \
  static int64_t name(void *inst, sdb_conn *c, stormdb_rng *r, void *state, int64_t key, int64_t last, \
                      const stormdb_param *a, int32_t n) {                                           \
    (void)inst; (void)n;                                                                           \
    return each_key(fn, c, r, state, key, last, a);                                                \
  }

/* ---- ITEM: keys are I_ID (one chunk of 1..100,000 per COPY); no args ---------------------- */
static int32_t item_row(sdb_conn *c, stormdb_rng *r, void *state, int64_t key, const stormdb_param *a) {
  (void)state; (void)a;
  char buf[32];
  H->copy_int(c, key);
  H->copy_num(c, H->rand_uniform(r, 1, 10000));                    /* I_IM_ID */
  H->copy_str(c, buf, H->rand_string(r, buf, 14, 24, 0));           /* I_NAME */
  H->copy_num(c, H->rand_uniform(r, 100, 10000) / 100);             /* I_PRICE */
  tpcc_data_string(H, r, c, 26, 50);                                /* I_DATA */
  return H->copy_end_row(c);
}
GENERATOR(gen_item, item_row)

/* ---- STOCK: keys are S_I_ID 1..100,000; args: w ------------------------------------------ */
static int32_t stock_row(sdb_conn *c, stormdb_rng *r, void *state, int64_t key, const stormdb_param *a) {
  (void)state;
  char buf[64];
  H->copy_int(c, key);
  H->copy_num(c, a[0].num);
  H->copy_num(c, H->rand_uniform(r, 10, 100));
  for (int i = 0; i < 10; i++) H->copy_str(c, buf, H->rand_string(r, buf, 24, 24, 0));
  H->copy_int(c, 0);
  H->copy_int(c, 0);
  H->copy_int(c, 0);
  tpcc_data_string(H, r, c, 26, 50);
  return H->copy_end_row(c);
}
GENERATOR(gen_stock, stock_row)

/* ---- CUSTOMER: keys (d - 1) * 3000 + c; args: w, c_load, now --------------------------------- */
static int32_t customer_row(sdb_conn *c, stormdb_rng *r, void *state, int64_t key, const stormdb_param *a) {
  (void)state;
  char buf[512];
  int64_t d = (key - 1) / TPCC_CUSTOMERS + 1, cid = (key - 1) % TPCC_CUSTOMERS + 1;
  int last = cid <= 1000 ? (int)(cid - 1) : (int)H->rand_nurand(r, 255, 0, 999, a[1].num);
  H->copy_int(c, cid);
  H->copy_int(c, d);
  H->copy_num(c, a[0].num);
  H->copy_str(c, buf, H->rand_string(r, buf, 8, 16, 0));            /* C_FIRST */
  H->copy_str(c, "OE", 2);
  H->copy_str(c, buf, tpcc_last_name(last, buf));
  tpcc_address(H, r, c);
  H->copy_str(c, buf, H->rand_string(r, buf, 16, 16, 1));           /* C_PHONE */
  H->copy_str(c, a[2].str, a[2].len);                               /* C_SINCE */
  H->copy_str(c, H->rand_uniform(r, 1, 10) == 1 ? "BC" : "GC", 2);
  H->copy_int(c, 50000);
  H->copy_num(c, H->rand_uniform(r, 0, 5000) / 10000);
  H->copy_int(c, -10);
  H->copy_int(c, 10);
  H->copy_int(c, 1);
  H->copy_int(c, 0);
  H->copy_str(c, buf, H->rand_string(r, buf, 300, 500, 0));         /* C_DATA */
  return H->copy_end_row(c);
}

GENERATOR(gen_customer, customer_row)

/* ---- HISTORY: keys (d - 1) * 3000 + c; args: w, now ------------------------------------------ */
static int32_t history_row(sdb_conn *c, stormdb_rng *r, void *state, int64_t key, const stormdb_param *a) {
  (void)state;
  char buf[32];
  int64_t d = (key - 1) / TPCC_CUSTOMERS + 1, cid = (key - 1) % TPCC_CUSTOMERS + 1;
  H->copy_int(c, cid);
  H->copy_int(c, d);
  H->copy_num(c, a[0].num);
  H->copy_int(c, d);
  H->copy_num(c, a[0].num);
  H->copy_str(c, a[1].str, a[1].len);
  H->copy_int(c, 10);
  H->copy_str(c, buf, H->rand_string(r, buf, 12, 24, 0));
  return H->copy_end_row(c);
}
GENERATOR(gen_history, history_row)

/* ---- ORDERS: keys (d - 1) * 3000 + o; args: w, now, data_seed, O_OL_CNT stream --------------- */
typedef struct OrdersState {
  int started;
  stormdb_rng counts;              /* O_OL_CNT draws, shared in order with the ORDER-LINE pass */
  int32_t perm[TPCC_CUSTOMERS];    /* O_C_ID of the current district */
} OrdersState;

static int32_t orders_row(sdb_conn *c, stormdb_rng *r, void *state, int64_t key, const stormdb_param *a) {
  OrdersState *s = (OrdersState *)state;
  if (!s->started) {
    H->rng_seed(&s->counts, a[2].num, a[3].num);
    s->started = 1;
  }
  int64_t d = (key - 1) / TPCC_ORDERS + 1, o = (key - 1) % TPCC_ORDERS + 1;
  if (o == 1) tpcc_permutation(H, r, s->perm, TPCC_CUSTOMERS);
  double cnt = H->rand_uniform(&s->counts, 5, 15);
  H->copy_int(c, o);
  H->copy_int(c, d);
  H->copy_num(c, a[0].num);
  H->copy_int(c, s->perm[o - 1]);
  H->copy_str(c, a[1].str, a[1].len);
  if (o < TPCC_FIRST_UNDELIVERED) H->copy_num(c, H->rand_uniform(r, 1, 10)); else H->copy_null(c);
  H->copy_num(c, cnt);
  H->copy_int(c, 1);
  return H->copy_end_row(c);
}
GENERATOR(gen_orders, orders_row)

/* ---- ORDER-LINE: keys (d - 1) * 3000 + o (all lines of one order); args as ORDERS ----------- */
typedef struct OrderLineState {
  int started;
  stormdb_rng counts;
} OrderLineState;

/* The lines of one order; returns 1 when one of them filled the buffer (-1 at once on error). */
static int32_t order_line_rows(sdb_conn *c, stormdb_rng *r, void *state, int64_t key, const stormdb_param *a) {
  OrderLineState *s = (OrderLineState *)state;
  if (!s->started) {
    H->rng_seed(&s->counts, a[2].num, a[3].num);
    s->started = 1;
  }
  char buf[32];
  int64_t d = (key - 1) / TPCC_ORDERS + 1, o = (key - 1) % TPCC_ORDERS + 1;
  int cnt = (int)H->rand_uniform(&s->counts, 5, 15);
  int32_t e = 0;
  for (int l = 1; l <= cnt; l++) {
    double i_id = H->rand_uniform(r, 1, TPCC_ITEMS);
    H->copy_int(c, o);
    H->copy_int(c, d);
    H->copy_num(c, a[0].num);
    H->copy_int(c, l);
    H->copy_num(c, i_id);
    H->copy_num(c, a[0].num);
    if (o < TPCC_FIRST_UNDELIVERED) {
      H->copy_str(c, a[1].str, a[1].len);
      H->copy_int(c, 5);
      H->copy_int(c, 0);
    } else {
      H->copy_null(c);
      H->copy_int(c, 5);
      H->copy_num(c, H->rand_uniform(r, 1, 999999) / 100);
    }
    H->copy_str(c, buf, H->rand_string(r, buf, 24, 24, 0));
    int32_t rc = H->copy_end_row(c);
    if (rc < 0) return -1;
    if (rc > 0) e = 1;
  }
  return e;
}
GENERATOR(gen_order_line, order_line_rows)

/* ---- the plugin ------------------------------------------------------------------------------- */
static const stormdb_copy_generator kGenerators[] = {
  {"item", "item (i_id, i_im_id, i_name, i_price, i_data)", 0, gen_item},
  {"stock", "stock (s_i_id, s_w_id, s_quantity, s_dist_01, s_dist_02, s_dist_03, s_dist_04, s_dist_05, "
            "s_dist_06, s_dist_07, s_dist_08, s_dist_09, s_dist_10, s_ytd, s_order_cnt, s_remote_cnt, s_data)",
   0, gen_stock},
  {"customer", "customer (c_id, c_d_id, c_w_id, c_first, c_middle, c_last, c_street_1, c_street_2, c_city, "
               "c_state, c_zip, c_phone, c_since, c_credit, c_credit_lim, c_discount, c_balance, c_ytd_payment, "
               "c_payment_cnt, c_delivery_cnt, c_data)",
   0, gen_customer},
  {"history", "history (h_c_id, h_c_d_id, h_c_w_id, h_d_id, h_w_id, h_date, h_amount, h_data)", 0, gen_history},
  {"orders", "orders (o_id, o_d_id, o_w_id, o_c_id, o_entry_d, o_carrier_id, o_ol_cnt, o_all_local)",
   sizeof(OrdersState), gen_orders},
  {"order_line", "order_line (ol_o_id, ol_d_id, ol_w_id, ol_number, ol_i_id, ol_supply_w_id, ol_delivery_d, "
                 "ol_quantity, ol_amount, ol_dist_info)",
   sizeof(OrderLineState), gen_order_line},
};

static int tpcc_init(const stormdb_host *host, stormdb_plugin *out) {
  H = host;
  out->name = "tpcc_native";
  out->version = "1";
  out->generators = kGenerators;
  out->n_generators = (int32_t)(sizeof kGenerators / sizeof kGenerators[0]);
  return 0;
}

STORMDB_PLUGIN_EXPORT(tpcc_init)
