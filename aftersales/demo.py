"""After-sales demo data: the shipped processes (care file, price exception, return and
exchange, chargeback, reservation), the catalogues quotations quote from, and sample cases of
each in several states, moved on as staff would (a quotation drafted, sent and accepted at the
counter; approvals by someone other than the requester)."""

import base64
import datetime
import io

from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image, ImageDraw

from aftersales.models import Quotation, QuotationStatus, ServiceItem, SparePart
from aftersales.services import decision_url, quotation_create, quotation_decide, quotation_send
from project.stores.models import Store
from workflows.models import Process
from workflows.services import case_open, case_transition
from workflows.shipped import load_shipped_processes

# Sample price exceptions: amount, currency, store, what happens after the request. The pounds
# asked in Seoul are worth about 1.77 million won at the demo rate (project/stores/demo.py), over
# the store manager's 1.5 million: the area manager confirms.
PRICE_EXCEPTIONS = [
    ("300", "USD", "NYC-01", []),
    ("250000", "KRW", "SEL-01", ["approve"]),
    ("2400000", "KRW", "SEL-01", ["escalate"]),
    ("1000", "GBP", "SEL-01", ["escalate"]),
    ("3000000", "KRW", "SEL-01", ["escalate", "confirm"]),
    ("9000", "UAH", "KBP-01", ["refuse"]),
]


def seed(*, log) -> None:
    """The after-sales processes shipped in fixtures/processes/, the catalogues they quote from,
    and a few sample cases of each."""
    admin = get_user_model().objects.get(username="admin")
    report = load_shipped_processes(actor=admin)
    for item in report.created:
        log(f"  shipped {item}")
    seed_catalogues(log=log)  # the care files' quotations quote from them
    seed_care_files(log=log)
    seed_price_exceptions(log=log)
    seed_returns_and_chargebacks(log=log)
    seed_reservations(log=log)


def seed_price_exceptions(*, log) -> None:
    process = Process.objects.get(code="price-exception")
    if process.cases.exists():
        return
    User = get_user_model()
    # Nobody decides their own request: the approver may decide the New York one.
    requesters = {"SEL-01": "staff", "KBP-01": "approver", "NYC-01": "staff"}
    deciders = {"approve": "approver", "escalate": "approver", "confirm": "area", "refuse": "area"}
    for amount, currency, store_code, moves in PRICE_EXCEPTIONS:
        case = case_open(
            process=process,
            store=Store.objects.get(code=store_code),
            actor=User.objects.get(username=requesters[store_code]),
            data={
                "kind_of_exception": "Discount",
                "reason": "Display item",
                "sale_reference": f"POS-{store_code}-{amount}",
                "sale_amount_amount": str(int(amount) * 8),
                "sale_amount_currency": currency,
                "amount_amount": amount,
                "amount_currency": currency,
            },
        )
        for code in moves:
            case_transition(
                case=case,
                transition=code,
                actor=User.objects.get(username=deciders[code]),
                comment="Over the yearly allowance." if code == "refuse" else "",
            )
        log(f"  case {case.reference}: {case.current_state.label}")


# Sample care files: product, serial, warranty, the moves after intake (code, step-form data).
# "send_quotation" is made as in the store, by sending a quotation drafted from the diagnosis, and
# "customer_accepts" by recording the customer's acceptance of it at the counter.
_DIAGNOSIS = {
    "findings_for_the_customer": "The movement needs a complete service; the crystal is scratched.",
    "service_items_and_parts-0-code": "SRV-COMPLETE",
    "service_items_and_parts-0-description": "Complete service",
    "service_items_and_parts-0-quantity": "1",
    "service_items_and_parts-0-unit_price": "450000",
}
CARE_FILES = [
    ("Santos de Cartier", "SA-20931", "Out of warranty", []),
    ("Tank Louis Cartier", "TL-88412", "Out of warranty", [("send_to_diagnosis", None)]),
    (
        "Baignoire",
        "BA-41207",
        "Out of warranty",
        [("send_to_diagnosis", None), ("record_diagnosis", _DIAGNOSIS)],
    ),
    (
        "Ballon Bleu",
        "BB-77310",
        "Out of warranty",
        [("send_to_diagnosis", None), ("record_diagnosis", _DIAGNOSIS), ("send_quotation", None)],
    ),
    (
        "Panthère",
        "PA-55120",
        "Under warranty",
        [
            ("send_to_diagnosis", None),
            ("repair_under_warranty", _DIAGNOSIS),
            (
                "send_to_central",
                {"parcel_number": "JD0146", "carrier": "DHL", "handed_to_the_stock_team": "on"},
            ),
        ],
    ),
    (
        "Clé de Cartier",
        "CC-30117",
        "Out of warranty",
        [
            ("send_to_diagnosis", None),
            ("record_diagnosis", _DIAGNOSIS),
            ("send_quotation", None),
            ("customer_accepts", None),
            ("repair_locally", None),
            ("repair_done", None),
            ("quality_ok", None),
        ],
    ),
]


