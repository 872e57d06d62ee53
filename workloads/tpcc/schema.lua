-- TPC-C schema (clause 1.3): the nine tables, keys and indexes built after the load, optional foreign keys, drop.
--
-- Types follow clause 1.3.1. Money and rates keep the spec's fixed-point types (numeric(12,2),
-- numeric(4,4), ...) so sums in the consistency checks are exact; the integer-valued "numeric(n)"
-- counters (C_PAYMENT_CNT, S_YTD, ...) use integer/smallint, which hold the same ranges (1.3.1
-- allows any type that can represent the domain). Tables are created bare; primary keys and
-- secondary indexes come after the data (build_jobs), which is several times faster than
-- maintaining them row by row during COPY.
local const = require("tpcc.const")

local M = {}

local TABLE_DDL = {
  warehouse = [[
    CREATE TABLE warehouse (
      w_id       integer      NOT NULL,
      w_name     varchar(10)  NOT NULL,
      w_street_1 varchar(20)  NOT NULL,
      w_street_2 varchar(20)  NOT NULL,
      w_city     varchar(20)  NOT NULL,
      w_state    char(2)      NOT NULL,
      w_zip      char(9)      NOT NULL,
      w_tax      numeric(4,4) NOT NULL,
      w_ytd      numeric(12,2) NOT NULL
    )]],
  district = [[
    CREATE TABLE district (
      d_id        smallint     NOT NULL,
      d_w_id      integer      NOT NULL,
      d_name      varchar(10)  NOT NULL,
      d_street_1  varchar(20)  NOT NULL,
      d_street_2  varchar(20)  NOT NULL,
      d_city      varchar(20)  NOT NULL,
      d_state     char(2)      NOT NULL,
      d_zip       char(9)      NOT NULL,
      d_tax       numeric(4,4) NOT NULL,
      d_ytd       numeric(12,2) NOT NULL,
      d_next_o_id integer      NOT NULL
    )]],
  customer = [[
    CREATE TABLE customer (
      c_id           integer       NOT NULL,
      c_d_id         smallint      NOT NULL,
      c_w_id         integer       NOT NULL,
      c_first        varchar(16)   NOT NULL,
      c_middle       char(2)       NOT NULL,
      c_last         varchar(16)   NOT NULL,
      c_street_1     varchar(20)   NOT NULL,
      c_street_2     varchar(20)   NOT NULL,
      c_city         varchar(20)   NOT NULL,
      c_state        char(2)       NOT NULL,
      c_zip          char(9)       NOT NULL,
      c_phone        char(16)      NOT NULL,
      c_since        timestamp     NOT NULL,
      c_credit       char(2)       NOT NULL,
      c_credit_lim   numeric(12,2) NOT NULL,
      c_discount     numeric(4,4)  NOT NULL,
      c_balance      numeric(12,2) NOT NULL,
      c_ytd_payment  numeric(12,2) NOT NULL,
      c_payment_cnt  integer       NOT NULL,
      c_delivery_cnt integer       NOT NULL,
      c_data         varchar(500)  NOT NULL
    )]],
  -- HISTORY has no primary key (1.3.1: "Primary Key: none").
  history = [[
    CREATE TABLE history (
      h_c_id   integer      NOT NULL,
      h_c_d_id smallint     NOT NULL,
      h_c_w_id integer      NOT NULL,
      h_d_id   smallint     NOT NULL,
      h_w_id   integer      NOT NULL,
      h_date   timestamp    NOT NULL,
      h_amount numeric(6,2) NOT NULL,
      h_data   varchar(24)  NOT NULL
    )]],
  -- "order" is an SQL keyword; every PostgreSQL TPC-C kit calls the table orders.
  orders = [[
    CREATE TABLE orders (
      o_id         integer   NOT NULL,
      o_d_id       smallint  NOT NULL,
      o_w_id       integer   NOT NULL,
      o_c_id       integer   NOT NULL,
      o_entry_d    timestamp NOT NULL,
      o_carrier_id smallint,
      o_ol_cnt     smallint  NOT NULL,
      o_all_local  smallint  NOT NULL
    )]],
  new_order = [[
    CREATE TABLE new_order (
      no_o_id integer  NOT NULL,
      no_d_id smallint NOT NULL,
      no_w_id integer  NOT NULL
    )]],
  order_line = [[
    CREATE TABLE order_line (
      ol_o_id        integer      NOT NULL,
      ol_d_id        smallint     NOT NULL,
      ol_w_id        integer      NOT NULL,
      ol_number      smallint     NOT NULL,
      ol_i_id        integer      NOT NULL,
      ol_supply_w_id integer      NOT NULL,
      ol_delivery_d  timestamp,
      ol_quantity    smallint     NOT NULL,
      ol_amount      numeric(6,2) NOT NULL,
      ol_dist_info   char(24)     NOT NULL
    )]],
  item = [[
    CREATE TABLE item (
      i_id    integer      NOT NULL,
      i_im_id integer      NOT NULL,
      i_name  varchar(24)  NOT NULL,
      i_price numeric(5,2) NOT NULL,
      i_data  varchar(50)  NOT NULL
    )]],
  stock = [[
    CREATE TABLE stock (
      s_i_id       integer     NOT NULL,
      s_w_id       integer     NOT NULL,
      s_quantity   smallint    NOT NULL,
      s_dist_01    char(24)    NOT NULL,
      s_dist_02    char(24)    NOT NULL,
      s_dist_03    char(24)    NOT NULL,
      s_dist_04    char(24)    NOT NULL,
      s_dist_05    char(24)    NOT NULL,
      s_dist_06    char(24)    NOT NULL,
      s_dist_07    char(24)    NOT NULL,
      s_dist_08    char(24)    NOT NULL,
      s_dist_09    char(24)    NOT NULL,
      s_dist_10    char(24)    NOT NULL,
      s_ytd        integer     NOT NULL,
      s_order_cnt  integer     NOT NULL,
      s_remote_cnt integer     NOT NULL,
      s_data       varchar(50) NOT NULL
    )]],
}

