"""The integration copilot: code samples for whole flows, webhook handlers, edge-case payloads, signed test
events, a review of integration code, configuration checks and ERP field mapping. Everything is derived from
PayHub's own OpenAPI spec, event catalogue and configuration schema, so it is deterministic and works offline;
an optional OpenAI-compatible model (copilot.llm) may explain findings and adapt samples."""
