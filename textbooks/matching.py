"""Matching the exchange fund (ОРФ): which school should give which copies to which school.

Pure Python on plain records, so it can be tested and benchmarked without a database.

The goal, in order: satisfy as many needed copies as possible (a maximum flow); among such
solutions prefer the exact textbook over another edition of the same authors and title for the
same grade, newer edition years, and larger lots (fewer transfers). This is a min-cost maximum
flow. Offers can only serve needs of the same authors + title, so the network falls apart into
one independent problem per title, solved one after another on groups of interchangeable
offers and needs (see _match_title), by the primal-dual method (see _Graph).
"""

import heapq
import re
from collections import defaultdict
from dataclasses import dataclass

# Costs of sending one copy along an offer → need edge. A copy of another edition costs more than
# any difference of edition years, so the exact textbook always comes first.
OTHER_EDITION_COST = 1000
OLDEST_YEAR = 1990


_PUNCTUATION = re.compile(r"[^\w\s]+")


def title_key(authors: str, title: str) -> str:
    """What «the same textbook in another edition» means: authors and title, lower-cased,
    ё → е, punctuation stripped, spaces collapsed: «Мордкович А.Г.», «Алгебра» →
    «мордкович а г алгебра»."""
    text = f"{authors or ''} {title or ''}".casefold().replace("ё", "е")
    return " ".join(_PUNCTUATION.sub(" ", text).split())


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
    """One title's min-cost maximum flow on groups rather than single offers and needs.

    Offers that are interchangeable (same edition, year and grades) form one group, and so do
    needs (same edition wanted, same grade): edge costs and compatibility depend only on the
    groups. The one exception is that a school never gives to itself, so a school that both
    offers and needs this title keeps its own groups, with no edge between them. A title that
    most schools use then becomes a network of a few hundred nodes instead of thousands, with the
    same maximum flow at the same cost; the group flows are split back into offer → need lines,
    larger lots first, so that a need is served by as few offers as possible.
    """
    both = {o.school_id for o in offers} & {n.school_id for n in needs}
    offer_groups = defaultdict(list)
    for offer in sorted(offers, key=lambda o: (-o.copies, o.id)):
        school = offer.school_id if offer.school_id in both else None
        key = (school, offer.entry_id, offer.edition_year, offer.grades)
        offer_groups[key].append(offer)
    need_groups = defaultdict(list)
    for need in sorted(needs, key=lambda n: (-n.copies, n.id)):
        school = need.school_id if need.school_id in both else None
        need_groups[school, need.entry_id, need.grade].append(need)
    offer_keys, need_keys = list(offer_groups), list(need_groups)
    graph = _Graph(2 + len(offer_keys) + len(need_keys))
    source, sink = 0, 1
    total = sum(o.copies for o in offers)
    for index, key in enumerate(offer_keys):
        graph.add(source, 2 + index, sum(o.copies for o in offer_groups[key]), 0)
    for index, key in enumerate(need_keys):
        graph.add(2 + len(offer_keys) + index, sink, sum(n.copies for n in need_groups[key]), 0)
    edges = []
    for i, (o_school, o_entry, _year, o_grades) in enumerate(offer_keys):
        sample = offer_groups[offer_keys[i]][0]
        for j, (n_school, n_entry, n_grade) in enumerate(need_keys):
            if o_school is not None and o_school == n_school:
                continue  # a school does not give to itself
            if n_grade not in o_grades:
                continue
            need = need_groups[need_keys[j]][0]
            edge = graph.add(2 + i, 2 + len(offer_keys) + j, total, edge_cost(sample, need))
            edges.append((edge, i, j, n_entry is None or n_entry == o_entry))
    graph.min_cost_max_flow(source, sink)
    # Split the group flows into lines: the largest lots and needs first.
    offers_left = {i: [[o, o.copies] for o in offer_groups[k]] for i, k in enumerate(offer_keys)}
    needs_left = {j: [[n, n.copies] for n in need_groups[k]] for j, k in enumerate(need_keys)}
    lines = {}
    for edge, i, j, exact in sorted(edges, key=lambda e: graph.cost[e[0]]):
        flow = graph.flow(edge)
        while flow:
            offer_left, need_left = offers_left[i][0], needs_left[j][0]
            take = min(flow, offer_left[1], need_left[1])
            key = (offer_left[0].id, need_left[0].id)
            lines[key] = (lines[key][0] + take, exact) if key in lines else (take, exact)
            flow -= take
            offer_left[1] -= take
            need_left[1] -= take
            if not offer_left[1]:
                offers_left[i].pop(0)
            if not need_left[1]:
                needs_left[j].pop(0)
    return [
        Allocation(offer_id, need_id, copies, exact)
        for (offer_id, need_id), (copies, exact) in lines.items()
    ]


