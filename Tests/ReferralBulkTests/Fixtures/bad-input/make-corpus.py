#!/usr/bin/env python3
"""Writes the hostile-input corpus and expectations.json beside this script.

Each case is a file plus the exact behaviour expected of `validate`: the exit
code, the number of documents that would still be sent, and every problem as
[line, column or null, text the reason contains]. Run it again after editing
a case; BadInputCorpusTests checks every file against expectations.json.
"""
import json, os

here = os.path.dirname(os.path.abspath(__file__))
A = "f3c95789-ace1-4954-ac5d-6baed2eac902"
B = "cbf27734-ac10-4525-8b66-402800e03d2c"
C = "e0a3a91f-2346-4c13-bc27-ed12b10877a9"
cases = []

def case(name, content, exit, documents=0, problems=(), file_error=None):
    data = content if isinstance(content, bytes) else content.encode("utf-8")
    with open(os.path.join(here, name), "wb") as f:
        f.write(data)
    cases.append({"file": name, "exit": exit, "documents": documents,
                  "problems": [list(p) for p in problems], "fileError": file_error})

case("01-empty.csv", "", 2, file_error="the file is empty")
case("02-header-only.csv", "id,dealValue\n", 0)
case("03-bom-crlf.csv", b"\xef\xbb\xbfid,dealValue\r\n" + f"{A},100\r\n{B},200\r\n".encode(), 0, 2)
case("04-utf16-bom.csv", "id,dealValue\n1,2\n".encode("utf-16"), 0, 1)
case("05-latin1-notes.csv", b"id,notes\n" + A.encode() + b",caf\xe9 cr\xe8me\n" + B.encode() + b",ok\n", 2,
     file_error="line 2 is not valid UTF-8")
case("06-latin1-ignored-column.csv", b"id,notes,Customer Name\n" + A.encode() + b",ok,Soci\xe9t\xe9\n", 2,
     file_error="--encoding windows-1252")
case("07-nul-bytes.csv", f"id,notes\n{A},a\x00b\n{B},fine\n", 1, 1, [[2, "notes", "control character"]])
case("08-stray-quote.csv", f"id,notes\n{A},12\" monitor\n{B},fine\n", 1, 1,
     [[2, None, "a quote inside a cell that is not quoted"]])
case("09-unterminated-quote-at-eof.csv", f"id,notes\n{A},ok\n{B},\"never closed\n", 1, 1,
     [[3, None, "never closed"]])
case("10-one-megabyte-field.csv", f"id,notes\n{A},\"" + "x" * 1_048_576 + f"\"\n{B},after\n", 0, 2)
case("11-ten-thousand-columns.csv",
     "id," + ",".join(f"/details/custom{i}" for i in range(9999)) + "\n" + A + "," + ",".join(str(i) for i in range(9999)) + "\n",
     0, 1)
case("12-million-empty-lines.csv", f"id,dealValue\n{A},1\n" + "\n" * 1_000_000 + f"{B},2\n", 0, 2)
case("13-duplicate-headers.csv", f"id,notes,notes\n{A},a,b\n", 2, file_error='"notes" appears twice')
case("14-headers-differing-in-case-and-spaces.csv", f"id,Deal Value,dealvalue\n{A},1,2\n", 2,
     file_error='both set the same field')
case("15-unknown-column-with-suggestion.csv", f"id,dealVlaue\n{A},1\n", 2, file_error='did you mean "dealValue"')
case("16-unknown-column-without-suggestion.csv", f"id,Favourite Colour\n{A},blue\n", 2, file_error="unknown column")
case("17-no-id-column.csv", f"name,dealValue\nx,1\n", 2, file_error="no referral ID column")
case("18-missing-id-cells.csv", f"id,dealValue\n,1\n{A},2\n  ,3\n", 1, 1,
     [[2, "id", "the referral ID is missing"], [4, "id", "the referral ID is missing"]])
