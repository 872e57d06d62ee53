-- owned_load.lua — a test workload whose prepare creates one object of every kind the load
-- registry records, and can fail, hang or add an index to a user's table on request.
workload = {
  name = "owned_load",
  description = "test workload for the load registry (ownership, partial loads)",
  options = {
    fail = { default = false, help = "prepare raises an error after creating its objects" },
    hang = { default = false, help = "prepare sleeps 60 s after creating its objects (to be killed)" },
    user_index = { default = false, help = "prepare also adds an index to the existing table user_t" },
    clash = { default = false, help = "prepare ends, after a second, by creating a table user_t (a clash if it exists)" },
  },
  mix = { count = 1 },
}

function prepare(ctx)
  local db = ctx.db
  db:exec("CREATE TABLE owned_a (id int PRIMARY KEY, v text)")
  db:exec("CREATE TABLE owned_b (id int REFERENCES owned_a)")
  db:exec("CREATE VIEW owned_v AS SELECT * FROM owned_a")
  db:exec("CREATE SEQUENCE owned_seq")
  db:exec("CREATE TYPE owned_mood AS ENUM ('calm', 'busy')")
  db:exec("CREATE FUNCTION owned_f(x int) RETURNS int LANGUAGE sql AS 'SELECT x + 1'")
  db:exec("CREATE FUNCTION owned_trg() RETURNS trigger LANGUAGE plpgsql AS $$BEGIN RETURN NEW; END$$")
  db:exec("CREATE TRIGGER owned_t BEFORE INSERT ON owned_a FOR EACH ROW EXECUTE FUNCTION owned_trg()")
  db:exec("INSERT INTO owned_a SELECT g, 'x' || g FROM generate_series(1, 100) g")
  if ctx.opt.user_index then db:exec("CREATE INDEX owned_on_user_t ON user_t (v)") end
  if ctx.opt.hang then db:exec("SELECT pg_sleep(60)") end
  if ctx.opt.fail then error("prepare failed on purpose", 0) end
  if ctx.opt.clash then
    db:exec("SELECT pg_sleep(1)")  -- long enough for the recorder thread to have recorded the objects above
    db:exec("CREATE TABLE user_t (id int)")
  end
  db:exec("CREATE INDEX owned_a_v ON owned_a (v)")
end

function count(ctx)
  ctx.db:value("SELECT count(*) FROM owned_a")
end
