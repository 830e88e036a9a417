"""OPML (and RDF/FOAF) subscription lists: reading what real readers export, and writing them.

Reading takes what the established subscription-list parser (``listparser``) takes, with the same
engine: libxml2's recovering HTML parser (through lxml), which reads a bare ``&``, undeclared
HTML entities (``&nbsp;``, ``&eacute;``), mixed-case attribute names (``xmlURL``), missing end
tags and concatenated documents. Around it, this module

* decodes the bytes itself (BOM, then UTF-8, then the declared encoding, then Windows-1252), so
  a wrong declared encoding or Latin-1 bytes keep their letters instead of becoming U+FFFD;
* refuses a document that declares entities (entity expansion, external entities): the HTML
  engine never expands nor loads them, and the refusal says so clearly;
* walks the parse events iteratively, so nesting depth costs no stack, and stops as soon as the
  list has more outlines than allowed (or nests deeper than ``MAX_DEPTH``): such a file is
  refused whole;
* finds the outlines the recovery could not read (a start tag that swallowed the next ones, a
  truncated file, an outline with damaged attributes and no address) and reports each by line.

A feed's folder path is kept as one string, its folders joined by ``/``; a ``/`` or ``\\``
inside a folder name is escaped with a backslash, so export and re-import give back the
same path exactly.
"""

from __future__ import annotations

import bisect
import codecs
import html
import io
import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field

import lxml.etree

MAX_DEPTH = 50  # outline nesting; real lists use a handful of levels
MAX_BYTES = 10 * 1024 * 1024


class OPMLError(Exception):
    """The file is refused whole; ``key``/``params`` say why (see ``errors``)."""

    def __init__(self, key: str, **params):
        super().__init__(key)
        self.key = key
        self.params = params


@dataclass
class Outline:
    title: str
    xml_url: str
    html_url: str = ""
    category: str = ""  # folder path: folders joined by "/", see join_path
    line: int = 0


@dataclass
class Problem:
    """An outline that could not be read (``key`` in ``errors``), with its line."""

    line: int
    key: str
    detail: str = ""


@dataclass
class ParsedList:
    outlines: list[Outline] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    duplicates: int = 0  # outlines whose feed address came earlier in the same list
    other_lists: int = 0  # links to other subscription lists (type="link", "include", "source"), not followed


# --- folder paths ----------------------------------------------------------------------------------

def join_path(folders: list[str]) -> str:
    return "/".join(f.replace("\\", "\\\\").replace("/", "\\/") for f in folders)


def split_path(path: str) -> list[str]:
    parts, current, chars = [], [], iter(path)
    for ch in chars:
        if ch == "\\":
            current.append(next(chars, ""))
        elif ch == "/":
            parts.append("".join(current))
            current = []
        else:
            current.append(ch)
    parts.append("".join(current))
    return [p for p in parts if p]


# --- decoding --------------------------------------------------------------------------------------

