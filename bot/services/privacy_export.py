"""/privacy export as a person reads it: labelled sections ("Your profile", "Where you live",
"Check-ins", "Mentoring", "Local life", ...), values in words, the place as the member sees it,
people by name; and a one-sentence summary of what is kept.

Built from `privacy.everything_about` (which reads every row about the member), so nothing stored
is left out: each stored name is either labelled (bot/texts/privacy.EXPORT_FIELDS) or listed here
as internal bookkeeping (row ids, claims, retry counters, Discord message ids) that means nothing
to a person. A stored name that is neither still appears, under its own name in words
(`unaccounted` lists those; a test keeps it empty).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any

from babel import Locale as BabelLocale

from bot.services.time_zones import zone_name
from bot.texts import checkins as checkin_texts
from bot.texts import local as local_texts
from bot.texts import moderation as moderation_texts
from bot.texts import onboarding as onboarding_texts
from bot.texts import privacy as texts
from bot.texts import welcome_calls as call_texts

# Stored names that are bookkeeping, per section: never shown.
INTERNAL: dict[str, frozenset[str]] = {
    "member": frozenset({"id", "guild_id", "locale_id"}),
    "place": frozenset({"id", "key", "district_code", "region_code", "country_code"}),
    "onboarding": frozenset({"id", "member_id", "version", "channel_id", "message_id"}),
    "checkins": frozenset(
        {
            "id",
            "member_id",
            "claimed_at",
            "claimed_by",
            "attempts",
            "lookups",
            "lookup_after",
            "channel_id",
            "message_id",
            "reminder_due_at",
            "created_at",
        }
    ),
    "mentoring": frozenset(
        {
            "id",
            "guild_id",
            "cost",
            "decided_by",
            "review_message_id",
            "thread_id",
            "ended_by",
            "mentor_user_id",  # shown by name under "Mentor"
            "mentee_user_id",
        }
    ),
    "organizer": frozenset({"id", "member_id", "added_by", "confirmed_by"}),
    "audit": frozenset({"id", "guild_id", "actor_id", "target_user_id"}),
}
# A member's row holds three sections' worth: which stored name goes where.
MEMBER_SECTIONS = ("profile", "choices", "checkin_settings")
# Ids inside audit details that point at rows (a mentorship, an introduction): nothing to a person.
INTERNAL_DETAIL_IDS = frozenset(
    {"mentorship", "introduction", "circle", "checkin_id", "group", "request", "pairing", "offer", "call"}
)
ISO_TIME = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}")


def _when(value: str) -> str:
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        return value
    return moment.strftime("%Y-%m-%d %H:%M UTC")


def _plain(value: Any) -> Any:
    """A stored value in words: yes / no, times as "2026-11-25 18:00 UTC", the rest as it is."""
    if isinstance(value, bool):
        return texts.EXPORT_YES if value else texts.EXPORT_NO
    if isinstance(value, str) and ISO_TIME.match(value):
        return _when(value)
    if isinstance(value, list):
        return [_plain(item) for item in value]
    if isinstance(value, dict):
        return {_words(str(key)): _plain(item) for key, item in value.items()}
    return value


def _words(name: str) -> str:
    """A stored name with no label, in words: "did_you_talk" -> "Did you talk"."""
    spaced = name.replace("_", " ").replace(".", ": ").strip()
    return spaced[:1].upper() + spaced[1:]


def _word(kind: str, value: Any) -> Any:
    if value is None:
        return None
    return texts.EXPORT_WORDS.get(kind, {}).get(str(value), str(value).replace("_", " "))


def _label(section: str, name: str) -> str:
    return texts.EXPORT_FIELDS.get(section, {}).get(name) or _words(name)


def _section(section: str, row: Mapping[str, Any], words: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """One row under its labels, internal names left out, empty values left out."""
    skip = INTERNAL.get(section, frozenset())
    out: dict[str, Any] = {}
    for name, value in row.items():
        if name in skip or value is None or value == [] or value == {}:
            continue
        shown = words[name] if words is not None and name in words else _plain(value)
        if shown is None:
            continue
        out[_label(section, name)] = shown
    return out


def _languages(codes: Iterable[str]) -> list[str]:
    english = BabelLocale("en")
    return [english.languages.get(code, code) for code in codes]


def place_as_shown(locale: Mapping[str, Any]) -> str:
    """The place as the member sees it ("Leeds, England, United Kingdom"; a region or a country alone)."""
    precision = locale.get("precision")
    parts = [locale.get("name")] if precision == "city" else []
    if precision == "district":
        parts.append(locale.get("district_name"))
    if precision != "country":
        parts.append(locale.get("region_name"))
    parts.append(locale.get("country_name"))
    return ", ".join(dict.fromkeys(str(p) for p in parts if p))


def _person(user_id: int | None, names: Mapping[int, str]) -> str:
    if user_id is None:
        return texts.EXPORT_NOBODY_NAMED
    return names.get(user_id, texts.EXPORT_NOBODY_NAMED)


def _scores(answers: Iterable[Mapping[str, Any]]) -> dict[str, int]:
    labels = {str(dimension): name for dimension, name in checkin_texts.SHORT_NAMES.items()}
    ordered = {str(dimension): None for dimension in checkin_texts.SHORT_NAMES}
    given = {str(a["dimension"]): a["score"] for a in answers}
    return {labels.get(d, _words(d)): given[d] for d in [*ordered, *given] if d in given}


def _sharing(value: Any) -> Any:
    labels = {str(sharing): label for sharing, label in onboarding_texts.SHARING_LABELS.items()}
    return labels.get(str(value), value) if value is not None else None


def _member_words(member: Mapping[str, Any]) -> dict[str, Any]:
    experience = member.get("experience")
    return {
        "status": _word("member_status", member.get("status")),
        "timezone": zone_name(member["timezone"]) if member.get("timezone") else None,
        "languages": _languages(member.get("languages") or []),
        "experience": onboarding_texts.EXPERIENCE_LABELS.get(experience, experience) if experience else None,
        "paths": [onboarding_texts.PATH_LABELS.get(p, p) for p in member.get("paths") or []],
        "locale_sharing": _sharing(member.get("locale_sharing")),
        "checkin_cadence_days": texts.EXPORT_EVERY_DAYS.format(days=member["checkin_cadence_days"])
        if member.get("checkin_cadence_days")
        else None,
        "checkin_local_hour": texts.EXPORT_HOUR.format(hour=member["checkin_local_hour"])
        if member.get("checkin_local_hour") is not None
        else None,
    }


def _onboarding_answers(answers: Mapping[str, Any], locale: Mapping[str, Any] | None) -> dict[str, Any]:
    words: dict[str, Any] = {}
    place = answers.get("place")
    if place is not None and locale is not None and place == locale.get("key"):
        words["place"] = place_as_shown(locale)
    if answers.get("readiness"):
        words["readiness"] = _scores(
            {"dimension": d, "score": s} for d, s in dict(answers["readiness"]).items()
        )
    if answers.get("timezone"):
        words["timezone"] = zone_name(str(answers["timezone"]))
    if answers.get("languages"):
        words["languages"] = _languages(answers["languages"])
    if answers.get("experience"):
        words["experience"] = onboarding_texts.EXPERIENCE_LABELS.get(
            answers["experience"], answers["experience"]
        )
    if answers.get("paths"):
        words["paths"] = [onboarding_texts.PATH_LABELS.get(p, p) for p in answers["paths"]]
    if answers.get("locale_sharing"):
        words["locale_sharing"] = _sharing(answers["locale_sharing"])
    return _section("onboarding_answers", answers, words)


def _audit_details(details: Mapping[str, Any], user_id: int, names: Mapping[int, str]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in details.items():
        if value is None:
            continue
        if key == "precision":
            value = _word("precision", value)
        elif key == "source":
            value = _word("mentorship_source", value)
        elif isinstance(value, int) and not isinstance(value, bool):
            if value == user_id:
                value = texts.EXPORT_BY_YOU
            elif value in names:
                value = names[value]
            elif key in INTERNAL_DETAIL_IDS:
                continue
        label = moderation_texts.AUDIT_DETAILS.get(key) or _words(key)
        out[label[:1].upper() + label[1:]] = _plain(value)
    return out


def _audit(entry: Mapping[str, Any], user_id: int, names: Mapping[int, str]) -> dict[str, Any]:
    actor, target = entry.get("actor_id"), entry.get("target_user_id")
    if actor is None:
        by = texts.EXPORT_BY_BOT
    elif actor == user_id:
        by = texts.EXPORT_BY_YOU
    else:
        by = names.get(actor, texts.EXPORT_BY_MODERATOR)
    action = str(entry.get("action"))
    row: dict[str, Any] = {
        "at": entry.get("at"),
        "action": moderation_texts.AUDIT_ACTIONS.get(action, action),
        "by": by,
    }
    if target is not None and target != user_id:
        row["about"] = _person(target, names)
    details = _audit_details(entry.get("details") or {}, user_id, names)
    if details:
        row["details"] = details
    known = {"at", "action", "details", *INTERNAL["audit"]}
    row.update({name: value for name, value in entry.items() if name not in known})
    return _section("audit", row)


def _local(local: Mapping[str, Any]) -> dict[str, Any]:
    activity_labels = {str(kind): label for kind, label in local_texts.ACTIVITY_LABELS.items()}
    out: dict[str, Any] = {}
    for part, rows in local.items():
        if not rows:
            continue
        shown = []
        for row in rows:
            words = (
                {"kind": activity_labels.get(str(row.get("kind")), row.get("kind"))} if "kind" in row else {}
            )
            shown.append(_section("local", row, words))
        out[_label("local", part)] = shown
    return out


def _buddies(buddies: Mapping[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    groups = [_section("buddies", group) for group in buddies.get("groups") or []]
    if groups:
        out[_label("buddies", "groups")] = groups
    out.update(_section("buddies", {k: v for k, v in buddies.items() if k != "groups"}))
    return out


def _welcome_calls(calls: Mapping[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    invitations = [
        _section(
            "welcome_calls",
            row,
            {
                "answer": texts.EXPORT_CALL_ANSWERS.get(str(row.get("answer")), row.get("answer")),
                "how_it_was": texts.EXPORT_CALL_FEEDBACK.get(
                    str(row.get("how_it_was")), row.get("how_it_was")
                ),
            },
        )
        for row in calls.get("invitations") or []
    ]
    if invitations:
        out[_label("welcome_calls", "invitations")] = invitations
    hosted = [
        _section("welcome_calls", row, {"weekday": call_texts.WEEKDAYS[int(row["weekday"]) % 7]})
        for row in calls.get("hosted") or []
    ]
    if hosted:
        out[_label("welcome_calls", "hosted")] = hosted
    return out


def people(data: Mapping[str, Any]) -> set[int]:
    """The Discord ids of other people the export names (to be shown by name)."""
    found: set[int] = set()
    for mentorship in data.get("mentorships") or []:
        found.update(i for i in (mentorship.get("mentor_user_id"), mentorship.get("mentee_user_id")) if i)
    for entry in data.get("audit_log") or []:
        found.update(i for i in (entry.get("actor_id"), entry.get("target_user_id")) if i)
        for value in (entry.get("details") or {}).values():
            if isinstance(value, int) and not isinstance(value, bool) and value > 10**15:
                found.add(value)
    own = (data.get("member") or {}).get("user_id")
    found.discard(own)
    return found


def readable(
    data: Mapping[str, Any], *, server: str, now: datetime, names: Mapping[int, str]
) -> dict[str, Any]:
    """The export a person reads, from `privacy.everything_about`'s data; `names` shows people by name."""
    member = dict(data["member"])
    user_id = int(member["user_id"])
    titles = texts.EXPORT_SECTIONS
    words = _member_words(member)
    out: dict[str, Any] = {
        texts.EXPORT_FILE_LABEL: texts.EXPORT_ABOUT.format(
            server=server, at=now.strftime("%Y-%m-%d %H:%M UTC")
        )
    }
    by_section: dict[str, dict[str, Any]] = {section: {} for section in MEMBER_SECTIONS}
    for name, value in member.items():
        if name in INTERNAL["member"]:
            continue
        section = next((s for s in MEMBER_SECTIONS[1:] if name in texts.EXPORT_FIELDS[s]), "profile")
        by_section[section][name] = value
    for section in MEMBER_SECTIONS:
        out[titles[section]] = _section(section, by_section[section], words)
    locale = data.get("locale")
    if locale:
        place_words = {
            "precision": _word("precision", locale.get("precision")),
            "timezone": zone_name(locale["timezone"]) if locale.get("timezone") else None,
        }
        out[titles["place"]] = _section("place", {"place": place_as_shown(locale), **locale}, place_words)
    conversations = []
    for conversation in data.get("onboarding_conversations") or []:
        answers = conversation.get("answers") or {}
        conversation_words = {
            "status": _word("conversation", conversation.get("status")),
            "answers": _onboarding_answers(answers, locale) or None,
        }
        conversations.append(_section("onboarding", conversation, conversation_words))
    if conversations:
        out[titles["onboarding"]] = conversations
    checkins = [
        _section(
            "checkins",
            checkin,
            {
                "kind": _word("checkin_kind", checkin.get("kind")),
                "status": _word("checkin_status", checkin.get("status")),
                "answers": _scores(checkin.get("answers") or []) or None,
            },
        )
        for checkin in data.get("readiness_checkins") or []
    ]
    if checkins:
        out[titles["checkins"]] = checkins
    mentoring = []
    for mentorship in data.get("mentorships") or []:
        other = "mentor" if mentorship.get("role") == "mentee" else "mentee"
        row = {
            "role": mentorship.get("role"),
            other: _person(mentorship.get(f"{other}_user_id"), names),
            **mentorship,
        }
        mentoring.append(
            _section(
                "mentoring",
                row,
                {
                    "role": texts.EXPORT_ROLE.get(str(row.get("role")), row.get("role")),
                    "status": _word("mentorship_status", row.get("status")),
                    "source": _word("mentorship_source", row.get("source")),
                    "end_reason": _word("end_reason", row.get("end_reason")),
                },
            )
        )
    if mentoring:
        out[titles["mentoring"]] = mentoring
    organizer = data.get("organizer")
    if organizer:
        out[titles["organizer"]] = _section(
            "organizer",
            organizer,
            {
                "status": moderation_texts.ORGANIZER_STATUSES.get(
                    str(organizer.get("status")), organizer.get("status")
                ),
                "languages": _languages(organizer.get("languages") or []) or None,
            },
        )
    suggestion = data.get("organizer_suggestion")
    if suggestion:
        out[titles["organizer_suggestion"]] = _section(
            "organizer_suggestion", suggestion, {"status": _word("suggestion", suggestion.get("status"))}
        )
    if data.get("mentor_wait_notice"):
        out[titles["waiting"]] = _section("waiting", data["mentor_wait_notice"])
    local = _local(data.get("local") or {})
    if local:
        out[titles["local"]] = local
    buddies = _buddies(data.get("buddies") or {})
    if buddies:
        out[titles["buddies"]] = buddies
    welcome_calls = _welcome_calls(data.get("welcome_calls") or {})
    if welcome_calls:
        out[titles["welcome_calls"]] = welcome_calls
    contacts = [
        _section(
            "contacts",
            contact,
            {"kind": moderation_texts.CONTACT_KINDS.get(str(contact.get("kind")), contact.get("kind"))},
        )
        for contact in data.get("human_contacts") or []
    ]
    if contacts:
        out[titles["contacts"]] = contacts
    audit = [_audit(entry, user_id, names) for entry in data.get("audit_log") or []]
    if audit:
        out[titles["audit"]] = audit
    return out


