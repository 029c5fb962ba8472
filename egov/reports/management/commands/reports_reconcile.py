"""`manage.py reports_reconcile`: prove the report facts equal the raw counts; exit 1 and list differences if not."""

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db.models import Max, Min

from egov.core.clock import system_clock
from egov.reports import indicators
from egov.reports.facts import reconcile
from egov.reports.models import DailyFact


class Command(BaseCommand):
    help = "Compare every count from facts with the same count from raw dossiers, per agency and period."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--year", type=int, action="append", help="years to check (default: every year)")
        parser.add_argument("--months", action="store_true", help="also check each month of those years")

    def handle(self, *args: Any, **options: Any) -> None:
        years = options["year"]
        if not years:
            span = DailyFact.objects.aggregate(first=Min("day"), last=Max("day"))
            if span["first"] is None:
                self.stdout.write("no facts: run reports_facts_rebuild")
                return
            years = list(range(span["first"].year, span["last"].year + 1))
        periods = [indicators.year(y) for y in years]
        if options["months"]:
            periods += [indicators.month(y, m) for y in years for m in range(1, 13)]
        differences = reconcile(periods=periods, now=system_clock.now())
        for line in differences:
            self.stdout.write(line)
        if differences:
            raise CommandError(f"{len(differences)} differences between facts and raw counts")
        self.stdout.write(f"facts equal raw counts: {', '.join(p.label for p in periods)}")
