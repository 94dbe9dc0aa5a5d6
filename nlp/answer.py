"""Frame -> Answer: run the queries, and find for every item where it comes from.

An item is stated when the graph holds its triple outside the rule graphs (its rdf:Statement names
the article), and inferred when only a rule made it (then the facts the rule used are looked up).
Nothing reaches an answer that a query did not return from the graph; nlp/verbalize.py words it.
"""

from dataclasses import dataclass, field

from pyoxigraph import NamedNode

from kg import terms
from kg.provenance import mentioned_in, origin
from kg.store import row_key

from . import compile as sparql
from .frame import Frame, Reading
from .lexicon import Lexicon
from .verbalize import Verbalizer


@dataclass
class Item:
    iri: str
    label: str
    type: str | None
    inferred: bool
    sources: list[str]
    why: str
    relation: str | None = None
    brief: str = ""  # why, with each inference as how many facts it follows from (the default text)


@dataclass(frozen=True)
class Reason:
    """Where a fact or an answer comes from: ``why`` in full (every premise of an inference, with
    its sources), ``brief`` with an inference only counted."""

    why: str
    brief: str
    inferred: bool = False
    sources: tuple[str, ...] = ()


@dataclass
class Advice:
    """The follow-up a coach would give after an answer: the things that relate to some of its
    answers by their next step's relation (kg:nextStep, or a problem's kg:remedy)."""

    text: str
    property: str
    about: list[str]
    answers: list[Item]


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
    advice: Advice | None = None

    def to_json(self) -> dict:
        """The documented JSON shape of ``kg ask --json`` (written out: dataclasses.asdict deep-copies,
        and was a tenth of a warm question's time)."""
        advice = self.advice
        return {"question": self.question, "understood": self.understood, "type": self.type,
                "entities": [dict(e) for e in self.entities], "sparql": self.sparql,
                "answers": [_item_json(a) for a in self.answers], "boolean": self.boolean, "count": self.count,
                "text": self.text, "suggestions": list(self.suggestions),
                "advice": None if advice is None else {
                    "text": advice.text, "property": advice.property, "about": list(advice.about),
                    "answers": [_item_json(a) for a in advice.answers]}}


def _item_json(item: Item) -> dict:
    data = {"iri": item.iri, "label": item.label, "type": item.type, "inferred": item.inferred,
            "sources": list(item.sources), "why": item.why}
    if item.relation is not None:
        data["relation"] = item.relation
    return data


