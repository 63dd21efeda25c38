"""What moderators see and do: overview, lists, one member's card, audit, exports, map, settings."""

from bot.services.moderation._areas import consented_area, consented_precision
from bot.services.moderation._audit import AuditLine, audit_lines
from bot.services.moderation._charts import (
    ActionFigures,
    DrawnMap,
    action_figures,
    members_map,
    overview_chart,
)
from bot.services.moderation._export import ExportFile, members_export, mentorships_export, split_csv
from bot.services.moderation._lists import ListedMember, MemberList, Page, listed_page, member_page
from bot.services.moderation._map import MIN_LABELLED, AreaPoint, members_by_area
from bot.services.moderation._member import MemberCard, member_card
from bot.services.moderation._overview import Overview, overview
from bot.services.moderation._settings import SETTINGS, change_setting, current_settings, parse_setting

__all__ = [
    "MIN_LABELLED",
    "SETTINGS",
    "ActionFigures",
    "AreaPoint",
    "AuditLine",
    "DrawnMap",
    "ExportFile",
    "ListedMember",
    "MemberCard",
    "MemberList",
    "Overview",
    "Page",
    "action_figures",
    "audit_lines",
    "change_setting",
    "consented_area",
    "consented_precision",
    "current_settings",
    "listed_page",
    "member_card",
    "member_page",
    "members_by_area",
    "members_export",
    "members_map",
    "mentorships_export",
    "overview",
    "overview_chart",
    "parse_setting",
    "split_csv",
]
