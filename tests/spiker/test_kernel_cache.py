"""The kernel cache is dropped when any kernel source changes (numba checks only each function's
own file, and run_steps inlines functions of other files)."""

from spiker.kernels._cache import sync_cache


def test_cached_kernels_are_dropped_when_any_kernel_source_changes(tmp_path):
    src, cache = tmp_path / "kernels", tmp_path / "kernels" / "__pycache__"
    src.mkdir()
    (src / "engine.py").write_text("def run_steps(): pass\n")
    (src / "neurons.py").write_text("def step(): return 1\n")
    assert sync_cache(src, [cache])  # first time: no fingerprint yet
    (cache / "engine.run_steps-1.py311.nbi").write_text("index")
    (cache / "engine.run_steps-1.py311.1.nbc").write_text("code")
    assert not sync_cache(src, [cache])  # unchanged sources keep the cache
    assert len(list(cache.glob("*.nb?"))) == 2
    (src / "neurons.py").write_text("def step(): return 2\n")  # engine.py itself untouched
    assert sync_cache(src, [cache])
    assert list(cache.glob("*.nb?")) == []
