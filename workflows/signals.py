"""Signals announcing what already happened to a case (sent after the transaction committed).

Receivers add side effects (notifications, ERP messages); they never change the case itself.
"""

from django.dispatch import Signal

# sender=Case, case=Case, event=CaseEvent
case_opened = Signal()
case_transitioned = Signal()
