"""The seed theme model is fitted once, stored in the data folder and loaded by later processes."""

import pickle
import subprocess
import sys

from omvarld.monitoring import theme_model

TEXTS = ["Fjärrvärmenätet i Västerås byggs ut.", "Stockholm bygger nya cykelbanor och bostäder.", "", "a"]


def _fresh_seed(settings, tmp_path):
    settings.DATA_DIR = tmp_path
    theme_model.seed_model.cache_clear()
    try:
        return theme_model.seed_model()
    finally:
        theme_model.seed_model.cache_clear()


def test_seed_model_is_stored_once_and_loaded_with_the_same_answers(settings, tmp_path):
    fitted = _fresh_seed(settings, tmp_path)
    [stored] = (tmp_path / "models").glob("theme-seed-*.pickle")
    assert theme_model.seed_key() in stored.name
    loaded = _fresh_seed(settings, tmp_path)
    assert loaded.pipe is None and fitted.pipe is not None  # the second came from the file
    for a, b in zip(fitted.probabilities(TEXTS), loaded.probabilities(TEXTS), strict=True):
        assert a.keys() == b.keys() and all(abs(a[k] - b[k]) < 1e-12 for k in a)


def test_a_damaged_store_is_fitted_again(settings, tmp_path):
    folder = tmp_path / "models"
    folder.mkdir()
    (folder / f"theme-seed-{theme_model.seed_key()}.pickle").write_bytes(b"not a pickle")
    model = _fresh_seed(settings, tmp_path)
    assert model.pipe is not None and model.probabilities(TEXTS)[0]
    assert isinstance(pickle.loads((folder / f"theme-seed-{theme_model.seed_key()}.pickle").read_bytes()), theme_model.ThemeModel)


def test_loading_the_stored_model_does_not_import_scikit_learn(settings, tmp_path):
    _fresh_seed(settings, tmp_path)
    code = (
        "import sys, django; django.setup();"
        "from omvarld.monitoring import theme_model; m = theme_model.seed_model();"
        "assert m.pipe is None, 'fitted again'; m.probabilities(['Cykelbanor i Malmö']);"
        "print('sklearn' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                         env={"DJANGO_SETTINGS_MODULE": "omvarld.settings", "OMVARLD_DATA_DIR": str(tmp_path), "PATH": "/usr/bin:/bin"})
    assert out.stdout.strip() == "False"


def test_the_key_changes_with_the_training_set(monkeypatch, tmp_path):
    before = theme_model.seed_key()
    changed = tmp_path / "training.jsonl"
    changed.write_bytes(theme_model.TRAINING.read_bytes() + b'{"source": "x", "text": "x", "themes": []}\\n')
    monkeypatch.setattr(theme_model, "TRAINING", changed)
    assert theme_model.seed_key() != before
