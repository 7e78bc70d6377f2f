#!/usr/bin/env python3
"""Regenerate the spreadsheet-saved CSV corpus for referral-bulk (issue 10).

Python 3 standard library only; calls LibreOffice (`soffice`, Debian package
libreoffice-calc-nogui, made with 7.4.7) headless, one conversion at a time.

For each file a *flat ODS* (.fods) is written whose cells are TYPED (float
values with a locale's number style, date values with a locale's date style,
text cells for IDs / names / notes), the number and date styles carry the
locale (number:language / number:country) and the document default language
is that locale.  LibreOffice then converts it to CSV with "save cell contents
as shown", so LibreOffice itself formats every number and date the way that
locale shows it.  A few files get a hand-made step after LibreOffice (BOM
added, UTF-16 BOM stripped, `sep=;` first line): the manifest says so.

Every output is read back and checked against the truth (the values the
cells hold), and manifest.json is written with that truth and the physical
line where each record starts.

Usage:  python3 make-spreadsheets.py [OUTDIR [WORKDIR]]
        (OUTDIR defaults to this script's folder, WORKDIR (the .fods sources and
        a private LibreOffice profile) to /tmp/make-spreadsheets-work)
"""
import csv
import datetime
import io
import json
import os
import re
import shutil
import subprocess
import sys
import uuid
from decimal import Decimal
from xml.sax.saxutils import escape

OUT = os.path.abspath(sys.argv[1] if len(sys.argv) > 1 else os.path.dirname(os.path.abspath(__file__)))
WORK = os.path.abspath(sys.argv[2] if len(sys.argv) > 2 else "/tmp/make-spreadsheets-work")
PROFILE = "file://" + os.path.join(WORK, "lo-profile")
FILTER = "Text - txt - csv (StarCalc)"
NS = uuid.UUID("6f1c3b0e-2a51-4d7e-9a3c-0b1d2e3f4a5b")


def gid(n):
    """A deterministic lower-case GUID for referral n."""
    return str(uuid.uuid5(NS, "referral-%d" % n))


# ---------------------------------------------------------------- the truth
# dealValue: Decimal or None; date: datetime.date or None; text exactly.
BASE = [
    dict(name="Contoso renewal", deal="12919", cur="EUR", date="2027-05-01",
         notes='Jürgen sagt "ja"; neu'),
    dict(name="Café Fabrikam", deal="1234.5", cur="USD", date="2027-05-31",
         notes="Café crème, 5 € Rabatt"),
    dict(name="Straßenbau AG", deal="12.5", cur="GBP", date="2027-01-12",
         notes="Straße\nzweite Zeile"),
    dict(name="Northwind, Inc.", deal="10000", cur="EUR", date="2027-12-03",
         notes=None),
    dict(name="Größe GmbH", deal="999.99", cur="USD", date="2027-06-15",
         notes="Größe: 1.234 Lizenzen"),
    dict(name="Müller & Söhne", deal="1234567.89", cur="EUR", date="2027-02-28",
         notes='Müller; Köln, "Phase 2"'),
    dict(name="Adventure Works", deal="1234", cur="USD", date="2027-11-10",
         notes="+49 30 1234567 anrufen"),
    dict(name="Tailspin Toys", deal=None, cur=None, date=None,
         notes="nur Notiz geändert — ü"),
    dict(name="Éclair SARL", deal="0.5", cur="EUR", date="2027-03-04",
         notes="Ève à l'été"),
    dict(name="Zoë & Søren ApS", deal="250000", cur="GBP", date="2027-10-10",
         notes="Zoë; Søren\n\"Q3\" — 100 %"),
]
# Whole numbers only, for the "#,##0" files (the shown value is then the cell's value).
INT_DEALS = ["12919", "1234", "10000", "999", None, "1000000", "12", "250000", "500", "1001"]
# Only days <= 12: every slash date reads both ways.
AMBIG_DATES = ["2027-05-01", "2027-01-12", "2027-12-03", "2027-03-04",
               "2027-10-10", "2027-02-11", "2027-06-07", "2027-08-09"]


