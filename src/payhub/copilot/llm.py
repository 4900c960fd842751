"""The copilot's optional language model: any OpenAI-compatible chat endpoint (PAYHUB_COPILOT_LLM_URL, …_MODEL,
…_KEY). Without one, or when it fails, every feature answers from its deterministic path; the model only adds
prose (an explanation of a finding, a sample adapted to what the user described) and is never trusted for facts
the spec gives."""

from __future__ import annotations

from dataclasses import dataclass

import httpx
import structlog

log = structlog.get_logger(__name__)

TIMEOUT_S = 30.0
MAX_TOKENS = 800


@dataclass(frozen=True)
class Llm:
    url: str  # the API base, e.g. http://127.0.0.1:11434/v1 (…/chat/completions is appended)
    model: str
    key: str | None = None

    def complete(self, system: str, prompt: str) -> str | None:
        """The model's answer, or None when it cannot give one (unreachable, an error, an empty answer)."""
        headers = {"Authorization": f"Bearer {self.key}"} if self.key else {}
        body = {"model": self.model, "max_tokens": MAX_TOKENS, "temperature": 0,
                "messages": [{"role": "system", "content": system}, {"role": "user", "content": prompt}]}
        try:
            answer = httpx.post(f"{self.url.rstrip('/')}/chat/completions", json=body, headers=headers,
                                timeout=TIMEOUT_S)
            answer.raise_for_status()
            text = answer.json()["choices"][0]["message"]["content"]
        except (httpx.HTTPError, ValueError, KeyError, IndexError, TypeError) as error:
            log.warning("copilot.llm_unavailable", error=f"{type(error).__name__}: {error}"[:300])
            return None
        return text.strip() if isinstance(text, str) and text.strip() else None


def configured(url: str | None, model: str | None, key: str | None) -> Llm | None:
    """The model the settings name, or None (the deterministic path only)."""
    return Llm(url, model or "default", key) if url else None
