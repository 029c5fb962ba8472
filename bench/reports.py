"""Benchmark: the year report for the whole province (every count and rate, every agency), from facts,
beside a hand-written SQL query computing the same counts from the raw tables, in the same run.

    export DATABASE_URL=postgres://egov:egov@127.0.0.1:5432/egov_bench_reports
    .venv/bin/python bench/generate_dossiers.py --n 10000000 --year-2022     # once
    .venv/bin/python bench/reports.py --year 2022 --rebuild

Prints the median of --runs timed runs after one warm-up each, the ratio, and checks both give the same
numbers (exit 1 if not). Targets (issue 7): under 1 s, at most 1.5× the hand-written SQL.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import django

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

HAND_SQL = """
SELECT d.agency_id,
  count(*) FILTER (WHERE d.received_at >= %(lo)s AND d.received_at < %(hi)s) AS received_new,
  count(*) FILTER (WHERE d.received_at < %(lo)s AND (d.finished_at IS NULL OR d.finished_at >= %(lo)s)) AS carried_over,
  count(*) FILTER (WHERE d.received_at < %(hi)s AND (d.finished_at IS NULL OR d.finished_at >= %(lo)s)) AS handled,
  count(*) FILTER (WHERE res) AS resolved,
  count(*) FILTER (WHERE res AND d.timeliness = 'early') AS resolved_early,
  count(*) FILTER (WHERE res AND d.timeliness = 'on_time') AS resolved_on_time,
  count(*) FILTER (WHERE res AND d.timeliness IN ('early', 'on_time')) AS resolved_in_time,
  count(*) FILTER (WHERE res AND d.timeliness = 'overdue') AS resolved_overdue,
  count(*) FILTER (WHERE res AND e.id IS NOT NULL) AS resolved_extended,
  count(*) FILTER (WHERE open) AS open_end,
  count(*) FILTER (WHERE open AND (d.statutory_due_at >= %(end)s OR d.statutory_due_at IS NULL)) AS open_end_on_time,
  count(*) FILTER (WHERE open AND d.statutory_due_at < %(end)s) AS open_end_overdue,
  count(*) FILTER (WHERE fin AND d.received_at IS NOT NULL AND d.status = 'withdrawn') AS withdrawn,
  count(*) FILTER (WHERE fin AND d.received_at IS NOT NULL AND d.status = 'stopped') AS stopped,
  count(*) FILTER (WHERE new AND d.channel = 'online') AS received_online,
  count(*) FILTER (WHERE new AND d.channel = 'postal') AS received_postal,
  count(*) FILTER (WHERE new AND d.online_level IN ('full', 'partial')) AS received_capable,
  count(*) FILTER (WHERE new AND d.online_level IN ('full', 'partial') AND d.channel = 'online')
    AS received_capable_online,
  count(*) FILTER (WHERE new AND d.online_level = 'full') AS received_full,
  count(*) FILTER (WHERE new AND d.online_level = 'full' AND d.channel = 'online') AS received_full_online,
  count(*) FILTER (WHERE new AND d.channel <> 'online') AS not_online_received,
  count(*) FILTER (WHERE new AND d.channel <> 'online'
    AND EXISTS (SELECT 1 FROM dossiers_document x WHERE x.dossier_id = d.id)
    AND NOT EXISTS (SELECT 1 FROM catalog_component c WHERE c.procedure_id = d.procedure_id AND c.required
      AND NOT EXISTS (SELECT 1 FROM dossiers_document x WHERE x.dossier_id = d.id AND x.component_id = c.id)))
    AS digitised,
  count(*) FILTER (WHERE res AND r.signed_at IS NOT NULL) AS results_signed,
  count(*) FILTER (WHERE rated) AS rated,
  count(*) FILTER (WHERE rated AND rt.score >= 4) AS satisfied,
  coalesce(sum(rt.score) FILTER (WHERE rated), 0) AS score_sum
FROM (
  SELECT d.*,
    d.received_at >= %(lo)s AND d.received_at < %(hi)s AS new,
    d.finished_at >= %(lo)s AND d.finished_at < %(hi)s AS fin,
    d.status IN ('resolved', 'returned') AND d.finished_at >= %(lo)s AND d.finished_at < %(hi)s AS res,
    d.received_at < %(end)s AND (d.finished_at IS NULL OR d.finished_at >= %(end)s) AS open
  FROM dossiers_dossier d
) d
LEFT JOIN dossiers_extension e ON e.dossier_id = d.id
LEFT JOIN records_result r ON r.dossier_id = d.id
LEFT JOIN dossiers_rating rt ON rt.dossier_id = d.id
CROSS JOIN LATERAL (SELECT rt.created_at >= %(lo)s AND rt.created_at < %(hi)s AS rated) x
WHERE d.received_at < %(hi)s OR x.rated
GROUP BY d.agency_id
"""
HAND_PAYMENTS = """
SELECT d.agency_id, count(DISTINCT q.dossier_id) AS fee_dossiers,
  count(DISTINCT q.dossier_id) FILTER (WHERE pm.method = 'online' AND pm.status = 'paid' AND pm.paid_at < %(hi)s)
    AS paid_online
