-- version_probe.lua — a short write workload for the PostgreSQL version matrix: inserts, updates and
-- now and then a CHECKPOINT, so every view the sampler reads (database, WAL, I/O, checkpointer) moves.
workload = {
  name = "version_probe",
  description = "test workload: writes and checkpoints for the sampler's per-version views",
  options = { checkpoints = { default = true, help = "mix in a CHECKPOINT for every 10 writes" } },
  mix = function(opt)
    if not opt.checkpoints then return { write = 1 } end
    return { write = 10, checkpoint = 1 }
  end,
}

function prepare(ctx)
  ctx.db:exec([[CREATE TABLE vp_rows (id int PRIMARY KEY, n bigint NOT NULL, pad text NOT NULL);
    CREATE TABLE vp_log (client int NOT NULL, pad text NOT NULL)]])
  local copy = ctx.db:copy("vp_rows (id, n, pad)")
  for i = 1, 2000 do copy:row(i, 0, string.rep("x", 200)) end
  copy:finish()
end

function cleanup(ctx)
  ctx.db:exec("DROP TABLE IF EXISTS vp_rows, vp_log")
end

function write(ctx)
  ctx.db:begin()
  ctx.db:exec("UPDATE vp_rows SET n = n + 1 WHERE id = $1", ctx.rand:uniform(1, 2000))
  ctx.db:exec("INSERT INTO vp_log VALUES ($1, $2)", ctx.client_id, string.rep("y", 200))
  ctx.db:commit()
end

-- The throwaway server's user is a superuser; a requested checkpoint shows in pg_stat_checkpointer
-- (17+) or pg_stat_bgwriter (before) and writes buffers that pg_stat_io (16+) counts.
function checkpoint(ctx)
  ctx.db:exec("CHECKPOINT")
end
