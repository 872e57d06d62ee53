-- sysbench_point_select.lua — sysbench's oltp_point_select event on pgbench's table, for
-- tools/bench/vs_pgbench.sh: one prepared SELECT by primary key per event, as oltp_point_select does
-- on sbtest (point_selects=1, no BEGIN/COMMIT), but on pgbench_accounts with pgbench -S's
-- statement and a uniform aid over the whole scale, so the three clients compared there read the
-- same table through the same index. Run by sysbench (not stormdb): --accounts=100000*scale.
sysbench.cmdline.options = {
  accounts = { "rows in pgbench_accounts (100000 * pgbench scale)", 1000000 },
}

function thread_init()
  drv = sysbench.sql.driver()
  con = drv:connect()
  stmt = con:prepare("SELECT abalance FROM pgbench_accounts WHERE aid = ?")
  aid = stmt:bind_create(sysbench.sql.type.INT)
  stmt:bind_param(aid)
end

function event()
  aid:set(sysbench.rand.uniform(1, sysbench.opt.accounts))
  stmt:execute()
end

function thread_done()
  stmt:close()
  con:disconnect()
end
