"""arXiv's categories: the names ``collect`` accepts, and the nearest one to a typo.

The list is arXiv's category taxonomy (https://arxiv.org/category_taxonomy): every subject
class of every archive, the archives that have no subject classes (``hep-th``, ``quant-ph``,
...), and the legacy names old papers carry and the API still answers for (``astro-ph``,
``cond-mat``, ``cmp-lg``, ``solv-int``, ...). It is only read by ``collect``, so ``check``
never loads it.
"""

from __future__ import annotations

import difflib
import functools

__all__ = ["categories", "nearest_category"]

# One archive a line: the archive, then its subject classes (none: the archive is the class).
_TAXONOMY = """
cs AI AR CC CE CG CL CR CV CY DB DC DL DM DS ET FL GL GR GT HC IR IT LG LO MA MM MS NA NE NI
 OH OS PF PL RO SC SD SE SI SY
econ EM GN TH
eess AS IV SP SY
math AC AG AP AT CA CO CT CV DG DS FA GM GN GR GT HO IT KT LO MG MP NA NT OA OC PR QA RA RT
 SG SP ST
astro-ph CO EP GA HE IM SR
cond-mat dis-nn mes-hall mtrl-sci other quant-gas soft stat-mech str-el supr-con
nlin AO CD CG PS SI
physics acc-ph ao-ph app-ph atm-clus atom-ph bio-ph chem-ph class-ph comp-ph data-an ed-ph
 flu-dyn gen-ph geo-ph hist-ph ins-det med-ph optics plasm-ph pop-ph soc-ph space-ph
q-bio BM CB GN MN NC OT PE QM SC TO
q-fin CP EC GN MF PM PR RM ST TR
stat AP CO ME ML OT TH
gr-qc
hep-ex
hep-lat
hep-ph
hep-th
math-ph
nucl-ex
nucl-th
quant-ph
"""

# Archives that were categories of their own before subject classes, and archives since
# merged into others: old papers are listed under them, and the API answers for them.
_LEGACY = """
astro-ph cond-mat q-bio acc-phys adap-org alg-geom ao-sci atom-ph bayes-an chao-dyn chem-ph
cmp-lg comp-gas dg-ga funct-an mtrl-th patt-sol plasm-ph q-alg solv-int supr-con
"""


@functools.cache
def categories() -> frozenset[str]:
    """Every category name arXiv's API answers for.

    >>> {"cs.CV", "hep-th", "astro-ph.CO", "cmp-lg"} <= categories()
    True
    >>> "cs.cv" in categories()
    False
    """
    names: set[str] = set(_LEGACY.split())
    for line in _TAXONOMY.replace("\n ", " ").strip().splitlines():
        archive, *classes = line.split()
        if classes:
            names.update(f"{archive}.{name}" for name in classes)
        else:
            names.add(archive)
    return frozenset(names)


def nearest_category(name: str) -> str | None:
    """The real category ``name`` was most likely meant to be (None when none is close).

    A name that differs only in case is that category; otherwise the closest by spelling.

    >>> nearest_category("cs.cv"), nearest_category("cs.XV"), nearest_category("zzzzzzzz")
    ('cs.CV', 'cs.CV', None)
    """
    known = sorted(categories())
    folded = [c for c in known if c.casefold() == name.casefold()]
    if folded:
        return folded[0]
    close = difflib.get_close_matches(name, known, n=1, cutoff=0.6)
    return close[0] if close else None
