#!/usr/bin/env python3
"""Writes the workbook corpus of issue 22 and each file's CSV twin.

One table of intended values (ROWS) is written by openpyxl (1900 and 1904
date systems), by xlsxwriter, and re-saved by LibreOffice headless as .xlsx
and .ods from the openpyxl file. Each workbook must plan exactly as its
twin, typed.csv (written here with Python's csv module, values in plain
form). A German CSV (GERMAN_ROWS, `1.234,56` and `01.05.2027`) is imported
by LibreOffice under de-DE and saved as .xlsx and .ods (de-DE-libreoffice.*),
whose twin is that CSV read with --locale de-DE.
Needs: pip install openpyxl xlsxwriter; soffice on PATH.
Run from this folder: python3 make-workbooks.py
"""
import csv, datetime, os, shutil, subprocess, tempfile
import openpyxl, xlsxwriter
from openpyxl.cell.rich_text import CellRichText, TextBlock
from openpyxl.cell.text import InlineFont
from openpyxl.utils.datetime import CALENDAR_MAC_1904

HEADER = ["Referral ID", "Deal Name", "Estimated Deal Value", "Currency", "Estimated Closing Date", "Notes"]
D = datetime.date
# (id, name, value, value format, currency, closing date, date format, notes); None: empty cell.
ROWS = [
    ("0747e25c-18a7-5133-a842-8fff1d14cc94", "Contoso renewal", 12919.5, "#,##0.00", "EUR", D(2027, 5, 1), "dd.mm.yyyy", "Jürgen sagt \"ja\"; neu 🎉"),
    ("5b79db10-7e74-58fb-9156-a3fbd5f77f71", "00123", 1234.5599999999999, "#.##0,00 [$€-407]", "USD",
     datetime.datetime(2027, 5, 31, 10, 30), "yyyy-mm-dd hh:mm", "Zeile 1\nZeile 2"),
    ("f9f49038-dd94-557b-bb39-2e7833c788b4", "+49 30 1234", 0.5, "0%", "GBP", D(2027, 1, 12), "m/d/yyyy", "=SUM(A1) is text"),
    ("c83302f7-5156-5b7a-a402-2d8725604959", ("Fabrikam ", "Bold"), 10000, "General", None, D(2027, 12, 3), "[$-407]d. mmmm yyyy", None),
    ("faf670e9-2666-5b43-b472-d0e37d133823", "  spaced  ", 1000000, "#,##0", "USD", None, None, "tab\there"),
]
BLANK_BEFORE = 4  # a blank row before the fourth data row (sheet row 6)


def plain_value(value):
    text = repr(float(value))
    return str(round(float(value), 10)).rstrip("0").rstrip(".") if "." in text else text