def unaccounted(data: Mapping[str, Any]) -> set[str]:
    """Stored names neither labelled nor internal ("section.name"): shown under their own name."""
    missing: set[str] = set()

    def check(section: str, names: Iterable[str], labels: str | None = None) -> None:
        known = texts.EXPORT_FIELDS.get(labels or section, {})
        for name in names:
            if name not in known and name not in INTERNAL.get(section, frozenset()):
                missing.add(f"{section}.{name}")

    member = data.get("member") or {}
    for name in member:
        if name in INTERNAL["member"]:
            continue
        if not any(name in texts.EXPORT_FIELDS[s] for s in MEMBER_SECTIONS):
            missing.add(f"member.{name}")
    if data.get("locale"):
        check("place", data["locale"])
    for conversation in data.get("onboarding_conversations") or []:
        check("onboarding", conversation)
        check("onboarding_answers", conversation.get("answers") or {})
    for checkin in data.get("readiness_checkins") or []:
        check("checkins", checkin)
    for mentorship in data.get("mentorships") or []:
        check("mentoring", mentorship)
    if data.get("organizer"):
        check("organizer", data["organizer"])
    if data.get("organizer_suggestion"):
        check("organizer_suggestion", data["organizer_suggestion"])
    if data.get("mentor_wait_notice"):
        check("waiting", data["mentor_wait_notice"])
    for part, rows in (data.get("local") or {}).items():
        check("local", [part])
        for row in rows or []:
            check("local", row)
    buddies = data.get("buddies") or {}
    check("buddies", buddies)
    for group in buddies.get("groups") or []:
        check("buddies", group)
    calls = data.get("welcome_calls") or {}
    check("welcome_calls", calls)
    for row in [*(calls.get("invitations") or []), *(calls.get("hosted") or [])]:
        check("welcome_calls", row)
    for contact in data.get("human_contacts") or []:
        check("contacts", contact)
    for entry in data.get("audit_log") or []:
        check("audit", [name for name in entry if name not in ("at", "action", "details")])
    known_sections = {
        "member",
        "locale",
        "onboarding_conversations",
        "organizer",
        "organizer_suggestion",
        "mentorships",
        "readiness_checkins",
        "audit_log",
        "local",
        "human_contacts",
        "mentor_wait_notice",
        "buddies",
        "welcome_calls",
    }
    missing.update(f"section.{name}" for name in data if name not in known_sections)
    return missing


