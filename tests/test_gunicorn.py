"""config/gunicorn.py: what docker-compose.yml's web service and the load benchmark start with."""

import gc
import importlib.util
from pathlib import Path
from types import SimpleNamespace

import pytest

ROOT = Path(__file__).resolve().parent.parent


def load_config(monkeypatch, **env):
    for name in ("WEB_CONCURRENCY", "GUNICORN_BIND"):
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    spec = importlib.util.spec_from_file_location("gunicorn_conf_under_test", ROOT / "config/gunicorn.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture
def unfrozen():
    """Whatever a hook froze is given back to the collector after the test."""
    yield
    gc.unfreeze()


def test_one_worker_per_core_plus_one_unless_web_concurrency_says(monkeypatch):
    monkeypatch.setattr("multiprocessing.cpu_count", lambda: 2)
    assert load_config(monkeypatch).workers == 3
    assert load_config(monkeypatch, WEB_CONCURRENCY="7").workers == 7
    config = load_config(monkeypatch)
    assert (config.bind, config.timeout, config.accesslog) == ("0.0.0.0:8000", 120, "-")


def test_compose_starts_gunicorn_with_this_file():
    compose = (ROOT / "docker-compose.yml").read_text(encoding="utf-8")
    assert "exec gunicorn -c config/gunicorn.py config.wsgi" in compose
    assert "--workers" not in compose  # one place says how many


def test_a_worker_freezes_what_it_holds_once_loaded_and_again_when_warm(monkeypatch, unfrozen):
    config = load_config(monkeypatch)
    gc.unfreeze()
    worker = SimpleNamespace()
    config.post_worker_init(worker)
    after_start = gc.get_freeze_count()
    assert after_start > 0  # Django, the apps and every view module: out of the full collections

    holder = [[i] for i in range(1000)]  # what the first requests build (templates, caches): tracked objects
    for _ in range(config.FREEZE_AFTER_REQUESTS - 1):
        config.post_request(worker, None, {}, None)
    assert gc.get_freeze_count() == after_start
    config.post_request(worker, None, {}, None)
    assert gc.get_freeze_count() >= after_start + len(holder)
    frozen = gc.get_freeze_count()
    config.post_request(worker, None, {}, None)
    assert gc.get_freeze_count() == frozen  # once only
