"""SPARQL syntax errors for people: the line, a caret under the column, one human sentence.

The engines report errors as ``SPARQL syntax error at line L, column C: DETAIL``
(see :func:`graphkit.store.sparql.syntax_message`), where DETAIL is the parser's
list of expected tokens, sometimes hundreds of characters of character classes.
:func:`explain` rewrites that into something a reader can act on.
"""

from __future__ import annotations

import difflib
import re

from graphkit.store.sparql import QUERY_FORMS, UPDATE_FORMS, declared_prefixes
from graphkit.vocab import PREFIXES

_POSITION = re.compile(r"^SPARQL syntax error at line (\d+), column (\d+): (.*)$", re.DOTALL)
_SPACE = r"(?:\s|#[^\n]*\n)*"
_PROLOGUE = re.compile(rf"^{_SPACE}(?:(?:BASE\s+<[^>]*>|PREFIX\s+[^\s:]*:\s*<[^>]*>){_SPACE})*", re.I)
_FIRST_WORD = re.compile(r"[A-Za-z]+")
_PREFIXED_NAME_END = re.compile(r"(?<![\w?$])([A-Za-z][\w.-]*)?:[\w.%\\-]*$")
_TOKEN = re.compile(r'"(?:[^"\\]|\\.)*"|\[(?:\'[^\']*\'|[^\]])*\]|[A-Za-z][A-Za-z ]*[A-Za-z]|[A-Za-z]')
_KEYWORDS = [form.upper() for form in (*QUERY_FORMS, *UPDATE_FORMS)]
# Every word SPARQL 1.1 reserves (keywords and built-in functions), to spot a typo such as LIMT.
_RESERVED = """SELECT ASK CONSTRUCT DESCRIBE WHERE FROM NAMED PREFIX BASE DISTINCT REDUCED AS OPTIONAL
    UNION MINUS GRAPH SERVICE SILENT FILTER BIND VALUES ORDER BY ASC DESC LIMIT OFFSET GROUP HAVING
    INSERT DELETE DATA LOAD CLEAR DROP CREATE ADD MOVE COPY TO INTO WITH USING DEFAULT ALL NOT IN
    EXISTS UNDEF TRUE FALSE COUNT SUM MIN MAX AVG SAMPLE GROUP_CONCAT SEPARATOR STR LANG LANGMATCHES
    DATATYPE BOUND IRI URI BNODE RAND ABS CEIL FLOOR ROUND CONCAT STRLEN UCASE LCASE ENCODE_FOR_URI
    CONTAINS STRSTARTS STRENDS STRBEFORE STRAFTER YEAR MONTH DAY HOURS MINUTES SECONDS TIMEZONE TZ NOW
    UUID STRUUID MD5 SHA1 SHA256 SHA384 SHA512 COALESCE IF STRLANG STRDT SAMETERM ISIRI ISURI ISBLANK
    ISLITERAL ISNUMERIC REGEX SUBSTR REPLACE LATERAL TRIPLE SUBJECT PREDICATE OBJECT ISTRIPLE
    LANGDIR HASLANG HASLANGDIR STRLANGDIR"""
_SPARQL_WORDS = set(_RESERVED.split())
_BARE_WORD = re.compile(r"(?<![\w?$:@.\-])[A-Za-z_][A-Za-z_0-9]*(?![\w:-])")
_OPAQUE = re.compile(
    r'"""[\s\S]*?"""|\'\'\'[\s\S]*?\'\'\'|"(?:[^"\\\n]|\\.)*"|\'(?:[^\'\\\n]|\\.)*\''
    r"|<[^<>\"{}|^`\\\s]*>|#[^\n]*"
)
_PAIRS = {"}": "{", ")": "(", "]": "["}
_MAX_EXPECTED = 8
_WINDOW = 70


def explain(message: str, text: str) -> str:
    """Rewrite an engine's syntax error about ``text`` for a reader.

    >>> print(explain("SPARQL syntax error at line 1, column 10: expected CONSTRUCT", "SELEC ?x WHERE {}"))
    SPARQL syntax error at line 1, column 1: unknown keyword 'SELEC'; did you mean SELECT?
      SELEC ?x WHERE {}
      ^
    """
    match = _POSITION.match(message)
    if match is None:
        return message
    line_no, column, detail = int(match.group(1)), int(match.group(2)), match.group(3)
    lines = text.split("\n")
    if not 1 <= line_no <= len(lines):
        return message
    line = lines[line_no - 1]
    sentence, caret = _keyword_problem(text, lines)
    if sentence is None:
        sentence, caret = _prefix_problem(detail, line_no, line, column, text)
    offset = sum(len(previous) + 1 for previous in lines[: line_no - 1]) + column - 1
    plain = _OPAQUE.sub(lambda m: " " * len(m.group(0)), text)  # strings, IRIs and comments blanked
    if sentence is None:  # before words: the text of an unclosed string is not SPARQL words
        sentence, caret = _unclosed_string(plain)
    if sentence is None:
        sentence, caret = _unknown_word(plain, offset)
    if sentence is None:
        sentence, caret = _bracket_problem(plain)
    if sentence is None:
        caret = (line_no, column)
        sentence = _expected(detail, at_end=line_no == len(lines) and column > len(line.rstrip()))
    line_no, column = caret
    return f"SPARQL syntax error at line {line_no}, column {column}: {sentence}\n" + _pointer(
        lines[line_no - 1], column
    )


