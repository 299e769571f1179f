"""What the browser says about the pages' security headers: every Content-Security-Policy
violation (something the policy blocked) and every Permissions-Policy header error."""

import re

POLICY_MESSAGE = re.compile(r"Content Security Policy|Permissions-Policy|unsafe-eval")


def watch_policy_errors(target) -> list[str]:
    """Collect the console messages of ``target`` (a page or a whole browser context) about the
    pages' policies, in the list returned, as they come."""
    seen: list[str] = []

    def on_console(message):
        if POLICY_MESSAGE.search(message.text):
            seen.append(f"{message.type}: {message.text} ({message.location.get('url', '')})")

    def on_error(error):
        # A blocked eval() is thrown in the script, not logged: it is seen as an uncaught error.
        text = str(getattr(error, "error", error))
        if POLICY_MESSAGE.search(text):
            seen.append(f"uncaught: {text}")

    target.on("console", on_console)
    target.on("weberror" if hasattr(target, "pages") else "pageerror", on_error)
    return seen