def rows_for(n_offset, base=BASE, ids=None, dates=None, extra_notes=None, deals=None):
    out = []
    for i, b in enumerate(base):
        r = dict(b)
        if deals is not None:
            r["deal"] = deals[i]
        r["id"] = gid(n_offset + i)
        r["raw_id"] = r["id"]
        if ids and i in ids:
            r["raw_id"] = ids[i](r["id"])
        if dates is not None:
            r["date"] = dates[i % len(dates)]
        out.append(r)
    if extra_notes:
        for j, (name, notes) in enumerate(extra_notes):
            n = n_offset + len(base) + j
            out.append(dict(name=name, deal="42", cur="EUR", date="2027-07-20",
                            notes=notes, id=gid(n), raw_id=gid(n)))
    return out


SHAPES = {
    0: lambda g: g.upper(),
    1: lambda g: "{" + g + "}",
    2: lambda g: g.replace("-", ""),
    3: lambda g: "  " + g + " ",
    4: lambda g: "{" + g.upper() + "}",
    5: lambda g: g.replace("-", "").upper(),
}

# ---------------------------------------------------------------- styles
LOCALES = {
    "en-US": ("en", "US", 1033),
    "en-GB": ("en", "GB", 2057),
    "de-DE": ("de", "DE", 1031),
    "fr-FR": ("fr", "FR", 1036),
}


def lang_attrs(loc):
    l, c, _ = LOCALES[loc]
    return 'number:language="%s" number:country="%s"' % (l, c)


def number_style(kind, loc):
    a = lang_attrs(loc)
    if kind == "grouped2":      # Format Cells > Number > 2 decimals, thousands separator
        return ('<number:number-style style:name="NUM" %s><number:number number:decimal-places="2" '
                'number:min-decimal-places="2" number:min-integer-digits="1" number:grouping="true"/>'
                '</number:number-style>' % a)
    if kind == "grouped0":      # Format Cells > Number > 0 decimals, thousands separator (#,##0)
        return ('<number:number-style style:name="NUM" %s><number:number number:decimal-places="0" '
                'number:min-decimal-places="0" number:min-integer-digits="1" number:grouping="true"/>'
                '</number:number-style>' % a)
    if kind == "general":       # "General": as many decimals as needed, no grouping
        return ('<number:number-style style:name="NUM" %s><number:number number:min-integer-digits="1"/>'
                '</number:number-style>' % a)
    if kind == "currency-en-US":
        return ('<number:currency-style style:name="NUM" %s>'
                '<number:currency-symbol number:language="en" number:country="US">$</number:currency-symbol>'
                '<number:number number:decimal-places="2" number:min-decimal-places="2" '
                'number:min-integer-digits="1" number:grouping="true"/></number:currency-style>' % a)
    if kind == "currency-fr-FR":
        return ('<number:currency-style style:name="NUM" %s>'
                '<number:number number:decimal-places="2" number:min-decimal-places="2" '
                'number:min-integer-digits="1" number:grouping="true"/>'
                '<number:text>\u00a0</number:text>'
                '<number:currency-symbol number:language="fr" number:country="FR">€</number:currency-symbol>'
                '</number:currency-style>' % a)
    raise ValueError(kind)


def date_tokens(pattern):
    return re.findall(r"YYYY|YY|MM|M|DD|D|HH|SS|[^YMDHS]+", pattern)


def date_style(pattern, loc):
    """pattern like 'D.M.YYYY', 'DD/MM/YYYY', 'M/D/YY', 'YYYY-MM-DD HH:MM:SS' (MM after HH is minutes)."""
    parts, seen_hours = [], False
    for tok in date_tokens(pattern):
        if tok in ("YYYY", "YY"):
            parts.append('<number:year%s/>' % (' number:style="long"' if tok == "YYYY" else ""))
        elif tok in ("MM", "M") and seen_hours:
            parts.append('<number:minutes number:style="long"/>')
        elif tok in ("MM", "M"):
            parts.append('<number:month%s/>' % (' number:style="long"' if tok == "MM" else ""))
        elif tok in ("DD", "D"):
            parts.append('<number:day%s/>' % (' number:style="long"' if tok == "DD" else ""))
        elif tok == "HH":
            seen_hours = True
            parts.append('<number:hours number:style="long"/>')
        elif tok == "SS":
            parts.append('<number:seconds number:style="long"/>')
        else:
            parts.append("<number:text>%s</number:text>" % escape(tok))
    return '<number:date-style style:name="DAT" %s>%s</number:date-style>' % (lang_attrs(loc), "".join(parts))


