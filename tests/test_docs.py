"""Every ```python block of README.md and docs/*.md runs as written.

The rule: each block runs on its own, in a fresh namespace (a reader can copy any single block
into a fresh interpreter), in a temporary working directory (the files a block writes land there,
not in the repository), with matplotlib's Agg backend. A block that raises ImportError while an
optional package (Brian2, NEST, torch, scikit-learn, NEO, Elephant) is missing is skipped; with
every package installed an ImportError fails. Blocks are kept short-running: a few seconds each.
"""

import importlib.util
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
OPTIONAL = ("brian2", "nest", "torch", "sklearn", "neo", "elephant")
_BLOCK = re.compile(r"^```python\n(.*?)^```", re.MULTILINE | re.DOTALL)


def snippets():
    for path in [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]:
        text = path.read_text()
        for match in _BLOCK.finditer(text):
            line = text.count("\n", 0, match.start()) + 2  # first line of code
            name = f"{path.relative_to(ROOT)}:{line}"
            yield pytest.param(name, match.group(1), id=name)


SNIPPETS = list(snippets())


def test_readme_and_docs_have_snippets():
    files = {name.split(":")[0] for name, _ in (p.values for p in SNIPPETS)}
    assert "README.md" in files and "docs/networks.md" in files and len(SNIPPETS) >= 12


@pytest.mark.parametrize("name, code", SNIPPETS)
def test_snippet_runs(name, code, tmp_path, monkeypatch):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    monkeypatch.chdir(tmp_path)
    try:
        exec(compile(code, name, "exec"), {"__name__": "__snippet__"})
    except ImportError:
        missing = [m for m in OPTIONAL if importlib.util.find_spec(m) is None]
        if missing:
            pytest.skip(f"{name} needs an optional package; missing here: {', '.join(missing)}")
        raise
    finally:
        plt.close("all")
