"""English grammar words the parser needs: question words, auxiliaries, commands, negation.

Nothing here is about running or anatomy; every domain word comes from the graph.
"""

import functools

WH_WORDS = {"what", "which", "who", "whom", "where", "when", "why", "how", "whats"}
HOW_MODIFIERS = {"many", "much", "long", "often"}
#: Question words that stand before a noun, as its determiner ("which muscles").
WH_DETERMINERS = {"what", "which"}
AUXILIARIES = {"is", "are", "am", "was", "were", "does", "do", "did", "can", "could", "will", "would",
               "should", "shall", "may", "might", "must", "has", "have", "had", "isnt", "arent", "doesnt",
               "dont", "cant", "wont", "ca", "wo", "r"}  # "r" as texted: "r calves used in running"
COMMANDS = {"list", "show", "name", "give", "tell", "define", "describe", "explain", "enumerate", "display"}
DEFINING = {"define", "definition", "mean", "meaning", "means", "explain", "describe", "about"}
PATH_WORDS = {"related", "relate", "relates", "relation", "relationship", "relationships", "connected",
              "connect", "connects", "connection", "connections", "link", "linked", "links", "difference",
              "differences", "differ", "compare", "comparison", "versus", "vs"}
#: Prepositions and question words: a relation phrase made only of these mostly joins other words.
FUNCTION_WORDS = {"in", "on", "at", "by", "for", "from", "to", "of", "with", "into", "between", "within",
                  "where", "when", "why", "how", "what", "which"}
NEGATIONS = {"not", "n't", "never", "without", "nt"}
ALL_OF = {"both"}
COUNTING = {"count", "number"}
LISTING = {"list", "all", "every", "there", "exist", "know", "show", "name", "enumerate"}
# Words that carry no content in a question: greetings and hedges ("hey, quick question: ..."),
# the asking itself ("I want to know", "can you tell me"), words for a method or an instance ("the
# best way to", "what kind of"), and words about the graph and its sources ("according to the
# articles"). Never reported as unknown, never needing a reading to explain them.
FILLERS = {"hey", "hi", "hello", "quick", "question", "questions", "thanks", "thank", "pls",
           "lol", "wondering", "wonder", "curious", "want", "wanna", "need", "really", "exactly", "actually",
           "generally", "usually", "typically", "specifically", "basically", "honestly", "im", "i'm",
           "tend", "tends", "seem", "seems", "likely", "probably", "maybe", "perhaps", "just", "too", "wise",
           "overall", "considered", "regarded", "classed", "classified",
           "very", "total", "totally", "complete", "completely", "absolute", "absolutely", "super", "pretty",
           "tell", "know", "let", "please", "graph", "database", "list", "show", "name", "give", "define",
           "describe", "explain", "mean", "meaning", "means", "definition", "yes", "true", "right",
           "also", "any", "thing", "things", "stuff", "way", "ways", "kind", "kinds", "type", "types", "sort",
           "lot", "lots", "best", "good", "guess", "think", "sure", "say", "says", "said", "article",
           "articles", "according", "source", "sources", "listed", "covered", "included", "known",
           "mentioned", "stored", "recorded", "available", "mention", "mentions", "discuss", "discusses",
           "discussed", "piece", "pieces",
           # what something is for, said of it ("what are leg lifts meant for?", "supposed to target")
           "meant", "supposed", "designed", "intended"}

#: Adjectives of the usual kind, as "usually" and "typically" say it ("an ordinary run", "everyday
#: activities"): before a noun they pick out nothing. Elsewhere they say something ("is it normal
#: to ...?", "run hills everyday": how often).
USUAL = {"ordinary", "normal", "typical", "usual", "everyday", "regular", "standard", "average", "plain"}


def usual(words: list[str], i: int) -> bool:
    """Whether the word at ``i`` is an adjective of the usual kind standing before another word, or
    "ok" opening a clause ("ok so which muscles ..."; "are they okay to run with" asks a judgement)."""
    if words[i] in ("ok", "okay"):
        before = next((w for w in reversed(words[:i]) if w.strip()), None)
        return before is None or not any(c.isalnum() for c in before)
    following = next((w for w in words[i + 1:] if w.strip()), "")
    return words[i] in USUAL and following.isalpha() and not grammatical(following)

#: People a question is from or about ("I'm a physio", "my clients", "someone new"): who asks, not what.
PEOPLE = {"someone", "somebody", "anyone", "anybody", "everyone", "people", "person", "persons", "folks", "guy",
          "guys", "athlete", "athletes", "client", "clients", "patient", "patients", "coach", "coaches", "physio",
          "physios", "physiotherapist", "physiotherapists", "friend", "friends", "she",
          "he", "her", "him", "his", "hers", "myself",
          # the asker's body is the asker ("the muscles your body uses" are the ones you use)
          "body", "bodies"}
