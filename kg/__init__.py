"""runner-kg: a knowledge graph of the muscles of running, queried with SPARQL.

The public API: open the graph (shipped ontology plus your files, with inferences) and query it.

>>> from kg import open_graph
>>> graph = open_graph()
>>> bool(graph.ask("ASK { kg:Running kg:engages kg:Quadriceps }"))
True
"""

__version__ = "0.1.0"

from .errors import KgError
from .store import KnowledgeGraph, open_graph

__all__ = ["KgError", "KnowledgeGraph", "open_graph", "__version__"]
