"""The ОРФ matching: as many needed copies as a maximum flow, exact textbook first, newer
editions preferred, no copy promised twice."""

import networkx as nx
from hypothesis import given, settings
from hypothesis import strategies as st

from textbooks.matching import Need, Offer, compatible, edge_cost, match, title_key

ALL = frozenset(range(1, 12))


def offer(id, school, copies, entry=1, title="Мордкович Алгебра", year=2020, grades=ALL):
    return Offer(id, school, entry, title, grades, year, copies)


def need(id, school, copies, entry=1, title="Мордкович Алгебра", grade=7):
    return Need(id, school, entry, title, grade, copies)


def max_flow(offers, needs) -> int:
    graph = nx.DiGraph()
    for o in offers:
        graph.add_edge("source", ("o", o.id), capacity=o.copies)
        for n in needs:
            if compatible(o, n):
                graph.add_edge(("o", o.id), ("n", n.id), capacity=n.copies)
    for n in needs:
        graph.add_edge(("n", n.id), "sink", capacity=n.copies)
    return nx.maximum_flow_value(graph, "source", "sink") if offers and needs else 0


def test_exact_textbook_comes_before_another_edition():
    offers = [offer(1, school=1, copies=5, entry=2), offer(2, school=2, copies=5, entry=1)]
    (allocation,) = match(offers, [need(1, school=3, copies=5, entry=1)])
    assert (allocation.offer_id, allocation.copies, allocation.exact) == (2, 5, True)


def test_another_edition_of_the_same_title_serves_what_remains():
    offers = [offer(1, school=1, copies=3, entry=1), offer(2, school=2, copies=10, entry=2)]
    allocations = match(offers, [need(1, school=3, copies=8, entry=1)])
    assert sorted((a.offer_id, a.copies, a.exact) for a in allocations) == [
        (1, 3, True),
        (2, 5, False),
    ]


def test_newer_editions_are_preferred():
    offers = [offer(1, 1, 5, year=2015), offer(2, 2, 5, year=2022)]
    (allocation,) = match(offers, [need(1, 3, 5)])
    assert allocation.offer_id == 2


def test_a_school_does_not_give_to_itself_and_grades_must_fit():
    offers = [
        offer(1, school=1, copies=5),
        offer(2, school=2, copies=5, grades=frozenset({10, 11})),
    ]
    assert match(offers, [need(1, school=1, copies=5, grade=7)]) == []


def test_other_titles_never_match():
    assert match([offer(1, 1, 5, title="Атанасян Геометрия")], [need(1, 2, 5)]) == []


def test_a_maximum_is_reached_where_greedy_would_stop_short():
    # Offer 1 fits both needs, offer 2 only the first: a greedy pass that gives offer 1 to the
    # first need leaves the second unmet.
    offers = [offer(1, 1, 5), offer(2, 2, 5, grades=frozenset({7}))]
    needs = [need(1, 3, 5, grade=7), need(2, 4, 5, grade=9)]
    assert sum(a.copies for a in match(offers, needs)) == 10


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.integers(1, 6),
            st.integers(1, 3),
            st.integers(1, 4),
            st.integers(1, 20),
            st.integers(2010, 2024),
            st.integers(1, 9),
        ),
        max_size=12,
    ),  # fmt: skip
    st.lists(
        st.tuples(
            st.integers(1, 6),
            st.one_of(st.none(), st.integers(1, 3)),
            st.integers(1, 4),
            st.integers(1, 20),
            st.integers(1, 11),
        ),
        max_size=12,
    ),  # fmt: skip
)
def test_it_satisfies_as_many_copies_as_a_maximum_flow_and_never_overallocates(
    raw_offers, raw_needs
):
    offers = [
        Offer(i, school, entry, f"t{title}", frozenset(range(low, low + 3)), year, copies)
        for i, (school, entry, title, copies, year, low) in enumerate(raw_offers, 1)
    ]
    needs = [
        Need(i, school, entry, f"t{title}", grade, copies)
        for i, (school, entry, title, copies, grade) in enumerate(raw_needs, 1)
    ]
    allocations = match(offers, needs)
    assert sum(a.copies for a in allocations) == max_flow(offers, needs)
    for o in offers:
        assert sum(a.copies for a in allocations if a.offer_id == o.id) <= o.copies
    for n in needs:
        assert sum(a.copies for a in allocations if a.need_id == n.id) <= n.copies


def min_cost_of_max_flow(offers, needs) -> tuple[int, int]:
    graph = nx.DiGraph()
    graph.add_nodes_from(["source", "sink"])
    for o in offers:
        graph.add_edge("source", ("o", o.id), capacity=o.copies, weight=0)
        for n in needs:
            if compatible(o, n):
                graph.add_edge(("o", o.id), ("n", n.id), capacity=n.copies, weight=edge_cost(o, n))
    for n in needs:
        graph.add_edge(("n", n.id), "sink", capacity=n.copies, weight=0)
    flow = nx.max_flow_min_cost(graph, "source", "sink")
    return sum(flow["source"].values()), nx.cost_of_flow(graph, flow)


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.tuples(st.integers(1, 5), st.integers(1, 3), st.integers(1, 20),
                  st.integers(2010, 2024), st.integers(1, 9)),
        max_size=10,
    ),
    st.lists(
        st.tuples(st.integers(1, 5), st.one_of(st.none(), st.integers(1, 3)),
                  st.integers(1, 20), st.integers(1, 11)),
        max_size=10,
    ),
)  # fmt: skip
def test_it_finds_the_cheapest_maximum_exact_editions_and_newer_years_first(raw_offers, raw_needs):
    # One title: the grouping of interchangeable offers and needs must not change the optimum,
    # even when a school both offers and needs it.
    offers = [
        Offer(i, school, entry, "t", frozenset(range(low, low + 3)), year, copies)
        for i, (school, entry, copies, year, low) in enumerate(raw_offers, 1)
    ]
    needs = [
        Need(i, school, entry, "t", grade, copies)
        for i, (school, entry, copies, grade) in enumerate(raw_needs, 1)
    ]
    allocations = match(offers, needs)
    by_offer = {o.id: o for o in offers}
    by_need = {n.id: n for n in needs}
    for a in allocations:
        assert compatible(by_offer[a.offer_id], by_need[a.need_id])
    cost = sum(a.copies * edge_cost(by_offer[a.offer_id], by_need[a.need_id]) for a in allocations)
    assert (sum(a.copies for a in allocations), cost) == min_cost_of_max_flow(offers, needs)


def test_the_title_key_ignores_case_yo_punctuation_and_spaces():
    assert title_key("Мордкович А.Г.", "Алгебра.  Базовый уровень") == title_key(
        "мордкович а г", "АЛГЕБРА базовый уровень"
    )
    assert title_key("Пёрышкин А.В.", "Физика") == "перышкин а в физика"