def _keyword_problem(text: str, lines: list[str]) -> tuple[str | None, tuple[int, int]]:
    """A query or update must start with a known keyword: SELEC is a typo of SELECT."""
    start = _PROLOGUE.match(text).end()  # type: ignore[union-attr]
    word = _FIRST_WORD.match(text, start)
    if word is None or word.group().upper() in (*_KEYWORDS, "PREFIX", "BASE", "INSERT", "DELETE"):
        return None, (0, 0)
    line_no = text.count("\n", 0, word.start()) + 1
    column = word.start() - (text.rfind("\n", 0, word.start()) + 1) + 1
    guess = difflib.get_close_matches(word.group().upper(), _KEYWORDS, n=1, cutoff=0.6)
    if guess:
        return f"unknown keyword {word.group()!r}; did you mean {guess[0]}?", (line_no, column)
    return (
        f"unknown keyword {word.group()!r}: a query starts with SELECT, ASK, CONSTRUCT or DESCRIBE, "
        "an update with INSERT, DELETE, ...",
        (line_no, column),
    )


def _prefix_problem(
    detail: str, line_no: int, line: str, column: int, text: str
) -> tuple[str | None, tuple[int, int]]:
    if "Prefix not found" not in detail:
        return None, (0, 0)
    name = _PREFIXED_NAME_END.search(line[: column - 1])
    if name is None:
        return None, (0, 0)
    bound = sorted({*PREFIXES, *declared_prefixes(text)})
    prefix = name.group(1) or ""
    sentence = (
        f"unknown prefix '{prefix}:' (declare it with PREFIX {prefix}: <...>). "
        f"Bound prefixes: {', '.join(bound)}"
    )
    return sentence, (line_no, name.start() + 1)


def _place(text: str, offset: int) -> tuple[int, int]:
    """(line, column), both from 1, of a character offset."""
    return text.count("\n", 0, offset) + 1, offset - (text.rfind("\n", 0, offset) + 1) + 1


def _unknown_word(plain: str, offset: int) -> tuple[str | None, tuple[int, int]]:
    """The last bare word before the error that SPARQL does not know, e.g. LIMT."""
    unknown = [
        m
        for m in _BARE_WORD.finditer(plain, 0, offset)
        if m.group().upper() not in _SPARQL_WORDS and m.group() != "a"
    ]
    if not unknown:
        return None, (0, 0)
    word = unknown[-1]
    guess = difflib.get_close_matches(word.group().upper(), sorted(_SPARQL_WORDS), n=1, cutoff=0.7)
    hint = f"; did you mean {guess[0]}?" if guess else " (a variable needs '?', a name a prefix)"
    return f"unknown keyword {word.group()!r}{hint}", _place(plain, word.start())


def _unclosed_string(plain: str) -> tuple[str | None, tuple[int, int]]:
    """A quote left in ``plain`` opens a string that never closes (closed ones were blanked)."""
    quote = re.search(r"[\"']", plain)
    if quote:
        return "this string is never closed", _place(plain, quote.start())
    return None, (0, 0)


def _bracket_problem(plain: str) -> tuple[str | None, tuple[int, int]]:
    """A closing bracket that closes nothing, or an opening one never closed."""
    stack: list[int] = []
    for i, ch in enumerate(plain):
        if ch in "{([":
            stack.append(i)
        elif ch in _PAIRS:
            if not stack or plain[stack[-1]] != _PAIRS[ch]:
                return f"'{ch}' closes nothing", _place(plain, i)
            stack.pop()
    if stack:
        return f"'{plain[stack[-1]]}' is never closed", _place(plain, stack[-1])
    return None, (0, 0)


def _expected(detail: str, at_end: bool) -> str:
    """The parser's 'expected one of ...' list, without its character classes."""
    words: list[str] = []
    for token in _TOKEN.findall(detail.removeprefix("expected one of").removeprefix("expected")):
        if token.startswith("["):
            if "'0'" in token and "'A'" not in token:
                token = "a digit"
            elif "'A'" in token or "'a'" in token:
                token = "a name"
            else:
                continue
        if token not in words:
            words.append(token)
    shown = ", ".join(words[:_MAX_EXPECTED]) + (", ..." if len(words) > _MAX_EXPECTED else "")
    if at_end:
        return f"the query ends here, but SPARQL expects {shown}" if shown else "the query ends too early"
    return f"SPARQL expects {shown} here" if shown else "SPARQL cannot read the query from here"


def _pointer(line: str, column: int) -> str:
    """The line (a window of it, if long) and a caret under ``column``."""
    shown = "".join(ch if ch.isprintable() else " " for ch in line.replace("\t", " "))
    index = max(column - 1, 0)
    if len(shown) > _WINDOW:
        left = max(0, min(index - _WINDOW // 2, len(shown) - _WINDOW))
        head = "..." if left else ""
        tail = "..." if left + _WINDOW < len(shown) else ""
        index = index - left + len(head)
        shown = head + shown[left : left + _WINDOW] + tail
    return f"  {shown}\n  {' ' * index}^"
