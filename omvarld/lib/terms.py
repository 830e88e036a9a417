"""Title words reduced to comparable terms, the same for the personal feed and the trend radar.

A term is a lowercase word of at least three letters that is not a stop word, cut to its
Snowball stem (Swedish for Swedish text, English otherwise), so "heat pumps" and "heat pump"
give the same terms.
"""

import re
from functools import lru_cache

import snowballstemmer

WORD = re.compile(r"[^\W\d_]{3,}", re.UNICODE)

STOP = frozenset(
    """
    the and for with from that this are was were will has have had not but its their they them into over
    about after before more most new news than then what when which who why how also can may our your his her
    all any one two three out per via upon off under says said year years week weeks day days
    och att det som för med den till har inte men ett var vid från eller kan ska när nya nytt ny
    hur vad där här sig sina sitt sin även mer mest under efter över utan alla andra man blir blev
    """.split()
)

_stemmers = {"sv": snowballstemmer.stemmer("swedish"), "en": snowballstemmer.stemmer("english")}


@lru_cache(maxsize=200_000)
def stem(word: str, language: str = "en") -> str:
    return _stemmers["sv" if language == "sv" else "en"].stemWord(word)


def words(text: str) -> list[str]:
    return [w for w in (m.lower() for m in WORD.findall(text or "")) if w not in STOP]


def terms(text: str, language: str = "en") -> list[str]:
    """The distinct stemmed terms of ``text``, in order of first appearance."""
    return list(dict.fromkeys(stem(w, language) for w in words(text)))


def bigrams(text: str, language: str = "en") -> list[str]:
    ws = [stem(w, language) for w in words(text)]
    return list(dict.fromkeys(f"{a} {b}" for a, b in zip(ws, ws[1:], strict=False)))
