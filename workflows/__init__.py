"""The workflow engine: processes and their published versions, cases, events, transitions through
django-fsm, assignment, attachments, SLA clocks and KPIs (see docs/architecture.md)."""