case("19-id-with-slash.csv", f"id,dealValue\n{A}/../x,1\n{B},2\n", 1, 1, [[2, "id", 'contains "/"']])
case("20-id-dot-dot.csv", f"id,dealValue\n..,1\n", 1, 0, [[2, "id", "not a referral ID"]])
case("21-id-with-space.csv", f"id,dealValue\nab cd,1\n", 1, 0, [[2, "id", 'contains " "']])
case("22-id-with-control-character.csv", f"id,dealValue\nab\x07cd,1\n", 1, 0, [[2, "id", "a control character"]])
case("23-thousands-separator.csv", f'id,dealValue\n{A},"1,000.50"\n', 1, 0, [[2, "dealValue", "needs its convention named: 1000.50 with a decimal point"]])
case("24-european-decimal.csv", f'id,dealValue\n{A},"1.000,50"\n', 1, 0, [[2, "dealValue", "needs its convention named: 1000.50 with a decimal comma"]])
case("25-huge-exponent.csv", f"id,dealValue\n{A},1e309\n", 1, 0, [[2, "dealValue", "not a plain decimal number"]])
case("26-nan.csv", f"id,dealValue\n{A},NaN\n", 1, 0, [[2, "dealValue", "not a plain decimal number"]])
case("27-negative-zero.csv", f"id,dealValue\n{A},-0\n", 1, 0, [[2, "dealValue", "cannot be negative"]])
case("28-february-thirtieth.csv", f"id,closingDate\n{A},2/30/2025\n", 1, 0, [[2, "closingDate", "no day 30 in month 2"]])
case("29-month-thirteen.csv", f"id,closingDate\n{A},13/1/2025\n", 1, 0, [[2, "closingDate", "can only be read day-first"]])
case("30-status-odd-case.csv", f"id,status,substatus\n{A},cLoSeD,wOn\n", 0, 1)
case("31-closed-to-active.csv", f"id,status,substatus\n{A},Active,Accepted\n", 0, 1)  # refused at preflight, not here
case("32-bad-status-pair.csv", f"id,status,substatus\n{A},Active,Won\n", 1, 0, [[2, None, "not allowed with status Active"]])
case("33-formula-cells.csv", f'id,notes,name\n{A},"=HYPERLINK(""http://evil.example"",""x"")",+1\n{B},@SUM(A1:A9),-x\n', 0, 2)
case("34-pointer-header-escapes.csv", f"id,/details/a~1b,/details/c~0d\n{A},1,2\n", 0, 1)
case("35-pointer-header-invalid-escape.csv", f"id,/details/a~2b\n{A},1\n", 2, file_error="not a valid JSON Pointer")
case("36-pointer-header-read-only.csv", f"id,/createdDateTime\n{A},2020-01-01\n", 2, file_error="read-only")
case("37-too-many-cells.csv", f"id,dealValue\n{A},1,extra\n{B},2,\n", 1, 1, [[2, None, "3 cells but the header names 2"]])
case("38-semicolon-excel-export.csv", f"id;dealValue;notes\n{A};1500.25;\"a;b\"\n", 0, 1)
case("39-tab-separated.csv", f"id\tdealValue\n{A}\t1\n", 0, 1)
case("40-long-layout-bad-ops.csv",
     f"id,op,path,value\n{A},remove,/name,x\n{B},replace,/details/a~2,1\n{C},replace,/name,ok\n", 1, 1,
     [[2, "op", "operation not supported"], [3, "path", "has a \"~\" not followed by 0 or 1"]])
case("41-team-member-bad-email.csv", f'id,Team member 1\n{A},"Jane, Doe, 1, not-an-email"\n', 1, 0,
     [[2, "Team member 1", "not an e-mail address"]])
case("42-conflicting-etags.csv", f"id,eTag,dealValue\n{A},e1,1\n{A},e2,2\n", 1, 0, [[3, None, "another eTag"]])
case("43-blank-filler-rows.csv", f"id,dealValue\n{A},1\n,,\n , \n{B},2\n", 0, 2)
case("44-only-blank-lines.csv", "\n\n\r\n", 2, file_error="the file is empty")
case("45-currency-not-iso.csv", f"id,currency\n{A},XYZ\n", 1, 0, [[2, "currency", "not an ISO 4217"]])

# Regression: the fuzzer's first finding (a day of 60 digits overflowed Int; see fuzz-findings).
case("46-fuzz-date-with-huge-day.csv", f"id,closingDate\n{A},13/" + "9" * 60 + "1/2025\n", 1, 0,
     [[2, "closingDate", "not a date"]])

with open(os.path.join(here, "expectations.json"), "w") as f:
    json.dump(cases, f, indent=1)
print(f"{len(cases)} cases")