def text_cell(s):
    if s is None or s == "":
        return "<table:table-cell/>"
    paras = "".join("<text:p>%s</text:p>" % escape(p) for p in s.split("\n"))
    return '<table:table-cell office:value-type="string">%s</table:table-cell>' % paras


def float_cell(v):
    if v is None:
        return "<table:table-cell/>"
    return '<table:table-cell table:style-name="ceN" office:value-type="float" office:value="%s"/>' % v


def date_cell(d):
    if d is None:
        return "<table:table-cell/>"
    return '<table:table-cell table:style-name="ceD" office:value-type="date" office:date-value="%sT00:00:00"/>' % d


HEADER = ["Referral ID", "Deal Name", "Estimated Deal Value", "Currency", "Estimated Closing Date", "Notes"]


def fods(spec):
    loc = spec["locale"]
    l, c, _ = LOCALES[loc]
    rows_xml = []
    for t in spec.get("title", []):
        rows_xml.append("<table:table-row>%s</table:table-row>" % (text_cell(t) if t else "<table:table-cell/>"))
    rows_xml.append("<table:table-row>%s</table:table-row>" % "".join(text_cell(h) for h in HEADER))
    for r in spec["rows"]:
        cells = [text_cell(r["raw_id"]), text_cell(r["name"]), float_cell(r["deal"]),
                 text_cell(r["cur"]), date_cell(r["date"]), text_cell(r["notes"])]
        rows_xml.append("<table:table-row>%s</table:table-row>" % "".join(cells))
    stray = spec.get("stray")   # (row_index_0_based, col_index_0_based): a cell holding ="" (empty text)
    if stray:
        srow, scol = stray
        while len(rows_xml) < srow:
            rows_xml.append("<table:table-row><table:table-cell/></table:table-row>")
        rows_xml.append('<table:table-row><table:table-cell table:number-columns-repeated="%d"/>'
                        '<table:table-cell table:formula="of:=&quot;&quot;" office:value-type="string" '
                        'office:string-value=""/></table:table-row>' % scol)
    return """<?xml version="1.0" encoding="UTF-8"?>
<office:document xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0"
 xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0"
 xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"
 xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0"
 xmlns:number="urn:oasis:names:tc:opendocument:xmlns:datastyle:1.0"
 xmlns:fo="urn:oasis:names:tc:opendocument:xmlns:xsl-fo-compatible:1.0"
 xmlns:of="urn:oasis:names:tc:opendocument:xmlns:of:1.2"
 office:version="1.2" office:mimetype="application/vnd.oasis.opendocument.spreadsheet">
 <office:styles>
  <style:default-style style:family="table-cell">
   <style:text-properties fo:language="%(l)s" fo:country="%(c)s"/>
  </style:default-style>
 </office:styles>
 <office:automatic-styles>
  %(num)s
  %(dat)s
  <style:style style:name="ceN" style:family="table-cell" style:parent-style-name="Default" style:data-style-name="NUM"/>
  <style:style style:name="ceD" style:family="table-cell" style:parent-style-name="Default" style:data-style-name="DAT"/>
 </office:automatic-styles>
 <office:body><office:spreadsheet><table:table table:name="Referrals">
  <table:table-column table:number-columns-repeated="%(ncol)d"/>
  %(rows)s
 </table:table></office:spreadsheet></office:body>
</office:document>
""" % dict(l=l, c=c, num=number_style(spec["numfmt"], loc), dat=date_style(spec["datefmt"], loc),
           ncol=(spec["stray"][1] + 1) if spec.get("stray") else len(HEADER),
           rows="\n  ".join(rows_xml))


# ---------------------------------------------------------------- soffice
def soffice_convert(src, target, outdir):
    os.makedirs(outdir, exist_ok=True)
    cmd = ["soffice", "-env:UserInstallation=" + PROFILE, "--headless", "--convert-to", target,
           "--outdir", outdir, src]
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=180)
    base = os.path.splitext(os.path.basename(src))[0]
    ext = target.split(":")[0]
    return os.path.join(outdir, base + "." + ext)


def csv_filter(sep, charset, lang, quote_all="false", as_shown="true", bom=None):
    toks = [str(sep), "34", str(charset), "1", "", str(lang), quote_all, "false", as_shown]
    if bom is not None:
        toks += ["false", "false", "", "false", bom]
    return "csv:%s:%s" % (FILTER, ",".join(toks))


