"""The optional model: asked over the OpenAI-compatible chat API when configured; None (the deterministic path)
when it is not, or when it fails."""

from __future__ import annotations

from payhub.copilot.llm import Llm, configured
from tests.copilot.conftest import ANSWER, FakeLlm


def test_the_model_is_asked_with_the_system_and_user_messages(fake_llm: FakeLlm) -> None:
    assert fake_llm.llm.complete("You explain payment integration findings.", "Explain PH001") == ANSWER
    (asked,) = fake_llm.requests
    assert asked["authorization"] == "Bearer fake-key" and asked["body"]["model"] == "fake-model"
    assert [m["role"] for m in asked["body"]["messages"]] == ["system", "user"]
    assert asked["body"]["messages"][1]["content"] == "Explain PH001"


def test_without_a_model_or_when_it_fails_there_is_no_answer(fake_llm: FakeLlm) -> None:
    assert configured(None, "m", "k") is None
    assert configured(fake_llm.url, None, None) == Llm(fake_llm.url, "default", None)
    assert Llm("http://127.0.0.1:9/v1", "m").complete("s", "p") is None  # nothing listens there
    assert Llm(fake_llm.url.removesuffix("/v1") + "/nowhere", "m").complete("s", "p") is None  # a 404
    fake_llm.answer = "   "
    assert fake_llm.llm.complete("s", "p") is None  # an empty answer is no answer