def twin():
    with open("typed.csv", "w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(HEADER)
        for index, (rid, name, value, _, currency, date, _, notes) in enumerate(ROWS):
            if index == BLANK_BEFORE - 1:
                writer.writerow([""] * len(HEADER))
            name = "".join(name) if isinstance(name, tuple) else name
            shown = "" if date is None else (date.strftime("%Y-%m-%d %H:%M:%S") if isinstance(date, datetime.datetime) else date.isoformat())
            writer.writerow([rid, name, f"{value:.15g}", currency or "", shown, notes or ""])


def with_openpyxl(path, epoch=None):
    wb = openpyxl.Workbook()
    if epoch:
        wb.epoch = epoch
    ws = wb.active
    ws.title = "Deals"
    ws.append(HEADER)
    row = 2
    for index, (rid, name, value, value_format, currency, date, date_format, notes) in enumerate(ROWS):
        if index == BLANK_BEFORE - 1:
            row += 1
        ws.cell(row, 1, rid)
        if isinstance(name, tuple):
            ws.cell(row, 2).value = CellRichText(name[0], TextBlock(InlineFont(b=True), name[1]))
        else:
            ws.cell(row, 2, name)
        ws.cell(row, 3, value).number_format = value_format
        if currency:
            ws.cell(row, 4, currency)
        if date:
            ws.cell(row, 5, date).number_format = date_format
        if notes:
            cell = ws.cell(row, 6, notes)
            cell.data_type = "s"  # text beginning with "=" stays text
        row += 1
    wb.save(path)


def with_xlsxwriter(path):
    wb = xlsxwriter.Workbook(path)
    ws = wb.add_worksheet("Deals")
    bold = wb.add_format({"bold": True})
    for column, name in enumerate(HEADER):
        ws.write_string(0, column, name)
    row = 1
    for index, (rid, name, value, value_format, currency, date, date_format, notes) in enumerate(ROWS):
        if index == BLANK_BEFORE - 1:
            row += 1
        ws.write_string(row, 0, rid)
        if isinstance(name, tuple):
            ws.write_rich_string(row, 1, name[0], bold, name[1])
        else:
            ws.write_string(row, 1, name)
        ws.write_number(row, 2, value, wb.add_format({"num_format": value_format}))
        if currency:
            ws.write_string(row, 3, currency)
        if date:
            ws.write_datetime(row, 4, datetime.datetime.combine(date, datetime.time()) if type(date) is D else date,
                              wb.add_format({"num_format": date_format}))
        if notes:
            ws.write_string(row, 5, notes)
        row += 1
    wb.close()


# The German table: typed by a German user, as text in a semicolon CSV.
GERMAN_ROWS = [
    ("0747e25c-18a7-5133-a842-8fff1d14cc94", "Contoso renewal", "12.919,50", "EUR", "01.05.2027", "Jürgen sagt \"ja\"; neu"),
    ("5b79db10-7e74-58fb-9156-a3fbd5f77f71", "Größe GmbH", "1.234,56", "USD", "31.05.2027", "Zeile 2"),
    ("f9f49038-dd94-557b-bb39-2e7833c788b4", "Müller & Söhne", "1.234.567,89", "GBP", "12.01.2027", ""),
    ("c83302f7-5156-5b7a-a402-2d8725604959", "Éclair SARL", "0,5", "EUR", "03.12.2027", "nur Notiz"),
]
# LibreOffice's CSV filter options: separator ";" (59), quote '"' (34), UTF-8
# (76), from line 1, standard column types, language de-DE (1031), quoted
# fields not forced to text, special numbers (dates) detected.
GERMAN_CSV_FILTER = "CSV:59,34,76,1,,1031,false,true"
# A profile whose locale is de-DE, so the dates get the German default date
# format (DD.MM.YY in the .ods; LibreOffice writes it to .xlsx as dd/mm/yy).
GERMAN_PROFILE = """<?xml version="1.0" encoding="UTF-8"?>
<oor:items xmlns:oor="http://openoffice.org/2001/registry" xmlns:xs="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
<item oor:path="/org.openoffice.Setup/L10N"><prop oor:name="ooSetupSystemLocale" oor:op="fuse"><value>de-DE</value></prop></item>
<item oor:path="/org.openoffice.Setup/L10N"><prop oor:name="ooLocale" oor:op="fuse"><value>de-DE</value></prop></item>
<item oor:path="/org.openoffice.Office.Linguistic/General"><prop oor:name="DefaultLocale" oor:op="fuse"><value>de-DE</value></prop></item>
</oor:items>
"""


def german_csv(path):
    with open(path, "w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out, delimiter=";", lineterminator="\n")
        writer.writerow(HEADER)
        writer.writerows(GERMAN_ROWS)


def with_libreoffice(source, fmt, target, german=False):
    work = tempfile.mkdtemp(prefix="make-workbooks-")
    options = []
    if german:
        os.makedirs(f"{work}/profile/user")
        with open(f"{work}/profile/user/registrymodifications.xcu", "w", encoding="utf-8") as profile:
            profile.write(GERMAN_PROFILE)
        options = [f"--infilter={GERMAN_CSV_FILTER}"]
    subprocess.run(["soffice", f"-env:UserInstallation=file://{work}/profile", "--headless", *options, "--convert-to", fmt,
                    "--outdir", work, source], check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    produced = os.path.join(work, os.path.splitext(os.path.basename(source))[0] + "." + fmt.split(":")[0])
    shutil.move(produced, target)
    shutil.rmtree(work)


def layout(path):
    """Sheets and layout: a merged title above the header, a hidden row and
    column, a boolean, an error and a formula saved without a value (openpyxl
    writes none), beside a hidden sheet and a second visible one."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Corrections"
    ws["A1"] = "Q3 corrections"
    ws.merge_cells("A1:F1")
    ws.append([])
    ws.append(HEADER)
    ws.append([ROWS[0][0], "Contoso renewal", 12919.5, "EUR", None, "ok"])
    ws.append([ROWS[1][0], "Hidden row", 5, "USD", None, None])
    ws.row_dimensions[5].hidden = True
    ws.append([ROWS[2][0], True, "=1/0", None, None, None])
    ws["C6"].value = "#DIV/0!"
    ws["C6"].data_type = "e"
    ws.append([ROWS[3][0], "Formula", "=C4*2", None, None, None])
    ws.column_dimensions["F"].hidden = True
    notes = wb.create_sheet("Notes")
    notes.append(["nothing to apply"])
    hidden = wb.create_sheet("Lookup")
    hidden.sheet_state = "hidden"
    hidden.append(["x"])
    wb.save(path)


twin()
layout("layout.xlsx")
with_libreoffice("layout.xlsx", "ods", "layout.ods")
with_openpyxl("openpyxl.xlsx")
with_openpyxl("openpyxl-1904.xlsx", CALENDAR_MAC_1904)
with_xlsxwriter("xlsxwriter.xlsx")
with_libreoffice("openpyxl.xlsx", "ods", "libreoffice.ods")
with_libreoffice("openpyxl.xlsx", "xlsx:Calc MS Excel 2007 XML", "libreoffice.xlsx")
german_csv("de-DE.csv")
with_libreoffice("de-DE.csv", "xlsx:Calc MS Excel 2007 XML", "de-DE-libreoffice.xlsx", german=True)
with_libreoffice("de-DE.csv", "ods", "de-DE-libreoffice.ods", german=True)
