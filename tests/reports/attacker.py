"""Someone who knows the disclosure method but not its key, working out small counts.

The attacker writes every count the reports show as a fact about the true counts
behind it: the true count of a cell is a sum of *atoms* (the finest groups of
records, say one team's ratings of one framework outcome in one band in one
quarter), and lies in a known range (for "<5", 1 to 4; for a perturbed count,
``reports.disclosure.possible_counts``). A count is *pinned* when every set of
atom values that fits all the facts gives it the same value: then the attacker
knows it exactly. The search is exact (bounds tightened, then a depth-first
search for another set of values that fits), so "not pinned" comes with a
witness: true counts, different from the real ones, that show the same.
"""

from collections import defaultdict
from collections.abc import Hashable, Iterable

Atom = Hashable


class Attacker:
    def __init__(self, largest: int = 200) -> None:
        self.largest = largest
        self.facts: list[tuple[dict, int, int]] = []  # ({atom: weight}, low, high)
        self.atoms: set = set()

    def knows(self, atoms: Iterable[Atom], low: int, high: int) -> None:
        """The atoms add up to between ``low`` and ``high``."""
        coefficients = dict.fromkeys(atoms, 1)
        self.atoms |= set(coefficients)
        self.facts.append((coefficients, low, high))

    def knows_weighted(self, coefficients: dict, low: int, high: int) -> None:
        """A weighted sum of atoms lies between ``low`` and ``high`` (a mean times its count)."""
        self.atoms |= set(coefficients)
        self.facts.append((dict(coefficients), low, high))

    def knows_equal(self, left: Iterable[Atom], right: Iterable[Atom]) -> None:
        """Two groups of atoms add up to the same (the same records, counted two ways)."""
        coefficients: dict = defaultdict(int)
        for atom in left:
            coefficients[atom] += 1
        for atom in right:
            coefficients[atom] -= 1
        coefficients = {a: c for a, c in coefficients.items() if c}
        self.atoms |= set(coefficients)
        self.facts.append((coefficients, 0, 0))

    def pinned(self, atoms: Iterable[Atom], truth: dict) -> bool:
        """Whether the sum of ``atoms`` can only be what it is in ``truth``."""
        atoms = list(atoms)
        actual = sum(truth.get(a, 0) for a in atoms)
        undecided = False
        for step in range(1, self.largest):
            for value in (actual - step, actual + step):
                try:
                    if value >= 0 and self._fits({a: 1 for a in atoms}, value, truth):
                        return False
                except RuntimeError:
                    undecided = True  # another value may still give a witness
        if undecided:
            raise RuntimeError("the search took too long to be sure either way")
        return True

    # The search

    def _fits(self, extra: dict, value: int, truth: dict) -> bool:
        """Whether some atom values fit every fact and give ``extra`` the sum ``value``.

        Looked for near the truth first: only the atoms of ``extra`` may differ from
        it, then also those sharing a fact with them, and so on until every atom may
        (a set of values found early is as good a witness as any).
        """
        facts = [*self.facts, (extra, value, value)]
        by_atom = defaultdict(list)
        for i, (coefficients, _, _) in enumerate(facts):
            for atom in coefficients:
                by_atom[atom].append(i)
        every = self.atoms | set(extra)
        free = set(extra)
        while True:
            bounds = {a: [0, self.largest] if a in free else [truth.get(a, 0)] * 2 for a in every}
            wider = free | {b for a in free for i in by_atom[a] for b in facts[i][0]}
            try:
                if self._search(facts, by_atom, bounds, truth, budget=[2_000]):
                    return True
            except RuntimeError:
                if wider == free:
                    raise
            if wider == free:
                return False
            free = wider

    def _tighten(self, facts, by_atom, bounds, waiting: set) -> bool:
        def least_most(coefficients) -> tuple[int, int]:
            least = most = 0
            for a, c in coefficients.items():
                lo, hi = bounds[a]
                least += c * lo if c > 0 else c * hi
                most += c * hi if c > 0 else c * lo
            return least, most

        while waiting:
            i = waiting.pop()
            coefficients, low, high = facts[i]
            least, most = least_most(coefficients)
            if least > high or most < low:
                return False
            for atom, c in coefficients.items():
                lo, hi = bounds[atom]
                own_least, own_most = (c * lo, c * hi) if c > 0 else (c * hi, c * lo)
                # c * atom lies in [low - (most - own_most), high - (least - own_least)]
                top, bottom = high - (least - own_least), low - (most - own_most)
                if c > 0:
                    new_lo, new_hi = -(-bottom // c), top // c
                else:
                    new_lo, new_hi = -(-top // c), bottom // c
                new_lo, new_hi = max(lo, new_lo), min(hi, new_hi)
                if new_lo > new_hi:
                    return False
                if (new_lo, new_hi) != (lo, hi):
                    bounds[atom] = [new_lo, new_hi]
                    waiting.update(by_atom[atom])
                    least, most = least_most(coefficients)
        return True

    def _search(self, facts, by_atom, bounds, truth, budget, waiting=None) -> bool:
        budget[0] -= 1
        if budget[0] < 0:
            raise RuntimeError("the search took too long to be sure either way")
        if waiting is None:
            waiting = set(range(len(facts)))
        if not self._tighten(facts, by_atom, bounds, waiting):
            return False
        open_atoms = [a for a, (lo, hi) in bounds.items() if lo < hi]
        if not open_atoms:
            return True
        # The narrowest first; ties in a fixed order, so every run searches alike.
        atom = min(open_atoms, key=lambda a: (bounds[a][1] - bounds[a][0], repr(a)))
        lo, hi = bounds[atom]
        near = truth.get(atom, 0)
        for value in sorted(range(lo, hi + 1), key=lambda v: abs(v - near)):
            trial = {a: list(b) for a, b in bounds.items()}
            trial[atom] = [value, value]
            if self._search(facts, by_atom, trial, truth, budget, set(by_atom[atom])):
                return True
        return False
