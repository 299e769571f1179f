"""The forms engine: admin-built form definitions and versions, the runtime form builder, the rule
language, public form pages, submissions and JSON Schema (see docs/architecture.md)."""