# ---------------------------------------------------------------- checks
def parse_number(shown, loc, numfmt):
    s = shown
    if loc in ("de-DE", "fr-FR"):
        s = re.sub(r"[.\u00a0\u202f ]", "", s).replace(",", ".")
    else:
        s = s.replace(",", "")
    s = s.replace("$", "").replace("€", "").strip()
    return Decimal(s)


def parse_date(shown, datefmt):
    rx, seen_hours = "", False
    for tok in date_tokens(datefmt):
        if tok == "YYYY":
            rx += r"(?P<y>\d{4})"
        elif tok == "YY":
            rx += r"(?P<y>\d{2})"
        elif tok == "HH":
            seen_hours = True
            rx += r"00"
        elif tok in ("MM", "SS") and seen_hours:
            rx += r"00"
        elif tok == "MM":
            rx += r"(?P<m>\d{2})"
        elif tok == "M":
            rx += r"(?P<m>[1-9]\d?)"
        elif tok == "DD":
            rx += r"(?P<d>\d{2})"
        elif tok == "D":
            rx += r"(?P<d>[1-9]\d?)"
        else:
            rx += re.escape(tok)
    m = re.fullmatch(rx, shown)
    assert m, (shown, datefmt, rx)
    y = int(m["y"])
    if y < 100:
        y += 2000
    return datetime.date(y, int(m["m"]), int(m["d"])).isoformat()


def records_with_lines(text, delim):
    """(start_line, cells) for each record, physical line numbers from 1."""
    rdr = csv.reader(io.StringIO(text, newline=""), delimiter=delim)
    out, prev = [], 0
    for cells in rdr:
        out.append((prev + 1, cells))
        prev = rdr.line_num
    return out


def check_and_manifest(spec, path):
    raw = open(path, "rb").read()
    enc = spec["encoding"]
    pyenc = {"utf-8": "utf-8", "utf-8-bom": "utf-8-sig", "windows-1252": "cp1252",
             "utf-16le-bom": "utf-16", "utf-16le": "utf-16-le"}[enc]
    text = raw.decode(pyenc)
    if text.startswith("\ufeff"):
        raise AssertionError("stray BOM left in " + path)
    recs = records_with_lines(text, spec["delimiter"])
    # find the header record
    hi = next(i for i, (_, c) in enumerate(recs) if c and c[0] == "Referral ID")
    header_line = recs[hi][0]
    data = [(ln, c) for ln, c in recs[hi + 1:] if any(x.strip() for x in c)]
    assert len(data) == len(spec["rows"]), (path, len(data), len(spec["rows"]))
    out_rows = []
    for (ln, cells), r in zip(data, spec["rows"]):
        cells = cells + [""] * (6 - len(cells))
        assert cells[0] == r["raw_id"], (path, cells[0], r["raw_id"])
        assert cells[1] == r["name"], (path, cells[1], r["name"])
        assert cells[3] == (r["cur"] or ""), (path, cells[3])
        assert cells[5] == (r["notes"] or ""), (path, cells[5], r["notes"])
        if r["deal"] is None:
            assert cells[2] == "", (path, cells[2])
        else:
            assert parse_number(cells[2], spec["locale"], spec["numfmt"]) == Decimal(r["deal"]), (path, cells[2], r["deal"])
        if r["date"] is None:
            assert cells[4] == "", (path, cells[4])
        else:
            assert parse_date(cells[4], spec["datefmt"]) == r["date"], (path, cells[4], r["date"])
        row = {"line": ln, "id": r["id"], "raw_id": r["raw_id"], "name": r["name"]}
        if r["deal"] is not None:
            row["dealValue"] = str(Decimal(r["deal"]))
            row["shownDealValue"] = cells[2]
        if r["cur"]:
            row["currency"] = r["cur"]
        if r["date"]:
            row["closingDate"] = r["date"]
            row["shownClosingDate"] = cells[4]
        if r["notes"]:
            row["notes"] = r["notes"]
        out_rows.append(row)
    return header_line, out_rows


# ---------------------------------------------------------------- the corpus
UTF16_EXTRA = [("Rocket 🚀 Ltd", "emoji 🚀 outside the BMP (a surrogate pair in UTF-16)"),
               ("東京 Partners", "日本語のメモ; Ελληνικά; Ж")]

