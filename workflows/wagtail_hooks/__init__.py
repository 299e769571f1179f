from workflows.wagtail_hooks import cases, processes  # noqa: F401
