"""Frame -> Answer: run the queries, and say for every item where it comes from.

An item is "stated in <article>" when the graph holds the triple outside the rule graphs (its
rdf:Statement names the article), and "inferred: <rule>: <facts it used>" when only a rule made it.
Nothing reaches an answer that a query did not return from the graph.
"""

from dataclasses import asdict, dataclass, field

from pyoxigraph import NamedNode

from kg import terms
from kg.describe import negate
from kg.provenance import origin
from kg.store import row_key

from . import compile as sparql
from .frame import Frame, Reading
from .lexicon import Lexicon



@dataclass
class Item:
    iri: str
    label: str
    type: str | None
    inferred: bool
    sources: list[str]
    why: str
    relation: str | None = None


@dataclass
class Answer:
    question: str
    understood: bool
    type: str
    entities: list[dict]
    sparql: str | None
    answers: list[Item]
    boolean: bool | None
    count: int | None
    text: str
    suggestions: list[str]
    explain: list[str] = field(default_factory=list)

    def to_json(self) -> dict:
        """The documented JSON shape of ``kg ask --json``."""
        data = asdict(self)
        data.pop("explain")
        data["answers"] = [{k: v for k, v in item.items() if not (k == "relation" and v is None)}
                           for item in data["answers"]]
        return data