def _png(size, *, stroke: bool) -> bytes:
    image = Image.new("RGBA", size, (0, 0, 0, 0) if stroke else (200, 190, 170, 255))
    if stroke:
        ImageDraw.Draw(image).line((10, 80, 120, 20, 250, 70), fill=(17, 17, 17, 255), width=3)
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    return buffer.getvalue()


def seed_care_files(*, log) -> None:
    process = Process.objects.get(code="care-file")
    if not process.cases.exists():
        _open_care_files(process, log)
    _log_decision_links(process, log)


def _open_care_files(process, log) -> None:

    User = get_user_model()
    staff, approver = User.objects.get(username="staff"), User.objects.get(username="approver")
    seoul = Store.objects.get(code="SEL-01")
    signature = "data:image/png;base64," + base64.b64encode(_png((300, 100), stroke=True)).decode()
    photo = _png((64, 48), stroke=False)
    for number, (product, serial, warranty, moves) in enumerate(CARE_FILES, start=1):
        case = case_open(
            process=process,
            store=seoul,
            actor=staff,
            customer={"name": f"Care customer {number}", "language": "ko"},
            data={
                "product": product,
                "serial_number": serial,
                "warranty_status": warranty,
                "condition_report": "Light scratches on the case; runs slow.",
                "customer_signature": signature,
            },
            files={
                f"photos_{side}": SimpleUploadedFile(f"{side}.png", photo, "image/png")
                for side in ("front", "back", "serial_number")
            },
        )
        quotation = None
        for code, data in moves:
            # As in the store: sending the quotation moves the case to "quotation sent", and
            # the decision recorded on it fires the acceptance, rather than moving the case alone.
            if code == "send_quotation":
                quotation = quotation_send(
                    quotation=_draft_demo_quotation(case, staff), actor=staff
                )
            elif code == "customer_accepts":
                _accept_at_the_counter(quotation, staff)
            else:
                actor = approver if code == "quality_ok" else staff
                case_transition(case=case, transition=code, actor=actor, data=data)
            case.refresh_from_db()
        if case.state == "quoting":  # the quotation in preparation, drafted but not sent yet
            _draft_demo_quotation(case, staff)
        log(f"  case {case.reference}: {case.current_state.label}")


def _draft_demo_quotation(case, staff):
    """A draft quotation of a care file."""

    service = ServiceItem.objects.get(code="SRV-COMPLETE")
    return quotation_create(case=case, actor=staff, lines=[{"service": service, "tax_rate": "10"}])


def _accept_at_the_counter(quotation, staff) -> None:

    quotation_decide(
        quotation=quotation,
        accept=True,
        actor=staff,
        name=quotation.case.customer_name,
        channel="counter",
    )


def _log_decision_links(process, log) -> None:
    """The decision link of every care-file quotation still waiting for its customer, on every
    run: the link of a quotation never changes, so a second run prints the same one."""

    waiting = Quotation.objects.filter(
        case__process=process, status=QuotationStatus.SENT
    ).select_related("case")
    for quotation in waiting:
        log(
            f"  quotation {quotation.case.reference} v{quotation.number} waits for the customer: "
            f"{decision_url(quotation)}"
        )
    if not waiting:
        log("  no demo quotation waits for its customer (already decided)")


def seed_returns_and_chargebacks(*, log) -> None:
    """Two returns (one with its refund to issue, one not eligible) and two chargebacks in New
    York, taken in by the store staff; the approver carries them on (refunds, the bank)."""
    returns = Process.objects.get(code="return-exchange")
    chargebacks = Process.objects.get(code="chargeback")
    if returns.cases.exists() or chargebacks.cases.exists():
        return
    staff = get_user_model().objects.get(username="staff")
    new_york = Store.objects.get(code="NYC-01")
    today = timezone.now().astimezone(new_york.zoneinfo).date()
    samples = [
        (
            returns,
            {
                "request": "Return",
                "product": "Love bracelet",
                "sale_reference": "POS-NYC-1001",
                "purchase_date": (today - datetime.timedelta(days=6)).isoformat(),
                "reason": "Wrong size",
                "condition": "Unworn, with its labels",
            },
            [("eligible", None), ("refund", None)],
        ),
        (
            returns,
            {
                "request": "Exchange",
                "product": "Trinity ring",
                "sale_reference": "POS-NYC-0870",
                "purchase_date": (today - datetime.timedelta(days=70)).isoformat(),
                "reason": "Changed their mind",
                "condition": "Worn",
            },
            [
                (
                    "not_eligible",
                    {
                        "why_it_is_not_eligible": "Past the return period",
                        "alternatives_offered": ["Repair", "Partial exchange"],
                    },
                )
            ],
        ),
    ]
    for deadline_days, moves in ((12, []), (5, [("collect", None)])):
        samples.append(
            (
                chargebacks,
                {
                    "bank_case_number": f"VISA-{deadline_days:04d}-{today.year}",
                    "card_scheme": "Visa",
                    "sale_reference": "POS-NYC-0999",
                    "disputed_amount_amount": "12400",
                    "disputed_amount_currency": "USD",
                    "reason_given_by_the_bank": "Goods not received",
                    "response_deadline": (
                        today + datetime.timedelta(days=deadline_days)
                    ).isoformat(),
                },
                moves,
            )
        )
    for process, data, moves in samples:
        case = case_open(process=process, store=new_york, actor=staff, data=data)
        for code, step_data in moves:
            case_transition(case=case, transition=code, actor=staff, data=step_data)
        log(f"  case {case.reference}: {case.current_state.label}")


