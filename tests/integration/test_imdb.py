# Integration tests of workloads/imdb.lua: synthetic load, indexes and skew, every mode's operations, keys over the whole range, TSV import, cleanup.
import os
import tempfile

import harness

MOVIES = 3000
SCRIPT = harness.workload("imdb.lua")
OPTS = [f"--movies={MOVIES}", "--seed=11"]
# Runs are a fixed number of transactions per client with a fixed --seed (in OPTS), not a duration: the
# mix draws the same sequence every time, so whether each transaction type ran does not depend on
# how busy the machine is, and a run takes only as long as those transactions.
RUN = ["-c", "4", "-j", "2"]
# write: enough edit_comment/rate_movie draws to reach both ends of the key range; mixed: every
# type at 1.4 % or more, and the 70 % read share
PER_CLIENT = {"read": 100, "write": 150, "mixed": 200}
READS = {"movie_by_imdb_id", "movie_with_cast", "search_title", "movie_comments", "top_rated", "by_country_year",
         "search_genre", "search_director", "actor_filmography", "search_overview", "country_ranking", "genre_window", "actor_career",
         "trending_now", "year_trend", "engagement_analysis"}
WRITES = {"log_view", "add_comment", "rate_movie", "edit_comment", "add_cast", "add_movie", "add_actor"}
MODES = {"read": READS, "write": WRITES, "mixed": READS | WRITES}
TABLES = ["movies", "actors", "movie_cast", "comments", "view_logs", "vote_history", "meta", "title_prefixes"]
INDEXES = {
    "movies": {"movies_pkey", "movies_imdb_id", "movies_title", "movies_rating", "movies_country_year",
               "movies_json", "movies_overview_fts"},
    "comments": {"comments_pkey", "comments_movie"},
    "view_logs": {"view_logs_pkey", "view_logs_movie"},
    "actors": {"actors_pkey", "actors_imdb_name_id"},
    "movie_cast": {"movie_cast_pkey", "movie_cast_movie_actor", "movie_cast_actor"},
    "vote_history": {"vote_history_pkey", "vote_history_movie"},
}

# A few lines of each public IMDB file (same columns, header line, \N for NULL, JSON characters),
# with the awkward cases: a TV series (not imported), quotes, a backslash and LIKE metacharacters.
TSV = {
    "title.basics.tsv": [
        "tconst\ttitleType\tprimaryTitle\toriginalTitle\tisAdult\tstartYear\tendYear\truntimeMinutes\tgenres",
        "tt0000009\tmovie\tMiss Jerry\tMiss Jerry\t0\t1894\t\\N\t45\tRomance",
        "tt0111161\tmovie\tThe \"Shawshank\" Redemption\tThe Shawshank Redemption\t0\t1994\t\\N\t142\tDrama",
        "tt0068646\tmovie\tThe Godfather\tThe Godfather\t0\t1972\t\\N\t175\tCrime,Drama",
        "tt0903747\ttvSeries\tBreaking Bad\tBreaking Bad\t0\t2008\t2013\t49\tCrime,Drama,Thriller",
        "tt9999998\tmovie\tBack\\slash 100% _Film_\tX\t0\t\\N\t\\N\t\\N\t\\N"],
    "name.basics.tsv": [
        "nconst\tprimaryName\tbirthYear\tdeathYear\tprimaryProfession\tknownForTitles",
        "nm0000151\tMorgan Freeman\t1937\t\\N\tactor,producer\ttt0111161",
        "nm0000209\tTim Robbins\t1958\t\\N\tactor,director\ttt0111161",
        "nm0000008\tMarlon Brando\t1924\t2004\tactor\ttt0068646",
        "nm0001001\tJames Caan\t1940\t2022\tactor\ttt0068646",
        "nm0186505\tBryan Cranston\t1956\t\\N\tactor\ttt0903747",
        "nm0001104\tFrank Darabont\t1959\t\\N\tdirector\ttt0111161"],
    "title.principals.tsv": [
        "tconst\tordering\tnconst\tcategory\tjob\tcharacters",
        "tt0111161\t1\tnm0000209\tactor\t\\N\t[\"Andy Dufresne\"]",
        "tt0111161\t2\tnm0000151\tactor\t\\N\t[\"Ellis Boyd 'Red' Redding\"]",
        "tt0111161\t3\tnm0001104\tdirector\t\\N\t\\N",
        "tt0068646\t1\tnm0000008\tactor\t\\N\t[\"Don Vito Corleone\"]",
        "tt0068646\t2\tnm0001001\tactor\t\\N\t[\"Sonny Corleone\"]",
        "tt0903747\t1\tnm0186505\tactor\t\\N\t[\"Walter White\"]"],
    "title.ratings.tsv": [
        "tconst\taverageRating\tnumVotes",
        "tt0111161\t9.3\t2900000", "tt0068646\t9.2\t2000000", "tt0903747\t9.5\t2100000", "tt0000009\t5.4\t220"],
}


