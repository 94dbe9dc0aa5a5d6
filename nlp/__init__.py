"""English questions -> graph queries -> sourced answers.

question -> parse (spaCy rule components) -> frame (schema decides) -> compile (SPARQL)
-> answer (run, with provenance) -> render. The vocabulary is read from the graph.

>>> from kg import open_graph
>>> from nlp import Asker
>>> asker = Asker(open_graph())
>>> [item.label for item in asker.ask("what prevents runner's knee?").answers]
['lateral side steps', 'side leg lifts', 'single-legged squat']
"""

from kg import cache
from kg.errors import QuestionError

from .answer import Answer, Answerer, Item
from .frame import Frame, build as build_frame
from .lexicon import VERSION, Lexicon, build as build_lexicon
from .parse import Parse, Parser, make_nlp

__all__ = ["Answer", "Asker", "Item", "Lexicon", "load_lexicon"]


def load_lexicon(graph, nlp, *, use_cache: bool = True) -> Lexicon:
    """The lexicon of ``graph``: from the cache when its inputs are unchanged, else read by SPARQL.

    The cache entry is keyed by the graph's inputs and by the code that builds lexicons, so a
    change to either builds a new one.
    """
    kind = f"lexicon-{_builder_digest()}.json"
    if use_cache and getattr(graph, "key", ""):
        data = cache.read(graph.key, kind)
        if data is not None:
            try:
                return Lexicon.from_json(data)
            except (ValueError, KeyError, TypeError):
                pass  # damaged or from another version: rebuild
    lexicon = build_lexicon(graph, lambda text: [t.text for t in nlp.tokenizer(text)])
    if use_cache and getattr(graph, "key", ""):
        cache.write(graph.key, kind, lexicon.to_json())
    return lexicon


def _builder_digest() -> str:
    import hashlib
    from pathlib import Path

    from . import lexicon

    return hashlib.sha256(VERSION.encode() + Path(lexicon.__file__).read_bytes()).hexdigest()[:12]


class Asker:
    """Answers questions about one graph; loads the pipeline once, so each question is cheap."""

    def __init__(self, graph, *, use_cache: bool = True):
        nlp = make_nlp()
        self.graph = graph
        self.lexicon = load_lexicon(graph, nlp, use_cache=use_cache)
        self.parser = Parser(self.lexicon, nlp)
        self.answerer = Answerer(graph, self.lexicon)

    def parse(self, question: str) -> Parse:
        return self.parser(question)

    def frame(self, question: str) -> Frame:
        return build_frame(self.parse(question), self.lexicon)

    def ask(self, question: str) -> Answer:
        """Answer one question. Raises QuestionError when it has no words at all."""
        if not any(c.isalnum() for c in question):
            example = f', e.g. "{self.lexicon.examples[0]}"' if self.lexicon.examples else ""
            raise QuestionError(f"empty question: ask something{example}")
        return self.answerer.answer(self.frame(question))
