"""The notices' queries on PostgreSQL (kept apart: postgres.py is at its size limit)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any


class NoticeQueries:
    """What `passq notify` asks of the store, for PostgresStore."""

    office: str

    def _rows(self, sql: str, params: Sequence | Mapping = ()) -> list[Any]:
        raise NotImplementedError  # PostgresStore's

    def notified(self, kind: str) -> dict[str, str]:
        """The books whose applicant was told `kind` (a `notified` event not undone), by
        number, with the moment of the latest telling."""
        return dict(
            self._rows(
                "SELECT app_no, MAX(at) FROM events e WHERE office = %s AND action = 'notified' "
                "AND e.detail::jsonb ->> 'kind' = %s AND NOT EXISTS (SELECT 1 FROM events u "
                "WHERE u.office = e.office AND u.action = 'undo' "
                "AND (u.detail::jsonb ->> 'undid')::bigint = e.command_id) GROUP BY app_no",
                (self.office, kind),
            )
        )
