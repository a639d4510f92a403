"""Matching the exchange fund (ОРФ): which school should give which copies to which school.

Pure Python on plain records, so it can be tested and benchmarked without a database.

The goal, in order: satisfy as many needed copies as possible (a maximum flow); among such
solutions prefer the exact textbook over another edition of the same authors and title for the
same grade, newer edition years, and larger lots (fewer transfers). This is a min-cost maximum
flow. Offers can only serve needs of the same authors + title, so the network falls apart into
one small independent problem per title, solved one after another.
"""

from collections import defaultdict, deque
from dataclasses import dataclass

# Costs of sending one copy along an offer → need edge. A copy of another edition costs more than
# any difference of edition years, so the exact textbook always comes first.
OTHER_EDITION_COST = 1000
OLDEST_YEAR = 1990


@dataclass(frozen=True)
class Offer:
    id: int
    school_id: int
    entry_id: int
    title_key: str  # normalised authors + title: what «the same textbook» means across editions
    grades: frozenset[int]  # grades the textbook is for
    edition_year: int
    copies: int  # still available


@dataclass(frozen=True)
class Need:
    id: int
    school_id: int
    entry_id: int | None  # None: any edition of the authors and title will do
    title_key: str
    grade: int
    copies: int  # still needed


@dataclass(frozen=True)
class Allocation:
    offer_id: int
    need_id: int
    copies: int
    exact: bool


def compatible(offer: Offer, need: Need) -> bool:
    return (
        offer.school_id != need.school_id
        and offer.title_key == need.title_key
        and need.grade in offer.grades
    )


def edge_cost(offer: Offer, need: Need) -> int:
    exact = need.entry_id is None or offer.entry_id == need.entry_id
    age = max(0, 2100 - max(offer.edition_year or OLDEST_YEAR, OLDEST_YEAR))
    return (0 if exact else OTHER_EDITION_COST) + age


def match(offers: list[Offer], needs: list[Need]) -> list[Allocation]:
    """The allocations: every needed copy that can be served is served."""
    offers_by_title = defaultdict(list)
    for offer in offers:
        if offer.copies > 0:
            offers_by_title[offer.title_key].append(offer)
    needs_by_title = defaultdict(list)
    for need in needs:
        if need.copies > 0:
            needs_by_title[need.title_key].append(need)
    allocations = []
    for key in sorted(needs_by_title.keys() & offers_by_title.keys()):
        allocations += _match_title(offers_by_title[key], needs_by_title[key])
    return allocations


def _match_title(offers: list[Offer], needs: list[Need]) -> list[Allocation]:
    # Larger lots first: with equal costs the search then keeps to fewer, bigger transfers.
    offers = sorted(offers, key=lambda o: (-o.copies, o.id))
    graph = _Graph(2 + len(offers) + len(needs))
    source, sink = 0, 1
    offer_node = {offer.id: 2 + i for i, offer in enumerate(offers)}
    need_node = {need.id: 2 + len(offers) + i for i, need in enumerate(needs)}
    for offer in offers:
        graph.add(source, offer_node[offer.id], offer.copies, 0)
    for need in needs:
        graph.add(need_node[need.id], sink, need.copies, 0)
    edges = []
    for offer in offers:
        for need in needs:
            if compatible(offer, need):
                edge = graph.add(
                    offer_node[offer.id], need_node[need.id], need.copies, edge_cost(offer, need)
                )
                edges.append((edge, offer, need))
    graph.min_cost_max_flow(source, sink)
    result = []
    for edge, offer, need in edges:
        flow = graph.flow(edge)
        if flow:
            exact = need.entry_id is None or offer.entry_id == need.entry_id
            result.append(Allocation(offer.id, need.id, flow, exact))
    return result


class _Graph:
    """A residual graph for successive shortest paths (SPFA: costs are non-negative but the
    residual edges are not)."""

    def __init__(self, size: int):
        self.adjacent = [[] for _ in range(size)]
        self.to, self.capacity, self.cost = [], [], []

    def add(self, u: int, v: int, capacity: int, cost: int) -> int:
        index = len(self.to)
        for a, b, cap, c in ((u, v, capacity, cost), (v, u, 0, -cost)):
            self.adjacent[a].append(len(self.to))
            self.to.append(b)
            self.capacity.append(cap)
            self.cost.append(c)
        return index

    def flow(self, edge: int) -> int:
        return self.capacity[edge ^ 1]

    def min_cost_max_flow(self, source: int, sink: int) -> int:
        total = 0
        size = len(self.adjacent)
        while True:
            distance = [None] * size
            via = [-1] * size
            in_queue = [False] * size
            distance[source] = 0
            queue = deque([source])
            while queue:
                u = queue.popleft()
                in_queue[u] = False
                for edge in self.adjacent[u]:
                    if self.capacity[edge] <= 0:
                        continue
                    v = self.to[edge]
                    candidate = distance[u] + self.cost[edge]
                    if distance[v] is None or candidate < distance[v]:
                        distance[v] = candidate
                        via[v] = edge
                        if not in_queue[v]:
                            in_queue[v] = True
                            queue.append(v)
            if distance[sink] is None:
                return total
            push, node = None, sink
            while node != source:
                edge = via[node]
                push = self.capacity[edge] if push is None else min(push, self.capacity[edge])
                node = self.to[edge ^ 1]
            node = sink
            while node != source:
                edge = via[node]
                self.capacity[edge] -= push
                self.capacity[edge ^ 1] += push
                node = self.to[edge ^ 1]
            total += push
