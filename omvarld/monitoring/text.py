"""Text helpers of the pipeline: sanitising, plain text, canonical links, language, fingerprints."""

from __future__ import annotations

import hashlib
import html
import os
import re
import zlib
from functools import lru_cache
from pathlib import Path
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import nh3
import numpy as np

from omvarld.lib.xmltext import clean_xml_text

# --- HTML -------------------------------------------------------------------------------------------

ALLOWED_TAGS = {
    "a", "abbr", "b", "blockquote", "br", "cite", "code", "dd", "del", "dl", "dt", "em", "figcaption",
    "figure", "h2", "h3", "h4", "h5", "h6", "hr", "i", "img", "li", "ol", "p", "pre", "q", "s", "small",
    "strong", "sub", "sup", "table", "tbody", "td", "th", "thead", "tr", "u", "ul",
}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "img": {"src", "alt", "title", "width", "height"}, "td": {"colspan"}, "th": {"colspan"}}


def sanitise_html(fragment: str) -> str:
    """HTML safe to render: no scripts, event handlers, styles or javascript: links (nh3/ammonia)."""
    if not fragment:
        return ""
    # A lone surrogate (possible in text decoded elsewhere) makes the sanitiser raise.
    return nh3.clean(
        clean_xml_text(fragment),
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer nofollow",
        strip_comments=True,
    )


_SPACE = re.compile(r"\s+")
_BLOCK = re.compile(r"<\s*(?:br|/p|/div|/li|/h[1-6]|/tr|/blockquote)\b[^>]*>", re.I)


def html_to_text(fragment: str) -> str:
    """Plain text of an HTML fragment, whitespace collapsed."""
    if not fragment:
        return ""
    if "<" not in fragment and "&" not in fragment:
        return _SPACE.sub(" ", fragment).strip()
    stripped = nh3.clean(_BLOCK.sub(" ", clean_xml_text(fragment)), tags=set(), clean_content_tags={"script", "style"})
    return _SPACE.sub(" ", html.unescape(stripped)).strip()


def clean_title(title: str) -> str:
    return html_to_text(title)[:500]


# --- links -----------------------------------------------------------------------------------------

TRACKING_PARAMS = {
    "fbclid", "gclid", "dclid", "gbraid", "wbraid", "msclkid", "mc_cid", "mc_eid", "igshid", "yclid",
    "_hsenc", "_hsmi", "mkt_tok", "oly_anon_id", "oly_enc_id", "vero_id", "wt_mc", "wt.mc_id", "ref_src",
    "cmpid", "s_cid", "spm", "__twitter_impression", "ncid", "sr_share",
}
TRACKING_PREFIXES = ("utm_", "pk_", "mtm_", "piwik_", "hsa_", "at_", "__s")


def canonical_url(url: str) -> str:
    """The link without tracking parameters and fragments, with a lower-case scheme and host."""
    url = (url or "").strip()
    if not url:
        return ""
    # A lone surrogate (from a broken decoder) cannot be encoded; it becomes U+FFFD (found by #18's fuzzing).
    url = url.encode("utf-16", "surrogatepass").decode("utf-16", "replace")
    try:
        parts = urlsplit(url)
    except ValueError:
        return url
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc.strip():
        return ""
    query = [
        (k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True)
        if k.lower() not in TRACKING_PARAMS and not k.lower().startswith(TRACKING_PREFIXES)
    ]
    netloc = parts.netloc.lower()
    if netloc.endswith(":80") and parts.scheme.lower() == "http":
        netloc = netloc[:-3]
    elif netloc.endswith(":443") and parts.scheme.lower() == "https":
        netloc = netloc[:-4]
    return urlunsplit((parts.scheme.lower(), netloc, parts.path or "/", urlencode(query, doseq=True), "")).strip()


# --- language --------------------------------------------------------------------------------------

_langid = None
LANGUAGE_SAMPLE_CHARS = 300


