"""Languages members can organize in: a short list that fits one select menu (25 options)."""

from __future__ import annotations

# ISO 639-1 code -> name in that language (so a speaker recognises it) and in English.
LANGUAGES: dict[str, tuple[str, str]] = {
    "en": ("English", "English"),
    "es": ("Español", "Spanish"),
    "fr": ("Français", "French"),
    "de": ("Deutsch", "German"),
    "pt": ("Português", "Portuguese"),
    "it": ("Italiano", "Italian"),
    "nl": ("Nederlands", "Dutch"),
    "pl": ("Polski", "Polish"),
    "sv": ("Svenska", "Swedish"),
    "da": ("Dansk", "Danish"),
    "no": ("Norsk", "Norwegian"),
    "fi": ("Suomi", "Finnish"),
    "cs": ("Čeština", "Czech"),
    "ro": ("Română", "Romanian"),
    "el": ("Ελληνικά", "Greek"),
    "tr": ("Türkçe", "Turkish"),
    "uk": ("Українська", "Ukrainian"),
    "ru": ("Русский", "Russian"),
    "ar": ("العربية", "Arabic"),
    "hi": ("हिन्दी", "Hindi"),
    "zh": ("中文", "Chinese"),
    "ja": ("日本語", "Japanese"),
    "ko": ("한국어", "Korean"),
    "id": ("Bahasa Indonesia", "Indonesian"),
    "tl": ("Tagalog", "Tagalog"),
}


def from_discord_locale(locale: str | None) -> str | None:
    """The language code of a Discord client locale ("pt-BR" -> "pt"), if we list it."""
    if not locale:
        return None
    code = locale.split("-", 1)[0].lower()
    return code if code in LANGUAGES else None


def known(codes: list[str]) -> list[str]:
    """The codes we list, in order, without duplicates."""
    return [code for code in dict.fromkeys(codes) if code in LANGUAGES]
