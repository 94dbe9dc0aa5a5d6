"""Read-only SPARQL: check a query, run it, and write its results.

SELECT and ASK results are written by pyoxigraph's own W3C serializers (JSON, XML, CSV, TSV) or as
a readable table; CONSTRUCT and DESCRIBE as Turtle, N-Triples or JSON-LD.
"""

import re
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
# Skipped to find a query's first keyword: whitespace, comments, PREFIX and BASE declarations.
_PROLOGUE = re.compile(r"(\s+|#[^\n]*|(?i:PREFIX)\s+[^\s:]*:\s*<[^>]*>|(?i:BASE)\s*<[^>]*>)*")


@dataclass
class Output:
    """What a query wrote, and whether it had no results (an ASK always has one)."""

    data: bytes
    empty: bool


def query_form(text: str) -> str | None:
    """SELECT, ASK, CONSTRUCT or DESCRIBE (or an update's first word): the query's first keyword."""
    word = re.match(r"[A-Za-z]+", text[_PROLOGUE.match(text).end():])
    return word.group().upper() if word else None


def check_read_only(text: str, who: str = "this command") -> None:
    """Refuse SPARQL UPDATE (INSERT, DELETE, LOAD, CLEAR, DROP ...): the commands only read."""
    form = query_form(text)
    if form in _UPDATES:
        raise ReadOnlyError(f"SPARQL UPDATE ({form}) refused: {who} is read-only and "
                            "the graph is left untouched; use SELECT, ASK, CONSTRUCT or DESCRIBE")


# Lexemes that can hide a keyword (strings, IRIs, comments, variables, language tags, prefixed and
# blank-node names), and bare words, which are the keywords. An IRI cannot contain "<" or "{", so
# it cannot swallow the clause after it.
_LEXEMES = re.compile("|".join([
    r"'''.*?'''", r'""".*?"""', r"'(?:[^'\\\n]|\\.)*'", r'"(?:[^"\\\n]|\\.)*"',  # strings
    r"<[^\s<>\"{}|^`\\]*>", r"#[^\n]*",  # IRIs, comments
    r"[?$@][\w-]*", r"[\w.-]*:[\w.%\\:-]*",  # variables, language tags, prefixed and blank-node names
    r"([A-Za-z_]\w*)",  # bare words: the keywords
]), re.S)
_CODEPOINT = re.compile(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})")


def keywords(text: str) -> set[str]:
    """The SPARQL keywords a query uses, upper-cased: its bare words outside strings, IRIs and
    comments, after the \\u escapes SPARQL allows anywhere in a query are decoded."""
    text = _CODEPOINT.sub(lambda m: chr(int(m.group(1) or m.group(2), 16)), text)
    return {m.group(1).upper() for m in _LEXEMES.finditer(text) if m.group(1)}


def check_safe(text: str) -> None:
    """Refuse SERVICE: the engine would send a request to any address a client names, from the
    server's side of the network (server-side request forgery)."""
    if "SERVICE" in keywords(text):
        raise RefusedError("SERVICE refused: this endpoint does not call other servers; "
                           "query their endpoints directly")


def run(graph, text: str, fmt: str | None = None, *, results_default: str = "table") -> Output:
    """Run a read-only query on ``graph`` and serialize the results in ``fmt``.

    ``fmt`` None means ``results_default`` for SELECT and ASK, Turtle for CONSTRUCT and DESCRIBE.
    Raises ReadOnlyError for updates, QueryError for malformed SPARQL (naming line and column),
    FormatError when the format does not fit the query form.
    """
    if fmt is not None and fmt not in FORMATS:
        raise FormatError(f"unknown format {fmt!r}; expected one of {', '.join(FORMATS)}")
    check_read_only(text)
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


_TOKENS = re.compile(r"""'''.*?'''|\"\"\".*?\"\"\"|'(?:[^'\\\n]|\\.)*'|"(?:[^"\\\n]|\\.)*"|<[^\s<>]*>|#[^\n]*"""
                     r"""|(?i:PREFIX)\s+([A-Za-z][\w.-]*)?:|(?<![\w?$])([A-Za-z][\w-]*)?:(?=[\w%\\]|\s|$)""", re.S)


def _undefined_prefix(text: str) -> tuple[str, tuple[int, int]] | None:
    """The first prefixed name whose prefix is neither declared in the query nor pre-declared."""
    declared = set(terms.PREFIXES)
    for match in _TOKENS.finditer(text):
        if match.group(1) is not None:
            declared.add(match.group(1))
        elif match.group(0).lower().startswith("prefix"):
            declared.add("")
        elif match.group(0).endswith(":") and match.group(0)[0] not in "<'\"#":
            prefix = match.group(2) or ""
            if prefix not in declared and not prefix.lower() in ("http", "https", "urn", "mailto", "file"):
                before = text[: match.start()]
                return prefix, (before.count("\n") + 1, match.start() - (before.rfind("\n") + 1) + 1)
    return None
