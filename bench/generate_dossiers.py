"""Fill a scratch PostgreSQL database with N dossiers for the reports benchmark (issue 7, point 5).

    createdb -h 127.0.0.1 -U egov egov_bench_reports
    export DATABASE_URL=postgres://egov:egov@127.0.0.1:5432/egov_bench_reports
    .venv/bin/python manage.py migrate && .venv/bin/python manage.py load_demo   # the real province, catalogue
    .venv/bin/python bench/generate_dossiers.py --n 10000000 --year-2022

Rows are made by `INSERT … SELECT generate_series` in the server (no ORM, no row in Python), in chunks.
Distributions: each published procedure of the demo catalogue at its owner (department) or, for a commune
procedure, at every commune's People's Committee (departments weigh 30× a commune); channels online 55% /
desk 40% / postal 5%; outcomes 92% resolved (95% in time: early 70%, on the day 25%; 5% overdue), withdrawn
0.3%, stopped 0.1%, refused before reception none; 30% of returned dossiers rated (5: 60%, 4: 25%, 3: 10%,
2: 3%, 1: 2%); 20% asked to pay, 60% of them online; desk and postal dossiers scanned (70% every required
component, 10% some); every resolved dossier with a result, 95% signed; 2% of resolved dossiers extended. Not
generated: online dossiers' own uploads (they enter no count).

`--year-2022`: one block of exactly 1,255,000 dossiers handled in 2022 (the rest spread over 2019–2021 and
2023–2026, each received and finished within its own year) so that the year 2022 reads, under
docs/reports.md's definitions: resolved 1,242,768; resolved_in_time 1,201,075; resolved_overdue 41,693 plus
open_end_overdue 4,725 = 46,418 overdue; handled 1,255,000 (95.7% and 3.7% are over handled).
"""

from __future__ import annotations

import argparse
import os
import re
import sys
import time
from pathlib import Path

import django

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

YEAR_2022 = {
    "in_time": 1_201_075,
    "overdue": 41_693,  # 1,242,768 − 1,201,075: resolved late
    "withdrawn": 3_100,
    "stopped": 1_200,
    "open_overdue": 4_725,  # 46,418 − 41,693: still open and past due on 31/12/2022
    "open_on_time": 3_207,  # makes handled 1,255,000
}
OTHER_YEARS = (2019, 2020, 2021, 2023, 2024, 2025, 2026)
CHUNK = 1_000_000
SCRATCH = re.compile(r"(bench|scratch)", re.I)


def refuse_unless_scratch() -> str:
    from django.db import connection

    name = str(connection.settings_dict["NAME"])
    if connection.vendor != "postgresql":
        sys.exit("refused: the generator needs PostgreSQL (set DATABASE_URL)")
    if not SCRATCH.search(name):
        sys.exit(f"refused: database {name!r} does not look like a scratch/bench database (name must contain bench)")
    return name


# The dossier columns every generated row sets; `pick` is a random (agency, procedure) pair, times per row.
INSERT = """
INSERT INTO dossiers_dossier (
  public_id, rule_set, status, channel, procedure_name, duration_value, duration_unit, online_level, applicant_name,
  applicant_personal_id, applicant_phone, applicant_email, applicant_address, proxy_name, proxy_personal_id,
  proxy_phone, postal_waybill, result_by_post, form_data, supplement_requests, created_at, updated_at,
  agency_id, created_by_id, procedure_id, return_channel, return_waybill, timeliness,
  submitted_at, received_at, clock_start_at, due_at, statutory_due_at, finished_at, returned_at)
SELECT gen_random_uuid(), 'nd118_2025', o.status, o.channel, p.name, p.duration_value, p.duration_unit, p.online_level,
  'Nguyễn Văn An', '', '0900000000', '', '', '', '', '', '', false, '{{}}', 0, o.r, o.r,
  k.agency_id, %(user)s::bigint, k.procedure_id, '', '', o.timeliness,
  o.r, o.r, o.r, o.due, o.due, o.f, CASE WHEN o.status = 'returned' THEN o.f END
FROM ({outcomes}) o
JOIN bench_pairs k ON k.k = o.pick
JOIN catalog_procedure p ON p.id = k.procedure_id
"""

