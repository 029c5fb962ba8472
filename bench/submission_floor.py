"""What issue 4's target would take: the same unit as bench/submission.py written as hand SQL, measured alike.

Not the product. `bench/submission.py` measures the real services (the Django ORM). This script measures the
same work with the ORM taken out of the hot path: the same rows in the same tables, in the same two
transactions, with the same locks and the same non-SQL work done by the product's own functions:
- the upload check (python-magic, SHA-256) and the file written through the storage API;
- the day's code counter (`dossier_code_take`);
- the appointment (`appointment_for`, the cached working calendar);
- the receipt slip's data and hash (`slip_content_hash`);
- two outbox messages, published to Celery in one task after commit (as `notifications_enqueue` does).
Only the statements are hand-written: each INSERT's SQL is built once per model, and values go through each
field's `get_db_prep_save`, as the ORM would adapt them.

What it leaves out, which the services do: the status table check, the idempotency look-up, the
translations, the role check (a cached attribute in both). So its figure is a ceiling for a hand-SQL
hot path, the input to a decision, not a result. The harness, fixture and pgbench run are
bench/submission.py's own.

    DATABASE_URL=postgres://egov:egov@127.0.0.1:5432/egov .venv/bin/python bench/submission_floor.py
    BENCH_FLOOR_MERGED=1 …   # each transaction's writes as one statement of CTEs
"""

from __future__ import annotations

import os
import sys
import uuid
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import bench.submission as harness  # sets Django up

RERUN = "DATABASE_URL=postgres://egov:egov@127.0.0.1:5432/egov .venv/bin/python bench/submission_floor.py"
# BENCH_FLOOR_MERGED=1: each transaction's writes after the code counter as one statement (CTEs).
MERGED = os.environ.get("BENCH_FLOOR_MERGED") == "1"


class Insert:
    """`INSERT INTO <model's table> (<every concrete column>) VALUES (…) RETURNING id`, built once."""

    def __init__(self, model: Any) -> None:
        from django.db import connection

        self.fields = [f for f in model._meta.concrete_fields if not f.primary_key]
        quote = connection.ops.quote_name
        columns = ", ".join(quote(f.column) for f in self.fields)
        holders = ", ".join(["%s"] * len(self.fields))
        self.sql = f"INSERT INTO {quote(model._meta.db_table)} ({columns}) VALUES ({holders}) RETURNING id"

    def values(self, given: dict[str, Any]) -> list[Any]:
        from django.db import connection

        out = []
        for f in self.fields:
            value = given[f.attname] if f.attname in given else f.get_default()
            out.append(f.get_db_prep_save(value, connection))
        return out

    def one(self, cursor: Any, given: dict[str, Any]) -> int:
        cursor.execute(self.sql, self.values(given))
        return int(cursor.fetchone()[0])


