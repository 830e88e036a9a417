"""Reading the glossary's seed file (data/glossary.tsv)."""

from pathlib import Path

SEED_FILE = Path(__file__).resolve().parent / "data" / "glossary.tsv"


def read_pairs(path: Path = SEED_FILE) -> list[tuple[str, str]]:
    pairs = []
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip() or line.startswith("#"):
            continue
        cols = [c.strip() for c in line.split("\t")]
        if len(cols) != 2 or not all(cols):
            raise ValueError(f"{path.name} line {n}: expected 'Swedish<TAB>English'")
        pairs.append((cols[0], cols[1]))
    return pairs
