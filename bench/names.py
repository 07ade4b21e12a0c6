"""How many methods of the corpus's specs get names nobody would choose, per spec (issue 27, item 4).

    .venv/bin/python bench/names.py                    # a seeded sample of the corpus (NAMES_SAMPLE, NAMES_SEED)
    NAMES_SAMPLE=0 .venv/bin/python bench/names.py     # the whole corpus
    .venv/bin/python bench/names.py SPEC...            # these files only (e.g. tests/data/third_party/*/*.json)

Only the IR is built (no validation, no rendering), in a pool of NAMES_JOBS processes (default 1), each
document bounded by NAMES_TIMEOUT seconds. A name is counted when it is one of:
  counter   a counter told it apart from another of its resource (`get_2`, `list_3`)
  verb      an HTTP verb other than GET leads it (`post_files_content`, `put_settings`, `delete_tag`)
  get_id    it starts with `get_id` (`get_id`, `get_id_content`: a path read as a name)
It prints the specs with any such name, worst first, then the totals. The corpus comes from `bench/corpus.py`
(fetched once into its cache).

Issue 27 (the whole corpus, NAMES_SAMPLE=0): 13,362 awkward names of 125,702 methods in 715 specs before
(counter 3,584, verb 9,259, get_id 519), 3,610 in 368 after naming within tags from paths (counter 2,383, verb
1,225, get_id 2), 2,271 in 350 once twins of one path were told apart by their HTTP method (counter 582, verb
1,677, get_id 12). The worst three before: Microsoft Graph beta 884 -> 14, EC2 590 -> 148, Microsoft Graph
422 -> 7. EC2 and the other AWS query APIs declare every `/#Action=X` twice, as GET and as POST: the POST twin
is `describe_instances_post`, not `describe_instances_2`; what the count keeps of them are AWS's own action
names that start with a verb (`delete_carrier_gateway`, as boto3 names it). The APIs issue 27 tried: Asana
16 -> 0, OpenAI 2 -> 0, Box 160 -> 6; by share, Orthanc 238 -> 1, Mailchimp 193 -> 1, loket.nl 307 -> 19.
tests/data/third_party/*/*.json and spec/*.yaml: 55 -> 6.
"""

from __future__ import annotations

import multiprocessing
import os
import random
import re
import sys
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

# Imported before the pool forks, so that every worker runs the generator as it was when the run began.
from generator.pipeline import NO_OVERRIDES, _ir, _read

KINDS = {
    "counter": re.compile(r"_\d+$"),
    "verb": re.compile(r"^(post|put|patch|delete|head|options|trace)_"),
    "get_id": re.compile(r"^get_id"),
}


def awkward(name: str) -> str | None:
    """The kind of awkward name `name` is, or None."""
    return next((kind for kind, pattern in KINDS.items() if pattern.search(name)), None)


def count(spec: str) -> tuple[str, int, Counter[str], list[str]]:
    """(spec, methods, awkward names by kind, examples) for one document; methods -1 when its IR cannot be built."""
    try:
        doc = _read(Path(spec), None)
        api, _ = _ir(doc, Path(spec), "api", None, NO_OVERRIDES, False)
    except Exception:  # an invalid document: not this measure's business
        return spec, -1, Counter(), []
    kinds: Counter[str] = Counter()
    examples = []
    methods = 0
    for group in api.groups:
        for op in group.operations:
            methods += 1
            kind = awkward(op.name)
            if kind:
                kinds[kind] += 1
                examples.append(f"{group.qualified}.{op.name}")
    return spec, methods, kinds, examples


def main() -> None:
    if sys.argv[1:]:
        documents = sys.argv[1:]
    else:
        import corpus

        every = [str(p) for p in corpus.fetch()]
        sample = int(os.environ.get("NAMES_SAMPLE", "300"))
        seeded = random.Random(int(os.environ.get("NAMES_SEED", "27")))  # noqa: S311 - a reproducible sample
        seeded.shuffle(every)
        documents = sorted(every[:sample] if sample else every)
    timeout = float(os.environ.get("NAMES_TIMEOUT", "120"))
    totals: Counter[str] = Counter()
    rows = []
    methods = failed = 0
    with multiprocessing.Pool(int(os.environ.get("NAMES_JOBS", "1")), maxtasksperchild=20) as pool:
        pending = [(spec, pool.apply_async(count, (spec,))) for spec in documents]
        for spec, result in pending:
            try:
                _, n, kinds, examples = result.get(timeout)
            except multiprocessing.TimeoutError:
                n, kinds, examples = -1, Counter(), []
            if n < 0:
                failed += 1
                continue
            methods += n
            totals += kinds
            if kinds:
                rows.append((sum(kinds.values()), n, spec, kinds, examples))
    for bad, n, spec, kinds, examples in sorted(rows, key=lambda r: (-r[0], r[2])):
        by_kind = ", ".join(f"{k} {v}" for k, v in sorted(kinds.items()))
        shown = ", ".join(examples[:4]) + (", ..." if len(examples) > 4 else "")
        print(f"{bad:5} of {n:5}  {Path(spec).name}  ({by_kind}): {shown}")
    print(
        f"\n{len(documents) - failed} specs ({failed} not built), {methods} methods, "
        f"{sum(totals.values())} awkward names in {len(rows)} specs: " + ", ".join(f"{k} {totals[k]}" for k in KINDS)
    )


if __name__ == "__main__":
    main()