class FloorUnit:
    """One online submission and its acceptance, as hand SQL (see the module)."""

    def __init__(self, fixture: harness.Fixture, citizens: list[int], tag: str) -> None:
        from egov.accounts.models import User
        from egov.core.models import AuditEvent
        from egov.dossiers.models import Document, Dossier, Slip, TimelineEvent
        from egov.notifications.models import Message

        self.real = harness.ServiceUnit(fixture, citizens, tag)  # the same objects the services get
        self.receiver = User.objects.get(pk=fixture.receiver)
        self.dossier, self.document = Insert(Dossier), Insert(Document)
        self.timeline, self.audit = Insert(TimelineEvent), Insert(AuditEvent)
        self.slip, self.message = Insert(Slip), Insert(Message)
        self.tag = tag
        self.n = 0
        self.pending: list[tuple[str, list[Any]]] = []

    def __call__(self) -> None:
        from django.core.files.storage import default_storage
        from django.core.files.uploadedfile import SimpleUploadedFile
        from django.db import connection, transaction

        from egov.core.clock import system_clock
        from egov.core.selectors import working_calendar
        from egov.dossiers.appointment import appointment_for
        from egov.dossiers.services import dossier_code_take
        from egov.dossiers.slips import SlipComponent, SlipData, SlipKind, slip_content_hash, slip_to_json
        from egov.dossiers.uploads import check_upload
        from egov.notifications.tasks import send_messages

        real = self.real
        citizen = real.citizens[self.n % len(real.citizens)]
        self.n += 1
        procedure, agency, component = real.procedure, real.agency, real.component
        checked = check_upload(SimpleUploadedFile("giay.pdf", harness.PDF, content_type="application/pdf"))
        now = system_clock.now()
        with transaction.atomic():
            cur = connection.connection.cursor()
            dossier_id = self.dossier.one(
                cur,
                {
                    "procedure_id": procedure.pk,
                    "agency_id": agency.pk,
                    "status": "new",
                    "channel": "online",
                    "procedure_name": procedure.name,
                    "duration_value": procedure.duration_value,
                    "duration_unit": procedure.duration_unit,
                    "online_level": procedure.online_level,
                    "applicant_id": citizen.pk,
                    "applicant_name": citizen.full_name,
                    "applicant_phone": citizen.phone,
                    "applicant_personal_id": citizen.personal_id or "",
                    "applicant_email": citizen.email,
                    "applicant_address": citizen.address,
                    "idempotency_key": f"{citizen.pk}:{self.tag}-{self.n}-{uuid.uuid4().hex}",
                    "created_by_id": citizen.pk,
                    "created_at": now,
                    "updated_at": now,
                    "submitted_at": now,
                },
            )
            name = default_storage.save(f"documents/{uuid.uuid4().hex}.pdf", checked.upload)
            self._insert(
                cur,
                self.document,
                {
                    "dossier_id": dossier_id,
                    "component_id": component.pk,
                    "name": component.name,
                    "file": name,
                    "original_filename": "giay.pdf",
                    "content_type": checked.content_type,
                    "size": checked.size,
                    "sha256": checked.sha256,
                    "uploaded_by_id": citizen.pk,
                    "uploaded_at": now,
                },
            )
            code = dossier_code_take(agency=agency, at=now)
            self._write(cur, "UPDATE dossiers_dossier SET code = %s WHERE id = %s RETURNING id", [code, dossier_id])
            self._events(cur, dossier_id, citizen, "new", "", "Nộp hồ sơ trực tuyến", now, code)
            self._flush(cur)
        with transaction.atomic():
            cur = connection.connection.cursor()
            cur.execute(
                "SELECT d.status, d.duration_value, d.duration_unit, d.applicant_email, d.applicant_phone "
                "FROM dossiers_dossier d WHERE d.id = %s FOR UPDATE",
                [dossier_id],
            )
            status, value, unit, email, phone = cur.fetchone()
            assert status == "new"
            cur.execute(
                "SELECT id FROM catalog_processtemplate WHERE procedure_id = %s ORDER BY number DESC LIMIT 1",
                [procedure.pk],
            )
            template = cur.fetchone()
            plan = appointment_for(now, value, unit, working_calendar())
            self._write(
                cur,
                "UPDATE dossiers_dossier SET status = 'received', received_at = %s, clock_start_at = %s, "
                "due_at = %s, statutory_due_at = %s, process_template_id = %s, updated_at = %s WHERE id = %s "
                "RETURNING id",
                [now, plan.clock_start, plan.due_at, plan.due_at, template[0] if template else None, now, dossier_id],
            )
            self._events(cur, dossier_id, self.receiver, "received", "new", plan.explanation, now, code)
            cur.execute("SELECT name, component_id FROM dossiers_document WHERE dossier_id = %s", [dossier_id])
            parts = tuple(SlipComponent(name=n, originals=1 if c else 0, copies=0) for n, c in cur.fetchall())
            data = SlipData(
                kind=SlipKind.RECEIPT,
                dossier_code=code,
                procedure_code=procedure.code,
                procedure_name=procedure.name,
                agency_name=agency.name,
                parent_agency_name="",
                applicant_name=citizen.full_name,
                applicant_address=citizen.address,
                applicant_phone=phone,
                applicant_email=email,
                channel_label="Trực tuyến",
                issued_at=now,
                officer_name=self.receiver.full_name,
                tracking_url="/tra-cuu/",
                received_at=now,
                due_at=plan.due_at,
                due_explanation=plan.explanation,
                components=parts,
                items=(),
                reason="",
                location_for_result=f"Bộ phận Một cửa, {agency.name}",
            )
            self._insert(
                cur,
                self.slip,
                {
                    "dossier_id": dossier_id,
                    "kind": "receipt",
                    "issued_at": now,
                    "content_hash": slip_content_hash(data),
                    "data": slip_to_json(data),
                },
            )
            text = f"Hồ sơ {code} đã được tiếp nhận. {plan.explanation}\nTra cứu: /tra-cuu/?ma={code}"
            ids = []
            for channel, recipient in (("email", email), ("sms", phone)):
                ids.append(
                    self._insert(
                        cur,
                        self.message,
                        {
                            "key": f"dossier:{dossier_id}:received:{channel}",
                            "channel": channel,
                            "recipient": recipient,
                            "subject": f"Hồ sơ {code} đã được tiếp nhận",
                            "body": text,
                            "object_type": "dossiers.dossier",
                            "object_id": str(dossier_id),
                            "created_at": now,
                            "next_attempt_at": now,
                        },
                    )
                )
            written = self._flush(cur)
            if MERGED:  # the messages' ids come back from the one merged statement
                ids = written[-2:]
            # One publish for both messages, as the product does (notifications_enqueue).
            transaction.on_commit(lambda: send_messages.delay(ids), robust=True)

    def _insert(self, cur: Any, table: Insert, given: dict[str, Any]) -> int:
        return self._write(cur, table.sql, table.values(given))

    def _write(self, cur: Any, sql: str, params: list[Any]) -> int:
        """Run a write now (one round trip each), or with BENCH_FLOOR_MERGED=1 keep it for `_flush`."""
        if MERGED:
            self.pending.append((sql, params))
            return 0
        cur.execute(sql, params)
        return int(cur.fetchone()[0])

    def _flush(self, cur: Any) -> list[int]:
        """The kept writes as one statement, `WITH w0 AS (…), w1 AS (…) SELECT …`; their ids in order."""
        if not self.pending:
            return []
        ctes = ", ".join(f"w{i} AS ({sql})" for i, (sql, _params) in enumerate(self.pending))
        ids = ", ".join(f"(SELECT id FROM w{i})" for i in range(len(self.pending)))
        cur.execute(f"WITH {ctes} SELECT {ids}", [p for _sql, params in self.pending for p in params])
        self.pending = []
        return [int(v) for v in cur.fetchone()]

    def _events(
        self, cur: Any, dossier_id: int, actor: Any, to: str, came: str, note: str, now: Any, code: str
    ) -> None:
        self._insert(
            cur,
            self.timeline,
            {
                "dossier_id": dossier_id,
                "at": now,
                "actor_label": actor.full_name,
                "status_from": came,
                "status_to": to,
                "note": note,
            },
        )
        self._insert(
            cur,
            self.audit,
            {
                "at": now,
                "actor_id": actor.pk,
                "actor_label": actor.get_username(),
                "action": f"dossiers.dossier.{to}",
                "object_type": "dossiers.dossier",
                "object_id": str(dossier_id),
                "object_repr": code,
                "changes": {"status": [came, to]},
                "reason": "",
            },
        )


if __name__ == "__main__":
    harness.ServiceUnit = harness.Unit  # type: ignore[attr-defined]
    harness.Unit = FloorUnit  # type: ignore[misc,assignment]
    harness.RERUN = RERUN
    harness.main()