# Common row randomness: u (outcome), pick (pair), ch (channel). Parameters carry casts: with server-side
# binding (DATABASE_PREPARED) psycopg sends a small int as smallint, and generate_series(smallint, smallint)
# is ambiguous.
BASE = """SELECT i, random() AS u, 1 + floor(random() * %(pairs)s::int)::int AS pick,
  CASE WHEN random() < 0.55 THEN 'online' WHEN random() < 0.89 THEN 'desk' ELSE 'postal' END AS channel
  FROM generate_series(%(lo)s::int, %(hi)s::int) i"""

# One year: received in [1/1, 1/1 + span days), finished 1–481 hours later, so within the year. u picks the
# outcome (withdrawn 0.3%, stopped 0.1%, open `open`, else resolved), v the timeliness of a resolved one.
YEAR_OUTCOMES = f"""
SELECT pick, channel, r,
  CASE WHEN u < 0.004 + %(open)s::float8 THEN r + interval '15 days'
       WHEN v < 0.70 THEN f + interval '1 day' * (1 + 5 * random())
       WHEN v < 0.95 THEN f + interval '1 minute' * (1 + 60 * random())
       ELSE r + (f - r) * random() END AS due,
  CASE WHEN u < 0.004 OR u >= 0.004 + %(open)s::float8 THEN f END AS f,
  CASE WHEN u < 0.003 THEN 'withdrawn' WHEN u < 0.004 THEN 'stopped' WHEN u < 0.004 + %(open)s::float8 THEN 'processing'
       WHEN random() < 0.8 THEN 'returned' ELSE 'resolved' END AS status,
  CASE WHEN u < 0.004 + %(open)s::float8 THEN '' WHEN v < 0.70 THEN 'early' WHEN v < 0.95 THEN 'on_time'
       ELSE 'overdue' END AS timeliness
FROM (SELECT *, r + interval '1 hour' * (1 + 480 * random()) AS f, random() AS v FROM (
  SELECT b.*, %(start)s::timestamptz + interval '1 day' * %(span)s::float8 * random() AS r FROM ({BASE}) b) x) y
"""

# The 2022 block: category by row number, finished (or open) as the published figures say.
Y22 = YEAR_2022
B1 = Y22["in_time"]
B2 = B1 + Y22["overdue"]
B3 = B2 + Y22["withdrawn"]
B4 = B3 + Y22["stopped"]
B5 = B4 + Y22["open_overdue"]
B6 = B5 + Y22["open_on_time"]
BLOCK_2022 = f"""
SELECT pick, channel, CASE WHEN i <= {B4} THEN least(due, f) - interval '1 hour' * (2 + 160 * random())
  ELSE least(due, timestamptz '2022-12-31 12:00+07') - interval '1 hour' * (2 + 300 * random()) END AS r,
  due, f, status, timeliness
FROM (
  SELECT b.pick, b.channel, b.i, fin AS f,
    CASE WHEN b.i <= {B1} AND b.u < 0.74 THEN fin + interval '1 day' * (1 + 5 * random())
         WHEN b.i <= {B1} THEN fin + interval '1 minute' * (1 + 60 * random())
         WHEN b.i <= {B2} THEN fin - interval '1 day' * (1 + 5 * random())
         WHEN b.i <= {B4} THEN fin + interval '3 days'
         WHEN b.i <= {B5} THEN timestamptz '2022-12-31 16:00+07' - interval '1 day' * 20 * random()
         ELSE fin + interval '1 day' END AS due,
    CASE WHEN b.i <= {B2} THEN CASE WHEN random() < 0.8 THEN 'returned' ELSE 'resolved' END
         WHEN b.i <= {B3} THEN 'withdrawn' WHEN b.i <= {B4} THEN 'stopped' ELSE 'returned' END AS status,
    CASE WHEN b.i <= {B1} AND b.u < 0.74 THEN 'early' WHEN b.i <= {B1} THEN 'on_time'
         WHEN b.i <= {B2} THEN 'overdue' WHEN b.i <= {B4} THEN '' WHEN b.i <= {B5} THEN 'overdue'
         ELSE 'early' END AS timeliness
  FROM ({BASE}) b
  CROSS JOIN LATERAL (SELECT CASE WHEN b.i <= {B4}
      THEN timestamptz '2022-01-01 00:00+07' + interval '1 second' * floor(random() * 365 * 86400)
      ELSE timestamptz '2023-01-02 08:00+07' + interval '1 day' * 20 * random() END AS fin) t
) x
"""
# Rows after B4 are open at the end of 2022: received before 31/12/2022 12:00 (and before their due moment),
# finished in January 2023; the overdue ones were due before 31/12/2022 16:00, the others after it.


