"""OPML subscription lists: reading (safely, with defusedxml) and writing."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from dataclasses import dataclass

import defusedxml.ElementTree as DET
from defusedxml import DefusedXmlException


class OPMLError(Exception):
    def __init__(self, key: str, **params):
        super().__init__(key)
        self.key = key
        self.params = params


@dataclass
class Outline:
    title: str
    xml_url: str
    html_url: str = ""
    category: str = ""  # folder path, "/"-separated


def parse_opml(data: bytes) -> list[Outline]:
    try:
        root = DET.fromstring(data.lstrip())
    except DefusedXmlException:
        raise OPMLError("parse_entities") from None
    except ET.ParseError as exc:
        raise OPMLError("parse_failed", detail=str(exc)[:200]) from None
    if root.tag.lower() != "opml":
        raise OPMLError("parse_failed", detail="not an OPML document")
    body = root.find("body")
    if body is None:
        raise OPMLError("parse_failed", detail="no <body>")
    found: list[Outline] = []
    _walk(body, [], found)
    return found


def _attr(el, name: str) -> str:
    for key, value in el.attrib.items():
        if key.lower() == name.lower():
            return value.strip()
    return ""


def _walk(el, path: list[str], found: list[Outline]) -> None:
    for child in el:
        if child.tag != "outline":
            continue
        title = _attr(child, "title") or _attr(child, "text")
        xml_url = _attr(child, "xmlUrl")
        if xml_url:
            found.append(Outline(title=title, xml_url=xml_url, html_url=_attr(child, "htmlUrl"), category="/".join(path)))
        _walk(child, path + [title] if not xml_url and title else path, found)


def build_opml(outlines: list[Outline], *, title: str) -> bytes:
    root = ET.Element("opml", version="2.0")
    head = ET.SubElement(root, "head")
    ET.SubElement(head, "title").text = title
    body = ET.SubElement(root, "body")
    folders: dict[str, ET.Element] = {}
    for o in outlines:
        parent = body
        path = []
        for part in [p for p in o.category.split("/") if p]:
            path.append(part)
            key = "/".join(path)
            if key not in folders:
                folders[key] = ET.SubElement(parent, "outline", text=part, title=part)
            parent = folders[key]
        attrs = {"type": "rss", "text": o.title or o.xml_url, "title": o.title or o.xml_url, "xmlUrl": o.xml_url}
        if o.html_url:
            attrs["htmlUrl"] = o.html_url
        ET.SubElement(parent, "outline", attrs)
    ET.indent(root)
    return ET.tostring(root, encoding="utf-8", xml_declaration=True)
