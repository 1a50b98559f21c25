"""Drawn labels: cut to a few short lines, and their size on the canvas.

A label is drawn on the canvas in at most :data:`MAX_LINES` lines of
:data:`LINE_CHARS` characters; a longer one ends in "…" (the full text stays
in the details panel and in search). So a 1 MB label costs the drawing no
more than a short one, and the layout knows each label's box in advance.

>>> drawn_label("Singapore-Google memorandum of understanding on cyber defence (2023)")
'Singapore-Google\\nmemorandum of\\nunderstanding on cyber…'
>>> drawn_label("AWS")
'AWS'
"""

from __future__ import annotations

LINE_CHARS = 22
MAX_LINES = 3
#: the longest text looked at: anything beyond is cut anyway
_SCAN = LINE_CHARS * MAX_LINES * 4
#: advance of characters of the view's sans-serif font, as a share of its size (a little generous)
WIDE, NARROW, CHAR_WIDTH = 0.78, 0.32, 0.58
_WIDE = frozenset("MWmw@%")
_NARROW = frozenset("iljtfrI.,;:'!|() -")
LINE_HEIGHT = 1.0


#: label formats from roomiest to tightest: (characters per line, lines); crowded maps use tighter ones
FORMATS = ((LINE_CHARS, MAX_LINES), (20, 2), (18, 1))


def _words(text: str, width: int) -> list[str]:
    words: list[str] = []
    for word in text.split():
        while len(word) > width:  # a word longer than a line is split
            words.append(word[:width])
            word = word[width:]
        words.append(word)
    return words


def drawn_label(text: str, line_chars: int = LINE_CHARS, max_lines: int = MAX_LINES) -> str:
    """``text`` wrapped to lines of at most ``line_chars`` characters, ``max_lines`` lines, "…" if cut.

    >>> drawn_label("Singapore-Google memorandum of understanding", 18, 1)
    'Singapore-Google…'
    """
    whole = str(text)
    lines: list[str] = []
    current = ""
    for word in _words(whole[:_SCAN], line_chars):
        candidate = f"{current} {word}" if current else word
        if len(candidate) <= line_chars:
            current = candidate
            continue
        lines.append(current)
        current = word
    if current:
        lines.append(current)
    if len(lines) > max_lines or len(whole) > _SCAN:
        lines = lines[:max_lines]
        lines[-1] += "…"
    return "\n".join(lines) or "?"


def label_box(label: str, font_size: float) -> tuple[float, float]:
    """Estimated (width, height) of a drawn label in canvas units.

    >>> label_box("AWS", 10)
    (21.4, 10.0)
    """
    lines = label.split("\n")
    width = max(sum(_advance(c) for c in line) for line in lines) * font_size
    return round(width, 1), round(len(lines) * LINE_HEIGHT * font_size, 1)


def _advance(char: str) -> float:
    if char in _WIDE or (char.isupper() and char not in "IJ"):
        return WIDE if char in _WIDE else 0.68
    return NARROW if char in _NARROW else CHAR_WIDTH
