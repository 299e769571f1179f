"""Who may do what with accounts."""

# django-axes' own model permission; Wagtail's group editor offers it (wagtail_hooks.py), and
# superusers have it anyway.
RELEASE_LOCKOUTS_PERMISSION = "axes.delete_accessattempt"


def can_release_lockouts(user) -> bool:
    """See the current sign-in lockouts and unlock them (Settings > Sign-in lockouts)."""
    return user.is_active and user.has_perm(RELEASE_LOCKOUTS_PERMISSION)
