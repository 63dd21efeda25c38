"""The durable outbox: chat-side steps (an introduction, ...) that must follow a committed decision.

A row is written in the same unit of work as the decision, claimed like a check-in (a lease:
a claimer that dies gives its rows back when the lease runs out), retried with backoff and,
after a bounded number of attempts, marked failed and shown to moderators. It holds ids only:
`subject_id` is the row the step is about (a mentorship), `result_id` the chat object made so
far (a thread), so a retry continues it instead of making a second one. `last_error` is a short
exception class and status, never a message text or anything a member typed.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, CheckConstraint, Index, Integer, String, text
from sqlalchemy.orm import Mapped, mapped_column

from db.base import Base, StrEnumType, UTCDateTime, enum_check, utcnow
from db.enums import ChatTaskKind

OPEN_TASK = "done_at IS NULL AND failed_at IS NULL"


class ChatTask(Base):
    """One step to carry out in the chat platform after a commit."""

    __tablename__ = "chat_tasks"
    __table_args__ = (
        CheckConstraint(enum_check("kind", ChatTaskKind), name="kind_known"),
        CheckConstraint("attempts >= 0", name="attempts_valid"),
        # One open task per step: a decision enqueued twice is still one introduction.
        Index(
            "uq_chat_tasks_open_kind_subject",
            "kind",
            "subject_id",
            unique=True,
            sqlite_where=text(OPEN_TASK),
            postgresql_where=text(OPEN_TASK),
        ),
        Index(
            "ix_chat_tasks_open_due_at",
            "due_at",
            sqlite_where=text(OPEN_TASK),
            postgresql_where=text(OPEN_TASK),
        ),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    guild_id: Mapped[int] = mapped_column(BigInteger, index=True)
    kind: Mapped[ChatTaskKind] = mapped_column(StrEnumType(ChatTaskKind, 32))
    subject_id: Mapped[int] = mapped_column(Integer)
    due_at: Mapped[datetime] = mapped_column(UTCDateTime)
    claimed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    claimed_by: Mapped[str | None] = mapped_column(String(64))
    attempts: Mapped[int] = mapped_column(Integer, default=0, server_default=text("0"))
    result_id: Mapped[int | None] = mapped_column(BigInteger)
    last_error: Mapped[str | None] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    done_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    failed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    reported_at: Mapped[datetime | None] = mapped_column(UTCDateTime)  # moderators told it failed
