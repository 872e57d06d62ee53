# The engine's COPY buffer under the native TPC-C loader: a COPY whose last key fills the buffer while the server is not reading, and escaping.
"""Regression for the W=100 failure (issue 10 §3): a C generator returns after the key whose row
fills the 256 KiB COPY buffer; when that key is the last one of the COPY and the socket is full
(the server busy), the connection is still flushing when plugin:copy finishes the COPY. The
engine refused to end a COPY in that state ("not in COPY"), the loader part failed and its
connection was closed mid-COPY. Here a BEFORE INSERT trigger stalls the server on the first row
so the socket fills, and the COPY ends exactly on a row that fills the buffer."""
import os
import tempfile
import harness

COPY_CHUNK = 256 * 1024   # kCopyChunk in engine/pg/connection.cpp

SCRIPT = """
local _, native = stormdb.plugin("tpcc_native")
workload = { mix = { noop = 1 } }
function noop(ctx) end
function prepare(ctx)
  local db = ctx.db
  db:exec("CREATE TABLE stock (s_i_id int, s_w_id int, s_quantity int, s_dist_01 text, s_dist_02 text, " ..
          "s_dist_03 text, s_dist_04 text, s_dist_05 text, s_dist_06 text, s_dist_07 text, s_dist_08 text, " ..
          "s_dist_09 text, s_dist_10 text, s_ytd int, s_order_cnt int, s_remote_cnt int, s_data text)")
  if %(stall)s then
    db:exec("CREATE FUNCTION stall_first_row() RETURNS trigger LANGUAGE plpgsql AS " ..
            "$$BEGIN IF NEW.s_i_id = 1 THEN PERFORM pg_sleep(1.5); END IF; RETURN NEW; END$$")
    db:exec("CREATE TRIGGER stall BEFORE INSERT ON stock FOR EACH ROW EXECUTE FUNCTION stall_first_row()")
  end
  ctx:log("copied %%d rows", native:copy(db, "stock", 42, 3, 1, %(last)d, 1))
end
"""


class NativeLoaderBufferEdgeTest(harness.DatabaseTestCase):
    def prepare(self, db, last, stall):
        with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as f:
            f.write(SCRIPT % {"last": last, "stall": "true" if stall else "false"})
        try:
            return db.stormdb("prepare", f.name, check_rc=None)
        finally:
            os.unlink(f.name)

    def test_copy_ending_on_a_full_buffer_while_flushing(self):
        # 1. Where the buffer fills: the row lengths of a plain load of the same stream (the COPY
        #    text of STOCK is what psql prints unaligned, tab-separated: integers and a-strings).
        probe = harness.Database()
        try:
            p = self.prepare(probe, 4000, stall=False)
            self.assertEqual(p.returncode, 0, p.stderr)
            filled, size = [], 0
            for row in probe.sql("SELECT * FROM stock ORDER BY s_i_id"):
                size += len("\t".join(row)) + 1
                if size >= COPY_CHUNK:
                    filled.append(int(row[0]))
                    size = 0
        finally:
            probe.drop()
        self.assertGreaterEqual(len(filled), 3, filled)
        # 2. The COPY whose last key is the third buffer-filling row, with the server stalled on
        #    row 1: ~768 KiB are queued before it reads again, more than a socket holds.
        last = filled[2]
        p = self.prepare(self.db, last, stall=True)
        self.assertEqual(p.returncode, 0, f"native COPY of keys 1..{last} failed:\n{p.stderr}")
        self.assertEqual(self.scalar("SELECT count(*) FROM stock"), str(last))
        self.assertEqual(self.scalar("SELECT max(s_i_id) FROM stock"), str(last))

    def test_copy_escapes_special_characters(self):
        # The COPY buffer escapes backslash, tab, newline and carriage return wherever they stand
        # in a string (at the ends, doubled, alone) and passes everything else through unchanged.
        values = ["plain", "\\", "a\tb", "\n\nx", "x\r", "\\t is not a tab", "mid\\dle\tand\rend\n", "", "é ü"]
        script = ("workload = { mix = { noop = 1 } }\nfunction noop(ctx) end\nfunction prepare(ctx)\n"
                  "  ctx.db:exec('CREATE TABLE esc (i int, s text)')\n  local cp = ctx.db:copy('esc (i, s)')\n")
        for i, v in enumerate(values):
            script += f"  cp:row({i}, {lua_string(v)})\n"
        script += "  cp:finish()\nend\n"
        with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as f:
            f.write(script)
        try:
            self.stormdb("prepare", f.name)
        finally:
            os.unlink(f.name)
        got = self.sql("SELECT i, encode(convert_to(s, 'UTF8'), 'hex') FROM esc ORDER BY i")
        self.assertEqual([bytes.fromhex(h).decode() for _, h in got], values)


def lua_string(v):
    """v as a Lua string literal (decimal escapes for every byte, so nothing needs quoting)."""
    return '"' + "".join(f"\\{b}" for b in v.encode()) + '"'


if __name__ == "__main__":
    harness.main()
