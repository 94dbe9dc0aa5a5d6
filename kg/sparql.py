"""Read-only SPARQL: check a query, run it, and write its results.

SELECT and ASK results are written by pyoxigraph's own W3C serializers (JSON, XML, CSV, TSV) or as
a readable table; CONSTRUCT and DESCRIBE as Turtle, N-Triples or JSON-LD.
"""

import re
from collections.abc import Iterator
from dataclasses import dataclass

from pyoxigraph import BlankNode, Literal, NamedNode, QueryBoolean, QueryResultsFormat, QuerySolutions, RdfFormat
from pyoxigraph import serialize as serialize_graph

from . import terms
from .errors import FormatError, QueryError, ReadOnlyError, RefusedError

RESULT_FORMATS = {
    "json": QueryResultsFormat.JSON,
    "xml": QueryResultsFormat.XML,
    "csv": QueryResultsFormat.CSV,
    "tsv": QueryResultsFormat.TSV,
}
GRAPH_FORMATS = {"turtle": RdfFormat.TURTLE, "nt": RdfFormat.N_TRIPLES, "jsonld": RdfFormat.JSON_LD}
FORMATS = ("table", *RESULT_FORMATS, *GRAPH_FORMATS)

_UPDATES = ("INSERT", "DELETE", "LOAD", "CLEAR", "DROP", "CREATE", "ADD", "MOVE", "COPY", "WITH")


@dataclass
class Output:
    """What a query wrote, and whether it had no results (an ASK always has one)."""

    data: bytes
    empty: bool


# -- Lexemes: the SPARQL 1.1 terminals (grammar section 19.8) as the engine, pyoxigraph 0.5, reads
# them: \u escapes only inside strings and IRIs, whitespace only space, tab, CR and LF, a comment
# ends at CR or LF, names are greedy. Anything else is one "other" character.
_HEX = "[0-9A-Fa-f]"
_UCHAR = rf"\\u{_HEX}{{4}}|\\U{_HEX}{{8}}"
_ECHAR = r"""\\[tbnrf"'\\]"""
_BASE = ("A-Za-z\u00C0-\u00D6\u00D8-\u00F6\u00F8-\u02FF\u0370-\u037D\u037F-\u1FFF\u200C-\u200D"
         "\u2070-\u218F\u2C00-\u2FEF\u3001-\uD7FF\uF900-\uFDCF\uFDF0-\uFFFD")
_CHARS_U = _BASE + "_"
_CHARS = _CHARS_U + "\\-0-9\u00B7\u0300-\u036F\u203F-\u2040"
_PLX = rf"%{_HEX}{_HEX}|\\[_~.\-!$&'()*+,;=/?#@%]"
_LOCAL = rf"[{_CHARS}:]|{_PLX}"
_STRINGS = [
    rf"'''(?:(?:''|')?+(?:[^'\\]|{_ECHAR}|{_UCHAR}))*+'''",
    rf'"""(?:(?:""|")?+(?:[^"\\]|{_ECHAR}|{_UCHAR}))*+"""',
    rf"'(?:[^'\\\n\r]|{_ECHAR}|{_UCHAR})*+'",
    rf'"(?:[^"\\\n\r]|{_ECHAR}|{_UCHAR})*+"',
]
_LEXER = re.compile("|".join([
    r"(?P<space>[ \t\r\n]++)",
    r"(?P<comment>#[^\r\n]*+)",
    rf"(?P<string>{'|'.join(_STRINGS)})",
    rf"(?P<iri><(?:[^\x00-\x20<>\"{{}}|^`\\]|{_UCHAR})*+>)",
    rf"(?P<var>[?$][{_CHARS_U}0-9][{_CHARS_U}0-9\u00B7\u0300-\u036F\u203F-\u2040]*+)",
    rf"(?P<bnode>_:[{_CHARS_U}0-9][{_CHARS}]*+(?:\.++[{_CHARS}]++)*+)",
    rf"(?P<prefixed>(?P<prefix>(?:[{_BASE}][{_CHARS}]*+(?:\.++[{_CHARS}]++)*+)?+):"
    rf"(?:(?:[{_CHARS_U}:0-9]|{_PLX})(?:{_LOCAL})*+(?:\.++(?:{_LOCAL})++)?+)?+)",
    r"(?P<lang>@[a-zA-Z]++(?:-[a-zA-Z0-9]++)*+)",
    r"(?P<number>[0-9]++\.[0-9]*+[eE][+-]?[0-9]++|\.[0-9]++[eE][+-]?[0-9]++|[0-9]++[eE][+-]?[0-9]++"
    r"|[0-9]*+\.[0-9]++|[0-9]++)",
    rf"(?P<word>[{_CHARS}]++)",
    r"(?P<other>.)",
]), re.S)
_ESCAPE = re.compile(rf"\\u({_HEX}{{4}})|\\U({_HEX}{{8}})")