class Answerer:
    """Runs frames against one graph; holds the graph and lexicon so each question costs little."""

    def __init__(self, graph, lexicon: Lexicon):
        self.graph = graph
        self.lex = lexicon

    # -- entry point ---------------------------------------------------------------------------

    def answer(self, frame: Frame) -> Answer:
        kind = frame.type
        handler = {
            "relation": self._relation, "count": self._relation, "list": self._relation,
            "yesno": self._yes_no, "definition": self._definition, "path": self._path, "value": self._value,
        }.get(kind, self._not_understood)
        answer = handler(frame)
        answer.text = answer.text[:1].upper() + answer.text[1:]
        answer.explain = list(dict.fromkeys(answer.explain))
        return answer

    # -- list questions ------------------------------------------------------------------------

    def _relation(self, frame: Frame) -> Answer:
        """Answers of the best tier of readings. A lower tier is a less likely meaning, so when the
        best finds nothing the answer is "not known", never what a worse reading would find."""
        return self._run(frame, frame.readings)

    def _run(self, frame: Frame, readings: list[Reading]) -> Answer:
        queries, items, via, found_by = [], {}, {}, {}
        for k, reading in enumerate(readings):
            query = sparql.select(reading)
            queries.append(query)
            # Sorted, so the reasons given for an answer read the same whatever engine returned the rows.
            for row in sorted(self.graph.select(query), key=row_key):
                answer = row.get(reading.answer)
                if not isinstance(answer, NamedNode) or not self.lex.has_entity(answer.value):
                    continue
                if answer.value in frame.setting:
                    # "when do the quads engage during a run?": the run is given, not an answer.
                    frame.explain.append(f"{self.lex.label(answer.value)} is the question's setting, not an answer")
                    continue
                for name, term in row.items():
                    if name != reading.answer:
                        via.setdefault(name, {})[term.value] = None
                item = items.get(answer.value)
                triples = self._triples(reading, row)
                why, inferred, sources = self._provenance(triples) if triples else \
                    self._member_why(reading, answer.value)
                relation = self._relation_label(reading) if len(readings) > 1 else None
                found_by.setdefault(answer.value, set()).add(k)
                if item is None:
                    items[answer.value] = Item(answer.value, self.lex.label(answer.value),
                                               self.lex.specific_type(answer.value), inferred, sources, why, relation)
                else:
                    item.inferred = item.inferred and inferred
                    item.sources = list(dict.fromkeys(item.sources + sources))
                    if why not in item.why.split("; "):
                        item.why = f"{item.why}; {why}"
                    if relation and relation not in (item.relation or ""):
                        item.relation = f"{item.relation}, {relation}" if item.relation else relation
        answers = self._most_specific(readings, sorted(items.values(), key=lambda i: i.label.lower()))
        shown = Frame(frame.type, frame.parse, frame.entities, readings)
        entities = self._entities(shown)
        text = self._relation_text(shown, answers, via, found_by) + self._details(answers)
        # None found is not "none exist": the graph may simply not record them (open world).
        count = len(answers) if frame.type == "count" and answers else None
        suggestions = [] if answers else self._examples()
        return Answer(frame.parse.question, True, frame.type, entities, "\n\n".join(queries), answers,
                      None, count, text, suggestions, frame.explain)

    def _most_specific(self, readings: list[Reading], answers: list[Item]) -> list[Item]:
        """Leave out an answer that only follows from another one: asked where the hamstrings are,
        "the back of the thigh" says it, and "the thigh" (inferred: that back is part of the thigh)
        adds nothing."""
        if len(answers) < 2:
            return answers
        # The chains that extend the relation by one more step (located in, then part of).
        steps = set()
        for reading in readings:
            for hop in reading.hops:
                prop = self.lex.properties.get(hop.prop)
                if hop.object == reading.answer and prop is not None:
                    steps |= {chain[1] for chain in prop.chains if len(chain) == 2 and chain[0] == hop.prop}
        iris = {a.iri for a in answers}
        redundant = {row["a"].value for step in sorted(steps) for row in self.graph.select(sparql.via(step, sorted(iris)))
                     if row["a"].value != row["b"].value}
        return [a for a in answers if not (a.inferred and a.iri in redundant)]

    def _member_why(self, reading: Reading, iri: str) -> tuple[str, bool, list[str]]:
        cls = reading.nodes[reading.answer].cls
        return (f"{self.lex.label(iri)} is {_a(self.lex.label(cls))} in the graph" if cls else "in the graph"), False, []

    def _triples(self, reading: Reading, row: dict) -> list[tuple[str, str, str]]:
        def value(name):
            node = reading.nodes[name]
            return node.iri if node.iri else row[name].value

        return [(value(h.subject), h.prop, value(h.object)) for h in reading.hops]

    def _relation_label(self, reading: Reading) -> str:
        return " / ".join(self.lex.label(h.prop) for h in reading.hops)

    def _relation_text(self, frame: Frame, answers: list[Item], via: dict, found_by: dict) -> str:
        names = _join([a.label for a in answers])
        if frame.type == "list":
            cls = frame.readings[0].nodes["answer"].cls
            return f"{self.lex.label(cls).capitalize()} ({len(answers)}): {names}." if answers else \
                f"I don't know any {self.lex.label(cls)} in the graph."
        reading = frame.readings[0]
        if frame.type == "count" and answers:
            return f"{len(answers)}: {names}."
        if not answers:
            return f"I don't know: the graph does not say {self._asked(reading)}. " + self._can_answer()
        if len(reading.hops) == 1 and len(frame.readings) == 1:
            hop = reading.hops[0]
            entity_is_subject = reading.nodes[hop.subject].iri is not None
            entity = reading.nodes[hop.subject if entity_is_subject else hop.object].iri
            prop = self.lex.properties.get(hop.prop)
            if entity is not None:
                if entity_is_subject:
                    label = prop.label if prop else self.lex.label(hop.prop)
                else:
                    inverse = self.lex.properties.get(prop.inverse) if prop and prop.inverse else None
                    label = inverse.label if inverse else f"is the object of '{prop.label if prop else hop.prop}' for"
                return f"{self.lex.label(entity)}: {label} {names}."
        if len(frame.readings) == 1 and len(reading.hops) > 1 and "n0" in reading.nodes and \
                sum(1 for n in reading.nodes.values() if n.iri) == 1:
            return self._chain_text(reading, via, names)
        if all(len(r.hops) == 1 for r in frame.readings) and any(
                r.nodes[h.subject].iri or r.nodes[h.object].iri for r in frame.readings for h in r.hops):
            return self._grouped_text(frame, answers, found_by)
        return f"{self._describe(frame.readings[0])}: {names}."

    def _grouped_text(self, frame: Frame, answers: list[Item], found_by: dict) -> str:
        """Several relations around one entity: 'inner thighs: strengthening improves ...; ...'."""
        parts = []
        for k, reading in enumerate(frame.readings):
            hop = reading.hops[0]
            entity_is_subject = reading.nodes[hop.subject].iri is not None
            entity = reading.nodes[hop.subject if entity_is_subject else hop.object].iri
            prop = self.lex.properties.get(hop.prop)
            if prop is not None and not entity_is_subject and prop.inverse in self.lex.properties:
                prop = self.lex.properties[prop.inverse]
            label = prop.label if prop else self.lex.label(hop.prop)
            mine = [a.label for a in answers if k in found_by.get(a.iri, ())]
            if mine:
                parts.append((self.lex.label(entity), f"{label} {_join(mine)}"))
        if not parts:
            return ""
        subjects = list(dict.fromkeys(s for s, _ in parts))
        if len(subjects) == 1:
            return f"{subjects[0]}: " + "; ".join(p for _, p in parts) + "."
        return "; ".join(f"{s}: {p}" for s, p in parts) + "."

    def _chain_text(self, reading: Reading, via: dict, names: str) -> str:
        """'sprinting engages glutes and hamstrings; those are strengthened by: ...'"""
        parts, previous = [], None
        for i, hop in enumerate(reading.hops):
            here = hop.object if hop.subject in ("n0", previous) else hop.subject
            forward = hop.subject in ("n0", previous)
            prop = self.lex.properties.get(hop.prop)
            label = prop.label if forward or prop is None else \
                (self.lex.properties[prop.inverse].label if prop.inverse in self.lex.properties else prop.label)
            start = self.lex.label(reading.nodes["n0"].iri) if i == 0 and reading.nodes["n0"].iri else "those"
            if here == reading.answer:
                parts.append(f"{label}: {names}" if i else f"{start} {label}: {names}")
            else:
                found = sorted((self.lex.label(x) for x in via.get(here, {})), key=str.lower)
                parts.append(f"{label} {_join(found)}" if i else f"{start} {label} {_join(found)}")
            previous = here
        return " → ".join(parts) + "."

    def _details(self, answers: list[Item]) -> str:
        """The definition and literal facts of answers that carry them (advice: minutes, how often).

        Only for a short answer: a long list is names, not descriptions.
        """
        lines = []
        if len(answers) > 10:
            return ""
        for item in answers:
            rows = self.graph.select(sparql.values(item.iri))
            facts = sorted(f"{self.lex.label(r['p'].value)}: {r['value'].value}" for r in rows)
            if facts:
                definition = self._definition_of(item.iri)
                lines.append(f" {item.label[0].upper() + item.label[1:]}: " + (f"{definition} " if definition else "")
                             + "(" + "; ".join(facts) + ").")
        return "".join(lines)

    def _asked(self, reading: Reading) -> str:
        """What a reading asks, in words: 'what relieves tightness of glutes', 'which muscles sprinting
        engages'."""
        hop = next((h for h in reading.hops if reading.answer in (h.subject, h.object)), reading.hops[0])
        other = hop.object if hop.subject == reading.answer else hop.subject
        node = reading.nodes[reading.answer]
        what = f"which {self.lex.label(node.cls)}" if node.cls else "what"
        if reading.nodes[other].iri is None:
            return f"{what} {self._describe(reading)}"
        name = self.lex.label(reading.nodes[other].iri)
        prop = self.lex.label(hop.prop)
        return f"{what} {prop} {name}" if hop.subject == reading.answer else f"{what} {name} {prop}"

    def _describe(self, reading: Reading) -> str:
        parts = []
        for hop in reading.hops:
            left = self._node_text(reading, hop.subject)
            right = self._node_text(reading, hop.object)
            parts.append(f"{left} {self.lex.label(hop.prop)} {right}")
        return "; ".join(parts)

    def _node_text(self, reading: Reading, name: str) -> str:
        node = reading.nodes[name]
        if node.iri:
            return self.lex.label(node.iri)
        if name == reading.answer:
            return "what" if node.cls is None else f"which {self.lex.label(node.cls)}"
        return f"any {self.lex.label(node.cls)}" if node.cls else "something"

    # -- provenance ----------------------------------------------------------------------------

    def _provenance(self, triples) -> tuple[str, bool, list[str]]:
        """(why, inferred, source titles) for the facts behind one answer."""
        whys, inferred, titles = [], False, []
        for s, p, o in triples:
            why, was_inferred, found = self._fact(s, p, o)
            whys.append(why if len(triples) == 1 else f"{self._say(s, p, o)} ({why})")
            inferred = inferred or was_inferred
            titles.extend(found)
        return "; ".join(whys), inferred, list(dict.fromkeys(titles))

    def _fact(self, s: str, p: str, o: str, depth: int = 0) -> tuple[str, bool, list[str]]:
        found = origin(self.graph, s, p, o)
        stated, titles, parts = found.stated, list(found.sources), []
        if stated:
            parts.append("stated in " + ", ".join(f"“{t}”" for t in titles) if titles else
                         "stated in the graph (no source given)")
        rules = list(found.rules)
        if stated and depth == 0 and self._chain_premises(s, p, o):
            # A stated fact is kept once, in the stated graph; the domain rule it also follows from
            # is worth quoting ("an exercise that strengthens a muscle ... helps prevent ...").
            rules = [terms.CHAIN_RULE.value]
        if rules and depth == 0:
            reason = self._inference(s, p, o, rules[0])
            parts.append(("also inferred: " if stated else "inferred: ") + reason)
        if not parts:
            parts.append("inferred")
        return "; ".join(parts), not stated, titles

    def _inference(self, s: str, p: str, o: str, rule: str) -> str:
        rule_label = self.lex.label(rule)
        premises: list[tuple[str, str, str]] = []
        note = None
        if rule == terms.CHAIN_RULE.value:
            prop = self.lex.properties.get(p)
            note = prop.note if prop else None
            premises = self._chain_premises(s, p, o)
        elif rule == terms.INVERSE_RULE.value:
            prop = self.lex.properties.get(p)
            if prop and prop.inverse:
                premises = [(o, prop.inverse, s)]
        elif rule == terms.SYMMETRIC_RULE.value:
            premises = [(o, p, s)]
        elif rule == terms.SUBPROPERTY_RULE.value:
            rows = self.graph.select(sparql.subproperty_premises(s, p, o))
            premises = [(s, _first(rows)["q"].value, o)] if rows else []
        elif rule == terms.TRANSITIVE_RULE.value:
            rows = self.graph.select(sparql.transitive_premises(s, p, o))
            middle = _first(rows)["x"].value if rows else None
            premises = [(s, p, middle), (middle, p, o)] if rows else []
        facts = []
        for ps, pp, po in premises:
            why, _, _ = self._fact(ps, pp, po, depth=1)
            facts.append(f"{self._say(ps, pp, po)} ({why})")
        text = f"{rule_label}: " + " and ".join(facts) if facts else rule_label
        return text + (f"; {note}" if note else "")

    def _chain_premises(self, s: str, p: str, o: str) -> list[tuple[str, str, str]]:
        """The facts a property chain of ``p`` joins to reach (s, p, o), if any chain does."""
        prop = self.lex.properties.get(p)
        for steps in (prop.chains if prop else []):
            rows = self.graph.select(sparql.chain_premises(s, steps, o))
            if rows:
                row = _first(rows)
                nodes = [s, *[row[f"x{i}"].value for i in range(1, len(steps))], o]
                return [(nodes[i], step, nodes[i + 1]) for i, step in enumerate(steps)]
        return []

    def _say(self, s: str, p: str, o: str) -> str:
        return f"{self.lex.label(s)} {self.lex.label(p)} {self.lex.label(o)}"

    # -- yes / no ------------------------------------------------------------------------------

    def _yes_no(self, frame: Frame) -> Answer:
        entities = self._entities(frame)
        if not frame.checks:
            return self._not_understood(frame)
        check = frame.checks[0]
        query = sparql.check(check) if check.kind != "exists" else "\n\n".join(sparql.select(r) for r in frame.readings)
        boolean, items, text = None, [], ""
        if check.kind == "exists":
            result = self._relation(frame)
            items = result.answers
            boolean = True if items else None
            text = (f"Yes: {items[0].why}." if items else
                    f"Not known: the graph does not say {self._asked(frame.readings[0])}.")
            query = result.sparql
        elif check.kind == "type":
            cls = check.object
            if self.lex.is_a(check.subject, cls):
                boolean = True
                text = f"Yes: {self.lex.label(check.subject)} is {_a(self.lex.label(cls))}."
            elif any(self.lex.disjoint_with(t, cls) for t in self.lex.entity(check.subject).types
                     if t in self.lex.classes):
                boolean = False
                own = self.lex.specific_type(check.subject)
                text = (f"No: {self.lex.label(check.subject)} is {_a(self.lex.label(own))}, and the graph says "
                        f"nothing is both {_a(self.lex.label(own))} and {_a(self.lex.label(cls))}.")
            else:
                text = (f"Not known: the graph does not say whether {self.lex.label(check.subject)} "
                        f"is {_a(self.lex.label(cls))}.")
        elif check.kind == "value":
            rows = self.graph.select(query)
            values = [r["value"].value for r in rows]
            prop = self.lex.label(check.prop)
            if values in (["true"], ["1"]):
                boolean, text = True, f"Yes: the graph says {self.lex.label(check.subject)} {prop}: true."
            elif values in (["false"], ["0"]):
                boolean, text = False, f"No: the graph says {self.lex.label(check.subject)} {prop}: false."
            else:
                text = f"Not known: the graph has no value for {self.lex.label(check.subject)} {prop}."
            if rows:
                why, _, sources = self._fact_value(check.subject, check.prop, rows[0]["value"])
                items = [Item(check.subject, self.lex.label(check.subject), self.lex.specific_type(check.subject),
                              False, sources, why)]
                if boolean is not None:
                    text = f"{'Yes' if boolean else 'No'}: {self._says_value(check.subject, check.prop, boolean)} ({why})."
        elif check.kind == "same":
            (first, _), (second, _) = frame.entities[:2]
            boolean = True
            label = self.lex.label(check.subject)
            items = [Item(check.subject, label, self.lex.specific_type(check.subject), False, [], "names in the graph")]
            text = f"Yes: “{first.text}” and “{second.text}” are names for the same thing, {label}."
        elif check.state is not None:
            state, entity = self.lex.label(check.state.iris[0]), next(
                self.lex.label(i) for i in (check.subject, check.object) if any(i in m.iris for m in check.uses
                                                                                if m.kind == "entity"))
            other = check.object if entity == self.lex.label(check.subject) else check.subject
            text = (f"Not known: the graph says nothing of {state} of the {entity} in relation to "
                    f"{self.lex.label(other)}.")
        else:
            boolean, items, text = self._triple_truth(frame.checks)
            if boolean is None:
                boolean, items, text = self._possible(frame) or (boolean, items, text)
            for given in frame.given:
                holds, _, _ = self._triple_truth([given])
                if not holds:  # what the question takes as given is not in the graph
                    boolean, items = None, []
                    text = (f"Not known: the question takes as given that {self._say(given.subject, given.prop, given.object)}"
                            ", and the graph does not say so.")
            if boolean and frame.alone:
                c = frame.checks[0]
                boolean = None
                text = (f"Not known: the graph says {self._say(c.subject, c.prop, c.object)} ({items[0].why}), "
                        f"but not whether {self.lex.label(c.subject)} does so by itself.")
        return Answer(frame.parse.question, True, "yesno", entities, query, items, boolean, None, text,
                      [], frame.explain)

    def _triple_truth(self, checks) -> tuple[bool | None, list[Item], str]:
        """Yes if the graph holds a checked triple; no if it denies it; otherwise not known."""
        for check in checks:
            found = [t for t in self._triples_of(check) if self.graph.ask(sparql.ask_triple(*t))]
            if found:
                s, p, o = min(found)
                why, inferred, sources = self._fact(s, p, o)
                item = Item(o, self.lex.label(o), self.lex.specific_type(o), inferred, sources, why,
                            self.lex.label(p))
                if check.via:
                    end = s if check.via[0] == "subject" else o
                    named = check.subject if check.via[0] == "subject" else check.object
                    what = f"{self.lex.label(end)} ({self._say(end, check.via[1], named)})"
                    said = f"{what} {self.lex.label(p)} {self.lex.label(o)}" if check.via[0] == "subject" else \
                        f"{self.lex.label(s)} {self.lex.label(p)} {what}"
                    return True, [item], f"Yes: {said} ({why})."
                return True, [item], f"Yes: {self._say(s, p, o)} ({why})."
        for check in checks:
            rows = self.graph.select(sparql.denied(check.subject, check.prop, check.object))
            if rows:
                r = _first(rows)
                titles = sorted({x["title"].value for x in rows if "title" in x})
                why = "stated in " + ", ".join(f"“{t}”" for t in titles) if titles else "stated in the graph"
                note = f" {r['note'].value}" if "note" in r else ""
                s, p, o = r["s"].value, r["p"].value, r["o"].value
                item = Item(o, self.lex.label(o), self.lex.specific_type(o), False, titles, why, self.lex.label(p))
                return False, [item], f"No: the graph says {self.lex.label(s)} {negate(self.lex.label(p))} " \
                                      f"{self.lex.label(o)} ({why}).{note}"
            if check.prop and self.lex.properties[check.prop].asymmetric and \
                    self.graph.ask(sparql.ask_triple(check.object, check.prop, check.subject)):
                why, _, sources = self._fact(check.object, check.prop, check.subject)
                item = Item(check.object, self.lex.label(check.object), self.lex.specific_type(check.object), False,
                            sources, why, self.lex.label(check.prop))
                return False, [item], (f"No: the graph says the reverse, {self._say(check.object, check.prop, check.subject)}"
                                       f" ({why}), and that relation only holds one way.")
        c = checks[0]
        return None, [], (f"Not known: the graph does not say whether {self.lex.label(c.subject)} "
                          f"{self.lex.label(c.prop)} {self.lex.label(c.object)}.")

    def _triples_of(self, check) -> list[tuple[str, str, str]]:
        """The triples a check asks about; for a name standing for what a kg:proxy relation links
        to it, one per thing so linked."""
        if not check.via:
            return [(check.subject, check.prop, check.object)]
        side, prop = check.via
        named = check.subject if side == "subject" else check.object
        linked = sorted(r["x"].value for r in self.graph.select(sparql.linked(prop, named)))
        return [(x, check.prop, check.object) if side == "subject" else (check.subject, check.prop, x) for x in linked]

    def _possible(self, frame: Frame):
        """When no fact settles it, a yes/no value the graph holds on a named entity may ('is X possible')."""
        for _, entity in frame.entities:
            rows = self.graph.select(
                f"SELECT ?p ?value WHERE {{ {sparql.iri(entity)} ?p ?value . "
                f"?p a owl:DatatypeProperty ; rdfs:range xsd:boolean }}")
            if len(rows) == 1:
                value, prop = rows[0]["value"].value in ("true", "1"), rows[0]["p"].value
                why, _, sources = self._fact_value(entity, prop, rows[0]["value"])
                item = Item(entity, self.lex.label(entity), self.lex.specific_type(entity), False, sources, why)
                return value, [item], f"{'Yes' if value else 'No'}: {self._says_value(entity, prop, value)} ({why})."
        return None

    def _says_value(self, entity: str, prop: str, value: bool) -> str:
        """'the graph says spot reduction is not possible' from the property label 'is possible'."""
        label = self.lex.label(prop)
        if label.startswith("is "):
            return f"the graph says {self.lex.label(entity)} is {'' if value else 'not '}{label[3:]}"
        return f"the graph says {self.lex.label(entity)} {label}: {'true' if value else 'false'}"

    def _fact_value(self, s: str, p: str, value) -> tuple[str, bool, list[str]]:
        rows = self.graph.select(
            f"SELECT DISTINCT ?title WHERE {{ ?st rdf:subject {sparql.iri(s)} ; rdf:predicate {sparql.iri(p)} ; "
            f"rdf:object {value} ; dcterms:source/dcterms:title ?title }}")
        titles = sorted({r["title"].value for r in rows})
        return ("stated in " + ", ".join(f"“{t}”" for t in titles) if titles else "stated in the graph"), False, titles

    # -- values ----------------------------------------------------------------------------------

    def _value(self, frame: Frame) -> Answer:
        """A literal value of what the question names (minutes, how often), with its source."""
        queries, subjects = [], []
        for reading in frame.readings:
            node = reading.nodes[reading.answer]
            if node.iri:
                subjects.append(node.iri)
            else:
                queries.append(sparql.select(reading))
                subjects += [row[reading.answer].value for row in sorted(self.graph.select(queries[-1]), key=row_key)
                             if isinstance(row.get(reading.answer), NamedNode)]
        prop, label = frame.value_prop, self.lex.label(frame.value_prop)
        items, parts, count = [], [], None
        for subject in dict.fromkeys(subjects):
            queries.append(sparql.value(subject, prop))
            for row in self.graph.select(queries[-1]):
                why, _, sources = self._fact_value(subject, prop, row["value"])
                items.append(Item(subject, self.lex.label(subject), self.lex.specific_type(subject), False, sources,
                                  why, label))
                parts.append(f"{_capital(self.lex.label(subject))}: {label}: {row['value'].value} ({why})")
                # "how many minutes", "how long": a number asked for is the answer itself.
                asks_amount = frame.parse.counting or (frame.parse.qword or "").startswith("how ")
                if asks_amount and row["value"].value.isdigit():
                    count = int(row["value"].value)
        entities = self._entities(Frame(frame.type, frame.parse, frame.entities, frame.readings))
        if not items:
            text = f"I don't know: the graph gives no {label} for this. " + self._can_answer()
        else:
            text = (f"{count}. " if count is not None else "") + "; ".join(parts) + "."
        return Answer(frame.parse.question, True, "value", entities, "\n\n".join(queries), items, None, count, text,
                      [], frame.explain)

    # -- definitions and paths -----------------------------------------------------------------

    def _definition_of(self, entity: str) -> str | None:
        rows = self.graph.select(sparql.describe(entity))
        return next((r["definition"].value for r in rows if "definition" in r), None)

    def _definition(self, frame: Frame) -> Answer:
        _, entity = frame.entities[0]
        query = sparql.describe(entity)
        rows = self.graph.select(query)
        definition = next((r["definition"].value for r in rows if "definition" in r), None)
        names = sorted({r["name"].value for r in rows if "name" in r}, key=str.lower)
        label, cls = self.lex.label(entity), self.lex.specific_type(entity)
        text = f"{label} ({self.lex.label(cls)})" if cls else label
        text += f": {definition}" if definition else ": the graph has no definition for it."
        if names:
            text += " Also called: " + ", ".join(names) + "."
        item = Item(entity, label, cls, False, [], "definition in the graph" if definition else "")
        return Answer(frame.parse.question, True, "definition", self._entities(frame), query, [item], None, None,
                      text, [], frame.explain)

    def _path(self, frame: Frame) -> Answer:
        from kg.network import paths, render_path

        (_, a), (_, b) = frame.entities[:2]
        found = paths(self.graph, a, b, limit=3)
        entities = self._entities(frame)
        if not found:
            return Answer(frame.parse.question, True, "path", entities, None, [], None, None,
                          f"I don't know of any connection between {self.lex.label(a)} and {self.lex.label(b)} "
                          "in the graph.", [], frame.explain)
        items, lines = [], []
        for path in found:
            lines.append(render_path(path))
        for node in dict.fromkeys(n for path in found for n in path.nodes):
            items.append(Item(node, self.lex.label(node), self.lex.specific_type(node), False, [], "on a path"))
        text = f"{self.lex.label(a)} and {self.lex.label(b)} are connected: " + " | ".join(lines)
        return Answer(frame.parse.question, True, "path", entities, None, items, None, None, text, [],
                      frame.explain)

    # -- not understood ------------------------------------------------------------------------

    def _not_understood(self, frame: Frame) -> Answer:
        labels = [self.lex.label(c) for c in frame.candidates]
        if frame.type == "ambiguous":
            text = (f"I don't know which you mean: {frame.unknown!r} could be " + _join(labels, "or")
                    + ". Ask again naming one of them.")
            suggestions = labels
        elif frame.type == "unknown_term":
            text = f"I don't know the term {frame.unknown!r}: it is not in the graph."
            text += (" Closest known terms: " + ", ".join(labels) + ".") if labels else " " + self._can_answer()
            suggestions = labels
        elif frame.type == "out_of_domain":
            text = "I don't know: that is outside what this graph covers. " + self._can_answer()
            suggestions = self._examples()
        else:
            reason = f" ({frame.reason})" if frame.reason else ""
            text = f"I don't know: I did not understand the question{reason}. " + self._can_answer()
            suggestions = self._examples()
        return Answer(frame.parse.question, False, frame.type, self._entities(frame), None, [], None, None, text,
                      suggestions, frame.explain)

    def _examples(self) -> list[str]:
        return self.lex.examples[:2]

    def _can_answer(self) -> str:
        examples = self._examples()
        about = self.lex.about.rstrip(".")
        topic = f"about {about[0].lower() + about[1:]}" if about else "about what the graph holds"
        if not examples:
            return f"I can answer questions {topic}."
        return f"I can answer questions {topic}, for example: " + " or ".join(f"“{q}”" for q in examples) + "."

    def _entities(self, frame: Frame) -> list[dict]:
        if frame.entities:
            pairs = frame.entities
        else:
            pairs = []
            for reading in frame.readings[:1]:
                for node in reading.nodes.values():
                    if node.iri:
                        mention = next((m for m in frame.parse.of("entity") if node.iri in m.iris), None)
                        if mention:
                            pairs.append((mention, node.iri))
        return [{"text": m.text, "iri": iri, "label": self.lex.label(iri)} for m, iri in pairs]


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]


def _a(noun: str) -> str:
    return ("an " if noun[:1].lower() in "aeiou" else "a ") + noun


def _join(words: list[str], last: str = "and") -> str:
    if len(words) <= 1:
        return "".join(words)
    return ", ".join(words[:-1]) + f" {last} " + words[-1]


def _first(rows: list[dict]) -> dict:
    """The first of some rows in a fixed order: engines (and runs) may return rows in any order."""
    return min(rows, key=row_key)
