"""The event bus relay: publishes every outbox event to a message bus (NATS JetStream), in id order,
at least once, with the event id as the bus's deduplication key. Optional: off unless configured."""

from payhub.webhooks.relay.publisher import NatsPublisher, Publisher, redact_url
from payhub.webhooks.relay.relay import Relay, RelaySettings, build_relay, subject_for

__all__ = ["NatsPublisher", "Publisher", "Relay", "RelaySettings", "build_relay", "redact_url", "subject_for"]
