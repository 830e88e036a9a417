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
pump"); the theme model (``theme_model``, retrained with editors' decisions) adds to them in
``pipeline.find_themes``.
Entries in another language are matched against the default theme words shipped for it in
``theme_terms/<language>.txt`` (German), keyed by theme slug.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

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
    if "://" in text or "www." in text or "@" in text:
        text = _IGNORED.sub(" ", text)
    return _TOKEN.findall(text)


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
    place: bool = False  # a city or other place: its name is checked against its context


# A place name followed by one of these is part of another name: a newspaper, a club, a
# university, a stock index ("New York Times", "Manchester United", "Göteborgs universitet").
ORGANISATION_HEADS = frozenset("""
times post globe herald tribune journal chronicle gazette telegraph examiner star standard
united city fc ff if ik bk aik bois celtics hawks braves falcons bruins canucks raptors giants
yankees mets knicks rangers nets jets red sox dynamo composite index exchange stock
universitet university universitetet högskola högskolan tingsrätt tingsrätten hovrätt hovrätten
börs börsen
""".split())
# Words of sport: a city named in such a sentence without "in"/"i" before it is usually a team.
SPORT_WORDS = frozenset("""
match matchen matcher matchens seger segern segrar vann vinner förlust förlorade ligan liga league
tabellen tvåan trean ettan serieledare allsvenskan superettan shl hockeyallsvenskan derby derbyt
poäng mål målet spelar spelade spelet spel fotboll fotbollen hockey bandy cup final finalen semifinal
kvartsfinal premier laliga bundesliga champions tränare coach striker goal goals scored win wins won
beat defeat season playoff playoffs team lag laget
""".split())
LOCATIVE = frozenset("i in från from vid at till to utanför outside near nära kring around of av på".split())
# Capitalised words that may stand before a place name in a title without making it another name.
_TITLE_WORDS = LOCATIVE | frozenset("and och the for för with med by on about om en ett a an as is are was if when but men när while since after "
    "before efter innan där here there so så then sedan only bara also även like som than än".split())
_SENTENCE_END = re.compile(r"[.!?]\s|\n")


class EntityMatcher:
    """Finds entity names in text; build it once per batch from ``(id, names, aliases[, is_place])``."""

    def __init__(self, entities):
        self.index: dict[tuple[str, ...], list[_Name]] = {}
        self.max_len = 1
        for entity_id, names, aliases, *rest in entities:
            place = bool(rest and rest[0])
            for method, values in (("name", names), ("alias", aliases)):
                for value in values:
                    form = tuple(tokens(value))
                    if not form:
                        continue
                    kind = "acronym" if is_acronym(value) else method
                    self.index.setdefault(tuple(t.lower() for t in form), []).append(_Name(entity_id, form, kind, place))
                    self.max_len = max(self.max_len, len(form))
        self.first = {key[0] for key in self.index}
        self.starts = self.first | {f + "s" for f in self.first}  # and their genitives

    def find(self, text: str) -> list[Tag]:
        if "://" in text or "www." in text or "@" in text:
            text = _IGNORED.sub(lambda m: " " * len(m.group()), text)
        words = _TOKEN.findall(text)
        lower = text.lower()
        lower = _TOKEN.findall(lower) if len(lower) == len(text) else [w.lower() for w in words]
        spans = None  # token offsets, found only when a place name needs its context checked
        found: dict[int, Tag] = {}
        starts = self.starts
        if starts.isdisjoint(lower):
            return []
        for i in [i for i, word in enumerate(lower) if word in starts]:
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
                    if name.place and (len(name.form) <= 2 or name.method == "name"):
                        if spans is None:
                            spans = [(m.group(), m.start(), m.end()) for m in _TOKEN.finditer(text)]
                        if not _place_in_context(text, spans, i, i + n, genitive):
                            continue
                    found[name.entity_id] = Tag("entity", name.entity_id, name.method, " ".join(seen), 1.0)
                break
        return list(found.values())


def _joined(text: str, end: int, start: int) -> bool:
    """True when only one space (no punctuation) separates two tokens."""
    return text[end:start] == " "


