"""Automatic tagging: which watched entities and which themes an entry is about, and why.

Entities are matched by their names and aliases in Swedish and English:

* on word boundaries (a hyphen is a boundary, so "C40-städerna" mentions C40, "Oslofjord" does
  not mention Oslo), ignoring URLs and e-mail addresses;
* acronyms (names without lower-case letters, such as C40 or ICLEI) only in exactly that case;
* other names case-insensitively, except that a capitalised name needs a capital in the text,
  so the city of Lund is not found in "en lund av björkar";
* Swedish genitive ("Stockholms", "Malmös") and English possessive ("Stockholm's") count.

Themes are matched by their labels and synonyms, compared after Snowball stemming in the
synonym's language (so "fjärrvärmen" matches "fjärrvärme" and "heat pumps" matches "heat
pump"), and, once editors have made enough decisions, by a learned model (``learning``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

import snowballstemmer
from django.utils.translation import gettext as _

_IGNORED = re.compile(r"(?:https?://|www\.)\S+|\S+@\S+\.\w+", re.I)
_TOKEN = re.compile(r"[^\W_]+", re.UNICODE)


@dataclass(frozen=True)
class Tag:
    kind: str  # "entity" or "theme"
    target_id: int
    method: str  # EntryTag.Method value
    matched: str
    confidence: float


def tokens(text: str) -> list[str]:
    return _TOKEN.findall(_IGNORED.sub(" ", text))


def is_acronym(name: str) -> bool:
    letters = [c for c in name if c.isalpha()]
    return bool(letters) and not any(c.islower() for c in letters) and len(name.replace(" ", "")) <= 10


def _cap_ok(pattern: str, found: str) -> bool:
    return not pattern[:1].isupper() or found[:1].isupper()


@dataclass(frozen=True)
class _Name:
    entity_id: int
    form: tuple[str, ...]  # the name's tokens as written
    method: str  # name, alias or acronym


class EntityMatcher:
    """Finds entity names in text; build it once per batch from ``(id, names, aliases)``."""

    def __init__(self, entities):
        self.index: dict[tuple[str, ...], list[_Name]] = {}
        self.max_len = 1
        for entity_id, names, aliases in entities:
            for method, values in (("name", names), ("alias", aliases)):
                for value in values:
                    form = tuple(tokens(value))
                    if not form:
                        continue
                    kind = "acronym" if is_acronym(value) else method
                    self.index.setdefault(tuple(t.lower() for t in form), []).append(_Name(entity_id, form, kind))
                    self.max_len = max(self.max_len, len(form))
        self.first = {key[0] for key in self.index}

    def find(self, text: str) -> list[Tag]:
        words = tokens(text)
        lower = [w.lower() for w in words]
        found: dict[int, Tag] = {}
        first = self.first
        for i, word in enumerate(lower):
            if word not in first and not (word.endswith("s") and word[:-1] in first):
                continue
            for n in range(min(self.max_len, len(words) - i), 0, -1):
                key = tuple(lower[i:i + n])
                hits = self.index.get(key)
                genitive = False
                if hits is None and key[-1].endswith("s") and len(key[-1]) > 3:
                    hits = self.index.get(key[:-1] + (key[-1][:-1],))
                    genitive = True
                if not hits:
                    continue
                seen = words[i:i + n]
                for name in hits:
                    if name.entity_id in found:
                        continue
                    if name.method == "acronym":
                        if genitive or tuple(seen) != name.form:
                            continue
                    elif not all(_cap_ok(p, s) for p, s in zip(name.form, seen)):
                        continue
                    elif genitive and name.form[-1][-1:].lower() in ("s", "x", "z"):
                        continue
                    found[name.entity_id] = Tag("entity", name.entity_id, name.method, " ".join(seen), 1.0)
                break
        return list(found.values())


@lru_cache(maxsize=4)
def _stemmer(language: str):
    return snowballstemmer.stemmer("swedish" if language == "sv" else "english")


@lru_cache(maxsize=200_000)
def stem(word: str, language: str) -> str:
    return _stemmer(language).stemWord(word)


class ThemeMatcher:
    """Finds theme labels and synonyms in text; build it once per batch from ``(id, sv, en)``."""

    def __init__(self, themes):
        self.index: dict[str, dict[tuple[str, ...], tuple[int, str]]] = {"sv": {}, "en": {}}
        self.max_len = 1
        for theme_id, terms_sv, terms_en in themes:
            for language, terms in (("sv", terms_sv), ("en", terms_en)):
                for term in terms:
                    key = tuple(stem(t.lower(), language) for t in tokens(term))
                    if key:
                        self.index[language][key] = (theme_id, term)
                        self.max_len = max(self.max_len, len(key))

    def find(self, text: str) -> list[Tag]:
        lower = [w.lower() for w in tokens(text)]
        hits: dict[int, list[str]] = {}
        for language, index in self.index.items():
            if not index:
                continue
            stems = [stem(w, language) for w in lower]
            for i in range(len(stems)):
                for n in range(1, min(self.max_len, len(stems) - i) + 1):
                    hit = index.get(tuple(stems[i:i + n]))
                    if hit:
                        terms = hits.setdefault(hit[0], [])
                        if hit[1] not in terms:
                            terms.append(hit[1])
        tags = []
        for theme_id, terms in hits.items():
            confidence = min(0.95, 0.6 + 0.15 * (len(terms) - 1))
            tags.append(Tag("theme", theme_id, "synonym", ", ".join(terms[:5]), confidence))
        return tags


def describe_reason(method: str, matched: str, *, confidence: float = 1.0) -> str:
    """Why a tag was set, in the active language."""
    if method == "name":
        return _("mentions the name “%(m)s”") % {"m": matched}
    if method == "alias":
        return _("mentions “%(m)s”, another name for it") % {"m": matched}
    if method == "acronym":
        return _("mentions the acronym “%(m)s” (exact case)") % {"m": matched}
    if method == "source":
        return _("comes from a source that covers it")
    if method == "synonym":
        return _("mentions the theme words: %(m)s") % {"m": matched}
    if method == "model":
        return _("learned from editors' earlier choices (%(p)d%% sure)") % {"p": round(confidence * 100)}
    if method == "editor":
        return _("set by an editor")
    return matched
