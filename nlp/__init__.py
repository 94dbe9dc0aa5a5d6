"""English questions -> graph queries -> sourced answers.

question -> parse (spaCy rule components: names, relation words, states) -> read (the frame: the
first reading, in order of preference, that accounts for every word) -> compile (SPARQL) -> answer
(run, with provenance) -> render. The vocabulary is read from the graph.

>>> from kg import open_graph
>>> from nlp import Asker
>>> asker = Asker(open_graph())
>>> [item.label for item in asker.ask("what prevents runner's knee?").answers]
['lateral side steps', 'side leg lifts', 'single-legged squat']
"""

import sqlite3

from kg.errors import QuestionError

from . import sentences
from .answer import Answer, Answerer, Item
from .frame import Frame
from .lexicon import VERSION, Lexicon
from .lexicon import build as build_lexicon
from .parse import Parse, Parser, make_nlp
from .read import build as build_frame

__all__ = ["Answer", "Asker", "Item", "Lexicon", "QuestionService", "check", "load_lexicon"]

MAX_WORDS = 60  # the longest question in the suites has 16; a pasted page is not a question


def check(question: str, example: str | None = None) -> str:
    """The question with control characters (NUL, tabs, newlines) made spaces; QuestionError when
    it has no words, or too many. Cheap: a command can check before it loads the graph."""
    question = "".join(c if c.isprintable() else " " for c in question)
    words = len(question.split())
    if words > MAX_WORDS or len(question) > MAX_WORDS * 12:
        raise QuestionError(f"question too long ({words} words, {len(question)} characters): ask about one "
                            f"thing at a time, in at most {MAX_WORDS} words")
    if not any(c.isalnum() for c in question):
        raise QuestionError("empty question: ask something" + (f', e.g. "{example}"' if example else ""))
    return question


def load_lexicon(graph, nlp, *, use_cache: bool = True, rebuild: bool = False) -> Lexicon:
    """The lexicon of ``graph``: opened from its file when the inputs are unchanged, else read by SPARQL.

    The file is named by the code that builds lexicons as well as by the graph, so a change to
    either builds a new one; a damaged or half-written file is rebuilt, never trusted (``rebuild``:
    it was found damaged after it opened). A cache that cannot be written is done without.
    """
    import shutil
    import sqlite3
    import tempfile
    from pathlib import Path

    kind = f"lexicon-{_builder_digest()}.sqlite"
    path = graph.cache_path(kind) if use_cache else None
    if path is not None:
        if not rebuild:
            try:
                return Lexicon.open(path)
            except (sqlite3.Error, ValueError, KeyError, OSError):
                pass
        try:
            return build_lexicon(graph, _tokenizer(nlp), path)
        except (OSError, sqlite3.OperationalError):
            pass  # the cache folder cannot be written: build a private copy instead
    folder = Path(tempfile.mkdtemp(prefix="kg-lexicon-"))
    try:
        return build_lexicon(graph, _tokenizer(nlp), folder / kind)
    finally:
        shutil.rmtree(folder, ignore_errors=True)  # the open connection keeps reading the unlinked file


def _tokenizer(nlp):
    """spaCy's tokenizer, with a shortcut for names of plain words, which it would split on spaces.

    A plain word is letters only and no tokenizer exception ("cannot" is two tokens); spaCy gives
    exactly ``text.split()`` for those, so most of a large graph's names skip it.
    """
    import re

    special = {key.lower() for key in nlp.tokenizer.rules}
    plain = re.compile(r"[A-Za-z]+(?: [A-Za-z]+)*")

    def tokenize(text: str) -> list[str]:
        if plain.fullmatch(text) and not any(w.lower() in special for w in text.split()):
            return text.split()
        return [t.text for t in nlp.tokenizer(text)]

    return tokenize


def _builder_digest() -> str:
    import hashlib
    from pathlib import Path

    from . import grammar, lexicon

    # The grammar's words shape how names are normalized (amounts said in passing), so they key it too.
    code = Path(lexicon.__file__).read_bytes() + Path(grammar.__file__).read_bytes()
    return hashlib.sha256(VERSION.encode() + code).hexdigest()[:12]


class Asker:
    """Answers questions about one graph; loads the pipeline once, so each question is cheap."""

    def __init__(self, graph, *, use_cache: bool = True):
        self.graph = graph
        self.use_cache = use_cache
        try:
            self._load()
        except sqlite3.DatabaseError:
            self._load(rebuild=True)

    def _load(self, rebuild: bool = False) -> None:
        nlp = make_nlp()
        self.lexicon = load_lexicon(self.graph, nlp, use_cache=self.use_cache, rebuild=rebuild)
        self.parser = Parser(self.lexicon, nlp)
        self.answerer = Answerer(self.graph, self.lexicon)

    def parse(self, question: str) -> Parse:
        return self.parser(question)

    def frame(self, question: str) -> Frame:
        return build_frame(self.parse(question), self.lexicon)

    def _reread(self, question: str, parse: Parse) -> Frame | None:
        """The question read once more with its names that hold a relation word ("sprinting works"
        read as the name "sprint work") left unmatched; None if it has no such name."""
        exclude = self.parser.splittable(parse)
        if not exclude:
            return None
        frame = build_frame(self.parser(question, exclude), self.lexicon)
        frame.explain.append("read again without the names " + ", ".join(
            repr(m.text) for m in parse.mentions if (m.start, m.end, m.kind) in exclude))
        return frame

    def ask(self, question: str, *, within: set[str] | None = None) -> Answer:
        """Answer one question. Raises QuestionError when it has no words at all, or too many.

        ``within`` keeps the answers to those IRIs ("which of those ...", nlp.context).
        """
        try:
            return self._ask(question, within)
        except sqlite3.DatabaseError:
            # The lexicon's file was damaged after it was opened: build it again from the graph.
            self._load(rebuild=True)
            return self._ask(question, within)

    def _ask(self, question: str, within: set[str] | None = None) -> Answer:
        message = check(question, self.lexicon.examples[0] if self.lexicon.examples else None)
        asked, aside = sentences.asked(message)
        parse = self.parse(asked)
        if aside and not parse.of("entity"):
            # "I want stronger hamstrings. What should I do?": the question names nothing itself,
            # so what it is about is in the statements; read them with it.
            asked, aside, parse = message, [], self.parse(message)
        frame = build_frame(parse, self.lexicon)
        frame.within = _both(frame.within, within)
        answer = self.answerer.answer(frame)
        if not answer.answers and answer.boolean is None and not answer.count:
            # Nothing found: a name that swallowed a verb may have hidden the reading that works.
            again = self._reread(asked, parse)
            if again is not None and again.understood:
                again.within = _both(again.within, within)
                second = self.answerer.answer(again)
                if second.answers or second.boolean is not None or second.count:
                    answer = second
        if aside:
            answer.question = message  # the answer is to what was asked, as typed
            answer.explain.insert(0, "set aside, as what leads up to the question: " + " ".join(aside))
        return answer


def _both(a: set[str] | None, b: set[str] | None) -> set[str] | None:
    """Answers kept to both sets (None: no limit)."""
    return b if a is None else a if b is None else a & b


class QuestionService:
    """What ``kg serve`` answers POST /ask with (kg.serve.serve's ``questions``): the parser's
    example questions, and a question's JSON answer as bytes (QuestionError for a bad one)."""

    def __init__(self, graph):
        self.asker = Asker(graph)
        self.examples = self.asker.lexicon.examples

    def answer(self, question: str) -> bytes:
        from . import render

        return render.json_text(self.asker.ask(question)).encode()
