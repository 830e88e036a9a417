"""Strict checks for Atom 1.0 (RFC 4287) and RSS 2.0, independent of the library that writes the feeds.

The RELAX NG grammars follow RFC 4287 appendix B and the RSS 2.0 specification, narrowed to what
a news feed has no reason to vary (no foreign elements); the rules a grammar cannot express (author
presence, absolute ids, one alternate link per type) are checked in Python after it.
"""

import email.utils
import re
from urllib.parse import urlsplit

from lxml import etree

ATOM_NS = "http://www.w3.org/2005/Atom"
RFC3339 = r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+\-]\d{2}:\d{2})"

ATOM_RNG = f"""<grammar xmlns="http://relaxng.org/ns/structure/1.0" ns="{ATOM_NS}"
    datatypeLibrary="http://www.w3.org/2001/XMLSchema-datatypes">
  <start><ref name="feed"/></start>
  <define name="common">
    <optional><attribute name="xml:base"><data type="anyURI"/></attribute></optional>
    <optional><attribute name="xml:lang"><data type="language"/></attribute></optional>
  </define>
  <define name="text">
    <ref name="common"/>
    <optional><attribute name="type" ns=""><choice><value>text</value><value>html</value></choice></attribute></optional>
    <text/>
  </define>
  <define name="date"><ref name="common"/><data type="string"><param name="pattern">{RFC3339}</param></data></define>
  <define name="person">
    <ref name="common"/>
    <interleave>
      <element name="name"><text/></element>
      <optional><element name="uri"><data type="anyURI"/></element></optional>
      <optional><element name="email"><data type="string"><param name="pattern">[^@\\s]+@[^@\\s]+</param></data></element></optional>
    </interleave>
  </define>
  <define name="link">
    <element name="link"><ref name="common"/>
      <attribute name="href" ns=""><data type="anyURI"/></attribute>
      <optional><attribute name="rel" ns=""><data type="string"><param name="minLength">1</param></data></attribute></optional>
      <optional><attribute name="type" ns=""><data type="string"><param name="pattern">[^/\\s]+/[^/\\s]+</param></data></attribute></optional>
      <optional><attribute name="hreflang" ns=""><data type="language"/></attribute></optional>
      <optional><attribute name="title" ns=""><text/></attribute></optional>
      <optional><attribute name="length" ns=""><data type="nonNegativeInteger"/></attribute></optional>
      <empty/>
    </element>
  </define>
  <define name="category">
    <element name="category"><ref name="common"/>
      <attribute name="term" ns=""><data type="string"><param name="minLength">1</param></data></attribute>
      <optional><attribute name="scheme" ns=""><data type="anyURI"/></attribute></optional>
      <optional><attribute name="label" ns=""><text/></attribute></optional>
      <empty/>
    </element>
  </define>
  <define name="id"><element name="id"><ref name="common"/><data type="anyURI"/></element></define>
  <define name="feed">
    <element name="feed"><ref name="common"/>
      <interleave>
        <zeroOrMore><element name="author"><ref name="person"/></element></zeroOrMore>
        <zeroOrMore><ref name="category"/></zeroOrMore>
        <zeroOrMore><element name="contributor"><ref name="person"/></element></zeroOrMore>
        <optional><element name="generator"><ref name="common"/><optional><attribute name="uri" ns=""><data type="anyURI"/></attribute></optional><optional><attribute name="version" ns=""/></optional><text/></element></optional>
        <optional><element name="icon"><ref name="common"/><data type="anyURI"/></element></optional>
        <ref name="id"/>
        <oneOrMore><ref name="link"/></oneOrMore>
        <optional><element name="logo"><ref name="common"/><data type="anyURI"/></element></optional>
        <optional><element name="rights"><ref name="text"/></element></optional>
        <optional><element name="subtitle"><ref name="text"/></element></optional>
        <element name="title"><ref name="text"/></element>
        <element name="updated"><ref name="date"/></element>
      </interleave>
      <zeroOrMore><ref name="entry"/></zeroOrMore>
    </element>
  </define>
  <define name="entry">
    <element name="entry"><ref name="common"/>
      <interleave>
        <zeroOrMore><element name="author"><ref name="person"/></element></zeroOrMore>
        <zeroOrMore><ref name="category"/></zeroOrMore>
        <optional><element name="content"><ref name="text"/></element></optional>
        <zeroOrMore><element name="contributor"><ref name="person"/></element></zeroOrMore>
        <ref name="id"/>
        <zeroOrMore><ref name="link"/></zeroOrMore>
        <optional><element name="published"><ref name="date"/></element></optional>
        <optional><element name="rights"><ref name="text"/></element></optional>
        <optional><element name="summary"><ref name="text"/></element></optional>
        <element name="title"><ref name="text"/></element>
        <element name="updated"><ref name="date"/></element>
      </interleave>
    </element>
  </define>
</grammar>"""

