"""A safety pass over RDF/XML before the engine parses it.

Oxigraph expands every entity that a DOCTYPE declares, so a 1 KB file of
nested entities ("billion laughs") asks for gigabytes; its parse time also
grows with the square of the nesting depth. This pass reads the file once
with expat, in constant memory, and refuses before anything is allocated:

- entity declarations other than plain text (entities that refer to other
  entities, parameter entities, external entities);
- more than :data:`~graphkit.limits.MAX_ENTITY_EXPANSION` bytes of entity
  text in all (short namespace entities, as ontology editors write them, pass);
- elements nested deeper than :data:`~graphkit.limits.MAX_XML_DEPTH`;
- a text or attribute value longer than :data:`~graphkit.limits.MAX_LITERAL_BYTES`.
"""

from __future__ import annotations

import re
from pathlib import Path
from xml.parsers import expat

from graphkit.errors import ParseError
from graphkit.limits import (
    MAX_ENTITY_EXPANSION,
    MAX_LITERAL_BYTES,
    MAX_XML_DEPTH,
    describe_size,
    too_long_message,
)

_CHUNK = 1 << 20
_MAX_ENTITY = 4096  # namespace IRIs are far shorter
_REFERENCE = re.compile(rb"&([A-Za-z_:][-A-Za-z0-9._:]*);")


class _Refused(Exception):
    def __init__(self, message: str, line: int):
        super().__init__(message)
        self.line = line


class _Guard:
    def __init__(self) -> None:
        self.parser = expat.ParserCreate()
        self.parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
        self.parser.EntityDeclHandler = self.entity
        self.parser.StartElementHandler = self.start
        self.parser.EndElementHandler = self.end
        self.parser.CharacterDataHandler = self.text
        self.parser.buffer_text = True
        self.entities: dict[bytes, int] = {}
        self.expansion = 0
        self.depth = 0
        self.text_bytes = 0

    def refuse(self, message: str) -> None:
        raise _Refused(message, self.parser.CurrentLineNumber)

    def entity(self, name, is_parameter, value, base, system_id, public_id, notation) -> None:
        if is_parameter or value is None:
            self.refuse(
                f"the DOCTYPE declares the {'parameter' if is_parameter else 'external'} entity "
                f"{name!r}; graphkit reads only plain-text entities (remove the DOCTYPE)"
            )
        if "&" in value or "<" in value or "%" in value:
            self.refuse(
                f"the DOCTYPE entity {name!r} refers to other entities or markup, which can expand "
                "without bound; graphkit reads only plain-text entities (remove the DOCTYPE)"
            )
        size = len(value.encode("utf-8"))
        if size > _MAX_ENTITY:
            self.refuse(
                f"the DOCTYPE entity {name!r} holds {size} bytes; "
                f"graphkit reads entities of at most {_MAX_ENTITY}"
            )
        self.entities[name.encode("utf-8")] = size

    def start(self, name, attributes) -> None:
        self.depth += 1
        self.text_bytes = 0
        if self.depth > MAX_XML_DEPTH:
            self.refuse(f"elements are nested more than {MAX_XML_DEPTH} deep (graphkit's limit)")
        for value in attributes.values():
            if len(value) * 4 > MAX_LITERAL_BYTES and len(value.encode("utf-8")) > MAX_LITERAL_BYTES:
                self.refuse(too_long_message(len(value.encode("utf-8"))))

    def end(self, name) -> None:
        self.depth -= 1
        self.text_bytes = 0

    def text(self, data: str) -> None:
        self.text_bytes += len(data.encode("utf-8"))
        if self.text_bytes > MAX_LITERAL_BYTES:
            self.refuse(too_long_message())

    def count_references(self, block: bytes) -> None:
        if not self.entities:
            return
        for match in _REFERENCE.finditer(block):
            self.expansion += self.entities.get(match.group(1), 0)
        if self.expansion > MAX_ENTITY_EXPANSION:
            self.refuse(
                f"entity references expand to more than {describe_size(MAX_ENTITY_EXPANSION)} "
                "of text (graphkit's limit); write the text out instead of using entities"
            )


def check_rdfxml(path: Path) -> None:
    """Refuse an RDF/XML file that would make the parser allocate without bound.

    Raises :class:`~graphkit.errors.ParseError` with ``file:line``. A file
    that is not well-formed XML is reported here too, with its position.
    """
    guard = _Guard()
    tail = b""
    try:
        with path.open("rb") as fh:
            while chunk := fh.read(_CHUNK):
                # References may straddle two chunks: keep an unfinished one for the next.
                block = tail + chunk
                cut = block.rfind(b"&")
                if cut >= 0 and b";" not in block[cut:] and len(block) - cut < 256:
                    block, tail = block[:cut], block[cut:]
                else:
                    tail = b""
                # Count before expat expands them (the first chunk declares them, so after).
                declared = bool(guard.entities)
                if declared:
                    guard.count_references(block)
                guard.parser.Parse(chunk, False)
                if not declared:
                    guard.count_references(block)
            guard.parser.Parse(b"", True)
    except _Refused as exc:
        raise ParseError(str(exc), f"{path}:{exc.line}") from None
    except expat.ExpatError as exc:
        reason = expat.ErrorString(exc.code)
        raise ParseError(f"not well-formed XML: {reason}", f"{path}:{exc.lineno}:{exc.offset + 1}") from None
    except OSError as exc:
        raise ParseError(f"cannot read the file: {exc.strerror or exc}", str(path)) from None