def _place_in_context(text: str, spans, i: int, j: int, genitive: bool) -> bool:
    """Whether the place name at tokens ``i:j`` names the place, not a club, paper or other place."""
    if j < len(spans) and _joined(text, spans[j - 1][2], spans[j][1]):
        following = spans[j][0]
        if following.lower() in ORGANISATION_HEADS:
            return False
        if genitive and following[:1].isupper():
            return False  # Swedish "Stockholms Arkitektförening", "Göteborgs Universitet"
    if i > 0 and _joined(text, spans[i - 1][2], spans[i][1]):
        before = spans[i - 1][0]
        if before[:1].isupper() and before.lower() not in _TITLE_WORDS and not before.endswith("s"):
            return False  # "South Portland", "Smittskydd Stockholm", "Swift NYC": another place or a name
        if before.isdigit():
            return False  # "P4 Göteborg", a channel or a route
    sentence = set()
    k = i
    while k > 0 and i - k < 40 and not _SENTENCE_END.search(text, spans[k - 1][2], spans[k][1] + 1):
        k -= 1
        sentence.add(spans[k][0].lower())
    k = j - 1
    while k + 1 < len(spans) and k - j < 40 and not _SENTENCE_END.search(text, spans[k][2], spans[k + 1][1] + 1):
        k += 1
        sentence.add(spans[k][0].lower())
    if sentence & SPORT_WORDS:
        before = spans[i - 1][0].lower() if i > 0 else ""
        if before not in LOCATIVE:
            return False
    return True


# ISO 639-1 code -> Snowball stemmer; a language not listed is stemmed as English.
STEMMERS = {"sv": "swedish", "en": "english", "de": "german", "da": "danish", "no": "norwegian", "nl": "dutch",
            "fi": "finnish", "fr": "french", "es": "spanish", "it": "italian", "pt": "portuguese"}
# Languages that write compounds as one word: there a long single word is as specific as a phrase.
COMPOUNDING = frozenset("sv de da no nl fi".split())
THEME_TERMS_DIR = Path(__file__).resolve().parent / "theme_terms"


@lru_cache(maxsize=16)
def _stemmer(language: str):
    return snowballstemmer.stemmer(STEMMERS.get(language, "english"))


def default_theme_terms(ids_by_slug: dict, directory: Path = THEME_TERMS_DIR) -> dict[str, list[tuple[object, list[str]]]]:
    """The shipped theme words per language: ``{language: [(theme id, terms)]}`` for the themes in
    ``ids_by_slug``. Each ``<language>.txt`` has a ``[theme-slug]`` line before that theme's terms,
    one a line; ``#`` starts a comment. Swedish and English are the map's own synonyms, not here."""
    result: dict[str, list[tuple[object, list[str]]]] = {}
    for path in sorted(directory.glob("*.txt")):
        sections: dict[str, list[str]] = {}
        current = None
        for line in path.read_text(encoding="utf-8").splitlines():
            line = line.split("#", 1)[0].strip()
            if line.startswith("[") and line.endswith("]"):
                current = sections.setdefault(line[1:-1].strip(), [])
            elif line and current is not None:
                current.append(line)
        found = [(ids_by_slug[slug], terms) for slug, terms in sections.items() if slug in ids_by_slug]
        if found and path.stem not in ("sv", "en"):
            result[path.stem] = found
    return result


@lru_cache(maxsize=200_000)
def stem(word: str, language: str) -> str:
    return _stemmer(language).stemWord(word)


WEAK_TERM_WEIGHT = 0.5  # a single word: common words ("policy", "housing") are weak evidence alone
STRONG_TERM_WEIGHT = 1.0  # a phrase ("district heating") or a long compound ("fjärrvärme")
THEME_THRESHOLD = 1.0
MAX_INFLECTION = 2  # letters of a theme word the text may lack after their shared stem ("pumps"/"pump")


def _shared_prefix(a: str, b: str) -> int:
    n = 0
    for x, y in zip(a, b):
        if x != y:
            break
        n += 1
    return n


def _same_word(term_word: str, seen: str) -> bool:
    """Stems alike and the difference only an ending: "governance" is not "government"."""
    return len(term_word) - _shared_prefix(term_word, seen) <= MAX_INFLECTION