@dataclass(frozen=True)
class Token:
    """One lexeme; ``kind`` names its group in _LEXER. For a prefixed name ``text`` is the prefix:
    the local part, like a variable's or a blank node's name, can never be read as a keyword."""

    kind: str
    text: str
    start: int


def tokens(text: str) -> Iterator[Token]:
    """The query's lexemes in order, whitespace and comments included."""
    for match in _LEXER.finditer(text):
        kind = match.lastgroup
        yield Token(kind, match.group("prefix") if kind == "prefixed" else match.group(), match.start())


def query_form(text: str) -> str | None:
    """SELECT, ASK, CONSTRUCT or DESCRIBE (or an update's first word): the query's first keyword
    after its PREFIX and BASE declarations."""
    skip = 0  # lexemes of a declaration still to pass: PREFIX p: <iri>, BASE <iri>
    for token in tokens(text):
        if token.kind in ("space", "comment"):
            continue
        word = token.text.upper() if token.kind == "word" else None
        if skip:
            skip -= 1
        elif word in ("PREFIX", "BASE"):
            skip = 2 if word == "PREFIX" else 1
        else:
            return word
    return None


def check_read_only(text: str, who: str = "this command") -> None:
    """Refuse SPARQL UPDATE (INSERT, DELETE, LOAD, CLEAR, DROP ...): the commands only read."""
    form = query_form(text)
    if form in _UPDATES:
        raise ReadOnlyError(f"SPARQL UPDATE ({form}) refused: {who} is read-only and "
                            "the graph is left untouched; use SELECT, ASK, CONSTRUCT or DESCRIBE")


def keywords(text: str) -> set[str]:
    """The bare words of a query, upper-cased: its keywords, outside strings, IRIs and comments."""
    return {t.text.upper() for t in tokens(text) if t.kind == "word"}


def calls_out(text: str) -> bool:
    """Whether the engine could read a SERVICE clause in ``text``.

    The engine matches a keyword by its letters alone, with no word boundary (``SERVICEex:x`` is
    SERVICE and ``ex:x`` to it), so a bare word or a prefix that holds the letters anywhere
    counts; strings, IRIs, comments, variables and local names cannot hold a keyword. Both
    readings of \\u escapes are checked, the engine's (inside strings and IRIs only) and the
    specification's (anywhere, before parsing), so escapes cannot make the check and the engine
    see different queries.
    """
    readings = [text]
    if "\\u" in text or "\\U" in text:
        readings.append(_ESCAPE.sub(_codepoint, text))
    return any("service" in t.text.lower() for reading in readings for t in tokens(reading)
               if t.kind in ("word", "prefixed"))


def _codepoint(match: re.Match) -> str:
    value = int(match.group(1) or match.group(2), 16)
    return chr(value) if value <= 0x10FFFF and not 0xD800 <= value <= 0xDFFF else match.group()


#: The deepest nesting of { }, ( ) and [ ] a query may have, and the most operators and
#: separators. pyoxigraph parses and evaluates recursively; past a few thousand levels of nesting,
#: or long enough chains of operators (20,000 '+' or UNION), its stack overflows and the process
#: dies (measured with pyoxigraph 0.5.13). Written and generated queries stay far below both.
MAX_NESTING = 128
MAX_OPERATORS = 4000
_OPENING, _CLOSING = "{([", "})]"


def check_shape(text: str) -> None:
    """Refuse a query nested deeper than MAX_NESTING or with more than MAX_OPERATORS operators and
    separators, before the engine sees it: a crash of the engine is no answer."""
    depth = operators = 0
    for token in tokens(text):
        if token.kind != "other" or token.text.isspace():
            continue
        operators += 1
        if token.text in _OPENING:
            depth += 1
            if depth > MAX_NESTING:
                line, column = _position(text, token.start)
                raise QueryError(f"query refused at line {line}, column {column}: nested deeper than "
                                 f"{MAX_NESTING} levels of {{ }}, ( ) or [ ]")
        elif token.text in _CLOSING:
            depth = max(0, depth - 1)
        if operators > MAX_OPERATORS:
            line, column = _position(text, token.start)
            raise QueryError(f"query refused at line {line}, column {column}: more than {MAX_OPERATORS:,} "
                             "operators and separators; split it into smaller queries")