FROM payments_paymentrequest q
JOIN dossiers_dossier d ON d.id = q.dossier_id
LEFT JOIN dossiers_rating rt ON rt.dossier_id = d.id
LEFT JOIN payments_payment pm ON pm.request_id = q.id
WHERE q.requested_at >= %(lo)s AND q.requested_at < %(hi)s
  AND (d.received_at < %(hi)s OR (rt.created_at >= %(lo)s AND rt.created_at < %(hi)s))
GROUP BY d.agency_id
"""


def timed(fn: Callable[[], Any], runs: int) -> tuple[float, Any]:
    fn()  # warm-up
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - started)
    return statistics.median(times), result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--year", type=int, default=2022)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--rebuild", action="store_true", help="rebuild the facts first (timed)")
    args = parser.parse_args()
    django.setup()
    from django.conf import settings
    from django.db import connection

    from egov.core.clock import system_clock
    from egov.reports import indicators
    from egov.reports.facts import facts_rebuild, nonzero
    from egov.reports.models import FactBuild
    from egov.reports.selectors import Scope, indicator_counts

    if connection.vendor != "postgresql":
        sys.exit("the benchmark needs PostgreSQL (set DATABASE_URL)")
    with connection.cursor() as cur:
        cur.execute("SELECT count(*) FROM dossiers_dossier")
        dossiers = cur.fetchone()[0]
    if args.rebuild or not FactBuild.objects.exists():
        started = time.perf_counter()
        rows = facts_rebuild()
        print(f"facts rebuilt: {rows:,} rows in {time.perf_counter() - started:.1f} s")
    period, now = indicators.year(args.year), system_clock.now()
    end = period.as_of(now)

    def from_facts() -> tuple[dict[Any, dict[str, int]], dict[str, Any]]:
        settings.REPORTS_SOURCE = "facts"
        groups = indicator_counts(period=period, scope=Scope(), now=now, group_by="agency")
        figures = {agency: indicators.ratios(c) for agency, c in groups.items()}
        return groups, figures

    def by_hand() -> dict[Any, dict[str, int]]:
        params = {"lo": period.lo, "hi": period.hi, "end": end}
        groups: dict[Any, dict[str, int]] = {}
        with connection.cursor() as cur:
            for sql in (HAND_SQL, HAND_PAYMENTS):
                cur.execute(sql, params)
                names = [c.name for c in cur.description]
                for row in cur.fetchall():
                    groups.setdefault(row[0], indicators.zero_counts()).update(
                        {k: int(v) for k, v in zip(names[1:], row[1:], strict=True)}
                    )
        return groups

    t_facts, (facts_groups, _figures) = timed(from_facts, args.runs)
    t_hand, hand_groups = timed(by_hand, max(1, args.runs // 2))
    same = nonzero(facts_groups) == nonzero(hand_groups)
    total = indicators.add_counts(facts_groups.values())
    hand_total = indicators.add_counts(hand_groups.values())
    r = indicators.ratios(total)
    g = indicators.group_digits
    print(
        f"\n{dossiers:,} dossiers; year {period.label}; {len(facts_groups)} agencies; {args.runs} runs after a warm-up"
    )
    print(f"  facts (indicator_counts, REPORTS_SOURCE=facts): median {t_facts * 1000:8.1f} ms")
    print(f"  hand-written SQL on raw tables:                 median {t_hand * 1000:8.1f} ms")
    print(f"  ratio facts / hand SQL: {t_facts / t_hand:.3f}   (targets: < 1000 ms, ≤ 1.5)")
    print(f"  same figures, every agency and count: {'yes' if same else 'NO'}")
    print(f"\n  resolved {g(total['resolved'])}; early or on time {g(total['resolved_in_time'])} ({r['on_time_rate']})")
    print(
        f"  overdue: resolved late {g(total['resolved_overdue'])} + open and overdue at the end "
        f"{g(total['open_end_overdue'])} = {g(total['resolved_overdue'] + total['open_end_overdue'])}"
    )
    handled = total["handled"]
    print(
        f"  handled {g(handled)}: in time / handled = {indicators.Ratio(total['resolved_in_time'], handled)}; "
        f"overdue / handled = {indicators.Ratio(total['resolved_overdue'] + total['open_end_overdue'], handled)}"
    )
    print(f"  online {r['online_rate']}; paid online {r['paid_online_rate']}; satisfied {r['satisfaction_rate']}")
    print(
        f"  digitised {g(total['digitised'])} of {g(total['not_online_received'])} received off-line; results signed "
        f"{g(total['results_signed'])}; resolved after an extension {g(total['resolved_extended'])}"
    )
    print(f"\nrerun: DATABASE_URL=... .venv/bin/python bench/reports.py --year {args.year} --runs {args.runs}")
    if not same or total != hand_total:
        for key in indicators.COUNT_KEYS:
            if total[key] != hand_total[key]:
                print(f"  DIFFERENT {key}: facts {total[key]} hand {hand_total[key]}")
        sys.exit(1)


if __name__ == "__main__":
    main()