class Answerer:
    """Runs frames against one graph; holds the graph and lexicon so each question costs little."""

    def __init__(self, graph, lexicon: Lexicon):
        self.graph = graph
        self.lex = lexicon
        self.say = Verbalizer(lexicon)
        self._steps: dict[str, dict[str, str]] | None = None  # thing or class -> {"next"/"remedy": property}

    # -- entry point ---------------------------------------------------------------------------

    def answer(self, frame: Frame) -> Answer:
        kind = frame.type
        handler = {
            "relation": self._relation, "count": self._relation, "list": self._relation,
            "yesno": self._yes_no, "definition": self._definition, "path": self._path, "value": self._value,
            "names": self._names,
        }.get(kind, self._not_understood)
        asked = frame.parse.question.lower()
        self.say.begin(sorted(self._entities(frame), key=lambda e: asked.find(e["text"].lower())))  # as typed, in order
        answer = handler(frame)
        answer.text = answer.text[:1].upper() + answer.text[1:]
        if answer.understood and answer.answers and answer.type in ("relation", "count", "yesno"):
            answer.advice = self._advice(answer)
        answer.explain = list(dict.fromkeys(answer.explain))
        return answer

    # -- list questions ------------------------------------------------------------------------

    def _relation(self, frame: Frame) -> Answer:
        """Answers of the best tier of readings. A lower tier is a less likely meaning, so when the
        best finds nothing the answer is "not known", never what a worse reading would find."""
        answer = self._run(frame, frame.readings)
        for given in frame.given:
            holds, _, _, _ = self._triple_truth([given])
            if not holds:  # what the question takes as given is not in the graph
                answer.answers, answer.count = [], None
                answer.text = self.say.given_missing(given.subject, given.prop, given.object)
        return answer

    def _run(self, frame: Frame, readings: list[Reading]) -> Answer:
        queries, items, via, found_by = [], {}, {}, {}
        within = frame.within
        if frame.members_of is not None:
            # "which thigh muscles ...": only the group's members answer.
            member_of = [p.iri for p in self.lex.properties.values() if p.membership]
            queries.append(sparql.members(frame.members_of.iris[0], member_of))
            found = {row["m"].value for row in self.graph.select(queries[-1])}
            within = found if within is None else within & found
        for k, reading in enumerate(readings):
            query = sparql.select(reading)
            queries.append(query)
            # Sorted, so the reasons given for an answer read the same whatever engine returned the rows.
            for row in sorted(self.graph.select(query), key=row_key):
                answer = row.get(reading.answer)
                if not isinstance(answer, NamedNode) or not self.lex.has_entity(answer.value):
                    continue
                if within is not None and answer.value not in within:
                    continue
                if any(answer.value in m.iris for m in frame.excluded):
                    frame.explain.append(f"left out, as asked: {self.lex.label(answer.value)}")
                    continue
                if answer.value in frame.setting:
                    # "when do the quads engage during a run?": the run is given, not an answer.
                    frame.explain.append(self.say.setting(answer.value))
                    continue
                for name, term in row.items():
                    if name != reading.answer:
                        via.setdefault(name, {})[term.value] = None
                item = items.get(answer.value)
                triples = self._triples(reading, row)
                if triples:
                    reason = self._provenance(triples)
                else:
                    member = self.say.member(answer.value, reading.nodes[reading.answer].cls)
                    reason = Reason(member, member)
                relation = self._relation_label(reading) if len(readings) > 1 else None
                found_by.setdefault(answer.value, set()).add(k)
                if item is None:
                    items[answer.value] = self._item(answer.value, reason, relation)
                else:
                    item.inferred = item.inferred and reason.inferred
                    item.sources = list(dict.fromkeys(item.sources + list(reason.sources)))
                    if reason.why not in item.why.split("; "):
                        item.why = f"{item.why}; {reason.why}"
                    if reason.brief not in item.brief.split("; "):
                        item.brief = f"{item.brief}; {reason.brief}"
                    if relation and relation not in (item.relation or ""):
                        item.relation = f"{item.relation}, {relation}" if item.relation else relation
        answers = self._most_specific(readings, sorted(items.values(), key=lambda i: i.label.lower()),
                                      {i for m in frame.excluded for i in m.iris})
        shown = Frame(frame.type, frame.parse, frame.entities, readings)
        entities = self._entities(shown)
        text = self.say.relation(frame.type, readings, [a.label for a in answers], via, found_by, answers) \
            + self._details(answers)
        acted_on = self._states_acted_on(frame, readings, answers, found_by)
        if acted_on:
            answers, of = acted_on
            text = self.say.states_of(of) + " " + text[:1].upper() + text[1:]
        # None found is not "none exist": the graph may simply not record them (open world).
        count = len(answers) if frame.type == "count" and answers else None
        suggestions = [] if answers else self.say.examples()
        return Answer(frame.parse.question, True, frame.type, entities, "\n\n".join(queries), answers,
                      None, count, text, suggestions, frame.explain)

    def _states_acted_on(self, frame: Frame, readings: list[Reading], answers: list[Item], found_by: dict):
        """ "What does foam rolling relieve?": through a relation that acts on its object's state
        (kg:objectInState), what is relieved is the tightness, of the hamstrings. The state items,
        when every answer was reached so and the question names no class or state; else None."""
        if not answers or any(m.kind in ("state", "class") for m in frame.parse.mentions):
            return None
        states = {}
        for item in answers:
            found = [readings[k] for k in sorted(found_by.get(item.iri, ()))]
            reaching = [[h for h in r.hops if h.object == r.answer] for r in found]
            if not found or any(len(hops) != 1 for hops in reaching):
                return None
            acted = {self._acts_on_state(hops[0]) for hops in reaching}
            if len(acted) != 1 or None in acted:
                return None
            state = acted.pop()
            states.setdefault(state, []).append(item)
        items = []
        for state, of in states.items():
            first = of[0]
            item = self._item(state, Reason(first.why, first.brief, first.inferred, tuple(first.sources)), first.relation)
            for other in of[1:]:
                item.why, item.brief = f"{item.why}; {other.why}", f"{item.brief}; {other.brief}"
                item.sources = list(dict.fromkeys(item.sources + other.sources))
            items.append(item)
        return items, [(state, [i.label for i in of]) for state, of in states.items()]

    def _acts_on_state(self, hop) -> str | None:
        """The state a hop's relation acts on, when the words that name it take the state as their
        object ("relieve", or a general "help with"), not the thing in it ("loosen up")."""
        prop = self.lex.properties.get(hop.prop)
        if prop is None or prop.object_state is None or hop.mention is None:
            return None
        typed = " ".join(self.lex.lemma(w) for w in hop.mention.text.lower().split())
        phrases = {" ".join(self.lex.lemma(w) for w in p.lower().split()) for p in prop.state_phrases}
        return prop.object_state if hop.mention.general or typed in phrases else None

    def _most_specific(self, readings: list[Reading], answers: list[Item], left_out=frozenset()) -> list[Item]:
        """Leave out an answer that only follows from another one: asked where the hamstrings are,
        "the back of the thigh" says it, and "the thigh" (inferred: that back is part of the thigh)
        adds nothing; asked which muscles make up the thigh muscles, the glutes say it, and the
        gluteus maximus (a member of a member: the relation is transitive) adds nothing. And a
        group listed beside all of its members (or those the question left out: ``left_out``)."""
        if len(answers) < 2:
            return answers
        # The steps that extend the relation by one more: a chain (located in, then part of), or
        # the relation itself when it is transitive; ``inward`` when the answer is the subject.
        steps, inward = set(), set()
        for reading in readings:
            for hop in reading.hops:
                prop = self.lex.properties.get(hop.prop)
                if prop is None:
                    continue
                if hop.object == reading.answer:
                    steps |= {chain[1] for chain in prop.chains if len(chain) == 2 and chain[0] == hop.prop}
                    steps |= {hop.prop} if prop.transitive else set()
                elif hop.subject == reading.answer and prop.transitive:
                    inward.add(hop.prop)
        iris = sorted({a.iri for a in answers})
        redundant = {row["a" if step in steps else "b"].value for step in sorted(steps | inward)
                     for row in self.graph.select(sparql.via(step, iris)) if row["a"].value != row["b"].value}
        kept = [a for a in answers if not (a.inferred and a.iri in redundant)]
        # A group whose members are all answers too adds nothing ("which muscles does running
        # work?": the thigh muscles, beside the quadriceps, hamstrings, glutes and adductors); in
        # a list of what there is, it is one more thing.
        member_of = [p.iri for p in self.lex.properties.values() if p.membership]
        members: dict[str, set[str]] = {}
        if member_of and len(kept) > 2 and any(r.hops for r in readings):
            for row in self.graph.select(sparql.members_among([a.iri for a in kept], member_of)):
                members.setdefault(row["whole"].value, set()).add(row["member"].value)
        listed = {a.iri for a in kept} | set(left_out)
        return [a for a in kept if not (len(members.get(a.iri, ())) >= 2 and members[a.iri] <= listed)]

    def _triples(self, reading: Reading, row: dict) -> list[tuple[str, str, str]]:
        def value(name):
            node = reading.nodes[name]
            return node.iri if node.iri else row[name].value

        return [(value(h.subject), h.prop, value(h.object)) for h in reading.hops]

    def _relation_label(self, reading: Reading) -> str:
        return " / ".join(self.lex.label(h.prop) for h in reading.hops)

    def _details(self, answers: list[Item]) -> str:
        """The definition and literal facts of answers that carry them (advice: minutes, how often).

        Only for a short answer: a long list is names, not descriptions.
        """
        if len(answers) > 10:
            return ""
        lines = []
        for item in answers:
            facts = [(r["p"].value, r["value"].value) for r in self.graph.select(sparql.values(item.iri))]
            if facts:
                lines.append(self.say.details(item.label, self._definition_of(item.iri), facts))
        return "".join(lines)

    def _advice(self, answer: Answer) -> Advice | None:
        """The next step for the answers that have one: the largest group of answers sharing a
        next-step relation, and what relates to them by it, leaving out what the question or the
        answer already named."""
        groups: dict[str, list[str]] = {}
        for item in answer.answers:
            step = self._next_step(item.iri)
            if step:
                groups.setdefault(step, []).append(item.iri)
        if not groups:
            return None
        prop, about = max(groups.items(), key=lambda group: len(group[1]))
        known = {a.iri for a in answer.answers} | {e["iri"] for e in answer.entities}
        found: dict[str, dict[tuple[str, str, str], set[str]]] = {}
        for row in self.graph.select(sparql.subjects(prop, about)):
            a = row["a"]
            if isinstance(a, NamedNode) and self.lex.has_entity(a.value) and a.value not in known:
                titles = found.setdefault(a.value, {}).setdefault((a.value, prop, row["x"].value), set())
                if "title" in row:
                    titles.add(row["title"].value)
        if not found:
            return None
        items = sorted((self._item(a, self._sourced(facts)) for a, facts in found.items()), key=lambda i: i.label.lower())
        sources = list(dict.fromkeys(t for i in items for t in i.sources))
        return Advice(self.say.advice(prop, about, [i.label for i in items], sources), prop, about, items)

    def _next_step(self, iri: str) -> str | None:
        """The relation giving a thing's next step: its own kg:nextStep, its class's, its own
        kg:remedy, its class's (the graph's annotations, read once)."""
        if self._steps is None:
            self._steps = {}
            for row in self.graph.select(sparql.NEXT_STEPS):
                self._steps.setdefault(row["x"].value, {}).setdefault(row["kind"].value, row["p"].value)
        entity = self.lex.entity(iri)
        # Most specific class first: a class's own next step overrides one it inherits.
        classes = sorted({c for t in (entity.types if entity else []) for c in self.lex.ancestors(t)},
                         key=lambda c: (-len(self.lex.ancestors(c)), c))
        for kind in ("next", "remedy"):
            for x in [iri, *classes]:
                if kind in self._steps.get(x, {}):
                    return self._steps[x][kind]
        return None

    def _sourced(self, facts: dict[tuple[str, str, str], set[str]]) -> Reason:
        """Where some facts come from, given the titles already found for each: a fact with none
        is looked up (stated with no source, or inferred); no inference's premises are."""
        titles = tuple(sorted({t for found in facts.values() for t in found}))
        stated = bool(titles) or any(origin(self.graph, *fact, sources=False).stated for fact in facts)
        said = self.say.stated(titles) if stated else self.say.brief(None, None)
        return Reason(said, said, not stated, titles)

    # -- provenance ----------------------------------------------------------------------------

    def _provenance(self, triples) -> Reason:
        """Where the facts behind one answer come from."""
        reasons = [(triple, self._fact(*triple)) for triple in triples]
        titles = tuple(dict.fromkeys(title for _, r in reasons for title in r.sources))
        inferred = any(r.inferred for _, r in reasons)
        return Reason(self.say.reasons([(t, r.why) for t, r in reasons]),
                      self.say.reasons_brief([r.brief for _, r in reasons], not inferred, titles),
                      inferred, titles)

    def _fact(self, s: str, p: str, o: str, depth: int = 0) -> Reason:
        """Where one fact comes from; at depth 0, an inferred fact's premises too."""
        found = origin(self.graph, s, p, o)
        rules = list(found.rules)
        if found.stated and depth == 0 and self._chain_premises(s, p, o):
            # A stated fact is kept once, in the stated graph; the domain rule it also follows from
            # is worth quoting ("an exercise that strengthens a muscle ... helps prevent ...").
            rules = [terms.CHAIN_RULE.value]
        premises = self._premises(s, p, o, rules[0]) if rules and depth == 0 else None
        stated = self.say.stated(found.sources) if found.stated else None
        inference, premise_titles = None, ()
        if premises is not None:
            prop = self.lex.properties.get(p)
            note = prop.note if prop and rules[0] == terms.CHAIN_RULE.value else None
            reasons = [(t, self._fact(*t, depth=1)) for t in premises]
            inference = self.say.inference(rules[0], [(t, r.why) for t, r in reasons], note)
            premise_titles = tuple(dict.fromkeys(title for _, r in reasons for title in r.sources))
        return Reason(self.say.why(stated, inference),
                      self.say.brief(stated, None if premises is None else len(premises), premise_titles),
                      not found.stated, found.sources or premise_titles)

    def _premises(self, s: str, p: str, o: str, rule: str) -> list[tuple[str, str, str]]:
        """The facts ``rule`` concluded (s, p, o) from."""
        if rule == terms.CHAIN_RULE.value:
            return self._chain_premises(s, p, o)
        if rule == terms.INVERSE_RULE.value:
            prop = self.lex.properties.get(p)
            return [(o, prop.inverse, s)] if prop and prop.inverse else []
        if rule == terms.SYMMETRIC_RULE.value:
            return [(o, p, s)]
        if rule == terms.SUBPROPERTY_RULE.value:
            rows = self.graph.select(sparql.subproperty_premises(s, p, o))
            return [(s, _first(rows)["q"].value, o)] if rows else []
        if rule == terms.TRANSITIVE_RULE.value:
            rows = self.graph.select(sparql.transitive_premises(s, p, o))
            middle = _first(rows)["x"].value if rows else None
            return [(s, p, middle), (middle, p, o)] if rows else []
        return []

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

    def _fact_value(self, s: str, p: str, value) -> Reason:
        """Where a literal value the graph states comes from."""
        titles = tuple(sorted({r["title"].value for r in self.graph.select(*sparql.value_sources(s, p, value))}))
        said = self.say.stated(titles)
        return Reason(said, said, False, titles)

    def _item(self, iri: str, reason: Reason, relation: str | None = None) -> Item:
        return Item(iri, self.lex.label(iri), self.lex.specific_type(iri), reason.inferred, list(reason.sources),
                    reason.why, relation, reason.brief)

    # -- yes / no ------------------------------------------------------------------------------

    def _yes_no(self, frame: Frame) -> Answer:
        entities = self._entities(frame)
        if not frame.checks:
            return self._not_understood(frame)
        check = frame.checks[0]
        query = sparql.check(check) if check.kind != "exists" else "\n\n".join(sparql.select(r) for r in frame.readings)
        boolean, items = None, []
        if check.kind == "exists":
            result = self._relation(frame)
            items = result.answers
            boolean = True if items else None
            text = self.say.exists([i.label for i in items], items[0].brief if items else None, frame.readings[0])
            query = result.sparql
        elif check.kind == "type":
            cls, own = check.object, self.lex.specific_type(check.subject)
            if self.lex.is_a(check.subject, cls):
                boolean = True
            elif any(self.lex.disjoint_with(t, cls) for t in self.lex.entity(check.subject).types
                     if t in self.lex.classes):
                boolean = False
            titles = mentioned_in(self.graph, check.subject)
            if boolean is not None:
                said = self.say.stated(titles) if titles else ""
                items = [self._item(check.subject, Reason(said, said, False, titles))]
            text = self.say.is_a(check.subject, cls, boolean, own, titles if boolean is not None else ())
        elif check.kind == "value":
            rows = self.graph.select(query)
            values = [r["value"].value for r in rows]
            boolean = True if values in (["true"], ["1"]) else False if values in (["false"], ["0"]) else None
            text = self.say.no_value(check.subject, check.prop)
            if rows:
                reason = self._fact_value(check.subject, check.prop, rows[0]["value"])
                items = [self._item(check.subject, reason)]
                if boolean is not None:
                    text = self.say.possible(check.subject, check.prop, boolean, reason.brief)
        elif check.kind == "same":
            (first, _), (second, _) = frame.entities[:2]
            boolean = True
            items = [self._item(check.subject, Reason("names in my sources", "names in my sources"))]
            text = self.say.same(first.text, second.text, check.subject)
        elif check.state is not None:
            entity = next(i for i in (check.subject, check.object)
                          if any(i in m.iris for m in check.uses if m.kind == "entity"))
            other = check.object if entity == check.subject else check.subject
            text = self.say.state_unknown(check.state.iris[0], entity, other)
        elif frame.every:
            boolean, items, text = self._every_meaning(frame)
        elif frame.each:
            boolean, items, text = self._each_name(frame)
        else:
            boolean, items, text, decided_by = self._triple_truth(frame.checks)
            query += "".join("\n\n" + q for q in decided_by)
            if boolean is None:
                boolean, items, text = self._possible(frame) or (boolean, items, text)
            for given in frame.given:
                holds, _, _, _ = self._triple_truth([given])
                if not holds:  # what the question takes as given is not in the graph
                    boolean, items = None, []
                    text = self.say.given_missing(given.subject, given.prop, given.object)
            if boolean and frame.alone:
                c = frame.checks[0]
                boolean = None
                text = self.say.not_alone(c.subject, c.prop, c.object, items[0].brief)
        return Answer(frame.parse.question, True, "yesno", entities, query, items, boolean, None, text,
                      [], frame.explain)

    def _each_name(self, frame: Frame) -> tuple[bool | None, list[Item], str]:
        """Names joined by "and", each checked: yes when all hold, no when one is denied, else not
        known; with what each check found."""
        results = [self._triple_truth(group) for group in frame.each]
        answers = [boolean for boolean, _, _, _ in results]
        boolean = True if all(answers) else False if False in answers else None
        items = list({i.iri: i for _, found, _, _ in results for i in found}.values()) if boolean is not None else []
        return boolean, items, self.say.each_name(boolean, [text for _, _, text, _ in results])

    def _every_meaning(self, frame: Frame) -> tuple[bool | None, list[Item], str]:
        """Each meaning of an ambiguous name checked: the yes or no they all give, else not known,
        with what each says."""
        results = [self._triple_truth(group) for group in frame.every]
        answers = {boolean for boolean, _, _, _ in results}
        texts = [text for _, _, text, _ in results]
        if len(answers) == 1 and None not in answers:
            boolean = answers.pop()
            return boolean, [i for _, items, _, _ in results for i in items], self.say.every_meaning(boolean, texts)
        return None, [], " ".join(texts) if answers == {None} else self.say.every_meaning(None, texts)

    def _triple_truth(self, checks) -> tuple[bool | None, list[Item], str, list[str]]:
        """Yes if the graph holds a checked triple; no if it denies it; yes if a group the object
        belongs to has it (kg:distributes); otherwise not known. Last: the queries beyond the
        checks' own that decided it, to show."""
        for check in checks:
            found = [t for t in self._triples_of(check) if self.graph.ask(sparql.ask_triple(*t))]
            if found:
                s, p, o = min(found)
                reason = self._fact(s, p, o)
                via = (check.via[0], check.via[1], check.subject if check.via[0] == "subject" else check.object) \
                    if check.via else None
                return True, [self._item(o, reason, self.lex.label(p))], self.say.holds(s, p, o, reason.brief, via), []
        for check in checks:
            rows = self.graph.select(sparql.denied(check.subject, check.prop, check.object))
            if rows:
                r = _first(rows)
                titles = tuple(sorted({x["title"].value for x in rows if "title" in x}))
                why = self.say.stated(titles)
                s, p, o = r["s"].value, r["p"].value, r["o"].value
                item = self._item(o, Reason(why, why, False, titles), self.lex.label(p))
                return False, [item], self.say.denies(s, p, o, why, r["note"].value if "note" in r else None), []
            if check.prop and self.lex.properties[check.prop].asymmetric and \
                    self.graph.ask(sparql.ask_triple(check.object, check.prop, check.subject)):
                reason = self._fact(check.object, check.prop, check.subject)
                item = self._item(check.object, Reason(reason.why, reason.brief, False, reason.sources),
                                  self.lex.label(check.prop))
                return False, [item], self.say.reverse(check.object, check.prop, check.subject, reason.brief), []
        found = self._through_group(checks)
        if found is not None:
            return found
        c = checks[0]
        return None, [], self.say.unsettled(c.subject, c.prop, c.object), []

    def _through_group(self, checks) -> tuple[bool, list[Item], str, list[str]] | None:
        """Yes when the relation holds of a group the object belongs to and says so of every member
        (kg:distributes): "running strengthens thigh muscles, which include hamstrings"."""
        member_of = [p.iri for p in self.lex.properties.values() if p.membership]
        distributes = [c for c in checks if member_of and c.prop and self.lex.properties[c.prop].distributes]
        for s, p, o in [t for check in distributes for t in self._triples_of(check)]:
            query = sparql.groups_holding(s, p, o, member_of)
            rows = self.graph.select(query)
            if not rows:
                continue
            row = _first(rows)
            group, link = row["whole"].value, self.lex.properties[row["member_of"].value]
            # The membership as the source states it: often group-has-member, the other way round.
            membership = (group, link.inverse, o) if link.inverse else (o, link.iri, group)
            member_reason = self._fact(*membership, depth=1)
            if member_reason.inferred and link.inverse:
                membership = (o, link.iri, group)
                member_reason = self._fact(*membership, depth=1)
            premises = [(s, p, group), membership]
            reasons = [self._fact(s, p, group, depth=1), member_reason]
            titles = tuple(dict.fromkeys(title for r in reasons for title in r.sources))
            reason = Reason(self.say.reasons([(t, r.why) for t, r in zip(premises, reasons)]),
                            self.say.reasons_brief([r.brief for r in reasons], not any(r.inferred for r in reasons),
                                                   titles), True, titles)
            return True, [self._item(o, reason, self.lex.label(p))], \
                self.say.through_group(s, p, group, o, reason.brief), [query]
        return None

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
            rows = self.graph.select(sparql.flags(entity))
            if len(rows) == 1:
                value, prop = rows[0]["value"].value in ("true", "1"), rows[0]["p"].value
                reason = self._fact_value(entity, prop, rows[0]["value"])
                return value, [self._item(entity, reason)], self.say.possible(entity, prop, value, reason.brief)
        return None

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
        prop = frame.value_prop
        items, parts, found, count = [], [], [], None
        for subject in dict.fromkeys(subjects):
            queries.append(sparql.value(subject, prop))
            for row in self.graph.select(queries[-1]):
                reason = self._fact_value(subject, prop, row["value"])
                items.append(self._item(subject, reason, self.lex.label(prop)))
                parts.append(self.say.value(subject, prop, row["value"].value, reason.brief))
                found.append((subject, row["value"].value, reason.brief))
                # "how many minutes", "how long": a number asked for is the answer itself.
                asks_amount = frame.parse.counting or (frame.parse.qword or "").startswith("how ")
                if asks_amount and row["value"].value.isdigit():
                    count = int(row["value"].value)
        entities = self._entities(Frame(frame.type, frame.parse, frame.entities, frame.readings))
        if frame.stated is not None:
            boolean, text = self._stated(frame, subjects, found)
            return Answer(frame.parse.question, True, "yesno", entities, "\n\n".join(queries), items, boolean,
                          None, text, [], frame.explain)
        return Answer(frame.parse.question, True, "value", entities, "\n\n".join(queries), items, None, count,
                      self.say.values(prop, parts, count), [], frame.explain)

    def _stated(self, frame: Frame, subjects: list[str], found: list[tuple[str, str, str]]):
        """A value the question states, against the graph's (``found``: subject, value, where it is
        stated): yes when it is one of them; no when the property has one value per subject
        (owl:FunctionalProperty) and the one subject's is another; else not known."""
        stated, prop = frame.stated.text, frame.value_prop
        same = [f for f in found if (self.graph.ask(sparql.has_value(f[0], prop, int(stated))) if stated.isdigit()
                                     else f[1] == stated)]
        if same:
            return True, self.say.stated_value(True, prop, same, stated)
        if found and self.lex.properties[prop].functional and len({s for s, _, _ in found}) == 1:
            return False, self.say.stated_value(False, prop, found, stated)
        if found:
            return None, self.say.stated_value(None, prop, found, stated)
        return None, self.say.no_value(subjects[0], prop) if subjects else self.say.values(prop, [], None)

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
        cls = self.lex.specific_type(entity)
        titles = mentioned_in(self.graph, entity)
        said = self.say.stated(titles) if titles else ""
        item = self._item(entity, Reason(said, said, False, titles))
        return Answer(frame.parse.question, True, "definition", self._entities(frame), query, [item], None, None,
                      self.say.definition(entity, cls, definition, names, titles), [], frame.explain)

    def _names(self, frame: Frame) -> Answer:
        """The thing a name names, and its other names: a list of one."""
        _, entity = frame.entities[0]
        query = sparql.describe(entity)
        names = sorted({r["name"].value for r in self.graph.select(query) if "name" in r}, key=str.lower)
        titles = mentioned_in(self.graph, entity)
        said = self.say.stated(titles) if titles else ""
        item = self._item(entity, Reason(said, said, False, titles))
        return Answer(frame.parse.question, True, "list", self._entities(frame), query, [item], None, None,
                      self.say.names(entity, names), [], frame.explain)

    def _path(self, frame: Frame) -> Answer:
        from kg.network import paths

        (_, a), (_, b) = frame.entities[:2]
        found = paths(self.graph, a, b, limit=3)
        chains = [[(f["subject"], f["property"], f["object"]) for f in path.facts] for path in found]
        titles = tuple(dict.fromkeys(t for chain in chains for fact in chain for t in origin(self.graph, *fact).sources))
        said = self.say.stated(titles) if titles else "on a path"
        items = [self._item(node, Reason(said, said, False, titles))
                 for node in dict.fromkeys(n for path in found for n in path.nodes)]
        return Answer(frame.parse.question, True, "path", self._entities(frame), None, items, None, None,
                      self.say.path(a, b, chains, titles), [], frame.explain)

    # -- not understood ------------------------------------------------------------------------

    def _not_understood(self, frame: Frame) -> Answer:
        labels = [self.lex.label(c) for c in frame.candidates]
        suggestions = labels
        if frame.type == "ambiguous":
            text = self.say.ambiguous(frame.unknown, labels)
        elif frame.type == "unknown_term":
            text = self.say.unknown_term(frame.unknown, labels)
        else:
            text = self.say.out_of_domain() if frame.type == "out_of_domain" else self.say.not_understood(frame.reason)
            suggestions = self.say.examples()
        return Answer(frame.parse.question, False, frame.type, self._entities(frame), None, [], None, None, text,
                      suggestions, frame.explain)

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


def _first(rows: list[dict]) -> dict:
    """The first of some rows in a fixed order: engines (and runs) may return rows in any order."""
    return min(rows, key=row_key)
