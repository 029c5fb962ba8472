"""The dossier status machine (DESIGN.md §3): the only transitions `dossier_transition` accepts."""

from __future__ import annotations

from .models import Status

S = Status
TRANSITIONS: dict[str, frozenset[str]] = {
    S.NEW: frozenset({S.RECEIVED, S.REFUSED, S.SUPPLEMENT, S.WITHDRAWN}),
    S.RECEIVED: frozenset({S.PROCESSING, S.WITHDRAWN}),
    S.PROCESSING: frozenset({S.SUPPLEMENT, S.PAYING, S.RESOLVED, S.STOPPED, S.WITHDRAWN}),
    # From a supplement request the dossier goes back where it came from (checked by the service).
    S.SUPPLEMENT: frozenset({S.NEW, S.PROCESSING, S.STOPPED, S.WITHDRAWN}),
    S.PAYING: frozenset({S.PROCESSING, S.STOPPED, S.WITHDRAWN}),
    S.RESOLVED: frozenset({S.RETURNED}),
    S.REFUSED: frozenset(),
    S.WITHDRAWN: frozenset(),
    S.STOPPED: frozenset(),
    S.RETURNED: frozenset(),
}
FINAL = frozenset(s for s, targets in TRANSITIONS.items() if not targets)


def allowed(current: str, target: str) -> bool:
    return target in TRANSITIONS.get(current, frozenset())