def _position(text: str, offset: int) -> tuple[int, int]:
    line = text.count("\n", 0, offset) + 1
    return line, offset - (text.rfind("\n", 0, offset) + 1) + 1


def check_safe(text: str, hint: str) -> None:
    """Refuse SERVICE: the engine would send a request to any address the query names, from this
    machine's side of the network (server-side request forgery). The processes that run queries
    have no network either (kg.sandbox); this check says why before anything runs."""
    if calls_out(text):
        raise RefusedError(f"SERVICE refused: the query would call another server; {hint}")


def run(graph, text: str, fmt: str | None = None, *, results_default: str = "table",
        allow_service: bool = False) -> Output:
    """Run a read-only query on ``graph`` and serialize the results in ``fmt``.

    ``fmt`` None means ``results_default`` for SELECT and ASK, Turtle for CONSTRUCT and DESCRIBE.
    Raises ReadOnlyError for updates, RefusedError for SERVICE unless ``allow_service``,
    QueryError for malformed SPARQL (naming line and column), FormatError when the format does
    not fit the query form.
    """
    if fmt is not None and fmt not in FORMATS:
        raise FormatError(f"unknown format {fmt!r}; expected one of {', '.join(FORMATS)}")
    check_read_only(text)
    if not allow_service:
        check_safe(text, "kg sparql --allow-service lets a query call the servers it names")
    check_shape(text)
    try:
        results = graph.query(text)
    except SyntaxError as e:
        raise QueryError(syntax_message(text, e)) from None
    except OSError as e:
        raise QueryError(f"query failed: {e}") from None
    if isinstance(results, (QuerySolutions, QueryBoolean)):
        fmt = fmt or results_default
        if fmt in GRAPH_FORMATS:
            raise FormatError(f"--format {fmt} is for CONSTRUCT and DESCRIBE; SELECT and ASK take "
                              f"table, {', '.join(RESULT_FORMATS)}")
        if isinstance(results, QueryBoolean):
            data = (("yes" if results else "no") + "\n").encode() if fmt == "table" else \
                results.serialize(format=RESULT_FORMATS[fmt])
            return Output(data, False)
        if fmt == "table":
            variables = [v.value for v in results.variables]
            rows = [[solution[v] for v in variables] for solution in results]
            return Output(table(variables, rows).encode(), not rows)
        return _serialized(results, RESULT_FORMATS[fmt])
    fmt = fmt or "turtle"
    if fmt not in GRAPH_FORMATS:
        raise FormatError(f"--format {fmt} is for SELECT and ASK; CONSTRUCT and DESCRIBE take "
                          f"{', '.join(GRAPH_FORMATS)}")
    triples = list(results)
    data = serialize_graph(triples, format=GRAPH_FORMATS[fmt], prefixes=terms.PREFIXES)
    return Output(data, not triples)


def run_contained(graph, text: str, fmt: str | None = None, *, results_default: str = "table",
                  allow_service: bool = False, timeout: float | None = None) -> Output:
    """:func:`run` as `kg sparql` needs it: a local graph's query runs in a child process that is
    killed at ``timeout`` and has no network unless ``allow_service`` (kg.isolate); an endpoint's
    query runs on its server, whose request carries the time limit."""
    from . import isolate

    if graph.remote:
        return run(graph, text, fmt, results_default=results_default, allow_service=allow_service)
    return isolate.call(lambda: run(graph.reopen(), text, fmt, results_default=results_default,
                                    allow_service=allow_service),
                        timeout=timeout, network=allow_service)


def _serialized(results: QuerySolutions, fmt: QueryResultsFormat) -> Output:
    """Serialize with the engine's writer, then see whether any row follows the header."""
    data = results.serialize(format=fmt)
    if fmt in (QueryResultsFormat.CSV, QueryResultsFormat.TSV):  # a header line, then one line per row
        return Output(data, not data.partition(b"\n")[2])
    from pyoxigraph import parse_query_results

    return Output(data, next(iter(parse_query_results(data, format=fmt)), None) is None)


def term_text(term) -> str:
    """A term as a person reads it: prefixed names, plain literal values, ``_:id`` blank nodes."""
    if term is None:
        return ""
    if isinstance(term, NamedNode):
        return terms.shorten(term.value)
    if isinstance(term, Literal):
        return term.value
    if isinstance(term, BlankNode):
        return f"_:{term.value}"
    return str(term)


