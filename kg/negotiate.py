"""Content negotiation for the SPARQL endpoint: which formats each query form can be written in,
and which one a request's Accept header (or ?format=) picks."""

# What each query form can be written as: (media type, pyoxigraph format name); the first is the
# default when the client accepts anything.
SOLUTIONS = [("application/sparql-results+json", "JSON"), ("application/sparql-results+xml", "XML"),
             ("text/csv", "CSV"), ("text/tab-separated-values", "TSV"), ("application/json", "JSON"),
             ("application/xml", "XML")]
BOOLEAN = [("application/sparql-results+json", "JSON"), ("application/sparql-results+xml", "XML"),
           ("application/json", "JSON"), ("application/xml", "XML")]
GRAPH = [("text/turtle", "TURTLE"), ("application/n-triples", "N_TRIPLES"), ("application/ld+json", "JSON_LD"),
         ("application/rdf+xml", "RDF_XML")]
# ?format= (or output=) names some clients send beside or instead of an Accept header, as the media
# types they stand for; "json" and "xml" name a results format or an RDF one, by the query's form.
FORMAT_NAMES = {"json": "application/sparql-results+json, application/ld+json",
                "xml": "application/sparql-results+xml, application/rdf+xml",
                "csv": "text/csv", "tsv": "text/tab-separated-values", "turtle": "text/turtle",
                "ttl": "text/turtle", "nt": "application/n-triples", "ntriples": "application/n-triples",
                "jsonld": "application/ld+json", "json-ld": "application/ld+json", "rdfxml": "application/rdf+xml",
                "rdf": "application/rdf+xml", "rdf+xml": "application/rdf+xml",
                "n3": "text/turtle"}  # Turtle is N3 too


def negotiate(accept: str | None, offers: list[tuple[str, str]]) -> tuple[str, str] | None:
    """The offer the Accept header prefers (highest q, then the server's order); None if none fits."""
    if not accept or not accept.strip():
        return offers[0]
    ranges = []
    for part in accept.split(","):
        media_range, *options = [p.strip() for p in part.split(";")]
        q = 1.0
        for option in options:
            name, _, value = option.partition("=")
            if name.strip().lower() == "q":
                try:
                    q = float(value)
                except ValueError:
                    q = 0.0
        ranges.append((media_range.lower(), q))
    best = None
    for i, (media_type, _) in enumerate(offers):
        specificity, q = -1, 0.0
        for media_range, range_q in ranges:
            s = 2 if media_range == media_type else \
                1 if media_range.endswith("/*") and media_type.startswith(media_range[:-1]) else \
                0 if media_range == "*/*" else -1
            if s > specificity:
                specificity, q = s, range_q
        if q > 0 and (best is None or q > best[0]):
            best = (q, i)
    return offers[best[1]] if best else None


def with_charset(media_type: str) -> str:
    return media_type + "; charset=utf-8" if media_type.startswith("text/") else media_type
