import Foundation
import Testing

@testable import ReferralModel
@testable import ReferralPlan
@testable import ReferralSend

@Suite struct JSONTests {
    @Test func numbersKeepTheirDigits() throws {
        let value = try JSONParser.parse(#"{"dealValue": 10000.10, "n": -0, "big": 12345678901234567890.5}"#)
        #expect(JSONWriter.string(value) == #"{"big":12345678901234567890.5,"dealValue":10000.1,"n":0}"#)
    }

    @Test func rejectsOutOfRangeNumbers() {
        #expect(throws: JSONParser.Error.self) { try JSONParser.parse("1e309") }
        #expect(throws: JSONParser.Error.self) { try JSONParser.parse("[1e-400]") }
    }

    @Test func rejectsMalformedText() {
        for text in ["", "{", "[1,]", "{\"a\" 1}", "01", "\"\u{01}\"", "tru", "[1] x", "\"\\x\"", "\"\\ud800\""] {
            #expect(throws: JSONParser.Error.self, "\(text)") { try JSONParser.parse(text) }
        }
    }

    @Test func stringsRoundTripEscapes() throws {
        let text = "quote \" backslash \\ newline \n tab \t bell \u{07} snow ☃ clef 𝄞"
        let written = JSONWriter.string(.string(text))
        #expect(try JSONParser.parse(written) == .string(text))
        #expect(try JSONParser.parse(#""\ud834\udd1e""#) == .string("𝄞"))
    }

    @Test func deepNestingIsRefusedNotACrash() {
        let deep = String(repeating: "[", count: 100_000)
        #expect(throws: JSONParser.Error.self) { try JSONParser.parse(deep) }
    }

    @Test func objectEqualityIgnoresKeyOrder() throws {
        #expect(try JSONParser.parse(#"{"a":1,"b":2}"#) == JSONParser.parse(#"{"b":2,"a":1.0}"#))
    }

    /// Strings are scanned eight bytes at a time for what must be escaped:
    /// each such character, at every offset of strings shorter and longer
    /// than a word, is escaped, and the text reads back as it was.
    /// An object keeps its members in key order, whatever order they were
    /// set or read in; a key set again replaces its value (the last of a
    /// key read twice counts); a key it lacks reads as nothing, not `null`.
    @Test func objectsKeepTheirMembersInKeyOrder() throws {
        var object: JSONObject = ["b": 1]
        object["c"] = 3
        object["a"] = 2
        object["b"] = 4
        #expect(object.map(\.key) == ["a", "b", "c"])
        #expect(object["b"] == 4)
        #expect(object["d"] == nil)
        #expect(JSONValue.object(object)["d"] == nil)
        #expect(JSONValue.object(object)["missing"] != .null)
        object["a"] = nil
        #expect(object.map(\.key) == ["b", "c"])
        #expect(object.count == 2)
        let read = try JSONParser.parse(#"{"z":1,"y":{"b":true,"a":null},"z":2}"#)
        #expect(JSONWriter.string(read) == #"{"y":{"a":null,"b":true},"z":2}"#)
        #expect(read == JSONValue.object(["z": 2, "y": .object(["a": .null, "b": true])]))
        #expect(Set([read, try JSONParser.parse(#"{"y":{"a":null,"b":true},"z":2}"#)]).count == 1)
    }

    @Test func escapesWhatNeedsItAtEveryOffset() throws {
        let escaped: [(Character, String)] = [
            ("\"", "\\\""), ("\\", "\\\\"), ("\n", "\\n"), ("\u{01}", "\\u0001"), ("\u{1F}", "\\u001f"),
            ("\u{7F}", "\\u007f"), ("\u{2028}", "\\u2028"), ("€", "€"), (" ", " "), ("~", "~"),
        ]
        for (character, expected) in escaped {
            for (offset, length) in (0..<19).map({ ($0, 19) }) + (0..<7).map({ ($0, 7) }) + [(0, 1), (8, 9), (15, 16)] {
                let before = String(repeating: "a", count: offset)
                let after = String(repeating: "z", count: length - 1 - offset)
                let text = before + String(character) + after
                #expect(JSONWriter.string(.string(text)) == "\"\(before)\(expected)\(after)\"", "\(text.debugDescription)")
                #expect(try JSONParser.parse(JSONWriter.string(.string(text))) == .string(text))
            }
        }
    }

    @Test func prettyOutputIndents() {
        let value: JSONValue = ["a": [1, 2], "b": nil]
        #expect(JSONWriter.string(value, pretty: true) == "{\n  \"a\": [\n    1,\n    2\n  ],\n  \"b\": null\n}")
    }
}

@Suite struct JSONPointerTests {
    @Test func escapesTildeAndSlash() throws {
        let pointer = JSONPointer(tokens: ["a/b", "m~n"])
        #expect(pointer.description == "/a~1b/m~0n")
        #expect(try JSONPointer(parsing: "/a~1b/m~0n") == pointer)
        #expect(try JSONPointer(parsing: "/~01").tokens == ["~1"])
    }

    @Test func refusesBadEscapesAndMissingSlash() {
        #expect(throws: JSONPointer.ParseError.invalidEscape("/a~2")) { try JSONPointer(parsing: "/a~2") }
        #expect(throws: JSONPointer.ParseError.invalidEscape("/a~")) { try JSONPointer(parsing: "/a~") }
        #expect(throws: JSONPointer.ParseError.missingLeadingSlash("a")) { try JSONPointer(parsing: "a") }
    }

    @Test func lookupFollowsObjectsAndArrays() throws {
        let doc = try JSONParser.parse(#"{"team":[{"email":"x@y.z"}],"":{"":1}}"#)
        #expect(doc.value(at: try JSONPointer(parsing: "/team/0/email")) == "x@y.z")
        #expect(doc.value(at: try JSONPointer(parsing: "/team/01/email")) == nil)
        #expect(doc.value(at: try JSONPointer(parsing: "/team/1")) == nil)
        #expect(doc.value(at: try JSONPointer(parsing: "//")) == 1)
    }
}

@Suite struct ReferralStatusTests {
    @Test func closedIsTerminal() {
        let closed = ReferralState(status: .closed, substatus: .won)
        #expect(closed.violation(newStatus: nil, newSubstatus: nil) == .closedIsTerminal)
        #expect(closed.violation(newStatus: .closed, newSubstatus: .lost) == .closedIsTerminal)
    }

    @Test func allowedMovesFollowTheTable() {
        let new = ReferralState(status: .new, substatus: .pending)
        #expect(new.violation(newStatus: .active, newSubstatus: .accepted) == nil)
        #expect(new.violation(newStatus: .closed, newSubstatus: .won) == nil)
        #expect(new.violation(newStatus: nil, newSubstatus: .received) == nil)
        #expect(new.violation(newStatus: .active, newSubstatus: nil) == .substatusNotAllowed(.pending, with: .active))
        let active = ReferralState(status: .active, substatus: .accepted)
        #expect(active.violation(newStatus: .new, newSubstatus: .pending) == .statusNotReachable(from: .active, to: .new))
        #expect(active.violation(newStatus: .closed, newSubstatus: .accepted) == .substatusNotAllowed(.accepted, with: .closed))
    }

    @Test func namesMatchCaseInsensitively() {
        #expect(ReferralStatus(name: " cLoSeD ") == .closed)
        #expect(ReferralSubstatus(name: "WON") == .won)
        #expect(ReferralStatus(name: "Open") == nil)
    }
}

@Suite struct PatchWritingTests {
    let document = PatchDocument(
        referralID: "r1", lines: 2...3, ifMatch: "e1",
        operations: [
            PatchOperation(.replace, JSONPointer(tokens: ["details", "dealValue"]), .number(Decimal(string: "10000.50")!)),
            PatchOperation(.add, JSONPointer(tokens: ["team", "-"]), ["email": "a@b.example", "firstName": "A"]),
        ], sourceRows: [], sequence: 0)

    /// The hand-written fast paths must print exactly what the generic writer prints.
    @Test func fastPathsMatchTheGenericWriter() throws {
        for pretty in [false, true] {
            let generic: JSONValue = [
                "id": "r1", "ifMatch": "e1", "lines": [2, 3], "patch": .array(document.operations.map(\.json)),
            ]
            #expect(String(decoding: document.planLine(pretty: pretty), as: UTF8.self) == JSONWriter.string(generic, pretty: pretty))
        }
        let body = String(decoding: PatchOperation.body(document.operations), as: UTF8.self)
        #expect(body == JSONWriter.string(.array(document.operations.map(\.json))))
        #expect(body.contains(#""value":10000.5}"#))
        #expect(try PatchOperation.document(from: JSONParser.parse(body)) == document.operations)
    }

    @Test func numbersPrintInPlainNotation() {
        #expect(JSONWriter.numberText(Decimal(string: "1e5")!) == "100000")
        #expect(JSONWriter.numberText(Decimal(string: "-0.005")!) == "-0.005")
        #expect(JSONWriter.numberText(Decimal(string: "123456789012345678901234.5")!) == "123456789012345678901234.5")
        #expect(JSONWriter.numberText(Decimal(0)) == "0")
    }
}
