from workflows.wagtail_hooks import processes  # noqa: F401