class ImdbHelpers:
    def prepare(self, *extra):
        self.stormdb("prepare", SCRIPT, *OPTS, *extra)

    def count(self, table):
        return int(self.scalar(f"SELECT count(*) FROM imdb.{table}"))

    def run_mode(self, mode, opts=OPTS, expected=None):
        _, result = self.stormdb_json("run", SCRIPT, *opts, f"--mode={mode}", *RUN, "-t", str(PER_CLIENT[mode]))
        types = result["transactions"]
        for name in sorted(expected or MODES[mode]):
            self.assertIn(name, types, f"{mode}: {name} never ran")
            self.assertGreater(types[name]["committed"], 0, f"{mode}: {name}")
            self.assertEqual(types[name]["failed"], 0, f"{mode}: {name} failures {types[name]['failures']}")
        self.assertEqual({n for n, s in types.items() if s["count"] > 0}, expected or MODES[mode],
                         f"{mode}: transactions outside the mode ran")
        return result


class ImdbLoadedTest(ImdbHelpers, harness.SharedDatabaseTestCase):
    """One load shared, in order: the load itself, a read run, a write run, a mixed run and cleanup."""

    @classmethod
    def load(cls):
        cls.db.stormdb("prepare", SCRIPT, *OPTS)

    def test_a_prepare_loads_rows_indexes_and_skew(self):
        self.assertEqual(self.count("movies"), MOVIES)
        self.assertEqual(self.count("actors"), MOVIES // 2)
        self.assertEqual(self.count("comments"), 3 * MOVIES)
        self.assertEqual(self.count("view_logs"), 2 * MOVIES)
        self.assertEqual(self.count("vote_history"), 2 * MOVIES)
        cast = self.count("movie_cast")
        self.assertTrue(2 * MOVIES <= cast <= 5 * MOVIES, cast)
        self.assertEqual(self.scalar("SELECT min(movie_id) || '-' || max(movie_id) FROM imdb.movies"), f"1-{MOVIES}")
        self.assertEqual(self.scalar("SELECT movies || ' ' || comments || ' ' || source FROM imdb.meta"),
                         f"{MOVIES} {3 * MOVIES} synthetic")
        for table, expected in INDEXES.items():
            got = {r[0] for r in self.sql(f"SELECT indexname FROM pg_indexes WHERE schemaname = 'imdb' AND tablename = '{table}'")}
            self.assertEqual(got, expected, table)
        fks = {r[0] for r in self.sql("SELECT conname FROM pg_constraint WHERE contype = 'f' AND connamespace = 'imdb'::regnamespace")}
        self.assertEqual(fks, {"movie_cast_movie_fk", "movie_cast_actor_fk", "comments_movie_fk", "view_logs_movie_fk",
                               "vote_history_movie_fk"})
        # Popular movies collect far more comments than the average of 3, and are spread over the ids.
        top = self.sql("SELECT movie_id, count(*) FROM imdb.comments GROUP BY 1 ORDER BY 2 DESC LIMIT 10")
        self.assertGreater(int(top[0][1]), 30)
        self.assertGreater(max(int(r[0]) for r in top), MOVIES // 10, "hot movies all at the start of the table")
        # The read queries' vocabularies match the data (the original queried countries it never loaded).
        self.assertGreater(int(self.scalar("SELECT count(*) FROM imdb.movies WHERE country = 'GBR'")), 0)
        self.assertGreater(int(self.scalar("SELECT count(*) FROM imdb.movies WHERE json_column @> '{\"genres\":[\"Drama\"]}'")), 0)
        self.assertGreater(int(self.scalar("SELECT count(*) FROM imdb.title_prefixes")), 50)
        self.assertEqual(self.scalar("SELECT reltuples::bigint FROM pg_class WHERE oid = 'imdb.movies'::regclass"),
                         str(MOVIES), "ANALYZE did not run")

    def test_b_read_mode_writes_nothing(self):
        before = [self.count(t) for t in TABLES]
        self.run_mode("read")
        self.assertEqual([self.count(t) for t in TABLES], before)

    def test_c_write_mode_covers_the_whole_range(self):
        xid = int(self.scalar("SELECT pg_current_xact_id()::text"))
        result = self.run_mode("write")
        types = result["transactions"]
        self.assertEqual(self.count("comments"), 3 * MOVIES + types["add_comment"]["committed"])
        self.assertEqual(self.count("view_logs"), 2 * MOVIES + types["log_view"]["committed"])
        self.assertEqual(self.count("vote_history"), 2 * MOVIES + types["rate_movie"]["committed"])
        self.assertEqual(self.count("movies"), MOVIES + types["add_movie"]["committed"])
        self.assertEqual(self.count("actors"), MOVIES // 2 + types["add_actor"]["committed"])
        # New rows continue the loaded ids, and their tconsts cannot collide with loaded ones.
        self.assertEqual(self.scalar(f"SELECT min(movie_id) FROM imdb.movies WHERE movie_id > {MOVIES}"), str(MOVIES + 1))
        self.assertEqual(self.scalar(f"SELECT count(*) FROM imdb.movies WHERE movie_id > {MOVIES} AND imdb_id NOT LIKE 'tt9%'"), "0")
        # Keys span the whole loaded range, not the original's hard-coded 1..1000.
        lo, hi = self.sql(f"SELECT min(comment_id), max(comment_id) FROM imdb.comments WHERE xmin::text::bigint > {xid}"
                          f" AND comment_id <= {3 * MOVIES}")[0]
        self.assertLess(int(lo), 3 * MOVIES // 10)
        self.assertGreater(int(hi), 3 * MOVIES * 9 // 10)
        self.assertGreater(int(self.scalar(f"SELECT max(movie_id) FROM imdb.vote_history WHERE vote_id > {2 * MOVIES}")),
                           MOVIES * 9 // 10)
        # rate_movie snapshots the counters it just wrote, in the same transaction.
        self.assertEqual(self.scalar(f"""
            SELECT count(*) FROM imdb.movies m JOIN LATERAL (
              SELECT upvotes, downvotes FROM imdb.vote_history v WHERE v.movie_id = m.movie_id
               ORDER BY vote_id DESC LIMIT 1) v ON true
             WHERE m.movie_id IN (SELECT movie_id FROM imdb.vote_history WHERE vote_id > {2 * MOVIES})
               AND (v.upvotes, v.downvotes) <> (m.upvotes, m.downvotes)"""), "0")

    def test_d_mixed_mode_then_cleanup(self):
        result = self.run_mode("mixed")
        summary = {s["name"]: s["value"] for s in result["summary"]}
        self.assertAlmostEqual(summary["read share"], 70, delta=5)
        self.stormdb("cleanup", SCRIPT)
        self.assertEqual(self.scalar("SELECT count(*) FROM pg_namespace WHERE nspname = 'imdb'"), "0")
        self.assertEqual(self.scalar("SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
                                     " WHERE n.nspname NOT IN ('pg_catalog', 'information_schema', 'pg_toast')"), "0")


class ImdbTest(ImdbHelpers, harness.DatabaseTestCase):
    def test_same_seed_same_data(self):
        self.prepare("--loaders=2")
        digest = ("SELECT md5(string_agg(concat_ws('|', movie_id, imdb_id, title, year, country, imdb_rating, json_column),"
                  " ',' ORDER BY movie_id)) || (SELECT md5(string_agg(concat_ws('|', comment_id, movie_id, rating, comment),"
                  " ',' ORDER BY comment_id)) FROM imdb.comments) FROM imdb.movies")
        first = self.scalar(digest)
        self.prepare("--loaders=2")
        self.assertEqual(self.scalar(digest), first)
        self.stormdb("prepare", SCRIPT, f"--movies={MOVIES}", "--seed=12", "--loaders=2")
        self.assertNotEqual(self.scalar(digest), first)

    def test_tsv_import(self):
        with tempfile.TemporaryDirectory() as tmp:
            for name, lines in TSV.items():
                with open(os.path.join(tmp, name), "w") as f:
                    f.write("\n".join(lines) + "\n")
            opts = [f"--imdb_tsv={tmp}", "--schema=imdb"]
            self.stormdb("prepare", SCRIPT, *opts)
            # Movies only (the TV series is skipped), in tconst order; ratings and votes joined in.
            self.assertEqual(self.sql("SELECT movie_id, imdb_id, title, year, imdb_rating, upvotes + downvotes"
                                      " FROM imdb.movies ORDER BY movie_id"),
                             [["1", "tt0000009", "Miss Jerry", "1894", "5.4", "220"],
                              ["2", "tt0068646", "The Godfather", "1972", "9.2", "2000000"],
                              ["3", "tt0111161", 'The "Shawshank" Redemption', "1994", "9.3", "2900000"],
                              ["4", "tt9999998", "Back\\slash 100% _Film_", "", "", "0"]])
            self.assertEqual(self.scalar("SELECT json_column->'genres' FROM imdb.movies WHERE imdb_id = 'tt0068646'"),
                             '["Crime", "Drama"]')
            # Actors are the people credited as actors in imported movies (not the director, not Breaking Bad's cast).
            self.assertEqual([r[0] for r in self.sql("SELECT name FROM imdb.actors ORDER BY name")],
                             ["James Caan", "Marlon Brando", "Morgan Freeman", "Tim Robbins"])
            self.assertEqual(self.sql("SELECT m.title, a.name, c.character_name FROM imdb.movie_cast c"
                                      " JOIN imdb.movies m USING (movie_id) JOIN imdb.actors a USING (actor_id)"
                                      " ORDER BY m.movie_id, c.billing"),
                             [["The Godfather", "Marlon Brando", "Don Vito Corleone"],
                              ["The Godfather", "James Caan", "Sonny Corleone"],
                              ['The "Shawshank" Redemption', "Tim Robbins", "Andy Dufresne"],
                              ['The "Shawshank" Redemption', "Morgan Freeman", "Ellis Boyd 'Red' Redding"]])
            # Activity is generated for the imported movies; the staging tables are gone.
            self.assertEqual(self.count("comments"), 12)
            self.assertEqual(self.scalar("SELECT source FROM imdb.meta"), "tsv")
            self.assertEqual(self.scalar("SELECT count(*) FROM pg_tables WHERE schemaname = 'imdb' AND tablename LIKE 'tsv%'"), "0")
            self.run_mode("read", opts)
            self.run_mode("write", opts)

    def test_missing_tsv_file_is_named(self):
        with tempfile.TemporaryDirectory() as tmp:
            p = self.stormdb("prepare", SCRIPT, f"--imdb_tsv={tmp}", check_rc=None)
            self.assertNotEqual(p.returncode, 0)
            self.assertIn("title.basics.tsv", p.stdout + p.stderr)

    def test_existing_schema_is_a_name_clash(self):
        self.sql("CREATE TABLE public.mine (id int)")
        p = self.stormdb("prepare", SCRIPT, "--schema=public", "--movies=100", check_rc=2)
        self.assertIn("schema public, not created by stormdb", p.stderr)
        p = self.stormdb("cleanup", SCRIPT, "--schema=public")
        self.assertIn("nothing to clean up", p.stderr)
        self.assertEqual(self.scalar("SELECT count(*) FROM pg_namespace WHERE nspname = 'public'"), "1")
        self.assertEqual(self.scalar("SELECT count(*) FROM pg_tables WHERE schemaname = 'public'"), "1")


if __name__ == "__main__":
    harness.main()
