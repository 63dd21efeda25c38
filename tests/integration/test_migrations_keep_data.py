"""Upgrading a database that is in use keeps every row and every reference.

On SQLite, Alembic alters a table by copying it and dropping the old one. With foreign keys on,
that drop deleted every row pointing at the table (ON DELETE CASCADE) or forgot the reference
(SET NULL): upgrading through 0005 (locales altered) forgot every member's place, and through
0011 (guild_settings altered) deleted every member. The data is written at the first revision,
as an old installation holds it, with plain SQL (the models describe the newest schema).
"""

from __future__ import annotations

from sqlalchemy import text

from db.engine import create_engine
from db.migrate import current_revision, head_revision, upgrade

NOW = "2026-01-01 00:00:00+00:00"
ROWS = (
    f"""INSERT INTO guild_settings (guild_id, radius_km, region_roles, checkin_cadence_days,
        checkin_local_hour, quiet_hours_start, quiet_hours_end, auto_approve_pairings,
        auto_confirm_organizers, followup_days, circle_min_size, created_at, updated_at)
        VALUES (1, 50, 'country', 14, 18, 22, 8, false, false, 14, 3, '{NOW}', '{NOW}')""",
    """INSERT INTO locales (id, key, precision, name, country_code, country_name, latitude, longitude)
        VALUES (1, 'gb:leeds', 'city', 'Leeds', 'GB', 'United Kingdom', 53.8, -1.55)""",
    *(
        f"""INSERT INTO members (id, guild_id, user_id, status, locale_id, locale_sharing,
            organizer_contact_ok, neighbour_offers_muted, share_activity, languages, wants_to_mentor,
            paths, is_isolated, checkins_paused, missed_checkins, joined_at, created_at, updated_at)
            VALUES ({member_id}, 1, {5000 + member_id}, 'active', 1, 'region', false, false, false,
            '["en"]', false, '[]', false, false, 0, '{NOW}', '{NOW}', '{NOW}')"""
        for member_id in (1, 2)
    ),
    f"""INSERT INTO mentorships (id, guild_id, member_id, mentor_id, status, source, proposed_at)
        VALUES (1, 1, 1, 2, 'active', 'batch', '{NOW}')""",
)


async def test_upgrading_from_the_first_revision_keeps_members_their_places_and_mentorships(
    empty_database: str,
) -> None:
    engine = create_engine(empty_database)
    try:
        await upgrade(engine, "0001")
        async with engine.begin() as connection:
            for statement in ROWS:
                await connection.execute(text(statement))
        await upgrade(engine)
        assert await current_revision(engine) == head_revision()
        async with engine.connect() as connection:
            members = (await connection.execute(text("SELECT id, locale_id FROM members ORDER BY id"))).all()
            mentorships = (
                await connection.execute(text("SELECT member_id, mentor_id FROM mentorships"))
            ).all()
            guilds = (await connection.execute(text("SELECT guild_id FROM guild_settings"))).all()
        assert [tuple(row) for row in members] == [(1, 1), (2, 1)]
        assert [tuple(row) for row in mentorships] == [(1, 2)]
        assert [tuple(row) for row in guilds] == [(1,)]
        if engine.dialect.name == "sqlite":  # and the connections it hands out check references again
            async with engine.connect() as connection:
                assert (await connection.execute(text("PRAGMA foreign_keys"))).scalar() == 1
    finally:
        await engine.dispose()
