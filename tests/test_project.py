"""The project keeps its promises: documented settings, the README's commands, CI, no CDN.

The documentation's links and length are checked in tests/test_docs.py."""

from __future__ import annotations

import ast
import re
import subprocess
import sys
import tokenize
from pathlib import Path

from seminar.config import DOCUMENTED_SETTINGS, PROJECT_ROOT

README = (PROJECT_ROOT / "README.md").read_text(encoding="utf-8")
CONFIGURATION = (PROJECT_ROOT / "docs" / "configuration.md").read_text(encoding="utf-8")
DEVELOPMENT = (PROJECT_ROOT / "docs" / "development.md").read_text(encoding="utf-8")


def test_every_setting_is_in_the_configuration_table_of_the_docs() -> None:
    documented = set(re.findall(r"^\| `([A-Z_]+)` \|", CONFIGURATION, re.M))

    assert documented == set(DOCUMENTED_SETTINGS)


def test_ci_runs_the_readme_test_command_on_both_databases() -> None:
    ci = (PROJECT_ROOT / ".ci" / "run").read_text()
    install, tests = "python3 -m pip install -q uv", "uv run --locked seminar setup && uv run --locked pytest -q"

    assert f"{install} && {tests}" in README
    assert re.search(f"^{re.escape(install)}$", ci, re.M)  # CI installs uv once, then type-checks, then tests
    assert re.search(f"^{re.escape(tests)}$", ci, re.M)
    assert re.search(r"^TEST_DATABASE_URL=postgres://\S+ uv run --locked pytest -q$", ci, re.M)


def test_ci_type_checks_the_code_before_the_tests() -> None:
    ci = (PROJECT_ROOT / ".ci" / "run").read_text()
    pyproject = (PROJECT_ROOT / "pyproject.toml").read_text()

    assert 'files = ["seminar"]' in pyproject
    assert ci.index("uv run --locked mypy") < ci.index("uv run --locked pytest")
    assert "uv run mypy" in DEVELOPMENT


def _type_ignores(path: Path) -> list[tuple[int, str]]:
    """(line, comment) of each comment in the file that tells mypy to ignore something."""
    with path.open("rb") as source:
        return [
            (token.start[0], token.string)
            for token in tokenize.tokenize(source.readline)
            if token.type == tokenize.COMMENT and re.search(r"type:\s*ignore", token.string)
        ]


def test_every_type_ignore_in_the_checked_code_names_the_error_and_why() -> None:
    """mypy checks seminar/: where it is told to look away, `# type: ignore[code]  # reason` says from what and why."""
    named = re.compile(r"# type: ignore\[[a-z-]+(, [a-z-]+)*\]  # \S")
    offenders = [
        f"{path.relative_to(PROJECT_ROOT)}:{line}: {comment}"
        for path in sorted((PROJECT_ROOT / "seminar").rglob("*.py"))
        for line, comment in _type_ignores(path)
        if not named.search(comment)
    ]

    assert offenders == []


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


# Areas whose route modules hold handlers only: every area since issue 12.
AREAS_WITH_THIN_ROUTES = (
    "accounts", "agenda", "audit", "certificates", "mail", "operations", "proceedings", "registration", "reviews",
    "seminars", "submissions",
)


def _runtime_imports(node: ast.AST) -> list[str]:
    """Modules imported when the file runs: what `if TYPE_CHECKING:` imports for annotations does not count."""
    if isinstance(node, ast.Import):
        return [alias.name for alias in node.names]
    if isinstance(node, ast.ImportFrom):
        return [node.module or "", *(f"{node.module}.{alias.name}" for alias in node.names)]
    children = list(ast.iter_child_nodes(node))
    if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
        children = list(node.orelse)
    return [name for child in children for name in _runtime_imports(child)]


