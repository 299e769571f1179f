from workflows.wagtail_hooks import cases, catalogues, processes  # noqa: F401
