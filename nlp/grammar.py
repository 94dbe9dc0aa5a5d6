"""English grammar words the parser needs: question words, auxiliaries, commands, negation.

Nothing here is about running or anatomy; every domain word comes from the graph.
"""

WH_WORDS = {"what", "which", "who", "whom", "where", "when", "why", "how", "whats"}
HOW_MODIFIERS = {"many", "much", "long", "often"}
AUXILIARIES = {"is", "are", "am", "was", "were", "does", "do", "did", "can", "could", "will", "would",
               "should", "shall", "may", "might", "must", "has", "have", "had", "isnt", "arent", "doesnt",
               "dont", "cant", "wont", "ca", "wo"}
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
# Words that carry no content in a question ("hey, quick question: ..."); never reported as unknown.
FILLERS = {"hey", "hi", "hello", "quick", "question", "questions", "thanks", "thank", "ok", "okay", "pls",
           "wondering", "wonder", "curious", "like", "want", "need", "good", "best", "better", "really",
           "exactly", "actually", "generally", "usually", "typically", "specifically", "mainly", "main",
           "thing", "things", "stuff", "way", "ways", "kind", "kinds", "type", "types", "sort", "lot", "lots",
           "im", "i'm", "coach", "physio", "physiotherapist", "client",
           "clients", "patient", "patients", "someone", "people", "person", "tell", "know", "let",
           "graph", "database", "list", "show", "name", "give", "define", "describe", "explain",
           "mean", "meaning", "means", "definition", "yes", "true", "false", "right", "correct", "wrong",
           "also", "any", "certain", "specific", "particular", "important", "help", "helps", "possible",
           "able", "hard", "often", "much", "many", "long", "time", "times", "day", "days", "week", "weeks",
           "guess", "think", "sure", "say", "says", "said", "article", "articles", "according", "source",
           "listed", "covered", "included", "known", "mentioned", "stored", "recorded", "available",
           "issue", "issues", "problem", "problems", "trouble", "troubles", "matter", "matters"}

#: Auxiliaries that put the verb after its subject ("do the hip muscles PLAY", "does running TONE").
DO_SUPPORT = {"do", "does", "did", "can", "could", "will", "would", "should", "shall", "may", "might", "must"}

#: Question words that can open a clause inside a yes/no question ("do I use X when sprinting?").
SUBORDINATE = {"when", "where", "while", "if", "whenever"}

#: Words skipped inside a name ("propel you forward" finds "propel forward").
PRONOUNS = {"you", "me", "us", "them", "i", "we", "they", "my", "your", "our", "their", "his", "her", "its",
            "yourself", "myself"}
ARTICLES = {"a", "an", "the"}


def grammatical(word: str) -> bool:
    """Whether a word belongs to the question's grammar rather than to what it asks about."""
    return (word in WH_WORDS or word in AUXILIARIES or word in COMMANDS or word in PATH_WORDS
            or word in FUNCTION_WORDS or word in NEGATIONS or word in PRONOUNS or word in ARTICLES
            or word in FILLERS)