def test_route_modules_import_no_models() -> None:
    """Route modules hold handlers: reads go through queries.py, changes through actions.py, so no handler queries."""
    offenders = [
        f"{path.relative_to(PROJECT_ROOT)} imports {name}"
        for area in AREAS_WITH_THIN_ROUTES
        for path in sorted((PROJECT_ROOT / "seminar" / area).glob("*routes.py"))
        for name in _runtime_imports(ast.parse(path.read_text("utf-8")))
        if name == "tortoise" or name.startswith("tortoise.") or name.endswith(".models") or ".models." in name
    ]

    assert offenders == []


PURE_MODULES = (
    "submissions/intake.py", "accounts/units.py", "proceedings/book.py", "accounts/password_rules.py", "accounts/totp.py",
    "mail/batches.py", "certificates/wording.py", "certificates/document.py",
    *(f"textsim/{path.name}" for path in sorted((PROJECT_ROOT / "seminar" / "textsim").glob("*.py"))),
)


def test_pure_modules_import_no_models_and_no_web_modules() -> None:
    """Pure logic takes plain data and returns plain data: it runs, and is tested, without a database or a request."""
    offenders = [
        f"seminar/{module} imports {name}"
        for module in PURE_MODULES
        for name in _runtime_imports(ast.parse((PROJECT_ROOT / "seminar" / module).read_text("utf-8")))
        if name.split(".")[0] in {"tortoise", "starlette"} or name.endswith(".models") or ".models." in name
        or name == "seminar.web" or name.startswith("seminar.web.")
    ]

    assert offenders == []


def test_no_model_field_relies_on_a_comment_for_its_description() -> None:
    """seminar/__init__.py stops Tortoise reading models' sources for `#:` comments: a description is `description=`."""
    commented = [
        str(path.relative_to(PROJECT_ROOT)) for path in sorted((PROJECT_ROOT / "seminar").rglob("models.py"))
        if re.search(r"^\s*#:", path.read_text("utf-8"), flags=re.MULTILINE)
    ]

    assert commented == []


def test_tortoise_imported_by_the_package_validates_domain_names_and_reads_sources_as_before() -> None:
    """seminar/__init__.py imports Tortoise without two start-up costs (a pattern compiled when first used, one
    source hidden while it is imported): in a fresh interpreter, both work afterwards."""
    check = (
        "import inspect, re, seminar, tortoise.models, tortoise.validators as v\n"
        "v.validate_domain_name('example.org'); v.validate_domain_name('例子.中国')\n"
        "try:\n    v.validate_domain_name('-bad-.org')\nexcept v.ValidationError:\n    pass\n"
        "else:\n    raise SystemExit('a bad domain name passed')\n"
        "assert 'class Model' in inspect.getsource(tortoise.models.Model)\n"
        "assert re.compile('[a-z]', re.I).match('Q')\n"
    )
    subprocess.run([sys.executable, "-c", check], cwd=PROJECT_ROOT, check=True, timeout=60)


def test_every_library_the_code_imports_is_a_runtime_dependency() -> None:
    """The Docker image installs no dev dependencies: a library only in the dev group breaks there."""
    import sys
    import tomllib
    from importlib.metadata import packages_distributions

    project = tomllib.loads((PROJECT_ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    declared = {re.split(r"[\[<>=!~ ;]", spec, maxsplit=1)[0].lower().replace("_", "-") for spec in project["dependencies"]}
    distributions = packages_distributions()
    missing: dict[str, set[str]] = {}
    for path in (PROJECT_ROOT / "seminar").rglob("*.py"):
        if path.name in ("catalogs.py", "docs_images.py"):
            # developers' tools (`python -m seminar.catalogs`, `seminar docs-images`, which the CLI imports
            # only when asked), run with the dev group installed
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names = [node.module]
            else:
                continue
            for name in names:
                top = name.split(".")[0]
                if top == "seminar" or top in sys.stdlib_module_names:
                    continue
                owners = {d.lower().replace("_", "-") for d in distributions.get(top, [top])}
                if not owners & declared:
                    missing.setdefault(top, set()).add(str(path.relative_to(PROJECT_ROOT)))
    assert not missing, f"imported by seminar/ but not in [project].dependencies: {missing}"
