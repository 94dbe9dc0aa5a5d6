"""Answer -> English: every sentence an answer prints, in one place.

nlp/answer.py runs the queries and collects items with their provenance; it hands what it found
to a :class:`Verbalizer`, which words it from the graph's own labels. Sources are written here as
“title”; nlp/render.py turns each into a number with a list of titles at the end.
"""

from kg.describe import base_form, negate
from kg.names import key

from .frame import Reading
from .grammar import ARTICLES
from .lexicon import Lexicon


class Verbalizer:
    """Sentences about one graph's terms, named by its lexicon's labels."""

    def __init__(self, lexicon: Lexicon):
        self.lex = lexicon
        self.label = lexicon.label
        self._typed: dict[str, str] = {}

    def begin(self, entities: list[dict]) -> None:
        """Start an answer to a question that named these things (``text`` as typed, ``iri``)."""
        self._typed = {e["iri"]: e["text"] for e in entities}

    def name(self, iri: str) -> str:
        """A thing the question named, first in the words the user typed with the graph's name in
        brackets where they differ ("quads (quadriceps)", "ITBS (IT band syndrome)"); then, and
        for a typo or anything else, the graph's name."""
        label, typed = self.label(iri), self._typed.pop(iri, None)
        words = (typed or "").split()
        typed = " ".join(words[1:] if len(words) > 1 and words[0].lower() in ARTICLES else words)
        entity = self.lex.entity(iri) if typed else None
        # Not for the same words in another spelling or order ("runners knee", "running downhill").
        if typed and set(key(typed).split()) != set(key(label).split()) and entity and \
                typed.lower() in {n.lower() for n in [entity.label, *entity.names]}:
            return f"{typed} ({label})"
        return label

    # -- facts and where they come from --------------------------------------------------------

    def fact(self, s: str, p: str, o: str, subject: str | None = None) -> str:
        """'running engages quadriceps', 'glutes stabilize hip': the verb agrees with the subject
        (``subject``: how to name it, when not by its label)."""
        subject = subject or self.label(s)
        verb = self.label(p) if _be(subject) == "is" else base_form(self.label(p))
        return f"{subject} {verb} {self.label(o)}"

    def denied(self, s: str, p: str, o: str) -> str:
        """'running does not result in bulky legs'."""
        subject = self.label(s)
        said = negate(self.label(p))
        if _be(subject) != "is":  # plural: "hamstrings do not ...", "beginners are not ..."
            said = "do" + said[len("does"):] if said.startswith("does ") else "are" + said[len("is"):]
        return f"{subject} {said} {self.label(o)}"

    @staticmethod
    def stated(titles) -> str:
        """Where a stated fact comes from: the articles that say it."""
        if not titles:
            return "stated in my sources (no article named)"
        return "stated in " + ", ".join(f"“{t}”" for t in titles)

    @staticmethod
    def why(stated: str | None, inference: str | None) -> str:
        """A fact's reasons: stated (and where), inferred (and how), or both."""
        parts = [stated] if stated else []
        if inference:
            parts.append(("also inferred: " if stated else "inferred: ") + inference)
        return "; ".join(parts) or "inferred"

    def brief(self, stated: str | None, premises: int | None, titles=()) -> str:
        """A fact's reasons in plain words: where it is stated; or, when only a rule made it, how
        many facts it was worked out from and where those are stated (--why spells them out)."""
        if stated:
            return stated
        if not titles:
            return "worked out from other facts"
        cited = [f"“{t}”" for t in titles]
        return f"follows from what {_join(cited)} say{'s' if len(cited) == 1 else ''}"

    def inference(self, rule: str, premises: list[tuple[tuple[str, str, str], str]], note: str | None) -> str:
        """'property chain: A p B (stated in ...) and B q C (...); <what the rule means>'."""
        facts = [f"{self.fact(*triple)} ({why})" for triple, why in premises]
        text = f"{self.label(rule)}: " + " and ".join(facts) if facts else self.label(rule)
        return text + (f"; {note}" if note else "")

    def reasons(self, facts: list[tuple[tuple[str, str, str], str]]) -> str:
        """The why of an answer reached through one or more facts."""
        if len(facts) == 1:
            return facts[0][1]
        return "; ".join(f"{self.fact(*triple)} ({why})" for triple, why in facts)

    def reasons_brief(self, briefs: list[str], stated: bool, titles) -> str:
        """The plain why of an answer reached through several facts (the sentence names the
        facts): where they are stated, or that some were worked out."""
        if len(briefs) == 1:
            return briefs[0]
        return self.stated(titles) if stated else self.brief(None, len(briefs), titles)

    def member(self, iri: str, cls: str | None) -> str:
        """The why of an answer that is only a member of the class asked for."""
        return f"{self.label(iri)} is {_a(self.label(cls))} in my sources" if cls else "in my sources"

    # -- relation, list and count answers ------------------------------------------------------

    def relation(self, type: str, readings: list[Reading], names: list[str], via: dict, found_by: dict,
                 answers) -> str:
        """The first sentence of a which/what/how-many answer."""
        joined = _join(names)
        if type == "list":
            cls = readings[0].nodes["answer"].cls
            return f"{self.label(cls).capitalize()} ({len(names)}): {joined}." if names else \
                f"I don't know any {self.label(cls)}: my sources name none."
        reading = readings[0]
        if type == "count" and names:
            return f"{len(names)} in my sources: {joined}."
        if not names:
            return f"I don't know: my sources do not say {self.asked(reading)}. " + self.can_answer()
        # Say the readings that found something, not the ones that were only tried.
        kept = [k for k in range(len(readings)) if any(k in found_by.get(a.iri, ()) for a in answers)]
        if kept and len(kept) < len(readings):
            readings = [readings[k] for k in kept]
            found_by = {i: tuple(kept.index(k) for k in ks if k in kept) for i, ks in found_by.items()}
            reading = readings[0]
        if len(reading.hops) == 1 and len(readings) == 1:
            hop = reading.hops[0]
            entity_is_subject = reading.nodes[hop.subject].iri is not None
            entity = reading.nodes[hop.subject if entity_is_subject else hop.object].iri
            prop = self.lex.properties.get(hop.prop)
            if entity is not None:
                label = (prop.label if prop else self.label(hop.prop)) if entity_is_subject else self.backwards(hop.prop)
                return f"{self.name(entity)}: {label} {joined}."
        if len(readings) == 1 and len(reading.hops) > 1 and "n0" in reading.nodes and \
                sum(1 for n in reading.nodes.values() if n.iri) == 1:
            return self._chain(reading, via, joined)
        if all(len(r.hops) == 1 for r in readings) and any(
                r.nodes[h.subject].iri or r.nodes[h.object].iri for r in readings for h in r.hops):
            return self._grouped(readings, answers, found_by)
        return f"{self.describe(readings[0])}: {joined}."

    def _grouped(self, readings: list[Reading], answers, found_by: dict) -> str:
        """Several relations around one entity: 'inner thighs: strengthening improves ...; ...'."""
        parts = []
        for k, reading in enumerate(readings):
            hop = reading.hops[0]
            entity_is_subject = reading.nodes[hop.subject].iri is not None
            entity = reading.nodes[hop.subject if entity_is_subject else hop.object].iri
            prop = self.lex.properties.get(hop.prop)
            if prop is not None and not entity_is_subject and prop.inverse in self.lex.properties:
                prop = self.lex.properties[prop.inverse]
            label = prop.label if prop else self.label(hop.prop)
            mine = [a.label for a in answers if k in found_by.get(a.iri, ())]
            if mine:
                parts.append((self.name(entity), f"{label} {_join(mine)}"))
        if not parts:
            return ""
        subjects = list(dict.fromkeys(s for s, _ in parts))
        if len(subjects) == 1:
            return f"{subjects[0]}: " + "; ".join(p for _, p in parts) + "."
        return "; ".join(f"{s}: {p}" for s, p in parts) + "."

    def _chain(self, reading: Reading, via: dict, names: str) -> str:
        """'Sprinting: engages glutes and hamstrings. Glutes and hamstrings: strengthened by ...':
        one sentence per step, each in the form of a one-step answer."""
        first = reading.nodes["n0"].iri
        sentences, previous, start = [], None, self.name(first) if first else "those"
        for hop in reading.hops:
            here = hop.object if hop.subject in ("n0", previous) else hop.subject
            forward = hop.subject in ("n0", previous)
            prop = self.lex.properties.get(hop.prop)
            label = prop.label if forward or prop is None else \
                (self.lex.properties[prop.inverse].label if prop.inverse in self.lex.properties else prop.label)
            found = names if here == reading.answer else \
                _join(sorted((self.label(x) for x in via.get(here, {})), key=str.lower))
            sentences.append(f"{_capital(start)}: {label} {found}.")
            previous, start = here, found
        return " ".join(sentences)

    def details(self, label: str, definition: str | None, facts: list[tuple[str, str]]) -> str:
        """' Clamshells: <definition> (target minutes: 10; frequency: ...).'"""
        said = sorted(f"{self.label(p)}: {value}" for p, value in facts)
        return f" {_capital(label)}: " + (f"{definition} " if definition else "") + "(" + "; ".join(said) + ")."

    def advice(self, prop: str, about: list[str], names: list[str], sources: list[str]) -> str:
        """'Next step: to strengthen the adductors, try leg lifts, side lunges and sumo squats (stated in ...).'"""
        said = f" ({self.stated(sources)})" if sources else ""
        return f"Next step: to {base_form(self.label(prop))} {_join([self.label(a) for a in about])}, " \
               f"try {_join(names)}{said}."

    def backwards(self, prop: str) -> str:
        """A relation read from its object: its inverse's label ('member of'), else 'is the object of ... for'."""
        known = self.lex.properties.get(prop)
        inverse = self.lex.properties.get(known.inverse) if known and known.inverse else None
        return inverse.label if inverse else f"is the object of '{self.label(prop)}' for"

    def setting(self, iri: str) -> str:
        return f"{self.label(iri)} is the question's setting, not an answer"

    def asked(self, reading: Reading) -> str:
        """What a reading asks, in words: 'what relieves tightness of glutes', 'which muscles sprinting
        engages'."""
        hop = next((h for h in reading.hops if reading.answer in (h.subject, h.object)), reading.hops[0])
        other = hop.object if hop.subject == reading.answer else hop.subject
        node = reading.nodes[reading.answer]
        what = f"which {self.label(node.cls)}" if node.cls else "what"
        if reading.nodes[other].iri is None:
            return f"{what} {self.describe(reading)}"
        name = self.label(reading.nodes[other].iri)
        prop = self.label(hop.prop)
        return f"{what} {prop} {name}" if hop.subject == reading.answer else f"{what} {name} {prop}"

    def describe(self, reading: Reading) -> str:
        return "; ".join(f"{self._node(reading, h.subject)} {self.label(h.prop)} {self._node(reading, h.object)}"
                         for h in reading.hops)

    def _node(self, reading: Reading, name: str) -> str:
        node = reading.nodes[name]
        if node.iri:
            return self.label(node.iri)
        if name == reading.answer:
            return "what" if node.cls is None else f"which {self.label(node.cls)}"
        return f"any {self.label(node.cls)}" if node.cls else "something"

    # -- yes / no ------------------------------------------------------------------------------

    def exists(self, names: list[str], why: str | None, reading: Reading) -> str:
        """'Yes: lateral side steps and side leg lifts, stated in [1].' (what answers, where from)."""
        if not names:
            return f"Not known: my sources do not say {self.asked(reading)}."
        return f"Yes: {_join(names)}, {why[:1].lower() + why[1:]}." if why else f"Yes: {_join(names)}."

    def is_a(self, entity: str, cls: str, holds: bool | None, own: str | None = None, titles=()) -> str:
        """'Yes: hamstrings are a muscle. Based on [1].' (the articles that speak of it)."""
        name = self.name(entity)
        based = " Based on " + ", ".join(f"“{t}”" for t in titles) + "." if titles else ""
        if holds:
            return f"Yes: {name} {_be(name)} {_a(self.label(cls))}.{based}"
        if holds is False:
            return (f"No: {name} {_be(name)} {_a(self.label(own))}, and my sources say "
                    f"nothing is both {_a(self.label(own))} and {_a(self.label(cls))}.{based}")
        return f"Not known: my sources do not say whether {name} {_be(name)} {_a(self.label(cls))}."

    def no_value(self, entity: str, prop: str) -> str:
        return f"Not known: my sources give no value for {self.label(entity)} {self.label(prop)}."

    def same(self, first: str, second: str, iri: str) -> str:
        return f"Yes: “{first}” and “{second}” are names for the same thing, {self.label(iri)}."

    def state_unknown(self, state: str, entity: str, other: str) -> str:
        return (f"Not known: my sources say nothing of {self.label(state)} of the {self.label(entity)} in relation to "
                f"{self.label(other)}.")

    def given_missing(self, s: str, p: str, o: str) -> str:
        return f"Not known: the question takes as given that {self.fact(s, p, o)}, and my sources do not say so."

    def not_alone(self, s: str, p: str, o: str, why: str) -> str:
        return (f"Not known: my sources say {self.fact(s, p, o)} ({why}), "
                f"but not whether {self.label(s)} does so by itself.")

    def holds(self, s: str, p: str, o: str, why: str, via: tuple[str, str, str] | None = None) -> str:
        """'Yes: s p o (why)'. ``via`` is (side, property, name) when the question's name stood for
        what that property links to it: the subject or object side is said with the link."""
        if via is None:
            if list(self._typed)[:1] == [o] and s in self._typed:
                # Said from the side the question started from: "is X a thigh muscle?" -> "X: member of ...".
                return f"Yes: {self.name(o)}: {self.backwards(p)} {self.name(s)}. {_capital(why)}."
            subject = self.name(s)
            return f"Yes: {self.fact(s, p, o, subject)[:-len(self.label(o))]}{self.name(o)}. {_capital(why)}."
        side, prop, named = via
        end = s if side == "subject" else o
        what = f"{self.label(end)} ({self.fact(end, prop, named)})"
        said = f"{what} {self.label(p)} {self.label(o)}" if side == "subject" else f"{self.label(s)} {self.label(p)} {what}"
        return f"Yes: {said}. {_capital(why)}."

    def denies(self, s: str, p: str, o: str, why: str, note: str | None) -> str:
        return f"No: {self.denied(s, p, o)}." + (f" {note}" if note else "") + f" {_capital(why)}."

    def reverse(self, s: str, p: str, o: str, why: str) -> str:
        """The asymmetric relation holds the other way round: (s, p, o) is the fact found."""
        return f"No: my sources say the reverse, {self.fact(s, p, o)} ({why}), and that relation only holds one way."

    def through_group(self, s: str, p: str, group: str, member: str, why: str) -> str:
        """'Yes: running strengthens thigh muscles, which include hamstrings. Stated in [1].'"""
        return f"Yes: {self.fact(s, p, group)}, which include {self.name(member)}. {_capital(why)}."

    def unsettled(self, s: str, p: str, o: str) -> str:
        return f"Not known: my sources do not say whether {self.fact(s, p, o)}."

    def possible(self, entity: str, prop: str, value: bool, why: str) -> str:
        """'Yes/No: the graph says spot reduction is (not) possible (why).' from the label 'is possible'."""
        label = self.label(prop)
        if label.startswith("is "):
            said = f"{self.label(entity)} is {'' if value else 'not '}{label[3:]}"
        else:
            said = f"{self.label(entity)} {label}: {'true' if value else 'false'}"
        return f"{'Yes' if value else 'No'}: {said}. {_capital(why)}."

    # -- values, definitions, paths ------------------------------------------------------------

    def value(self, subject: str, prop: str, value: str, why: str) -> str:
        return f"{_capital(self.label(subject))}: {self.label(prop)}: {value} ({why})"

    def each_name(self, holds: bool | None, texts: list[str]) -> str:
        """'Yes: <first> <second>': the facts for each name, under one yes, no or not known."""
        said = " ".join(_capital(t.split(": ", 1)[1]) if ": " in t else t for t in texts)
        return f"{'Not known' if holds is None else 'Yes' if holds else 'No'}: {said}"

    def every_meaning(self, holds: bool | None, texts: list[str]) -> str:
        """'Yes, whichever is meant: <one>; <other>', or 'Not known: it depends on which is meant: ...'."""
        if holds is None:
            return "Not known: it depends on which is meant. " + " ".join(texts)
        said = " ".join(_capital(t.split(": ", 1)[1]) if ": " in t else t for t in texts)
        return f"{'Yes' if holds else 'No'}, whichever is meant. {said}"

    def states_of(self, states: list[tuple[str, list[str]]]) -> str:
        """'Tightness (of hamstrings).': the states a relation acts on, and whose."""
        return " ".join(f"{_capital(self.label(s))} (of {_join(names)})." for s, names in states)

    def stated_value(self, holds: bool | None, prop: str, found: list[tuple[str, str, str]], stated: str) -> str:
        """'Yes: the target minutes of the beginner running guideline is 30 (why).', 'No: ... is 30,
        not 60 (why).', 'Not known: ... is 30 (why); my sources do not say 60.'"""
        said = "; ".join(f"the {self.label(prop)} of the {self.label(s)} is {value}"
                         + (f", not {stated}" if holds is False else "") + f" ({why})" for s, value, why in found)
        if holds is None:
            return f"Not known: {said}; my sources do not say {stated}."
        return f"{'Yes' if holds else 'No'}: {said}."

    def values(self, prop: str, parts: list[str], count: int | None) -> str:
        if not parts:
            return f"I don't know: my sources give no {self.label(prop)} for this. " + self.can_answer()
        return (f"{count}. " if count is not None else "") + "; ".join(parts) + "."

    def definition(self, entity: str, cls: str | None, definition: str | None, names: list[str], titles) -> str:
        """'PFPS (runner's knee, a running injury): <definition> Also called: ... Based on [1].'
        The other names are those that differ in more than spelling, the first few."""
        name = self.name(entity)
        text = f"{name[:-1]}, {_a(self.label(cls))})" if cls and name.endswith(")") else \
            f"{name} ({_a(self.label(cls))})" if cls else name
        text += f": {definition}" if definition else ": my sources give no definition for it."
        distinct = list({key(n): n for n in reversed(names) if key(n) != key(self.label(entity))}.values())[::-1]
        if distinct:
            more = len(distinct) - 6
            text += " Also called: " + ", ".join(distinct[:6]) + (f" and {more} more" if more > 0 else "") + "."
        return text + (" Based on " + ", ".join(f"“{t}”" for t in titles) + "." if titles else "")

    def names(self, entity: str, names: list[str]) -> str:
        """'Adductors: also called inner thigh muscles, adductor muscles, ...' (names that differ in
        more than spelling, as in a definition)."""
        own = key(self.label(entity))
        others = list({key(n): n for n in reversed(names) if key(n) != own}.values())[::-1]
        if not others:
            return f"{_capital(self.label(entity))}: my sources give it no other name."
        return f"{_capital(self.label(entity))}: also called {_join(others[:8])}."

    def path(self, a: str, b: str, chains: list[list[tuple[str, str, str]]], titles=()) -> str:
        """'Glutes and runner's knee are connected: glutes weakness causes runner's knee. Stated in [1].'
        Each chain of facts as one clause, in the direction each fact is stated."""
        if not chains:
            return f"I don't know of any connection between {self.label(a)} and {self.label(b)} in my sources."
        clauses = [", and ".join(self.fact(*fact) for fact in chain) for chain in chains]
        said = f" {_capital(self.stated(titles))}." if titles else ""
        return f"{self.label(a)} and {self.label(b)} are connected: " + "; or ".join(clauses) + "." + said

    # -- not understood ------------------------------------------------------------------------

    def ambiguous(self, word: str, candidates: list[str]) -> str:
        return (f"I don't know which you mean: {word!r} could be " + _join(candidates, "or")
                + ". Ask again naming one of them.")

    def unknown_term(self, word: str, candidates: list[str]) -> str:
        text = f"I don't know the term {word!r}: it is not in my sources."
        return text + ((" Closest known terms: " + ", ".join(candidates) + ".") if candidates else " " + self.can_answer())

    def out_of_domain(self) -> str:
        return "I don't know: that is outside what my sources cover. " + self.can_answer()

    def not_understood(self, reason: str | None) -> str:
        reason = f" ({reason})" if reason else ""
        return f"I don't know: I did not understand the question{reason}. " + self.can_answer()

    def examples(self) -> list[str]:
        return self.lex.examples[:2]

    def can_answer(self) -> str:
        """What the graph can answer, with example questions: the end of every "I don't know"."""
        examples = self.examples()
        about = self.lex.about.rstrip(".")
        topic = f"about {about[0].lower() + about[1:]}" if about else "about what my sources hold"
        if not examples:
            return f"I can answer questions {topic}."
        return f"I can answer questions {topic}, for example: " + " or ".join(f"“{q}”" for q in examples) + "."


def _be(name: str) -> str:
    """'is' or 'are' for a name: a last word in -s (not -ss) reads as plural ("hamstrings are"),
    unless it is an abbreviation in capitals ("ITBS is")."""
    last = name.rstrip(")").split("(")[0].split()[-1] if name.split() else ""
    if last.isupper():
        return "is"
    last = last.lower()
    return "are" if last.endswith("s") and not last.endswith("ss") else "is"


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]


def _a(noun: str) -> str:
    return ("an " if noun[:1].lower() in "aeiou" else "a ") + noun


def _join(words: list[str], last: str = "and") -> str:
    if len(words) <= 1:
        return "".join(words)
    return ", ".join(words[:-1]) + f" {last} " + words[-1]
