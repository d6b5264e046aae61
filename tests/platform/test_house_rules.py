"""Rules of the house that no linter checks: small files, docstrings that say what and why now, and
references to services modules that resolve.

In: every .py file of the product and the bench (tests/ and migrations/ excluded). Out: each test
lists the offending files and lines, so a failure says where to look.
"""
import ast
import importlib
import re
from pathlib import Path

ROOT = next(p for p in Path(__file__).resolve().parents if (p / "app.py").is_file())  # any tests/ room
ROOMS = ("app.py", "config", "extensions", "models", "services", "blueprints", "jobs", "cli", "bench")
MAX_LINES = 400

#: Ticket numbers, migration names and before/after timings: history for commit messages and
#: bench/RESULTS.md, not for the code.
HISTORY = re.compile(r"\bissue \d+|\bsession \d+|\b\d{4}_[a-z]+\b"
                     r"|\d[\d.]* ?(?:ms|s)\b.*\b(?:instead|was|before)\b", re.IGNORECASE)
SERVICES_PATH = re.compile(r"\bservices/[\w/]+\.py\b")
SERVICES_NAME = re.compile(r"(?<![\w./])services(?:\.[A-Za-z_]\w*)+")
SERVICES_MIXED = re.compile(r"\bservices/[\w/]+\.(?!py\b)[A-Za-z_]\w*")  # services/x.name


def product_files() -> list[Path]:
    """The .py files the rules apply to, sorted."""
    files = []
    for room in ROOMS:
        path = ROOT / room
        files += [path] if path.suffix == ".py" else sorted(path.rglob("*.py"))
    return sorted(f for f in files if "__pycache__" not in f.parts)


def _resolves(dotted: str) -> bool:
    """True when `dotted` names a module, or an attribute reached from the longest importable prefix."""
    parts = dotted.split(".")
    for cut in range(len(parts), 0, -1):
        try:
            obj = importlib.import_module(".".join(parts[:cut]))
        except ImportError:
            continue
        for name in parts[cut:]:
            if not hasattr(obj, name):
                return False
            obj = getattr(obj, name)
        return True
    return False


def test_product_files_are_found():
    files = product_files()
    assert ROOT / "app.py" in files
    assert ROOT / "services" / "activities" / "operations.py" in files
    assert not any("tests" in f.relative_to(ROOT).parts[:1] for f in files)


def test_no_file_over_the_line_limit():
    long = {str(f.relative_to(ROOT)): n for f in product_files()
            if (n := len(f.read_text(encoding="utf-8").splitlines())) > MAX_LINES}
    assert long == {}, f"split by meaning below {MAX_LINES} lines"


def test_no_ticket_numbers_migration_names_or_timings_in_the_code():
    found = [f"{f.relative_to(ROOT)}:{n}: {line.strip()}" for f in product_files()
             for n, line in enumerate(f.read_text(encoding="utf-8").splitlines(), 1)
             if HISTORY.search(line)]
    assert found == [], "say the rule or reason; history goes to commit messages and bench/RESULTS.md"


def test_history_pattern_catches_what_it_is_for():
    for line in ("summary tables (issue 14)", "summary_appeals (0004_perf)",
                 "1.2 M activities in 0.1 s instead of 3.3 s", "found in session 2"):
        assert HISTORY.search(line), line
    for line in ("issue_token(user)", "within 2× of its first", "at most 50 characters"):
        assert not HISTORY.search(line), line


def test_services_paths_in_the_code_exist():
    missing = [f"{f.relative_to(ROOT)}: {m}" for f in product_files()
               for m in SERVICES_PATH.findall(f.read_text(encoding="utf-8"))
               if not (ROOT / m).is_file()]
    assert missing == []


def test_services_names_in_the_code_resolve():
    missing = []
    for f in product_files():
        for n, line in enumerate(f.read_text(encoding="utf-8").splitlines(), 1):
            if line.lstrip().startswith(("from ", "import ")):
                continue  # imports are checked by importing them
            names = SERVICES_NAME.findall(line) + [m.replace("/", ".")
                                                   for m in SERVICES_MIXED.findall(line)]
            missing += [f"{f.relative_to(ROOT)}:{n}: {m}" for m in names if not _resolves(m)]
    assert missing == []


def test_every_module_has_a_docstring():
    bare = [str(f.relative_to(ROOT)) for f in product_files()
            if f.read_text(encoding="utf-8").strip()
            and ast.get_docstring(ast.parse(f.read_text(encoding="utf-8"))) is None]
    assert bare == []
