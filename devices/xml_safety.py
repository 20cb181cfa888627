"""Parsing XML that a device on the network sent: hardened lxml, no DTDs, no entities, bounded size.

Anything on the camera network can answer a probe or a SOAP call, so its XML is untrusted: no
external entities (file or network reads), no DTD at all (entity expansion bombs such as the
billion laughs), no huge trees, and a size limit checked before lxml sees a byte. The simulated
device parses the requests it receives with the same function (devices/simulator/onvif.py).
"""

from __future__ import annotations

from typing import Any

from lxml import etree

#: Larger than any WS-Discovery datagram or GetSystemDateAndTime answer a camera sends.
DEFAULT_MAX_BYTES = 64 * 1024


#: What UnsafeXml says of a document with a DTD.
DTD_REFUSED = "a DTD is not accepted"


class UnsafeXml(ValueError):
    """The XML was refused: too large, with a DTD or entities, or not well-formed."""


def hardened_parser() -> Any:
    """An lxml parser that never reads a DTD, resolves no entity and touches no network."""
    return etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        huge_tree=False,
        dtd_validation=False,
        remove_pis=True,
    )


def parse_untrusted(data: bytes, max_bytes: int | None = DEFAULT_MAX_BYTES) -> Any:
    """The root element of `data`; UnsafeXml if it is over `max_bytes` (None: the caller bounded
    it already), has a DTD or is malformed.

    A DOCTYPE is refused outright even though the parser would not expand its entities: no
    device has a reason to send one, and an unexpanded entity would silently drop text.
    """
    if max_bytes is not None and len(data) > max_bytes:
        raise UnsafeXml(f"{len(data)} bytes is over the limit of {max_bytes}")
    try:
        root = etree.fromstring(data, parser=hardened_parser())
    except etree.XMLSyntaxError as err:
        raise UnsafeXml(f"not well-formed: {err}") from err
    if root is None:
        raise UnsafeXml("no root element")
    docinfo = root.getroottree().docinfo
    if docinfo.doctype or docinfo.internalDTD is not None or docinfo.externalDTD is not None:
        raise UnsafeXml(DTD_REFUSED)
    return root
