"""The review as SARIF 2.1.0 (OASIS), the format code-scanning tools (GitHub code scanning, GitLab, Azure DevOps)
take: one run whose tool.driver lists every rule, and one result per finding."""

from __future__ import annotations

import json
from typing import Any

from payhub.copilot.review import Report
from payhub.copilot.review.rules import RULES

VERSION = "2.1.0"
SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
TOOL = "payhub-review"


def sarif(report: Report) -> dict[str, Any]:
    rule_ids = list(RULES)
    rules = [{
        "id": rule.id,
        "name": rule.name,
        "shortDescription": {"text": rule.title},
        "fullDescription": {"text": rule.why},
        "help": {"text": f"{rule.why}\nFix: {rule.fix}", "markdown": f"{rule.why}\n\n**Fix:** {rule.fix}"},
        "defaultConfiguration": {"level": rule.level},
        "properties": {"tags": ["payments", "security" if rule.level == "error" else "reliability"]},
    } for rule in RULES.values()]
    results = []
    for finding in report.findings:
        text = finding.message if not finding.explanation else f"{finding.message}\n\n{finding.explanation}"
        results.append({
            "ruleId": finding.rule,
            "ruleIndex": rule_ids.index(finding.rule),
            "level": RULES[finding.rule].level,
            "message": {"text": f"{text}\nFix: {finding.fix}"},
            "locations": [{"physicalLocation": {
                "artifactLocation": {"uri": finding.path, "uriBaseId": "%SRCROOT%"},
                "region": {"startLine": finding.line, "startColumn": finding.column},
            }}],
        })
    return {"$schema": SCHEMA, "version": VERSION, "runs": [{
        "tool": {"driver": {"name": TOOL, "semanticVersion": "1.0.0",
                            "rules": rules}},
        "columnKind": "unicodeCodePoints",
        "results": results,
    }]}


def format_sarif(report: Report) -> str:
    return json.dumps(sarif(report), indent=2) + "\n"