SPECS = [
    dict(file="en-US-utf8-grouped.csv",
         notes=["grouped values contain the delimiter, so LibreOffice quotes them: \"12,919.00\"; 12.50 and 999.99 are not quoted."],
         locale="en-US", encoding="utf-8", delimiter=",",
         numfmt="grouped2", datefmt="M/D/YYYY", rows=rows_for(0),
         special="deal values grouped with ',' and 2 decimals (12,919.00); dates M/D/YYYY",
         expect="read as is (en-US is the default convention) or with --locale en-US; 1,234.00 and 12,919.00 are grouped '.'-decimal values",
         workbooks=True),
    dict(file="en-US-utf8-grouped-integers.csv", locale="en-US", encoding="utf-8", delimiter=",",
         numfmt="grouped0", datefmt="M/D/YYYY", rows=rows_for(50, deals=INT_DEALS),
         special="whole deal values grouped with ',' and no decimals (#,##0): 12,919, 1,234, 10,000, 1,000,000 -- three digits after a single ',' reads as 12.919 under the decimal-comma convention",
         expect="read as 12919 etc. with --decimal-separator . or --locale en-US; without it 12,919 / 1,234 / 10,000 / 1,001 are ambiguous problems (both readings shown); 1,000,000 can only be grouping"),
    dict(file="en-US-utf8-plain.csv", locale="en-US", encoding="utf-8", delimiter=",",
         numfmt="general", datefmt="MM/DD/YYYY", rows=rows_for(100, ids=SHAPES),
         special="deal values in 'General' format, no grouping (12919, 1234.5, 12.5); dates MM/DD/YYYY; IDs in spreadsheet shapes (upper case, {braces}, no hyphens, surrounding spaces)",
         expect="read as is; IDs normalised to the canonical lower-case hyphenated form"),
    dict(file="en-GB-utf8.csv", locale="en-GB", encoding="utf-8", delimiter=",",
         numfmt="grouped2", datefmt="DD/MM/YYYY", rows=rows_for(200),
         special="dates DD/MM/YYYY, days <= 12 and > 12 in the same column (31/05/2027 contradicts M/D/Y)",
         expect="read with --date-order DMY or --locale en-GB; without it every slash date of the column is a problem naming the line of a contradicting value (e.g. 31/05/2027)"),
    dict(file="en-GB-utf8-ambiguous-dates.csv", locale="en-GB", encoding="utf-8", delimiter=",",
         numfmt="general", datefmt="DD/MM/YYYY", rows=rows_for(300, dates=AMBIG_DATES),
         special="dates DD/MM/YYYY with every day <= 12: the column reads both ways; nothing in the file says which",
         expect="read with --date-order DMY or --locale en-GB; WITHOUT it the file is read as M/D/Y (Partner Center's convention) and every date is the wrong one: only the option makes this file right (the test should pin that --date-order DMY gives the truth)"),
    dict(file="de-DE-utf8.csv", locale="de-DE", encoding="utf-8", delimiter=";",
         numfmt="grouped2", datefmt="DD.MM.YYYY", rows=rows_for(400, ids=SHAPES),
         special="';' separator, decimal ',' and grouping '.' (12.919,00; 1.234.567,89); dates DD.MM.YYYY; IDs in spreadsheet shapes",
         expect="read with --locale de-DE or --decimal-separator ','; without it 12.919,00-style values are ambiguous or refused, never 12.919"),
    dict(file="de-DE-utf8-grouped-integers.csv", locale="de-DE", encoding="utf-8", delimiter=";",
         numfmt="grouped0", datefmt="DD.MM.YYYY", rows=rows_for(450, deals=INT_DEALS),
         special="whole deal values grouped with '.' and no decimals (#.##0): 12.919, 1.234, 10.000, 1.000.000, 1.001 -- the issue's case: exactly three digits after a single '.'",
         expect="read with --locale de-DE or --decimal-separator ','; WITHOUT it 12.919 / 1.234 / 10.000 / 1.001 are ambiguous problems showing both readings (never 12.919 read as twelve point nine); 1.000.000 has two '.' and can only be grouping; 999, 12, 500 plain"),
    dict(file="de-DE-utf8-plain.csv",
         notes=["LibreOffice's D.M.YYYY de-DE format writes 1.5.2027 (no leading zeros); 'General' writes 1234,5 and 0,5 (decimal comma, no grouping)."],
         locale="de-DE", encoding="utf-8", delimiter=";",
         numfmt="general", datefmt="D.M.YYYY", rows=rows_for(500),
         special="';' separator, 'General' numbers with decimal ',' and no grouping (12919; 1234,5; 12,5; 0,5); dates D.M.YYYY (1.5.2027)",
         expect="read with --locale de-DE or --decimal-separator ','; without it 1234,5 / 12,5 are ambiguous problems, 12919 and 10000 are plain"),
    dict(file="de-DE-windows1252.csv",
         notes=["charset token 1 (RTL_TEXTENCODING_MS_1252; 'ANSI' is documented as the same) gives single-byte Windows-1252: \u00fc=FC, \u00e9=E9, \u20ac=80, \u00df=DF, \u2014=97."],
         locale="de-DE", encoding="windows-1252", delimiter=";",
         numfmt="grouped2", datefmt="DD.MM.YYYY", rows=rows_for(600),
         special="Windows-1252 bytes (ü=0xFC, é=0xE9, €=0x80, ß=0xDF, —=0x97); ';'; de-DE numbers and dates",
         expect="refused at the start (exit 2: not UTF-8, names the line, suggests --encoding windows-1252); read with --encoding windows-1252 --locale de-DE"),
    dict(file="fr-FR-utf8.csv",
         notes=["fr-FR grouping in LibreOffice 7.4.7 is U+00A0 NO-BREAK SPACE (UTF-8 C2 A0), not U+202F NARROW NO-BREAK SPACE and not U+0020."],
         locale="fr-FR", encoding="utf-8", delimiter=";",
         numfmt="grouped2", datefmt="DD/MM/YYYY", rows=rows_for(700),
         special="';' separator, decimal ',' and grouping with U+00A0 NO-BREAK SPACE (12\u00a0919,00); dates DD/MM/YYYY",
         expect="read with --locale fr-FR (if supported) or --decimal-separator ',' --date-order DMY; grouping is U+00A0, not U+202F or U+0020"),
    dict(file="en-US-utf8-bom.csv",
         notes=["LibreOffice 7.4.7 writes UTF-8 CSV WITHOUT a BOM; the 'include BOM' filter token (14th) is ignored by 7.4 (it exists from 7.6), so the BOM was prepended by hand."],
         locale="en-US", encoding="utf-8-bom", delimiter=",",
         numfmt="grouped2", datefmt="M/D/YYYY", rows=rows_for(800), post="add-bom",
         special="UTF-8 with BOM (EF BB BF) added by hand: LibreOffice 7.4 ignores the 'include BOM' token 14",
         expect="read as is (BOM skipped)"),
    dict(file="en-US-utf16-unicode-text.txt",
         notes=["charset token 65535 ('Unicode') gives UTF-16 LE WITH a BOM (FF FE); line ends are 0A 00 (LF, not CRLF as Excel writes); quoting as in the UTF-8 files (only where needed)."],
         locale="en-US", encoding="utf-16le-bom", delimiter="\t",
         numfmt="grouped2", datefmt="M/D/YYYY", rows=rows_for(900, extra_notes=UTF16_EXTRA), charset=65535,
         special="LibreOffice's UTF-16 export ('Unicode' charset 65535), tab separated: UTF-16 LE with BOM FF FE, LF line ends; includes an emoji (surrogate pair), CJK, Greek",
         expect="read as is (UTF-16 LE with BOM, tab delimiter)"),
    dict(file="en-US-utf16-nobom.txt",
         notes=["same bytes as en-US-utf16-unicode-text.txt minus its first two bytes FF FE."],
         locale="en-US", encoding="utf-16le", delimiter="\t",
         numfmt="grouped2", datefmt="M/D/YYYY", rows=rows_for(900, extra_notes=UTF16_EXTRA), charset=65535,
         post="strip-bom", same_as="en-US-utf16-unicode-text.txt",
         special="en-US-utf16-unicode-text.txt with its 2-byte BOM (FF FE) stripped by hand: UTF-16 LE without BOM",
         expect="recognised as UTF-16 without BOM: refused with a sentence saying what it is and how to save it as CSV UTF-8 (or read with --encoding utf-16 / utf-16le)"),
    dict(file="de-DE-sep-line.csv", locale="de-DE", encoding="utf-8", delimiter=";",
         numfmt="grouped2", datefmt="DD.MM.YYYY", rows=rows_for(1000), post="sep-line-crlf",
         special="Excel conventions by hand: first line 'sep=;' and CRLF record ends (LF stays inside quoted multi-line cells), on top of LibreOffice's de-DE output",
         expect="'sep=;' sets the delimiter and is not the header; header on line 2; read with --locale de-DE"),
    dict(file="en-GB-title-row.csv",
         notes=["LibreOffice pads the title line and the blank line to the sheet's used width: 'Q3 corrections,,,,,' and ',,,,,'."],
         locale="en-GB", encoding="utf-8", delimiter=",",
         numfmt="grouped2", datefmt="DD/MM/YYYY", rows=rows_for(1100),
         title=["Q3 corrections", ""],
         special="title row: 'Q3 corrections' in A1, empty row 2, header on line 3 (made by LibreOffice from a sheet laid out that way: the title and blank lines carry ',,,,,' for the empty cells)",
         expect="without --header-line the ID column is missing and the message names line 1 as read and line 3 as the one that looks like the header; read with --header-line 3 --date-order DMY"),
    dict(file="de-DE-trailing-empty.csv",
         notes=["the used area is 9 columns x 21 rows, so every line including the header has 3 extra empty cells (';;;') and 10 lines ';;;;;;;;' follow the last record (the last one is the stray =\"\" cell, empty text)."],
         locale="de-DE", encoding="utf-8", delimiter=";",
         numfmt="grouped2", datefmt="DD.MM.YYYY", rows=rows_for(1200), stray=(20, 8),
         special="trailing empty columns and rows as LibreOffice writes them when the used area is larger than the data (a stray cell holding =\"\" at I21): every line ends ';;;' and empty ';;;;;;;;' lines follow the data",
         expect="read with --locale de-DE; empty trailing columns (empty header cells) and all-empty rows ignored, not 'unknown column' / not 'missing ID'"),
    dict(file="en-US-iso-datetime.csv", locale="en-US", encoding="utf-8", delimiter=",",
         numfmt="general", datefmt="YYYY-MM-DD HH:MM:SS", rows=rows_for(1300),
         special="dates as a spreadsheet writes a date-time cell in ISO format: 2027-05-01 00:00:00",
         expect="read as is: YYYY-MM-DD HH:MM:SS is understood"),
    dict(file="en-US-two-digit-year.csv",
         notes=["LibreOffice shows 2027 as 27 with the en-US M/D/YY format: the century is gone from the file."],
         locale="en-US", encoding="utf-8", delimiter=",",
         numfmt="general", datefmt="M/D/YY", rows=rows_for(1400),
         special="dates with two-digit years (5/1/27), LibreOffice en-US format M/D/YY",
         expect="every non-empty date refused with a message that says two-digit years are not accepted"),
    dict(file="en-US-currency.csv", locale="en-US", encoding="utf-8", delimiter=",",
         numfmt="currency-en-US", datefmt="M/D/YYYY", rows=rows_for(1500),
         special="deal value column in a currency format: $12,919.00",
         expect="every non-empty deal value refused with a hint (currency symbol in the cell)"),
    dict(file="fr-FR-currency.csv",
         notes=["grouping U+00A0 comes from the fr-FR locale; the U+00A0 before the euro sign is from the currency format the generator wrote (fr-FR style)."],
         locale="fr-FR", encoding="utf-8", delimiter=";",
         numfmt="currency-fr-FR", datefmt="DD/MM/YYYY", rows=rows_for(1600),
         special="deal value column in a fr-FR currency format: 12\u00a0919,00\u00a0€ (grouping U+00A0, U+00A0 before €)",
         expect="every non-empty deal value refused with a hint (currency symbol in the cell)"),
]

