"""Integration review: static analysis of a user's Python and JavaScript/TypeScript integration code for the
mistakes that cost money with a payments API (rules.RULES: PH001 … PH011). Python is read with `ast`, JavaScript
and TypeScript with tree-sitter. Findings come as text, JSON or SARIF 2.1.0 (review.sarif); an optional model
adds an explanation to each, else the rule's own text is used."""

from __future__ import annotations

import json
import os
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from payhub.copilot.llm import Llm
from payhub.copilot.review import javascript, python
from payhub.copilot.review.rules import RULES, Finding, Rule

__all__ = ["RULES", "Finding", "Report", "Rule", "as_json", "explain", "format_json", "format_text", "review_files",
           "review_paths"]

PYTHON_EXTENSIONS = (".py", ".pyi")
SKIPPED_DIRECTORIES = frozenset({".git", "node_modules", ".venv", "venv", "__pycache__", "dist", "build", ".next",
                                 ".tox", ".mypy_cache"})
EXPLAIN_SYSTEM = ("You review payment integration code for PayHub, a payments API. Explain the finding to the "
                  "developer in at most four sentences: what goes wrong in production and how to fix this code. "
                  "Do not contradict the rule.")


@dataclass
class Report:
    findings: list[Finding] = field(default_factory=list)
    files: int = 0  # files reviewed
    unparsed: list[str] = field(default_factory=list)  # Python files with a syntax error


def supported(path: str) -> bool:
    return path.endswith(PYTHON_EXTENSIONS + javascript.EXTENSIONS)


def review_files(files: Iterable[tuple[str, str]]) -> Report:
    """Review (path, content) pairs; a path's extension picks the language, others are ignored."""
    report = Report()
    for path, content in files:
        if path.endswith(PYTHON_EXTENSIONS):
            try:
                report.findings += python.review(path, content)
            except (SyntaxError, ValueError):  # ValueError: a NUL byte in the source
                report.unparsed.append(path)
                continue
        elif path.endswith(javascript.EXTENSIONS):
            report.findings += javascript.review(path, content)
        else:
            continue
        report.files += 1
    report.findings.sort(key=lambda f: (f.path, f.line, f.column, f.rule))
    return report


def _sources(paths: Iterable[Path]) -> Iterable[Path]:
    for path in paths:
        if path.is_dir():
            for directory, subdirectories, names in os.walk(path):
                subdirectories[:] = sorted(d for d in subdirectories if d not in SKIPPED_DIRECTORIES)
                yield from (Path(directory, n) for n in sorted(names) if supported(n))
        elif supported(path.name):
            yield path


def review_paths(paths: Iterable[Path], root: Path | None = None) -> Report:
    """Review files and directories (recursively, skipping .git, node_modules, virtualenvs, builds); findings
    name files relative to root (default: the working directory) when they are under it."""
    base = (root or Path.cwd()).resolve()

    def relative(path: Path) -> str:
        resolved = path.resolve()
        return resolved.relative_to(base).as_posix() if resolved.is_relative_to(base) else path.as_posix()

    return review_files((relative(p), p.read_text(encoding="utf-8", errors="replace")) for p in _sources(paths))


def explain(findings: list[Finding], sources: dict[str, str], llm: Llm | None) -> list[Finding]:
    """Each finding with an explanation: the model's (asked once per rule and line of code) when one is
    configured and answers, else the rule's own why and fix."""
    asked: dict[tuple[str, str], str | None] = {}
    out = []
    for finding in findings:
        rule = RULES[finding.rule]
        lines = sources.get(finding.path, "").splitlines()
        code = lines[finding.line - 1].strip() if 0 < finding.line <= len(lines) else ""
        text: str | None = None
        if llm is not None:
            key = (finding.rule, code)
            if key not in asked:
                asked[key] = llm.complete(EXPLAIN_SYSTEM, (
                    f"Rule {rule.id} ({rule.title}): {rule.why}\nFix: {rule.fix}\n"
                    f"Finding in {finding.path}, line {finding.line}: {finding.message}\nCode: {code}"))
            text = asked[key]
        out.append(finding.explained(text or f"{rule.why} {rule.fix}"))
    return out


def format_text(report: Report) -> str:
    lines = []
    for f in report.findings:
        lines.append(f"{f.path}:{f.line}:{f.column}: {f.rule} {f.message}")
        lines.append(f"    fix: {f.fix}")
        if f.explanation:
            lines.append(f"    why: {f.explanation}")
    lines += [f"{path}: not reviewed (syntax error)" for path in report.unparsed]
    count = len(report.findings)
    lines.append(f"{count} finding{'s' if count != 1 else ''} in {report.files} file{'s' if report.files != 1 else ''}")
    return "\n".join(lines) + "\n"


def as_json(report: Report) -> dict[str, object]:
    return {"findings": [f.as_dict() for f in report.findings], "files": report.files, "unparsed": report.unparsed}


def format_json(report: Report) -> str:
    return json.dumps(as_json(report), indent=2) + "\n"
