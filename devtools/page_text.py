"""Everything a page run shows, as text, for tests that search a page for what must not be there."""
from __future__ import annotations


def element_texts(node) -> list[str]:
    """Every element and block under an AppTest node (`at._tree`) as its serialized proto
    (markdown, captions, widget labels and options, chart JSON specs, table Arrow bytes), plus
    each table decoded to CSV."""
    out = []
    proto = getattr(node, "proto", None)
    if proto is not None:
        out.append(proto.SerializeToString().decode("utf-8", errors="replace"))
    if getattr(node, "type", None) in ("dataframe", "table"):
        out.append(node.value.to_csv())
    for child in (getattr(node, "children", None) or {}).values():
        out += element_texts(child)
    return out