RSS_RNG = """<grammar xmlns="http://relaxng.org/ns/structure/1.0"
    datatypeLibrary="http://www.w3.org/2001/XMLSchema-datatypes">
  <start>
    <element name="rss"><attribute name="version"><value>2.0</value></attribute><ref name="channel"/></element>
  </start>
  <define name="date"><data type="string"><param name="pattern">(Mon|Tue|Wed|Thu|Fri|Sat|Sun), \\d{2} (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \\d{4} \\d{2}:\\d{2}:\\d{2} ([+\\-]\\d{4}|GMT|UT)</param></data></define>
  <define name="url"><data type="anyURI"/></define>
  <define name="channel">
    <element name="channel">
      <interleave>
        <element name="title"><text/></element>
        <element name="link"><ref name="url"/></element>
        <element name="description"><text/></element>
        <optional><element name="language"><data type="language"/></element></optional>
        <optional><element name="copyright"><text/></element></optional>
        <optional><element name="managingEditor"><text/></element></optional>
        <optional><element name="pubDate"><ref name="date"/></element></optional>
        <optional><element name="lastBuildDate"><ref name="date"/></element></optional>
        <optional><element name="ttl"><data type="nonNegativeInteger"/></element></optional>
        <zeroOrMore><element name="category"><text/></element></zeroOrMore>
        <optional><element name="atom:link" ns="http://www.w3.org/2005/Atom" xmlns:atom="http://www.w3.org/2005/Atom">
          <attribute name="href"><ref name="url"/></attribute><attribute name="rel"><value>self</value></attribute>
          <optional><attribute name="type"><value>application/rss+xml</value></attribute></optional><empty/>
        </element></optional>
        <zeroOrMore><ref name="item"/></zeroOrMore>
      </interleave>
    </element>
  </define>
  <define name="item">
    <element name="item">
      <interleave>
        <element name="title"><text/></element>
        <element name="link"><ref name="url"/></element>
        <optional><element name="description"><text/></element></optional>
        <optional><element name="author"><text/></element></optional>
        <zeroOrMore><element name="category"><text/></element></zeroOrMore>
        <optional><element name="comments"><ref name="url"/></element></optional>
        <optional><element name="guid"><optional><attribute name="isPermaLink"><choice><value>true</value><value>false</value></choice></attribute></optional><text/></element></optional>
        <optional><element name="pubDate"><ref name="date"/></element></optional>
      </interleave>
    </element>
  </define>
</grammar>"""


def _absolute(uri: str) -> bool:
    parts = urlsplit(uri)
    return bool(parts.scheme) and (bool(parts.netloc) or parts.scheme in ("urn", "tag"))


def check_atom(body: bytes) -> list[str]:
    """Problems with ``body`` as Atom 1.0; empty when it is valid."""
    doc = etree.fromstring(body)
    schema = etree.RelaxNG(etree.fromstring(ATOM_RNG.encode()))
    if not schema.validate(doc):
        return [str(e) for e in schema.error_log]
    ns = {"a": ATOM_NS}
    problems = []
    entries = doc.findall("a:entry", ns)
    if not doc.findall("a:author", ns) and any(not e.findall("a:author", ns) for e in entries):
        problems.append("feed has no atom:author and an entry has none either (RFC 4287 4.1.1)")
    ids = [doc.findtext("a:id", namespaces=ns)] + [e.findtext("a:id", namespaces=ns) for e in entries]
    problems += [f"id is not an absolute IRI: {i}" for i in ids if not _absolute(i)]
    if len(set(ids)) != len(ids):
        problems.append("ids are not unique")
    for el in [doc, *entries]:
        alternates = [(li.get("type"), li.get("hreflang")) for li in el.findall("a:link", ns) if li.get("rel", "alternate") == "alternate"]
        if len(alternates) != len(set(alternates)):
            problems.append("more than one alternate link with the same type and hreflang (4.1.1)")
        problems += [f"relative link: {li.get('href')}" for li in el.findall("a:link", ns) if not _absolute(li.get("href"))]
    if not any(li.get("rel") == "self" for li in doc.findall("a:link", ns)):
        problems.append("feed has no rel=self link")
    for e in entries:
        if e.find("a:content", ns) is None and not any(li.get("rel", "alternate") == "alternate" for li in e.findall("a:link", ns)):
            problems.append("entry has neither content nor an alternate link (4.1.2)")
        for el in e.findall("a:summary", ns) + e.findall("a:content", ns):
            if el.get("type") == "html":
                etree.fromstring(f"<div>{el.text or ''}</div>", etree.HTMLParser())
    return problems


def check_rss(body: bytes) -> list[str]:
    doc = etree.fromstring(body)
    schema = etree.RelaxNG(etree.fromstring(RSS_RNG.encode()))
    if not schema.validate(doc):
        return [str(e) for e in schema.error_log]
    problems = []
    for date in doc.iter("pubDate", "lastBuildDate"):
        if email.utils.parsedate_to_datetime(date.text) is None:
            problems.append(f"bad date {date.text}")
    for item in doc.iter("item"):
        guid = item.find("guid")
        if guid is not None and guid.get("isPermaLink", "true") == "true" and not _absolute(guid.text):
            problems.append(f"permalink guid is not a URL: {guid.text}")
    problems += [f"relative link {li.text}" for li in doc.iter("link") if not _absolute(li.text or "")]
    return problems


def is_rfc3339(value: str) -> bool:
    return re.fullmatch(RFC3339, value) is not None