def pairs_sql() -> str:
    """(agency, procedure) pairs: a department's own procedures, and commune procedures at every commune."""
    return """
DROP TABLE IF EXISTS bench_pairs;
CREATE TABLE bench_pairs (k serial PRIMARY KEY, agency_id bigint, procedure_id bigint);
INSERT INTO bench_pairs (agency_id, procedure_id)
SELECT p.owner_id, p.id FROM catalog_procedure p, generate_series(1, 30)
WHERE p.status = 'published' AND NOT p.at_commune
UNION ALL
SELECT a.id, p.id FROM catalog_procedure p JOIN org_agency a ON a.level = 'commune'
WHERE p.status = 'published' AND p.at_commune;
"""


RATINGS = """
INSERT INTO dossiers_rating (score, comment, created_at, agency_id, dossier_id)
SELECT CASE WHEN u < 0.6 THEN 5 WHEN u < 0.85 THEN 4 WHEN u < 0.95 THEN 3 WHEN u < 0.98 THEN 2 ELSE 1 END,
  '', finished_at + interval '1 day', agency_id, id
FROM (SELECT d.*, random() AS u FROM dossiers_dossier d WHERE d.status = 'returned' AND d.id > %(after)s) d
WHERE random() < 0.3
"""
PAYMENTS = """
WITH r AS (
  INSERT INTO payments_paymentrequest (public_id, lines, total, status, pauses_clock, note, requested_at,
    dossier_id, requested_by_id, paid_at)
  SELECT gen_random_uuid(), '[]', 50000, 'paid', false, '', received_at + interval '1 hour', id, %(user)s,
    received_at + interval '3 hours'
  FROM dossiers_dossier WHERE received_at IS NOT NULL AND id > %(after)s AND random() < 0.2
  RETURNING id, requested_at)
INSERT INTO payments_payment (order_id, method, gateway, amount, status, gateway_txn, reference, response_code,
  created_at, paid_at, request_id)
SELECT 'B' || r.id, CASE WHEN random() < 0.6 THEN 'online' ELSE 'cash' END, '', 50000, 'paid', '', '', '',
  r.requested_at, r.requested_at + interval '2 hours', r.id
FROM r
"""