def term_weight(term: str, language: str) -> float:
    words = tokens(term)
    if len(words) > 1:
        return STRONG_TERM_WEIGHT
    word = words[0] if words else ""
    # Swedish and German write compounds as one word: a long one is as specific as an English phrase.
    if language in COMPOUNDING and len(word) >= 9:
        return STRONG_TERM_WEIGHT
    return WEAK_TERM_WEIGHT


def theme_confidence(total: float) -> float:
    return min(0.95, 0.45 + 0.15 * total)


class ThemeMatcher:
    """Finds theme labels and synonyms in text; build it once per batch from ``(id, sv, en)``.

    Each term found adds its weight to its theme's evidence (once per term, and inflections of
    one term, which share its stems, count once); a theme needs
    ``THEME_THRESHOLD``: one phrase or long compound, or two different single words. Text in a
    known language is matched against that language's terms only; text in a language without
    terms against the Swedish and English ones. ``extra`` adds terms in other languages:
    ``{language: [(theme id, terms)]}`` (see ``default_theme_terms``).
    """

    def __init__(self, themes, extra=None):
        self.index: dict[str, dict[tuple[str, ...], list[tuple[int, str, tuple[str, ...], float]]]] = {"sv": {}, "en": {}}
        self.max_len = 1
        pairs = [(theme_id, language, terms) for theme_id, terms_sv, terms_en in themes
                 for language, terms in (("sv", terms_sv), ("en", terms_en))]
        pairs += [(theme_id, language, terms) for language, rows in (extra or {}).items() for theme_id, terms in rows]
        for theme_id, language, terms in pairs:
            self.index.setdefault(language, {})
            for term in terms:
                words = tuple(t.lower() for t in tokens(term))
                key = tuple(stem(t, language) for t in words)
                if key:
                    self.index[language].setdefault(key, []).append((theme_id, term, words, term_weight(term, language)))
                    self.max_len = max(self.max_len, len(key))
        self.first = {language: {key[0] for key in index} for language, index in self.index.items()}
        self._stems: dict[str, dict[str, str]] = {language: {} for language in self.index}

    def find(self, text: str, language: str = "") -> list[Tag]:
        tags = []
        for theme_id, (total, ordered) in self.evidence(text, language).items():
            if total >= THEME_THRESHOLD:
                tags.append(Tag("theme", theme_id, "synonym", ", ".join(ordered[:5]), theme_confidence(total)))
        return tags

    def evidence(self, text: str, language: str = "") -> dict[object, tuple[float, list[str]]]:
        """Per theme with any term found: the summed weight of its terms and the terms, strongest first."""
        lower = tokens(text.lower())
        evidence: dict[int, dict[str, float]] = {}
        languages = [language] if language in self.index else ["sv", "en"]
        for lang in languages:
            index = self.index[lang]
            if not index:
                continue
            cache = self._stems[lang]
            if len(cache) > 200_000:
                cache.clear()
            stemmer = _stemmer(lang)
            for w in set(lower).difference(cache):
                cache[w] = stemmer.stemWord(w)
            first = self.first[lang]
            starts = [i for i, w in enumerate(lower) if cache[w] in first]
            if not starts:
                continue
            stems = [cache[w] for w in lower]
            for i in starts:
                for n in range(1, min(self.max_len, len(stems) - i) + 1):
                    hits = index.get(tuple(stems[i:i + n]))
                    if not hits:
                        continue
                    seen = lower[i:i + n]
                    key = (lang, *stems[i:i + n])  # inflections of one term ("protest", "protests") count once
                    for theme_id, term, words, weight in hits:
                        if all(_same_word(w, s) for w, s in zip(words, seen)):
                            found = evidence.setdefault(theme_id, {})
                            if found.get(key, (0.0, ""))[0] < weight:
                                found[key] = (weight, term)
        result = {}
        for theme_id, found in evidence.items():
            terms = {term: weight for weight, term in found.values()}
            result[theme_id] = (sum(weight for weight, _term in found.values()), sorted(terms, key=lambda t: -terms[t]))
        return result


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
    if method == "model" and matched:
        return _("mentions “%(m)s”, and the theme model agrees (%(p)d%% sure)") % {"m": matched, "p": round(confidence * 100)}
    if method == "model":
        return _("the theme model recognises the subject, learned from labelled stories and editors' choices (%(p)d%% sure)") % {"p": round(confidence * 100)}
    if method == "editor":
        return _("set by an editor")
    return matched