def _count(kind: str, n: int) -> str | None:
    if n <= 0:
        return None
    one, many = texts.EXPORT_KEPT_COUNTS[kind]
    return one if n == 1 else many.format(n=n)


def summary(data: Mapping[str, Any]) -> str:
    """ "Here is everything groundwork keeps about you: your profile, where you live, 4 check-ins, ..."."""
    local = data.get("local") or {}
    parts = [texts.EXPORT_KEPT_PROFILE]
    if data.get("locale"):
        parts.append(texts.EXPORT_KEPT_PLACE)
    counts = (
        ("onboarding", len(data.get("onboarding_conversations") or [])),
        # The ones that reached them: the next one, not sent yet, is in the file but not counted.
        (
            "checkins",
            sum(1 for c in data.get("readiness_checkins") or [] if c.get("sent_at") or c.get("answered_at")),
        ),
        ("mentoring", len(data.get("mentorships") or [])),
        ("circles", len(local.get("circles") or [])),
        ("introductions", len(local.get("neighbour_introductions") or [])),
        ("logged", len(local.get("activity_log") or [])),
        ("buddies", len((data.get("buddies") or {}).get("groups") or [])),
        ("welcome_calls", len((data.get("welcome_calls") or {}).get("invitations") or [])),
        ("contacts", len(data.get("human_contacts") or [])),
        ("audit", len(data.get("audit_log") or [])),
    )
    parts.extend(text for kind, n in counts if (text := _count(kind, n)) is not None)
    kept = ", ".join(parts[:-1]) + texts.EXPORT_AND + parts[-1] if len(parts) > 1 else parts[0]
    return texts.EXPORT_SUMMARY.format(kept=kept)