_BOMS = [(codecs.BOM_UTF32_LE, "utf-32-le"), (codecs.BOM_UTF32_BE, "utf-32-be"), (codecs.BOM_UTF8, "utf-8"),
         (codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be")]
_DECLARED = re.compile(rb"""^\s*<\?xml[^>]*?encoding\s*=\s*["']([A-Za-z0-9._:-]{1,40})["']""")
# Characters XML 1.0 forbids (besides surrogates, which decoding never yields).
_FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def decode(data: bytes) -> str:
    """The document as text, whatever it declares: BOM, UTF-8, the declared encoding, Windows-1252."""
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return data[len(bom):].decode(encoding, errors="replace")
    if data[:4] == b"<\x00?\x00":
        return data.decode("utf-16-le", errors="replace")
    if data[:4] == b"\x00<\x00?":
        return data.decode("utf-16-be", errors="replace")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    declared = _DECLARED.match(data[:1024])
    if declared:
        try:
            name = codecs.lookup(declared.group(1).decode("ascii")).name
            # As browsers do (WHATWG Encoding): Latin-1 and ASCII labels mean Windows-1252.
            name = "cp1252" if name in ("latin-1", "iso8859-1", "ascii") else name
            if not name.startswith(("utf-16", "utf-32", "utf-8")):
                return data.decode(name)
        except (LookupError, UnicodeDecodeError):
            pass
    try:
        return data.decode("cp1252")
    except UnicodeDecodeError:
        return data.decode("latin-1")


def clean(text: str) -> str:
    """Text without the characters XML 1.0 forbids, trimmed."""
    return _FORBIDDEN.sub("", text).strip()


# --- reading ---------------------------------------------------------------------------------------

_ENTITY_DECL = re.compile(r"<!ENTITY", re.IGNORECASE)
_OUTLINE_TAG = re.compile(r"<outline(?=[\s/>])", re.IGNORECASE)
_SKIPPED_SPANS = re.compile(r"<!--.*?(?:-->|\Z)|<!\[CDATA\[.*?(?:\]\]>|\Z)", re.DOTALL)
_ATTR_NAME = re.compile(r"^[A-Za-z_][-A-Za-z0-9_.:]*$")
_LIST_TYPES = {"link", "include", "source"}
_XMLURL = re.compile(r"""\sxmlurl\s*=\s*(["'])([^"'<>]*)\1""", re.IGNORECASE)


def parse_opml(data: bytes, *, max_outlines: int = 2000) -> ParsedList:
    """Read a subscription list; raise ``OPMLError`` when the file is refused whole."""
    if len(data) > MAX_BYTES:
        raise OPMLError("opml_too_large", limit_mb=MAX_BYTES // (1024 * 1024))
    text = _FORBIDDEN.sub("", decode(data))
    if not text.strip():
        raise OPMLError("opml_empty")
    if _ENTITY_DECL.search(text):
        raise OPMLError("opml_entities")
    reader = _Reader(text, max_outlines=max_outlines)
    reader.run()
    if not reader.seen_list_element:
        raise OPMLError("opml_not_a_list")
    return reader.result


class _Reader:
    """One pass over the parse events of the recovering parser."""

    def __init__(self, text: str, *, max_outlines: int):
        self.text = text
        self.max_outlines = max_outlines
        self.result = ParsedList()
        self.seen_urls: set[str] = set()
        self.seen_list_element = False
        self.outline_count = 0
        # Open outlines: (element, folder name or None when it is not a folder, damaged?)
        self.stack: list[tuple[object, str | None, bool]] = []
        self.closed_early: list[object] = []
        # (line, swallowed, attrs, feed or problem, folder path): to match each with its start tag
        self.parsed_outlines: list[tuple[int, int, dict[str, str], Outline | Problem | None, str]] = []
        # RDF/FOAF state
        self.groups: list[str] = []
        self.agent: dict | None = None
        self.group_open = 0

    # Events ----------------------------------------------------------------------------------------

    def run(self, *, find_lost: bool = True) -> None:
        source = io.BytesIO(self.text.encode("utf-8"))
        events = lxml.etree.iterparse(source, events=("start", "end"), html=True, recover=True, encoding="utf-8",
                                      no_network=True, remove_comments=True, remove_pis=True, huge_tree=False)
        try:
            for event, el in events:
                tag = el.tag.rsplit(":", 1)[-1].lower() if isinstance(el.tag, str) else ""
                if event == "start":
                    self.start(tag, el)
                else:
                    self.end(tag, el)
                    if tag == "outline" or len(el) == 0:
                        el.clear(keep_tail=True)
        except lxml.etree.XMLSyntaxError as exc:  # only for a document with no element at all
            raise OPMLError("parse_failed", detail=str(exc)[:200]) from None
        if find_lost:
            self.find_lost_outlines()

    def start(self, tag: str, el) -> None:
        if tag in ("opml", "outline", "agent", "person", "group"):  # an RSS 1.0 feed (rdf:RDF) is not a list
            self.seen_list_element = True
        if tag == "outline":
            self.outline(el)
        elif tag in ("agent", "person"):
            self.agent = {"name": "", "feeds": []}
        elif tag == "group":
            self.group_open += 1
        elif tag in ("channel", "feed") and self.agent is not None:
            url = clean(_attr(el.attrib, "about") or _attr(el.attrib, "resource"))
            if url:
                self.agent["feeds"].append((url, el.sourceline or 0))

    def end(self, tag: str, el) -> None:
        if tag == "outline":
            early = next((i for i, e in enumerate(self.closed_early) if e is el), None)
            if early is not None:
                # This end tag was meant for the next folder out, which closes now in its turn.
                del self.closed_early[early]
                if self.stack:
                    self.closed_early.append(self.stack.pop()[0])
                return
            while self.stack:
                opened, _folder, damaged = self.stack.pop()
                if opened is el:
                    break
            else:
                return
            if damaged and clean(el.text or "") and self.stack:
                # Markup inside a value hid the tag's "/>": the parser left it open, and the
                # "</outline>" that closed it was its folder's. Close the folder here.
                self.closed_early.append(self.stack.pop()[0])
        elif tag == "name":
            name = clean(el.text or "")
            if self.agent is not None:
                self.agent["name"] = self.agent["name"] or name
            elif self.group_open and name:
                self.groups.append(name)
        elif tag in ("agent", "person") and self.agent is not None:
            for url, line in self.agent["feeds"]:
                self.add_feed(Outline(title=self.agent["name"], xml_url=url, category=join_path(self.groups), line=line))
            self.agent = None
        elif tag == "group" and self.group_open:
            self.group_open -= 1
            if self.groups:
                self.groups.pop()

    def outline(self, el) -> None:
        self.outline_count += 1
        if self.outline_count > self.max_outlines:
            raise OPMLError("opml_too_many", limit=self.max_outlines)
        if len(self.stack) >= MAX_DEPTH:
            raise OPMLError("opml_too_deep", limit=MAX_DEPTH)
        attrs = {k.lower(): v for k, v in el.attrib.items()}
        line = el.sourceline or 0
        swallowed = sum(len(_OUTLINE_TAG.findall(k + " ")) + len(_OUTLINE_TAG.findall(v + " ")) for k, v in attrs.items())
        damaged = swallowed > 0 or any(not _ATTR_NAME.match(k) for k in attrs)
        title = clean(attrs.get("text", "")) or clean(attrs.get("title", ""))
        kind = attrs.get("type", "").strip().lower()
        feed = problem = folder = None
        if "xmlurl" in attrs and kind != "source":
            url = clean(attrs["xmlurl"])
            if url:
                feed = Outline(title=title, xml_url=url, html_url=clean(attrs.get("htmlurl", "")),
                               category=self.category(attrs), line=line)
            else:
                problem = Problem(line, "opml_no_address", title)
        elif kind in _LIST_TYPES or "xmlurl" in attrs:
            self.result.other_lists += 1
        elif damaged:
            problem = Problem(line, "opml_damaged", title)
        elif title:
            folder = title
        self.stack.append((el, folder, damaged))
        self.parsed_outlines.append((line, swallowed, attrs, feed or problem, self.category(attrs)))
        if feed:
            self.add_feed(feed)
        if problem:
            self.result.problems.append(problem)

    def category(self, attrs: dict[str, str]) -> str:
        folders = [f for _el, f, _d in self.stack if f]
        if not folders:
            # Not nested: a slash-delimited path in the category attribute (OPML 2.0) is its folder.
            for entry in attrs.get("category", "").split(","):
                if "/" in entry:
                    folders = [clean(p) for p in entry.split("/") if clean(p)]
                    break
        return join_path(folders)

    def add_feed(self, outline: Outline) -> None:
        if outline.xml_url in self.seen_urls:
            self.result.duplicates += 1
            return
        self.seen_urls.add(outline.xml_url)
        self.result.outlines.append(outline)

    # Outlines the recovery lost ----------------------------------------------------------------------

    def find_lost_outlines(self) -> None:
        """Find every ``<outline`` in the text for which the parser produced no readable outline,
        read it again on its own (a start tag that swallowed the next ones leaves them whole), and
        report by line those that still give no feed address."""
        skipped = [(m.start(), m.end()) for m in _SKIPPED_SPANS.finditer(self.text)]
        newlines = [m.start() for m in re.finditer("\n", self.text)]
        raw = []
        for m in _OUTLINE_TAG.finditer(self.text):
            i = bisect.bisect_right(skipped, (m.start(), float("inf"))) - 1
            if i >= 0 and skipped[i][0] <= m.start() < skipped[i][1]:
                continue
            raw.append((bisect.bisect_left(newlines, m.start()) + 1, m.start()))
            if len(raw) > self.max_outlines:  # outlines hidden inside values count towards the cap too
                raise OPMLError("opml_too_many", limit=self.max_outlines)
        lost: list[tuple[int, str]] = []  # (index in raw, folder path)
        i = 0
        category = ""
        for line, swallowed, attrs, found, category in self.parsed_outlines:
            match = self._match(raw, i, line, attrs)
            if match is None:
                continue
            lost.extend((j, category) for j in range(i, match))
            if isinstance(found, Problem) and found.key == "opml_damaged":
                self.result.problems.remove(found)
                lost.append((match, category))
            elif found is not None:
                found.line = raw[match][0]  # where its start tag begins
            lost.extend((j, category) for j in range(match + 1, min(match + 1 + swallowed, len(raw))))
            i = match + 1 + swallowed
        lost.extend((j, category) for j in range(i, len(raw)))
        for j, folder in lost:
            line, start = raw[j]
            end = raw[j + 1][1] if j + 1 < len(raw) else len(self.text)
            self._read_again(self.text[start:min(end, start + 8000)], line, folder)
        self.result.problems.sort(key=lambda p: p.line)

    def _read_again(self, snippet: str, line: int, folder: str) -> None:
        """One outline's own text, read alone; its address, if written whole, is kept even when
        markup inside another attribute broke the tag."""
        reader = _Reader(snippet, max_outlines=1)
        try:
            reader.run(find_lost=False)
        except OPMLError:
            pass
        found = [o for o in reader.result.outlines if o.xml_url]
        title = ""
        if not found:
            address = _XMLURL.search(snippet)
            if address and clean(html.unescape(address.group(2))):
                title = next((clean(a) for _l, _s, a, _f, _c in reader.parsed_outlines for a in [a.get("text", "") or a.get("title", "")] if clean(a)), "")
                found = [Outline(title=title, xml_url=clean(html.unescape(address.group(2))))]
        if not found:
            self.result.problems.append(Problem(line, "opml_unreadable", title))
            return
        for outline in found[:1]:
            outline.line = line
            outline.category = folder
            self.add_feed(outline)

    def _match(self, raw, i: int, line: int, attrs: dict[str, str]) -> int | None:
        """Index of the raw ``<outline`` this parsed outline came from (at or after ``i``)."""
        signature = next((clean(attrs[k]) for k in ("xmlurl", "text", "title") if clean(attrs.get(k, ""))), "")
        j = i
        while j < len(raw) and raw[j][0] <= line:
            end = raw[j + 1][1] if j + 1 < len(raw) else len(self.text)
            if not signature or signature in html.unescape(self.text[raw[j][1]:min(end, raw[j][1] + 8000)]):
                return j
            j += 1
        return i if i < len(raw) and raw[i][0] <= line else None


def _attr(attrib, name: str) -> str:
    for key, value in attrib.items():
        if key.rsplit(":", 1)[-1].lower() == name:
            return value
    return ""


# --- writing ---------------------------------------------------------------------------------------

def build_opml(outlines: list[Outline], *, title: str) -> bytes:
    root = ET.Element("opml", version="2.0")
    head = ET.SubElement(root, "head")
    ET.SubElement(head, "title").text = title
    body = ET.SubElement(root, "body")
    folders: dict[tuple[str, ...], ET.Element] = {}
    for o in outlines:
        parent = body
        path: tuple[str, ...] = ()
        for part in split_path(o.category):
            path += (part,)
            if path not in folders:
                folders[path] = ET.SubElement(parent, "outline", text=part, title=part)
            parent = folders[path]
        attrs = {"type": "rss", "text": o.title or o.xml_url, "title": o.title or o.xml_url, "xmlUrl": o.xml_url}
        if o.html_url:
            attrs["htmlUrl"] = o.html_url
        ET.SubElement(parent, "outline", attrs)
    ET.indent(root)
    return ET.tostring(root, encoding="utf-8", xml_declaration=True)
