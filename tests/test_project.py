"""The project keeps its promises: documented settings, the README's commands, CI, no CDN."""

from __future__ import annotations

import ast
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


def test_ci_installs_what_the_browser_journey_needs_and_does_not_let_it_skip() -> None:
    ci = (PROJECT_ROOT / ".ci" / "run").read_text()

    assert "apt_install chromium" in ci
    assert "cd tests/browser && npm ci" in ci
    assert "export REQUIRE_BROWSER=1" in ci
    assert (PROJECT_ROOT / "tests" / "browser" / "package-lock.json").exists()


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


def test_settings_are_read_from_the_environment_file(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from seminar.config import Settings

    env_file = tmp_path / ".env"
    env_file.write_text("UPLOAD_MAX_MB=5\nSMTP_HOST=mail.example.org\nSMTP_PORT=587\nDATA_DIR=%s\n" % tmp_path)
    for name in DOCUMENTED_SETTINGS:
        monkeypatch.delenv(name, raising=False)

    settings = Settings.from_environment(env_file)

    assert settings.upload_max_bytes == 5 * 1024 * 1024
    assert (settings.smtp_host, settings.smtp_port) == ("mail.example.org", 587)
    assert settings.secret_key == (tmp_path / "secret_key").read_text()  # generated on first run
    assert Settings.from_environment(env_file).secret_key == settings.secret_key  # and kept


def _runtime_imports(path: Path) -> set[str]:
    """The modules a file imports when it runs: imports under `if TYPE_CHECKING:` are for annotations only."""
    tree = ast.parse(path.read_text("utf-8"))
    type_only = {
        id(node)
        for block in ast.walk(tree)
        if isinstance(block, ast.If) and ast.unparse(block.test) in {"TYPE_CHECKING", "typing.TYPE_CHECKING"}
        for statement in block.body
        for node in ast.walk(statement)
    }
    found: set[str] = set()
    for node in ast.walk(tree):
        if id(node) in type_only:
            continue
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            found |= {node.module, *(f"{node.module}.{alias.name}" for alias in node.names)}
    return found


def test_agenda_route_modules_issue_no_queries() -> None:
    """Route modules hold handlers: reads are in queries.py, writes in actions.py. A route module
    that imports no models and no Tortoise cannot query (the lead extends this to every area)."""
    route_modules = sorted((PROJECT_ROOT / "seminar" / "agenda").glob("*routes.py"))
    offenders = {
        str(path.relative_to(PROJECT_ROOT)): sorted(
            name for name in _runtime_imports(path)
            if name == "tortoise" or name.startswith("tortoise.") or re.match(r"seminar(\.\w+)*\.models\b", name)
        )
        for path in route_modules
    }

    assert {path: found for path, found in offenders.items() if found} == {}
    assert route_modules  # the glob still finds them