class _Graph:
    """A residual graph for min-cost maximum flow by the primal-dual method: Dijkstra on costs
    reduced by node potentials finds the current shortest distance, then a blocking flow
    (Dinic) pushes along every shortest path at once. The phases are as many as the distinct
    path costs, not as many as the augmenting paths."""

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
        potential = [0] * len(self.adjacent)  # all edge costs start non-negative
        total = 0
        while True:
            distance = self._distances(source, potential)
            if distance[sink] is None:
                return total
            for v, d in enumerate(distance):
                if d is not None:
                    potential[v] += d
            total += self._blocking_flows(source, sink, potential, distance)

    def _distances(self, source: int, potential: list[int]) -> list:
        """Dijkstra on reduced costs, which the potentials keep non-negative."""
        to, capacity, cost, adjacent = self.to, self.capacity, self.cost, self.adjacent
        distance = [None] * len(adjacent)
        done = [False] * len(adjacent)
        distance[source] = 0
        heap = [(0, source)]
        while heap:
            d, u = heapq.heappop(heap)
            if done[u]:
                continue
            done[u] = True
            base = d + potential[u]
            for edge in adjacent[u]:
                if capacity[edge] <= 0:
                    continue
                v = to[edge]
                if done[v]:
                    continue
                candidate = base + cost[edge] - potential[v]
                if distance[v] is None or candidate < distance[v]:
                    distance[v] = candidate
                    heapq.heappush(heap, (candidate, v))
        return distance

    def _blocking_flows(self, source, sink, potential, distance) -> int:
        """Maximum flow over the edges of reduced cost 0 (the shortest paths), Dinic's way."""
        to, capacity, cost, adjacent = self.to, self.capacity, self.cost, self.adjacent
        size = len(adjacent)

        def admissible(edge, u, v):
            return (
                capacity[edge] > 0
                and distance[v] is not None
                and cost[edge] + potential[u] - potential[v] == 0
            )

        pushed = 0
        while True:
            level = [-1] * size
            level[source] = 0
            queue = [source]
            for u in queue:
                for edge in adjacent[u]:
                    v = to[edge]
                    if level[v] < 0 and admissible(edge, u, v):
                        level[v] = level[u] + 1
                        queue.append(v)
            if level[sink] < 0:
                return pushed
            position = [0] * size
            while True:
                path, u = [], source
                while u != sink:
                    edges = adjacent[u]
                    while position[u] < len(edges):
                        edge = edges[position[u]]
                        v = to[edge]
                        if level[v] == level[u] + 1 and admissible(edge, u, v):
                            break
                        position[u] += 1
                    if position[u] < len(edges):
                        path.append(edges[position[u]])
                        u = to[edges[position[u]]]
                    elif path:  # a dead end: never enter it again in this round
                        level[u] = -1
                        u = to[path.pop() ^ 1]
                        position[u] += 1
                    else:
                        break
                if u != sink:
                    break
                push = min(capacity[edge] for edge in path)
                for edge in path:
                    capacity[edge] -= push
                    capacity[edge ^ 1] += push
                pushed += push