def seed_reservations(*, log) -> None:
    """Reservations in Seoul: one put aside for a week, one past its date (the worker expires it
    within five minutes of `make run`), and a product wanted from Kyiv."""
    process = Process.objects.get(code="reservation")
    if process.cases.exists():
        return
    staff = get_user_model().objects.get(username="staff")
    seoul = Store.objects.get(code="SEL-01")
    today = timezone.now().astimezone(seoul.zoneinfo).date()
    samples = [
        ({"request_type": "Reservation", "product": "Panthère de Cartier, small model",
          "reserved_until": (today + datetime.timedelta(days=7)).isoformat()},
         [("reserve", None)]),
        ({"request_type": "Reservation", "product": "Love bracelet, size 17",
          "reserved_until": (today - datetime.timedelta(days=1)).isoformat()},
         [("reserve", None)]),
        ({"request_type": "Product wanted", "product": "Juste un Clou ring, size 52"},
         [("request_transfer", {"from_store": "KBP-01", "quantity": "1"})]),
    ]  # fmt: skip
    for number, (data, moves) in enumerate(samples, start=1):
        case = case_open(
            process=process,
            store=seoul,
            actor=staff,
            customer={"name": f"Reservation customer {number}", "language": "ko"},
            data=data,
        )
        for code, step_data in moves:
            case_transition(case=case, transition=code, actor=staff, data=step_data)
        log(f"  case {case.reference}: {case.current_state.label}")


# code, English, Korean, prices, light intervention (services only)
SERVICE_ITEMS = [
    ("SRV-COMPLETE", "Complete service", "종합 서비스",
     {"KRW": "450000", "USD": "350", "UAH": "14000", "EUR": "330"}, False),
    ("SRV-BATTERY", "Battery change", "배터리 교체",
     {"KRW": "60000", "USD": "45", "UAH": "1800", "EUR": "40"}, True),
    ("SRV-POLISH", "Case polishing", "케이스 폴리싱",
     {"KRW": "180000", "USD": "140", "UAH": "5600", "EUR": "130"}, False),
]  # fmt: skip
SPARE_PARTS = [
    ("CR-100", "Cartier", "Crown", "크라운", {"KRW": "85000", "USD": "65.50", "EUR": "60"}),
    ("GL-220", "Cartier", "Sapphire crystal", "사파이어 크리스탈",
     {"KRW": "240000", "USD": "185", "EUR": "170"}),
    ("ST-018", "Cartier", "Leather strap, 18 mm", "가죽 스트랩 18mm",
     {"KRW": "320000", "USD": "250", "UAH": "9800", "EUR": "230"}),
]  # fmt: skip


def seed_catalogues(*, log) -> None:
    """A few service items and spare parts with Korean texts and prices per currency."""

    for code, english, korean, prices, light in SERVICE_ITEMS:
        item, created = ServiceItem.objects.get_or_create(
            code=code, defaults={"description": english, "light_intervention": light}
        )
        if created:
            item.texts.create(language="ko", description=korean)
            for currency, amount in prices.items():
                item.prices.create(currency=currency, amount=amount)
            item.save()
    for number, brand, english, korean, prices in SPARE_PARTS:
        part, created = SparePart.objects.get_or_create(
            part_number=number, defaults={"description": english, "brand": brand}
        )
        if created:
            part.texts.create(language="ko", description=korean)
            for currency, amount in prices.items():
                part.prices.create(currency=currency, amount=amount)
            part.save()
    log(f"  catalogues: {ServiceItem.objects.count()} services, {SparePart.objects.count()} parts")