# Scans of desk and postal dossiers (what `digitised` counts): 70% with every required component, 10% with some.
# Online dossiers' own uploads are not generated (they do not enter any count; ~11M more rows).
DOCUMENTS = """
INSERT INTO dossiers_document (public_id, name, file, original_filename, content_type, size, sha256, uploaded_at,
  component_id, dossier_id, uploaded_by_id)
SELECT gen_random_uuid(), c.name, 'bench/scan.pdf', 'scan.pdf', 'application/pdf', 250000, '', d.received_at, c.id,
  d.id, %(user)s
FROM (SELECT id, procedure_id, received_at, random() AS u FROM dossiers_dossier
      WHERE channel <> 'online' AND received_at IS NOT NULL AND id > %(after)s) d
JOIN catalog_component c ON c.procedure_id = d.procedure_id AND c.required
WHERE d.u < 0.7 OR (d.u < 0.8 AND c.id %% 2 = 0)
"""
# The result of every resolved dossier, 95% of them signed an hour before finishing.
RESULTS = """
INSERT INTO records_result (dossier_id, source, text, original_filename, draft_file, draft_sha256, drafted_by_id,
  drafted_at, number, file, sha256, size, signed_at, signer_id, signer_name, agency_id, agency_name)
SELECT id, 'letter', '', '', 'bench/draft.pdf', '', %(user)s, finished_at - interval '2 hours', 'KQ-' || id,
  'bench/signed.pdf', '', 120000, CASE WHEN random() < 0.95 THEN finished_at - interval '1 hour' END, %(user)s,
  'Lãnh đạo', agency_id, ''
FROM dossiers_dossier WHERE status IN ('resolved', 'returned') AND id > %(after)s
"""
# 2% of resolved dossiers were given a new date (graded on the original one all the same).
EXTENSIONS = """
INSERT INTO dossiers_extension (dossier_id, reason, original_due_at, new_due_at, granted_by_id, granted_at)
SELECT id, 'Cần xác minh thêm', statutory_due_at, statutory_due_at + interval '5 days', %(user)s,
  statutory_due_at - interval '1 day'
FROM dossiers_dossier
WHERE status IN ('resolved', 'returned') AND statutory_due_at IS NOT NULL AND id > %(after)s AND random() < 0.02
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--n", type=int, default=10_000_000, help="dossiers to add (default 10,000,000)")
    parser.add_argument("--year-2022", action="store_true", help="include the exact 2022 block (1,255,000)")
    args = parser.parse_args()
    django.setup()
    from django.db import connection

    name = refuse_unless_scratch()
    started = time.perf_counter()
    with connection.cursor() as cur:
        cur.execute("SELECT id FROM accounts_user ORDER BY id LIMIT 1")
        user = cur.fetchone()[0]
        cur.execute("SELECT coalesce(max(id), 0) FROM dossiers_dossier")
        after = cur.fetchone()[0]
        cur.execute(pairs_sql())
        cur.execute("SELECT count(*) FROM bench_pairs")
        pairs = cur.fetchone()[0]
        if pairs == 0:
            sys.exit("no published procedures: run `manage.py load_demo` first")
        block = B6 if args.year_2022 else 0
        if block > args.n:
            sys.exit(f"--year-2022 needs --n ≥ {block}")
        if block:
            cur.execute(INSERT.format(outcomes=BLOCK_2022), {"user": user, "pairs": pairs, "lo": 1, "hi": block})
            print(f"2022 block: {block:,} dossiers  {time.perf_counter() - started:.0f} s", flush=True)
        rest = args.n - block
        per_year = -(-rest // len(OTHER_YEARS))
        done = 0
        for y in OTHER_YEARS:
            todo = min(per_year, rest - done)
            while todo > 0:
                size = min(CHUNK, todo)
                params = {
                    "user": user,
                    "pairs": pairs,
                    "lo": 1,
                    "hi": size,
                    "start": f"{y}-01-01 00:00+07",
                    "open": 0.03 if y == OTHER_YEARS[-1] else 0.0,
                    "span": 300 if y == OTHER_YEARS[-1] else 340,  # the last year: nothing after now
                }
                cur.execute(INSERT.format(outcomes=YEAR_OUTCOMES), params)
                todo -= size
                done += size
                print(f"{y}: {done + block:,} dossiers  {time.perf_counter() - started:.0f} s", flush=True)
        cur.execute(RATINGS, {"after": after})
        print(f"ratings: {cur.rowcount:,}  {time.perf_counter() - started:.0f} s", flush=True)
        cur.execute(PAYMENTS, {"after": after, "user": user})
        print(f"payments: {cur.rowcount:,}  {time.perf_counter() - started:.0f} s", flush=True)
        for label, sql in (("documents", DOCUMENTS), ("results", RESULTS), ("extensions", EXTENSIONS)):
            cur.execute(sql, {"after": after, "user": user})
            print(f"{label}: {cur.rowcount:,}  {time.perf_counter() - started:.0f} s", flush=True)
        cur.execute("DROP TABLE bench_pairs")
        cur.execute("ANALYZE")
    took = time.perf_counter() - started
    print(f"generated {args.n:,} dossiers into {name} in {took:.0f} s")
    flags = " --year-2022" if args.year_2022 else ""
    print(f"rerun: DATABASE_URL=... .venv/bin/python bench/generate_dossiers.py --n {args.n}{flags}")


if __name__ == "__main__":
    main()
