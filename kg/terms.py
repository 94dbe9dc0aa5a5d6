"""Ontology terms: the namespaces, prefixes and IRIs the code refers to, in one place."""

from pathlib import Path

from pyoxigraph import NamedNode

KG = "https://w3id.org/runner-kg/"
RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
OWL = "http://www.w3.org/2002/07/owl#"
XSD = "http://www.w3.org/2001/XMLSchema#"
SKOS = "http://www.w3.org/2004/02/skos/core#"
PROV = "http://www.w3.org/ns/prov#"
DCTERMS = "http://purl.org/dc/terms/"
SCHEMA = "https://schema.org/"

#: Pre-declared in every SPARQL query and used to shorten IRIs for display.
PREFIXES = {
    "kg": KG,
    "rdf": RDF,
    "rdfs": RDFS,
    "owl": OWL,
    "xsd": XSD,
    "skos": SKOS,
    "prov": PROV,
    "dcterms": DCTERMS,
    "schema": SCHEMA,
}

# Longest namespace first, so the most specific prefix wins when shortening.
_BY_LENGTH = sorted(PREFIXES.items(), key=lambda item: -len(item[1]))


def kg(name: str) -> NamedNode:
    """The IRI of a term in the ontology's namespace."""
    return NamedNode(KG + name)


def shorten(iri: str) -> str:
    """``kg:Quadriceps`` for a known namespace, ``<iri>`` otherwise."""
    for prefix, namespace in _BY_LENGTH:
        if iri.startswith(namespace):
            local = iri[len(namespace) :]
            if (local and (local[0].isalnum() or local[0] == "_") and not local.endswith(".")
                    and all(c.isalnum() or c in "_-." for c in local)):
                return f"{prefix}:{local}"
    return f"<{iri}>"


RDF_TYPE = NamedNode(RDF + "type")
RDFS_SUBCLASSOF = NamedNode(RDFS + "subClassOf")
RDFS_SUBPROPERTYOF = NamedNode(RDFS + "subPropertyOf")
OWL_INVERSEOF = NamedNode(OWL + "inverseOf")


#: Named graphs that hold materialized inferences; each is named after the rule that made it.
SUBCLASS_RULE = kg("SubclassRule")
SUBPROPERTY_RULE = kg("SubpropertyRule")
INVERSE_RULE = kg("InverseRule")
SYMMETRIC_RULE = kg("SymmetricRule")
TRANSITIVE_RULE = kg("TransitiveRule")
CHAIN_RULE = kg("ChainRule")
RULES = (SUBCLASS_RULE, SUBPROPERTY_RULE, INVERSE_RULE, SYMMETRIC_RULE, TRANSITIVE_RULE, CHAIN_RULE)


def _data_dir() -> Path:
    # Installed, the data ships inside the package (kg/data); in a checkout it sits beside kg/.
    here = Path(__file__).resolve().parent
    for candidate in (here / "data", here.parent / "data"):
        if (candidate / "ontology.ttl").is_file():
            return candidate
    raise FileNotFoundError(f"ontology.ttl not found beside {here}")


DATA_DIR = _data_dir()
ONTOLOGY = DATA_DIR / "ontology.ttl"
SHAPES = DATA_DIR / "shapes.ttl"
