"""Every error a user can cause, in one place.

Each carries a one-line message that says what was expected and what came, and the exit code the
command line uses: 2 for bad input or usage, 1 for "no such thing" (unknown entity, no path),
70 (EX_SOFTWARE) for a fault of the tool's own that no input should cause.
"""


class KgError(Exception):
    """Base class: a one-line message for the user and an exit code."""

    exit_code = 2

    def __init__(self, message: str):
        super().__init__(" ".join(message.split()) if "\n" in message else message)


class InternalError(KgError):
    """A fault in the tool, not in what the user gave it: reported in one line, to be fixed."""

    exit_code = 70

    def __init__(self, message: str):
        super().__init__(f"internal error (please report it): {message}")


class DataError(KgError):
    """An input data file is missing, unreadable, of an unknown format, or malformed."""


class QueryError(KgError):
    """A SPARQL query is malformed or asks for something the command cannot do."""


class ReadOnlyError(QueryError):
    """A SPARQL UPDATE was given to a read-only command."""


class QueryTimeout(QueryError):
    """A query ran past its time limit and was stopped."""


class RefusedError(QueryError):
    """A query the endpoint will not run for safety (SERVICE calls out to other servers)."""


class EndpointError(KgError):
    """A remote SPARQL endpoint could not be reached, timed out, or answered with an error."""


class RequestError(KgError):
    """An HTTP request the endpoint cannot take: its method, media type or size; ``status`` says which."""

    def __init__(self, status: int, message: str, headers: dict | None = None):
        super().__init__(message)
        self.status = status
        self.headers = headers or {}


class FormatError(KgError):
    """An output format does not fit the query or the command."""


class ValidationError(KgError):
    """The shapes file itself could not be used."""


class StoreError(KgError):
    """A store directory that is missing, not a store, or being loaded by another process."""


class NotFound(KgError):
    """An entity, class or path that the graph does not have."""

    exit_code = 1


class QuestionError(KgError):
    """A question with no words in it (empty, blank, or only punctuation)."""
