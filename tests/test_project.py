"""The project keeps its promises: documented settings, the README's commands, CI, no CDN."""

from __future__ import annotations

import re
from pathlib import Path

from seminar.config import DOCUMENTED_SETTINGS, PROJECT_ROOT

README = (PROJECT_ROOT / "README.md").read_text(encoding="utf-8")


def test_every_setting_is_in_the_readme_configuration_table() -> None:
    documented = set(re.findall(r"^\| `([A-Z_]+)` \|", README, re.M))

    assert documented == set(DOCUMENTED_SETTINGS)


def test_ci_runs_the_readme_test_command_on_both_databases() -> None:
    ci = (PROJECT_ROOT / ".ci" / "run").read_text()
    test_command = "python3 -m pip install -q uv && uv run seminar setup && uv run pytest"

    assert test_command in README
    assert "uv run --locked seminar setup && uv run --locked pytest" in ci
    assert "TEST_DATABASE_URL=postgres://" in ci


def test_no_template_or_stylesheet_loads_anything_from_another_origin() -> None:
    offenders = [
        str(path.relative_to(PROJECT_ROOT))
        for folder in ("templates", "static")
        for path in (PROJECT_ROOT / folder).rglob("*")
        if path.is_file()
        and path.suffix in {".html", ".css", ".js"}
        and re.search(r"""(src|href)=["']?(https?:)?//|@import\s+url\(["']?https?:""", path.read_text("utf-8"))
    ]

    assert offenders == []


def test_routes_read_forms_through_the_shared_helper() -> None:
    """The CSRF middleware consumes the body: a direct request.form() in a route would hang."""
    allowed = {Path("seminar/web.py"), Path("seminar/middleware.py")}
    offenders = [
        str(path.relative_to(PROJECT_ROOT))
        for path in (PROJECT_ROOT / "seminar").rglob("*.py")
        if path.relative_to(PROJECT_ROOT) not in allowed and "request.form(" in path.read_text("utf-8")
    ]

    assert offenders == []
