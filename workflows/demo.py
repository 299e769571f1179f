"""A demo repair process with an intake form, a diagnosis step form and a few cases.

The processes shipped for real come with the feature apps that run them (``aftersales.demo``);
this one shows the engine working end to end.
"""

import datetime

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.utils import timezone

from forms.choices import FieldType, FormPurpose
from forms.models import FormDefinition
from forms.services import form_definition_create
from project.accounts.roles import Role
from project.stores.models import Store
from workflows.choices import ButtonStyle, StateKind
from workflows.demo_pages import seed_pages
from workflows.models import Process, ProcessState, ProcessTransition
from workflows.services import case_open, case_transition, process_publish

INTAKE_FIELDS = [
    # label, type, required, extra
    ("Product", FieldType.SINGLE_LINE, True, {"placeholder": "e.g. Tank Louis watch"}),
    ("Serial number", FieldType.SINGLE_LINE, True, {}),
    ("Under warranty", FieldType.DROPDOWN, True, {"choices": "yes\nno"}),
    ("Purchase date", FieldType.DATE, True, {"condition": 'under_warranty == "yes"'}),
    ("Condition report", FieldType.MULTI_LINE, True, {}),
    # Asked on the public repair-request page (workflows/demo_pages.py) as a second step; the
    # page maps them to the case's customer. Optional, so the counter is not slowed down.
    ("Your contact details", FieldType.PAGE_BREAK, False, {}),
    ("Name", FieldType.SINGLE_LINE, False, {}),
    ("E-mail", FieldType.EMAIL, False, {"help_text": "We confirm your request by e-mail."}),
    ("Phone", FieldType.PHONE, False, {"placeholder": "+82 2 3456 7890"}),
]
DIAGNOSIS_FIELDS = [
    ("Findings for the customer", FieldType.MULTI_LINE, True, {}),
    ("Estimated price", FieldType.NUMBER, False, {"min_value": 0}),
]

STATES = [
    ("intake", "Intake at the counter", StateKind.INITIAL, 4),
    ("diagnosis", "Diagnosis", StateKind.ACTIVE, 16),
    ("waiting_customer", "Waiting for the customer", StateKind.WAITING, 40),
    ("repair", "Repair in the workshop", StateKind.ACTIVE, 40),
    ("ready", "Ready for pick-up", StateKind.WAITING, None),
    ("handed_over", "Handed over", StateKind.TERMINAL, None),
    ("returned", "Returned unrepaired", StateKind.TERMINAL, None),
]
# code, label, sources, target, groups, step form, comment required, style
TRANSITIONS = [
    ("diagnose", "Send to diagnosis", ["intake"], "diagnosis", [], None, False, "primary"),
    ("send_quote", "Send the estimate", ["diagnosis"], "waiting_customer", [], "diagnosis",
     False, "primary"),
    ("accept", "Customer accepts", ["waiting_customer"], "repair", [], None, False, "primary"),
    ("refuse", "Customer refuses", ["waiting_customer"], "returned", [], None, True, "warning"),
    ("finish", "Repair done", ["repair"], "ready", [Role.APPROVER], None, False, "primary"),
    ("hand_over", "Hand over", ["ready"], "handed_over", [], None, False, "primary"),
]  # fmt: skip


def _form(slug: str, name: str, purpose: str, fields, actor) -> FormDefinition:
    return form_definition_create(
        slug=slug,
        name=name,
        purpose=purpose,
        fields=[
            {"label": label, "field_type": field_type, "required": required, **extra}
            for label, field_type, required, extra in fields
        ],
        actor=actor,
    )


def seed(*, log) -> None:
    User = get_user_model()
    admin = User.objects.get(username="admin")
    intake = _form("repair-intake", "Repair intake", FormPurpose.INTAKE, INTAKE_FIELDS, admin)
    diagnosis = _form("diagnosis", "Diagnosis", FormPurpose.STEP, DIAGNOSIS_FIELDS, admin)
    process, created = Process.objects.get_or_create(
        code="repair-demo",
        defaults={
            "name": "Repair request (demo)",
            "reference_prefix": "REP",
            "intake_form": intake,
            "description": "A short repair process to try the workflow engine with.",
        },
    )
    if created:
        for index, (code, label, kind, sla) in enumerate(STATES):
            ProcessState.objects.create(
                process=process, code=code, label=label, kind=kind, sla_hours=sla, sort_order=index
            )
        for index, (code, label, sources, target, groups, step, comment, style) in enumerate(
            TRANSITIONS
        ):
            row = ProcessTransition.objects.create(
                process=process,
                code=code,
                label=label,
                sources=", ".join(sources),
                target=target,
                step_form=diagnosis if step else None,
                comment_required=comment,
                button_style=ButtonStyle(style),
                sort_order=index,
            )
            row.allowed_groups.set(Group.objects.filter(name__in=groups))
            row.save()
    version = process_publish(process=process, actor=admin)
    log(f"  process {process} (version {version.number})")
    seed_pages(log=log)

    if process.cases.exists():
        return
    staff = User.objects.get(username="staff")
    approver = User.objects.get(username="approver")
    seoul = Store.objects.get(code="SEL-01")
    start = timezone.now() - datetime.timedelta(days=3)
    samples = [
        ("Tank Louis", "TL-88412", []),
        ("Santos", "SA-20931", ["diagnose"]),
        ("Panthère", "PA-55120", ["diagnose", "send_quote"]),
        ("Ballon Bleu", "BB-77310", ["diagnose", "send_quote", "accept", "finish"]),
    ]
    for offset, (product, serial, moves) in enumerate(samples):
        when = start + datetime.timedelta(hours=offset * 5)
        case = case_open(
            process=process,
            store=seoul,
            actor=staff,
            customer={"name": f"Demo customer {offset + 1}", "language": "ko"},
            data={
                "product": product,
                "serial_number": serial,
                "under_warranty": "no",
                "condition_report": "Light scratches on the case.",
            },
            now=when,
        )
        for step, code in enumerate(moves, start=1):
            case_transition(
                case=case,
                transition=code,
                actor=approver if code == "finish" else staff,
                data={"findings_for_the_customer": "Movement needs a service."}
                if code == "send_quote"
                else None,
                now=when + datetime.timedelta(hours=step * 3),
            )
        log(f"  case {case.reference}: {case.current_state.label}")
