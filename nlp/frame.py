"""The frame: what a question asks, as data. A Frame holds the readings (triple patterns over
nodes) or the checks of a yes/no question, the words it accounts for, or why it is refused; the
compiler (nlp.compile) turns it into SPARQL and the answerer (nlp.answer) runs it.
"""

from dataclasses import dataclass, field
from typing import Literal

from .lexicon import Lexicon
from .parse import Mention, Parse


#: What a question asks: things (relation, list, count, value), a yes or no, a definition, how two
#: things connect; or why it is not answered.
FrameType = Literal["relation", "count", "list", "value", "yesno", "definition", "path", "names",
                    "ambiguous", "unknown_term", "out_of_domain", "not_understood"]
#: What a yes/no question checks: one triple, a class membership, a value, whether answers exist,
#: or whether two names name one thing.
CheckKind = Literal["triple", "type", "value", "exists", "same"]


@dataclass
class Node:
    """A position in a query: a known entity (iri) or a variable that must be of ``cls``."""

    iri: str | None = None
    cls: str | None = None


@dataclass
class Hop:
    """One triple pattern: subject node, canonical property, object node."""

    subject: str
    prop: str
    object: str
    mention: Mention | None = None   # the relation words that name it; None for a hop no word names


@dataclass
class Reading:
    """One way of reading a list question: triple patterns over nodes; ``answer`` is what is asked."""

    nodes: dict[str, Node]
    hops: list[Hop]
    answer: str = "answer"


@dataclass
class Check:
    """A yes/no question: about one triple, class membership, a value, or whether answers exist."""

    kind: CheckKind
    subject: str
    prop: str | None = None         # canonical property
    object: str | None = None       # entity IRI (triple), class IRI (type)
    uses: list = field(default_factory=list)  # the mentions it was built from
    state: Mention | None = None    # a state asked about that the relation does not speak of
    via: tuple[str, str] | None = None  # (subject|object, kg:proxy property): that end names what the property links


@dataclass
class Frame:
    type: FrameType
    parse: Parse
    entities: list[tuple[Mention, str]] = field(default_factory=list)
    readings: list[Reading] = field(default_factory=list)
    fallbacks: list[list[Reading]] = field(default_factory=list)   # lower tiers: the gate keeps the best that explains every word
    checks: list[Check] = field(default_factory=list)
    answer_class: str | None = None
    answer_mention: Mention | None = None
    states: list[tuple[Mention, Mention]] = field(default_factory=list)   # (state, the entity in it)
    account: object = None          # nlp.account.Account: which words the frame explains
    alone: bool = False             # asks whether something does it by itself ("running alone")
    given: list = field(default_factory=list)  # checks a yes/no takes as given ("the imbalances it creates")
    every: list = field(default_factory=list)  # groups of checks, one per meaning of a name: all must agree
    each: list = field(default_factory=list)   # groups of checks, one per name joined by "and": all are asked
    value_prop: str | None = None   # for a value question: the datatype property asked for
    value_mentions: list = field(default_factory=list)
    stated: Mention | None = None   # a value the question states ("30 minutes"), checked against the graph's
    unknown: str | None = None
    candidates: list[str] = field(default_factory=list)
    setting: list[str] = field(default_factory=list)  # the topic said as the setting ("during a run"): given, not an answer
    within: set[str] | None = None  # answers kept to these ("which of those ...": the last question's answers)
    excluded: list[Mention] = field(default_factory=list)  # names left out of the answers ("besides the glutes")
    excluding: list[int] = field(default_factory=list)     # the words that leave them out, and "else"/"other"
    members_of: Mention | None = None  # "which thigh muscles ...": answers kept to the members of this group
    choice: list[Mention] = field(default_factory=list)  # "quads or hamstrings?": the answers are chosen among these
    reason: str = ""
    explain: list[str] = field(default_factory=list)

    @property
    def understood(self) -> bool:
        return self.type not in ("ambiguous", "unknown_term", "out_of_domain", "not_understood")


def show_node(reading: Reading, name: str, lex: Lexicon) -> str:
    node = reading.nodes[name]
    if node.iri:
        return lex.label(node.iri)
    return f"?{name}" + (f" ({lex.label(node.cls)})" if node.cls else "")