def detect_language(text: str) -> str:
    """ISO 639-1 code of the text's language, or "" when there is too little text to tell."""
    global _langid
    sample = text[:LANGUAGE_SAMPLE_CHARS]  # langid's cost grows with length; a prefix is enough
    if len(sample) < 20:
        return ""
    if _langid is None:
        _langid = _load_language_identifier()
    lang, prob = _langid.classify(sample)
    return lang if prob >= 0.5 else ""


def _load_language_identifier():
    """py3langid's identifier; its shipped model is LZMA-compressed and takes seconds to unpack,
    so the unpacked identifier is kept in the data folder (per library version) and loaded from there."""
    import pickle
    from importlib.metadata import version

    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    try:
        from django.conf import settings

        path = Path(settings.DATA_DIR) / "models" / f"langid-{version('py3langid')}.pickle"
    except Exception:  # noqa: BLE001  used outside the product: no store
        path = None
    if path is not None and path.exists():
        try:
            with path.open("rb") as f:
                found = pickle.load(f)  # written only below
            if isinstance(found, LanguageIdentifier):
                return found
        except Exception:  # noqa: BLE001  damaged: unpack it again
            pass
    identifier = LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
    if path is not None:
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            temporary = path.with_name(f".{path.name}.{os.getpid()}")
            temporary.write_bytes(pickle.dumps(identifier, protocol=pickle.HIGHEST_PROTOCOL))
            os.replace(temporary, path)
        except OSError:
            pass
    return identifier


# --- fingerprints ----------------------------------------------------------------------------------

_WORD = re.compile(r"\w+", re.UNICODE)


def content_hash(title: str, text: str) -> str:
    normal = " ".join(_WORD.findall(f"{title} {text}".lower()))
    return hashlib.sha256(normal.encode("utf-8")).hexdigest()


_MIX1 = np.uint64(0x9E3779B97F4A7C15)
_MIX2 = np.uint64(0xBF58476D1CE4E5B9)
_MIX3 = np.uint64(0x94D049BB133111EB)


@lru_cache(maxsize=200_000)
def _word_hash(word: str) -> int:
    data = word.encode()
    return (zlib.crc32(data) << 32) | zlib.crc32(data, 0x5BD1E995)


def _mix(x: np.ndarray) -> np.ndarray:
    """splitmix64's finaliser, vectorised: every input bit moves about half the output bits."""
    x = x ^ (x >> np.uint64(30))
    x = x * _MIX2
    x = x ^ (x >> np.uint64(27))
    x = x * _MIX3
    return x ^ (x >> np.uint64(31))


def simhash(text: str) -> int:
    """A 64-bit simhash over word pairs (unsigned).

    Word pairs, not triples: on news-length texts a one-word edit then moves about 3 bits and
    a different story about 20, so a threshold of 4 separates them (measured in the tests).
    Each word is hashed once (cached); pairs are combined and counted with numpy.
    """
    words = _WORD.findall(text.lower())
    if not words:
        words = [""]
    h = np.fromiter((_word_hash(w) for w in words), dtype=np.uint64, count=len(words))
    with np.errstate(over="ignore"):
        pairs = _mix(h[:-1] * _MIX1 + h[1:]) if len(h) > 1 else _mix(h)
    bits = np.unpackbits(pairs.view(np.uint8).reshape(-1, 8), axis=1, bitorder="little").sum(axis=0, dtype=np.int64)
    mask = bits * 2 > len(pairs)
    return int(np.packbits(mask, bitorder="little").view("<u8")[0])


def to_signed64(value: int) -> int:
    return value - (1 << 64) if value >= (1 << 63) else value


def to_unsigned64(value: int) -> int:
    return value + (1 << 64) if value < 0 else value


BAND_BITS = (13, 13, 13, 13, 12)


def bands(value: int) -> tuple[int, ...]:
    """Five slices of the hash: two hashes within distance 4 share at least one (pigeonhole)."""
    out, shift = [], 0
    for width in BAND_BITS:
        out.append((value >> shift) & ((1 << width) - 1))
        shift += width
    return tuple(out)


def hamming(a: int, b: int) -> int:
    return (to_unsigned64(a) ^ to_unsigned64(b)).bit_count()