DELIM_CODE = {",": 44, ";": 59, "\t": 9}


def crlf_records(text):
    """Record ends become CRLF; LF inside a quoted cell stays LF (as Excel writes)."""
    out, inq = [], False
    for ch in text:
        if ch == '"':
            inq = not inq
        if ch == "\n" and not inq:
            out.append("\r\n")
        else:
            out.append(ch)
    return "".join(out)


def main():
    if shutil.which("soffice") is None:
        sys.exit("soffice not found: apt-get install libreoffice-calc-nogui")
    version = subprocess.run(["soffice", "--version"], capture_output=True, text=True).stdout.strip()
    os.makedirs(OUT, exist_ok=True)
    os.makedirs(WORK, exist_ok=True)
    manifest = []
    produced = {}
    for spec in SPECS:
        loc = spec["locale"]
        lcid = LOCALES[loc][2]
        stem = os.path.splitext(spec["file"])[0]
        src = os.path.join(WORK, stem + ".fods")
        charset = spec.get("charset", {"windows-1252": 1}.get(spec["encoding"], 76))
        flt = csv_filter(DELIM_CODE[spec["delimiter"]], charset, lcid)
        dest = os.path.join(OUT, spec["file"])
        if spec.get("same_as"):
            lo_out = produced[spec["same_as"]]
            src = os.path.join(WORK, os.path.splitext(spec["same_as"])[0] + ".fods")
        else:
            open(src, "w", encoding="utf-8").write(fods(spec))
            lo_out = soffice_convert(src, flt, os.path.join(WORK, "out-" + stem))
            produced[spec["file"]] = lo_out
        data = open(lo_out, "rb").read()
        made = "LibreOffice %s headless: soffice --convert-to '%s' from %s.fods (%s number and date styles, typed cells, saved as shown)" % (
            version.split(" (")[0].replace("LibreOffice ", "").split()[0], flt, os.path.splitext(os.path.basename(src))[0], loc)
        post = spec.get("post")
        if post == "add-bom":
            data = b"\xef\xbb\xbf" + data
            made += "; then BY HAND: EF BB BF prepended"
        elif post == "strip-bom":
            assert data[:2] == b"\xff\xfe"
            data = data[2:]
            made += "; then BY HAND: the 2-byte BOM FF FE removed"
        elif post == "sep-line-crlf":
            data = ("sep=;\r\n" + crlf_records(data.decode("utf-8"))).encode("utf-8")
            made += "; then BY HAND: 'sep=;' line prepended and record ends changed to CRLF (Excel's habit)"
        open(dest, "wb").write(data)
        header_line, rows = check_and_manifest(spec, dest)
        entry = {"file": spec["file"], "made": made, "locale": loc, "encoding": spec["encoding"],
                 "delimiter": spec["delimiter"], "headerLine": header_line,
                 "numberFormat": spec["numfmt"], "dateFormat": spec["datefmt"],
                 "special": spec["special"], "expect": spec["expect"],
                 "notes": COMMON_NOTES + spec.get("notes", []), "rows": rows}
        manifest.append(entry)
        print("ok  %-34s header line %d, %d rows, %d bytes" % (spec["file"], header_line, len(rows), len(data)))
        if spec.get("workbooks"):
            for kind, target in (("xlsx", "xlsx:Calc MS Excel 2007 XML"), ("xls", "xls:MS Excel 97"),
                                 ("ods", "ods:calc8")):
                out = soffice_convert(src, target, os.path.join(WORK, "out-wb"))
                wb = "workbook-en-US.%s" % kind
                shutil.copyfile(out, os.path.join(OUT, wb))
                manifest.append({"file": wb, "kind": kind, "made": "LibreOffice %s headless: soffice --convert-to '%s' from %s (the same sheet as %s)" % (
                    version.split()[1], target, os.path.basename(src), spec["file"]),
                    "locale": loc, "special": "a workbook given by mistake instead of a CSV",
                    "expect": "refused (exit 2) with a sentence saying it is a %s workbook and how to save it as CSV UTF-8" % kind.upper(),
                    "sameDataAs": spec["file"], "rows": []})
                print("ok  %-34s %d bytes" % (wb, os.path.getsize(os.path.join(OUT, wb))))
    with open(os.path.join(OUT, "manifest.json"), "w", encoding="utf-8") as f:
        json.dump(manifest, f, ensure_ascii=False, indent=1)
        f.write("\n")
    print("manifest:", os.path.join(OUT, "manifest.json"))


COMMON_NOTES = [
    "LibreOffice quotes a cell only when it must (it holds the delimiter, a double quote or a line break); quotes inside are doubled; a line break inside a cell is LF; records end with LF (Linux build), the last record too.",
]

if __name__ == "__main__":
    main()