def table(variables: list[str], rows: list[list]) -> str:
    """Aligned columns with a header, and a row count at the end."""
    cells = [[term_text(t).replace("\n", " ") for t in row] for row in rows]
    widths = [max([len(v)] + [len(r[i]) for r in cells]) for i, v in enumerate(variables)]
    lines = ["  ".join(v.ljust(w) for v, w in zip(variables, widths)).rstrip(),
             "  ".join("-" * w for w in widths)]
    lines += ["  ".join(c.ljust(w) for c, w in zip(r, widths)).rstrip() for r in cells]
    lines.append(f"({len(rows)} row{'' if len(rows) == 1 else 's'})")
    return "\n".join(lines) + "\n"


def syntax_message(text: str, error: SyntaxError) -> str:
    """``malformed SPARQL at line L, column C ...: what is wrong``, for a query the engine rejected.

    pyoxigraph names the furthest point its parser reached, which is often the end of the query;
    rdflib's parser, imported only on this error path, points at the clause that went wrong.
    """
    if not text.strip():
        return "empty query: expected SELECT, ASK, CONSTRUCT or DESCRIBE"
    undefined = _undefined_prefix(text)
    if undefined:
        prefix, (line, column) = undefined
        return (f"malformed SPARQL at line {line}, column {column}: prefix {prefix + ':'!r} is not declared; "
                f"declare it with PREFIX or use one of {', '.join(p + ':' for p in terms.PREFIXES)}")
    located = _locate(text)
    if located:
        line, column = located
        return f"malformed SPARQL at line {line}, column {column}{_near(text, line, column)}: syntax error"
    message = str(error)
    match = re.match(r"error at (\d+):(\d+): (.*)", message, re.S)
    if not match:
        return f"malformed SPARQL: {message.splitlines()[0] if message else 'cannot parse'}"
    line, column = int(match.group(1)), int(match.group(2))
    return f"malformed SPARQL at line {line}, column {column}{_near(text, line, column)}: {_expected(match.group(3))}"


def _locate(text: str) -> tuple[int, int] | None:
    """Line and column of a syntax error as rdflib's SPARQL grammar sees it, if it sees one."""
    try:
        from pyparsing import ParseException
        from rdflib.plugins.sparql.parser import parseQuery
    except ImportError:
        return None
    try:
        parseQuery(text)
    except ParseException as e:
        return e.lineno, e.col
    except Exception:
        return None
    return None


def _expected(detail: str) -> str:
    """The parser's list of expected tokens, without its character-class noise."""
    match = re.match(r"expected (one of )?(.*)", detail, re.S)
    if not match:
        return detail.splitlines()[0]
    items = re.findall(r'"(?:[^"\\]|\\.)*"|\[[^\]]*\]|[^,\s][^,]*', match.group(2))
    words = [i.strip() for i in items if not i.startswith("[") and "Prefix not found" not in i]
    sentences = [w for w in words if " " in w and not w.startswith('"')]
    if sentences:  # the engine's own explanation, e.g. an aggregate mixed with a plain variable
        return sentences[0][0].lower() + sentences[0][1:]
    if not words:
        return "syntax error"
    shown = ", ".join(words[:8]) + (", ..." if len(words) > 8 else "")
    return f"expected {'one of ' if len(words) > 1 else ''}{shown}"


def _near(text: str, line: int, column: int) -> str:
    lines = text.splitlines() or [""]
    if line > len(lines) or column > len(lines[line - 1]):
        return " (at the end of the query)" if line >= len(lines) else " (at the end of the line)"
    return f" (near {lines[line - 1][column - 1:].strip()[:24]!r})"


def _undefined_prefix(text: str) -> tuple[str, tuple[int, int]] | None:
    """The first prefixed name whose prefix is neither declared in the query nor pre-declared."""
    declared, declaring = set(terms.PREFIXES), False
    for token in tokens(text):
        if token.kind in ("space", "comment"):
            continue
        if token.kind == "prefixed" and declaring:
            declared.add(token.text)
        elif token.kind == "prefixed" and token.text not in declared \
                and token.text.lower() not in ("http", "https", "urn", "mailto", "file"):
            before = text[: token.start]
            return token.text, (before.count("\n") + 1, token.start - (before.rfind("\n") + 1) + 1)
        declaring = token.kind == "word" and token.text.upper() == "PREFIX"
    return None