CONJUNCTIONS = {"and", "or", "but", "nor", "plus", "&", "then", "also"}
#: Words that point at something already named ("what is it?"); "it" is also the IT of "IT band".
POINTERS = {"it", "this", "that", "these", "those", "there", "here", "one", "ones"}
#: Of those, the ones that can stand before a noun ("this muscle").
DEMONSTRATIVES = {"this", "that", "these", "those"}
#: Words a follow-up points back with (nlp.context): at one thing the last question named, or
#: at several things it answered.
SINGULAR = {"it", "this", "that"}
PLURAL = {"they", "them", "these", "those"}
#: Openings that ask the last question again of something else ("and the calves?").
AGAIN = (("and",), ("what", "about"), ("how", "about"), ("and", "what", "about"), ("and", "how", "about"))

#: Function words that change what is asked, so a reading must explain them: comparison ("less
#: than"), restriction ("only", "alone", "without"), exclusion ("besides"), sameness ("the same
#: as"), time ("before", "after") and order ("first"). A relation phrase or name that holds them explains them.
RESTRICTIVE = {"only", "alone", "without", "except", "besides", "else", "instead", "than", "more", "less",
               "most", "least", "same", "before", "after", "enough", "other", "another", "itself", "own",
               "solely", "first", "last", "next"}
#: Phrases that ask for, or give, another name of a thing ("what's the other name for PFPS?",
#: "which injury is also known as ...", "what are the thigh muscles called?").
OTHER_NAMES = (("also", "called"), ("also", "known", "as"), ("known", "as"), ("other", "name"), ("another", "name"),
          ("other", "names"), ("go", "by"), ("goes", "by"), ("called",), ("aka",), ("referred", "to", "as"),
          ("name", "for"), ("names", "for"), ("name",))

#: Words that leave named things out of the answers ("besides the glutes", "other than the quads"),
#: and the words that then ask for the rest ("what else", "which other").
EXCLUDING = (("besides",), ("except",), ("excluding",), ("apart", "from"), ("aside", "from"), ("other", "than"),
             ("except", "for"), ("beyond",), ("on", "top", "of"), ("in", "addition", "to"))
THE_REST = {"else", "other", "others", "another"}

#: Of those, the ones that say a thing does something by itself ("can running alone fix ...?").
ALONE = {"alone", "only", "itself", "own", "solely"}

#: Stop words that are nouns or adjectives naming a thing ("the back of the thigh"), not grammar.
NAMING = {"back", "front", "side", "top", "part", "whole", "full", "empty", "serious", "amount", "hundred"}

#: Phrases read as spaces: amounts and hedges said in passing ("burns a lot of calories", "over
#: time"), the future said with "going to", and "count as" (being).
IN_PASSING = ("a lot of", "lots of", "loads of", "tons of", "a ton of", "hundreds of", "plenty of", "a bunch of",
              "a great deal of", "every single", "over time", "in the long run", "in the first place", "at all",
              "true that", "correct that", "right that", "a fact that", "the case that", "most likely",
              "more than likely",
              # the future said with "going to" ("is running going to bulk up my legs?"), as "will" would
              "going to", "gonna",
              # being counted as something is being it ("do the adductors count as thigh muscles?"), as
              # "considered" and "classed" are among the fillers; "count" alone asks how many
              "count as", "counts as", "counted as", "count among", "counted among",
              # being able to is "can" ("how long should I be able to run?")
              "be able to", "able to", "plain old",
              # striving for is doing, for what is asked ("should a beginner aim to run most days?")
              "aim to", "aim for", "aiming to", "aiming for", "try to", "trying to")

#: Words that set a time by an event ("after running"): restrictive unless the event is the topic.
TIME_WORDS = {"before", "after", "during", "while", "when", "whilst"}
#: Words that set the scene for what follows ("when running", "in a run", "for runners").
SETTING_WORDS = TIME_WORDS | {"in", "on", "at", "for"}

_NUMBERS = {"zero", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven",
            "twelve", "fifteen", "twenty", "thirty", "forty", "fifty", "sixty", "hundred", "hundreds",
            "thousand", "half", "dozen"}


def number(word: str) -> bool:
    """Whether a word is a number ('30', 'four', '5k'): a quantity a reading must account for."""
    return word in _NUMBERS or (word[:1].isdigit() and any(c.isdigit() for c in word))


