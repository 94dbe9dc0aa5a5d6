"""The network view: paths between things, neighbourhoods and statistics (networkx)."""

from kg import terms
from kg.describe import members as members_of
from kg.network import neighbourhood, network, paths, render_path, stats

KG = terms.KG


def test_network_skips_bookkeeping(graph):
    g = network(graph)
    properties = {d["property"] for _, _, d in g.edges(data=True)}
    assert terms.RDF + "type" not in properties and KG + "engagedBy" not in properties  # inverses repeat
    assert all(n.startswith(KG) for n in g.nodes)
    assert KG + "engages" in properties


def test_path_shortest_reads_in_stated_direction(graph):
    (found,) = paths(graph, KG + "Glutes", KG + "SideLegLifts")
    assert render_path(found) == "glutes <- strengthens <- side leg lifts"


def test_path_all_up_to_a_length(graph):
    found = paths(graph, KG + "Sprinting", KG + "ITBandSyndrome", limit=20, cutoff=3)
    rendered = [render_path(p) for p in found]
    assert rendered[0] == "sprinting -> engages -> glutes -> weakness causes -> IT band syndrome"
    assert all(len(p.steps) <= 3 for p in found) and len(found) > 1


def test_path_none_between_unconnected(graph):
    assert paths(graph, KG + "SpotReduction", KG + "Glutes") == []


def test_neighbourhood_depth(graph):
    one = neighbourhood(graph, KG + "RunnersKnee", 1)
    assert set(one.nodes) == {KG + n for n in ("RunnersKnee", "Glutes", "HipMuscles", "Knee", "PatellofemoralJoint",
                                                 "LateralSideSteps", "SideLegLifts", "SingleLeggedSquat")}
    assert neighbourhood(graph, KG + "RunnersKnee", 2).number_of_nodes() > one.number_of_nodes()


def test_stats_betweenness_is_exact_on_a_small_graph_and_sampled_on_a_large_one():
    import networkx as nx

    from kg.network import BETWEENNESS_WORK, _betweenness_sample

    small, large = nx.path_graph(50), nx.barabasi_albert_graph(20_000, 3, seed=1)
    assert _betweenness_sample(small) == 50
    sampled = _betweenness_sample(large)
    assert 20 <= sampled < len(large)
    assert sampled == _betweenness_sample(large.copy())  # fixed by the graph, not by a clock
    assert sampled * (len(large) + 2 * large.number_of_edges()) <= BETWEENNESS_WORK


def test_stats_sampled_betweenness_is_networkx_estimate_computed_faster():
    """The numpy passes give networkx's own sampled estimate: same sources, same scaling."""
    import networkx as nx

    from kg.network import sampled_betweenness

    for g in (nx.barabasi_albert_graph(3000, 3, seed=1), nx.path_graph(60), nx.karate_club_graph()):
        g.add_edges_from([(-1, -2)])  # a part apart from the rest
        expected = nx.betweenness_centrality(g, k=25, seed=0)
        found = sampled_betweenness(g, 25)
        assert found.keys() == expected.keys()
        assert max(abs(found[v] - expected[v]) for v in g) < 1e-12


def test_stats_counts_and_centrality(graph):
    result = stats(graph)
    assert result["betweenness_sample"] == result["entities"]  # small: exact
    assert result["stated"] + result["inferred"] == result["triples"] == len(graph)
    assert result["inferred"] > 0
    members = {row["class"]: row["members"] for row in result["members_per_class"]}
    assert members[KG + "Exercise"] == 10
    assert members[KG + "Muscle"] == len(members_of(graph, KG + "Muscle")) > members[KG + "MuscleGroup"]
    # Ranked within the classes whose members take part in the most facts, not named in code.
    ranked = result["most_connected"]
    assert [r["facts"] for r in ranked] == sorted((r["facts"] for r in ranked), reverse=True) and len(ranked) == 3
    groups = ranked[0]
    assert groups["class"] == KG + "MuscleGroup" and groups["entities"][0]["label"] == "adductors"
    assert groups["entities"] == sorted(groups["entities"], key=lambda m: -m["degree_centrality"])


def test_network_without_provenance_has_the_same_edges(graph):
    """kg stats builds the network without reading the rule graphs: the same nodes and edges,
    with whether a fact is inferred left unknown."""
    from kg.store import open_graph

    lean = network(open_graph(), provenance=False)
    full = network(graph)
    assert set(lean.edges(keys=True)) == set(full.edges(keys=True))
    assert set(lean.nodes) == set(full.nodes)
    assert {d["inferred"] for _, _, d in lean.edges(data=True)} == {None}
    assert {d["inferred"] for _, _, d in full.edges(data=True)} == {True, False}
