"""Tagging quality: run the product's tagger over the labelled texts and print precision and recall.

``tagging.jsonl`` holds real texts from ``shared/data`` (feed entries, extracted article text,
Swedish news sentences), one JSON object a line: ``source`` (the file, and the entry or sentence
in it), ``text``, and the true ``entities`` and ``themes`` as slugs of the demo map
(``omvarld/demo/data/demo.yaml``), labelled by reading each text. See ``README.md`` here for
the labelling rules.

    .venv/bin/python -m omvarld.monitoring.evaluation.evaluate [--errors]
"""

from __future__ import annotations

import argparse
import json
from collections import Counter
from pathlib import Path

import yaml

HERE = Path(__file__).resolve().parent
DATASET = HERE / "tagging.jsonl"
SECOND = HERE / "second_annotation.jsonl"  # the themes as labelled independently by a second reader
DEMO = HERE.parents[1] / "demo" / "data" / "demo.yaml"


def load_dataset(path: Path = DATASET) -> list[dict]:
    with path.open(encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def demo_context(path: Path = DEMO, *, seed: bool = True):
    """A tagging context over the demo map, keyed by slug (no database needed); ``seed``: with the
    shipped seed theme model."""
    from omvarld.monitoring.pipeline import Context

    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    entities = [(e["slug"], [e["name_sv"], e["name_en"]], list(e.get("aliases") or []), e.get("category") == "cities")
                for e in data["entities"]]
    themes = [(t["slug"], [t["label_sv"], *t.get("synonyms_sv", [])], [t["label_en"], *t.get("synonyms_en", [])])
              for t in data["themes"]]
    from omvarld.monitoring.tagging import default_theme_terms

    from omvarld.monitoring.theme_model import seed_model

    return Context(entities, themes, theme_terms=default_theme_terms({t["slug"]: t["slug"] for t in data["themes"]}),
                   theme_model=seed_model() if seed else None, theme_slugs={t["slug"]: t["slug"] for t in data["themes"]})


def predict(ctx, text: str) -> tuple[set, set]:
    entities = {t.target_id for t in ctx.entities.find(text)}
    from omvarld.monitoring.text import detect_language

    from omvarld.monitoring.pipeline import find_themes

    themes = {t.target_id for t in find_themes(ctx, text, detect_language(text))}
    return entities, themes


def _prf(tp: int, fp: int, fn: int) -> tuple[float, float, float]:
    p = tp / (tp + fp) if tp + fp else 1.0
    r = tp / (tp + fn) if tp + fn else 1.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return p, r, f


def evaluate(rows: list[dict] | None = None, ctx=None) -> dict:
    rows = load_dataset() if rows is None else rows
    ctx = ctx or demo_context()
    counts = {"entities": {}, "themes": {}}
    errors = []
    for row in rows:
        predicted = dict(zip(("entities", "themes"), predict(ctx, row["text"]), strict=True))
        for kind in ("entities", "themes"):
            truth = set(row[kind])
            per = counts[kind]
            for tag in truth | predicted[kind]:
                c = per.setdefault(tag, Counter())
                if tag in truth and tag in predicted[kind]:
                    c["tp"] += 1
                elif tag in truth:
                    c["fn"] += 1
                    errors.append((kind, "missed", tag, row["source"]))
                else:
                    c["fp"] += 1
                    errors.append((kind, "wrong", tag, row["source"]))
    result = {"texts": len(rows), "errors": errors}
    for kind, per in counts.items():
        tp = sum(c["tp"] for c in per.values())
        fp = sum(c["fp"] for c in per.values())
        fn = sum(c["fn"] for c in per.values())
        p, r, f = _prf(tp, fp, fn)
        result[kind] = {
            "precision": p, "recall": r, "f1": f, "tp": tp, "fp": fp, "fn": fn,
            "per_tag": {tag: dict(zip(("precision", "recall", "f1"), _prf(c["tp"], c["fp"], c["fn"]), strict=True),
                                  support=c["tp"] + c["fn"], tp=c["tp"], fp=c["fp"], fn=c["fn"])
                        for tag, c in sorted(per.items())},
        }
    return result


def agreement(rows: list[dict] | None = None, second: list[dict] | None = None) -> dict:
    """How far two readers who labelled the themes independently agree: the second reader's
    labels scored against the first's (``themes_first`` where adjudication changed a row, else
    ``themes``). It bounds what any tagger can be expected to reach on this set."""
    rows = load_dataset() if rows is None else rows
    second = {r["source"]: set(r["themes"]) for r in (load_dataset(SECOND) if second is None else second)}
    tp = fp = fn = 0
    for row in rows:
        first, other = set(row.get("themes_first", row["themes"])), second[row["source"]]
        tp, fp, fn = tp + len(first & other), fp + len(other - first), fn + len(first - other)
    p, r, f = _prf(tp, fp, fn)
    disagreements = sum(1 for row in rows if set(row.get("themes_first", row["themes"])) != second[row["source"]])
    return {"precision": p, "recall": r, "f1": f, "tp": tp, "fp": fp, "fn": fn, "texts_disagreed": disagreements}


def report(result: dict, *, show_errors: bool = False) -> str:
    lines = [f"{result['texts']} labelled texts"]
    for kind in ("entities", "themes"):
        r = result[kind]
        lines.append(f"\n{kind}: {'tag':<34} {'P':>5} {'R':>5} {'F1':>5} {'n':>4} {'fp':>3}")
        for tag, t in r["per_tag"].items():
            lines.append(f"  {tag:<42} {t['precision']:5.2f} {t['recall']:5.2f} {t['f1']:5.2f} {t['support']:4d} {t['fp']:3d}")
        lines.append(f"  {'micro-average':<42} {r['precision']:5.3f} {r['recall']:5.3f} {r['f1']:5.3f}"
                     f"  (tp {r['tp']}, fp {r['fp']}, fn {r['fn']})")
    if show_errors:
        lines.append("")
        lines += [f"{kind:8} {what:6} {tag:28} {source}" for kind, what, tag, source in result["errors"]]
    return "\n".join(lines)


def run(*, show_errors: bool = False, show_agreement: bool = False) -> str:
    """The whole printout: the report, then one JSON line of the figures."""
    result = evaluate()
    lines = [report(result, show_errors=show_errors)]
    summary = {k: {m: round(result[k][m], 3) for m in ("precision", "recall", "f1")} for k in ("entities", "themes")}
    if show_agreement:
        a = agreement()
        lines.append(f"\nthemes, second reader against the first: P {a['precision']:.3f} R {a['recall']:.3f} F1 {a['f1']:.3f}"
                     f"  (tp {a['tp']}, fp {a['fp']}, fn {a['fn']}; {a['texts_disagreed']} texts disagreed, then adjudicated)")
        summary["reader_agreement_themes_f1"] = round(a["f1"], 3)
    lines.append(json.dumps({"texts": result["texts"], **summary}))
    return "\n".join(lines)


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--errors", action="store_true", help="list every missed and wrong tag")
    parser.add_argument("--agreement", action="store_true", help="also print how far two human readers agree on themes")
    args = parser.parse_args(argv)
    import os

    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "omvarld.settings")
    django.setup()
    print(run(show_errors=args.errors, show_agreement=args.agreement))


if __name__ == "__main__":
    main()