_VALUES = {"zero": 0, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9,
           "ten": 10, "eleven": 11, "twelve": 12, "fifteen": 15, "twenty": 20, "thirty": 30, "forty": 40,
           "fifty": 50, "sixty": 60, "ninety": 90, "hundred": 100}


def amount(word: str) -> int | None:
    """The whole number a word says ('30', 'thirty'), or None ('5k', 'half', 'lots')."""
    return int(word) if word.isdigit() else _VALUES.get(word)

#: Verbs asked with "how" for the way something is done ("how to do a single leg squat?"), by lemma.
METHOD_VERBS = {"do", "perform", "execute"}

#: Verbs whose object is put to a purpose said after "to" ("which muscles does your body use to
#: propel you forward?"): then the purpose is what is asked, and the verb says nothing more. By lemma.
PURPOSE_VERBS = {"use", "need", "require", "rely"}

#: Verbs that carry little meaning of their own ("get runner's knee", "make legs bulky"), by lemma.
LIGHT_VERBS = {"get", "make", "do", "have", "give", "go", "take", "put", "keep", "come", "let", "become", "be"}

#: The forms of "be" ("what are tight hamstrings?" asks what something is).
BE = {"be", "is", "are", "am", "was", "were", "been", "being", "'s", "s", "'re", "re"}

#: "how do I know if ...", "how can you tell whether ...": asked with "how", these ask for a way to
#: find something out (a test, a sign), not for the thing itself; the graph holds no such ways.
KNOWING = {"know", "tell"}
WHETHER = {"if", "whether", "that"}

#: Words before "if"/"whether" that embed a yes/no question in a statement ("I want to know if
#: running tones the thighs", "wondering whether ...", "tell me if ...").
EMBEDDING = {"know", "tell", "me", "wonder", "wondering", "curious", "sure", "unsure", "ask", "asking", "see",
             "check"}

#: Verbs that only link a thing to a state it is in ("feel tight", "get stiff", "stay weak"), by lemma.
LINKING_VERBS = LIGHT_VERBS | {"feel", "seem", "look", "appear", "stay", "remain", "turn", "grow", "sound"}

#: Auxiliaries of possibility and obligation: "what should I do?" asks for an action.
MODALS = {"can", "could", "should", "shall", "must", "would", "will", "may", "might", "ought"}

#: Auxiliaries that put the verb after its subject ("do the hip muscles PLAY", "does running TONE").
DO_SUPPORT = {"do", "does", "did", "can", "could", "will", "would", "should", "shall", "may", "might", "must"}

#: Question words that can open a clause inside a yes/no question ("do I use X when sprinting?").
SUBORDINATE = {"when", "where", "while", "if", "whenever"}

#: Words skipped inside a name ("propel you forward" finds "propel forward").
PRONOUNS = {"you", "me", "us", "them", "i", "we", "they", "my", "your", "our", "their", "his", "her", "its",
            "yourself", "myself", "u", "ur", "ya", "yr", "urself", "themselves", "ourselves", "himself", "herself",
            "yourselves"}
ARTICLES = {"a", "an", "the"}


def grammatical(word: str) -> bool:
    """Whether a word belongs to the question's grammar rather than to what it asks about."""
    return (word in WH_WORDS or word in AUXILIARIES or word in COMMANDS or word in PATH_WORDS
            or word in FUNCTION_WORDS or word in NEGATIONS or word in PRONOUNS or word in ARTICLES
            or word in FILLERS or word in PEOPLE or word in CONJUNCTIONS or word in POINTERS)


@functools.lru_cache(maxsize=8192)
def adjective(word: str) -> bool:
    """Whether an English dictionary (lemminflect's) knows ``word`` as an adjective ("bulky",
    "sleeker") or a past participle that can stand as one ("toned")."""
    import lemminflect

    kinds = lemminflect.getAllLemmas(word)
    return "ADJ" in kinds or word.endswith("ed") and "VERB" in kinds


def adverb(word: str) -> bool:
    """Whether an English dictionary (lemminflect's) knows ``word`` only as an adverb ("mainly",
    "properly"), or it is an adjective made an adverb with -ly ("proactive" -> "proactively").
    Words that are also nouns, verbs or adjectives ("daily", "fast", "only") are not. Loaded only
    when a word is otherwise left over (about 0.2 s, once per process)."""
    import lemminflect

    kinds = lemminflect.getAllLemmas(word)
    if kinds:
        return set(kinds) == {"ADV"}
    return len(word) > 5 and word.endswith("ly") and "ADJ" in lemminflect.getAllLemmas(word[:-2])