-- Scale and the NURand constants the run must agree with (2.1.6.1): written by prepare, read
-- by client_init and check. One row.
local META_DDL = [[
  CREATE TABLE tpcc_meta (
    warehouses integer     NOT NULL,
    c_load     integer     NOT NULL,  -- C for C_LAST used at load time (2.1.6.1 C-Load)
    c_run      integer     NOT NULL,  -- C for C_LAST used by the transactions (C-Run)
    data_seed  bigint      NOT NULL,  -- root of the per-warehouse data streams (tpcc/rng.lua)
    fk         boolean     NOT NULL
  )]]

-- Index/key jobs, built in parallel after the data. weight ~ index entries per warehouse, used to
-- deal the jobs to loader parts so the biggest (ORDER-LINE's key) runs beside all the others.
-- Each job also ANALYZEs its tables, so statistics are gathered in parallel too.
M.INDEX_JOBS = {
  { weight = 300, analyze = { "order_line" }, sql = {
    "ALTER TABLE order_line ADD CONSTRAINT order_line_pkey PRIMARY KEY (ol_w_id, ol_d_id, ol_o_id, ol_number)" } },
  { weight = 100, analyze = { "stock" }, sql = {
    "ALTER TABLE stock ADD CONSTRAINT stock_pkey PRIMARY KEY (s_w_id, s_i_id)" } },
  -- Payment and Order-Status select 60% of customers by (w, d, last) ordered by first
  -- (2.5.2.2, 2.6.2.2): without this index each of them would scan the district's 3,000 rows.
  { weight = 70, analyze = { "customer" }, sql = {
    "ALTER TABLE customer ADD CONSTRAINT customer_pkey PRIMARY KEY (c_w_id, c_d_id, c_id)",
    "CREATE INDEX customer_name_idx ON customer (c_w_id, c_d_id, c_last, c_first)" } },
  -- Order-Status reads the customer's latest order (2.6.2.2): (w, d, c, o_id) answers
  -- ORDER BY o_id DESC LIMIT 1 from the index.
  { weight = 60, analyze = { "orders" }, sql = {
    "ALTER TABLE orders ADD CONSTRAINT orders_pkey PRIMARY KEY (o_w_id, o_d_id, o_id)",
    "CREATE INDEX orders_customer_idx ON orders (o_w_id, o_d_id, o_c_id, o_id)" } },
  { weight = 30, analyze = { "history" }, sql = {} },
  { weight = 10, analyze = { "new_order", "warehouse", "district" }, sql = {
    "ALTER TABLE new_order ADD CONSTRAINT new_order_pkey PRIMARY KEY (no_w_id, no_d_id, no_o_id)",
    "ALTER TABLE warehouse ADD CONSTRAINT warehouse_pkey PRIMARY KEY (w_id)",
    "ALTER TABLE district ADD CONSTRAINT district_pkey PRIMARY KEY (d_w_id, d_id)" } },
  { weight = 5, analyze = { "item" }, sql = {
    "ALTER TABLE item ADD CONSTRAINT item_pkey PRIMARY KEY (i_id)" } },
}

-- Foreign keys of clause 1.3 (--fk). Added after the keys they reference; validation scans each
-- child once. New-Order's 1% invalid item is caught by the item lookup, never by a FK.
M.FOREIGN_KEYS = {
  "ALTER TABLE district ADD CONSTRAINT district_w_fk FOREIGN KEY (d_w_id) REFERENCES warehouse (w_id)",
  "ALTER TABLE customer ADD CONSTRAINT customer_d_fk FOREIGN KEY (c_w_id, c_d_id) REFERENCES district (d_w_id, d_id)",
  "ALTER TABLE history ADD CONSTRAINT history_c_fk FOREIGN KEY (h_c_w_id, h_c_d_id, h_c_id) REFERENCES customer (c_w_id, c_d_id, c_id)",
  "ALTER TABLE history ADD CONSTRAINT history_d_fk FOREIGN KEY (h_w_id, h_d_id) REFERENCES district (d_w_id, d_id)",
  "ALTER TABLE orders ADD CONSTRAINT orders_c_fk FOREIGN KEY (o_w_id, o_d_id, o_c_id) REFERENCES customer (c_w_id, c_d_id, c_id)",
  "ALTER TABLE new_order ADD CONSTRAINT new_order_o_fk FOREIGN KEY (no_w_id, no_d_id, no_o_id) REFERENCES orders (o_w_id, o_d_id, o_id)",
  "ALTER TABLE order_line ADD CONSTRAINT order_line_o_fk FOREIGN KEY (ol_w_id, ol_d_id, ol_o_id) REFERENCES orders (o_w_id, o_d_id, o_id)",
  "ALTER TABLE order_line ADD CONSTRAINT order_line_s_fk FOREIGN KEY (ol_supply_w_id, ol_i_id) REFERENCES stock (s_w_id, s_i_id)",
  "ALTER TABLE stock ADD CONSTRAINT stock_w_fk FOREIGN KEY (s_w_id) REFERENCES warehouse (w_id)",
  "ALTER TABLE stock ADD CONSTRAINT stock_i_fk FOREIGN KEY (s_i_id) REFERENCES item (i_id)",
}

-- Plain CREATE TABLE: a table of the same name that stormdb did not create stops prepare (the
-- engine names it) instead of being dropped. stormdb cleanup drops what prepare recorded.
-- check_ddl: the consistency check's work table, created here so that it is tpcc's too.
function M.create_tables(db, check_ddl)
  for _, name in ipairs(const.TABLES) do db:exec(TABLE_DDL[name]) end
  db:exec(META_DDL)
  db:exec(check_ddl)
end

-- Deals INDEX_JOBS to n parts, biggest first to the least-loaded part (deterministic).
-- Returns the list of jobs of `part`.
function M.jobs_for_part(part, n)
  local load, mine = {}, {}
  for p = 1, n do load[p] = 0 end
  for _, job in ipairs(M.INDEX_JOBS) do  -- INDEX_JOBS is sorted by weight, descending
    local best = 1
    for p = 2, n do if load[p] < load[best] then best = p end end
    load[best] = load[best] + job.weight
    if best == part then mine[#mine + 1] = job end
  end
  return mine
end

return M
