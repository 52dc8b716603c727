"""How long step 06 takes on the sample school: the term record, each document built, the Word
files, the plan's HTML and PDF, and the blank service-record workbook. Prints figures only.

Run: python benchmarks/plan_export.py
"""

from __future__ import annotations

import tempfile
import time
from pathlib import Path

from afterschool_lib import documents as dm
from afterschool_lib import plan_export as pe
from afterschool_lib.companions import write_service_records
from afterschool_lib.exporting import docx_to_pdf, pdf_engines
from afterschool_lib.paths import sample_dir
from afterschool_lib.term_state import load_term_record
from afterschool_lib.validate import check_folder


def timed(label: str, work):
    start = time.perf_counter()
    result = work()
    print(f"{label:<44} {time.perf_counter() - start:7.2f} s")
    return result


def main() -> None:
    print("PDF engines:", pdf_engines())
    with tempfile.TemporaryDirectory() as folder:
        out = Path(folder)
        check = timed("read and check the sample folder", lambda: check_folder(sample_dir()))
        record = timed("term record (groups, roster solved, fees, evaluation)", lambda: load_term_record(sample_dir(), check, out))
        docs = timed("build the plan and six companions", lambda: pe.term_documents(record))
        for stem, doc in docs.items():
            timed(f"  Word: {stem}", lambda doc=doc: dm.write_docx(doc, out))
        plan = docs[pe.PLAN_FILE_STEM]
        timed("  HTML of the plan (nbconvert)", lambda: dm.write_html(plan, out))
        timed("  PDF of the plan (LibreOffice)", lambda: docx_to_pdf(out / f"{plan.file_stem}.docx", out / "plan.pdf"))
        timed("  服务记录表.xlsx", lambda: write_service_records(record, out / pe.SERVICE_RECORDS_FILE))


if __name__ == "__main__":
    main()
