import Foundation

/// Serialises `JSONValue`s compactly or indented, with object keys in order
/// (`JSONObject` keeps them so), so that the same document always prints
/// the same bytes (plans and reports can be diffed from one run to the next). Writes UTF-8 bytes: `plan`
/// prints hundreds of thousands of documents a second through it.
///
/// The small layout helpers are `@inlinable`: the planner (another target)
/// writes every plan line through them, and a call per comma costs more
/// than the comma (measured with scripts/compare-plan).
package enum JSONWriter {
    package static func string(_ value: JSONValue, pretty: Bool = false) -> String {
        String(decoding: bytes(value, pretty: pretty), as: UTF8.self)
    }

    package static func bytes(_ value: JSONValue, pretty: Bool = false) -> [UInt8] {
        var output: [UInt8] = []
        output.reserveCapacity(256)
        write(value, into: &output, pretty: pretty, depth: 0)
        return output
    }

    package static func data(_ value: JSONValue, pretty: Bool = false) -> Data {
        Data(bytes(value, pretty: pretty))
    }

    @usableFromInline package static func write(_ value: JSONValue, into output: inout [UInt8], pretty: Bool, depth: Int) {
        switch value {
        case .null: output.append(contentsOf: "null".utf8)
        case .bool(let flag): output.append(contentsOf: (flag ? "true" : "false").utf8)
        case .number(let number): output.append(contentsOf: numberText(number).utf8)
        case .string(let text): writeString(text, into: &output)
        case .array(let elements):
            writeArray(count: elements.count, into: &output, pretty: pretty, depth: depth) { index, output in
                write(elements[index], into: &output, pretty: pretty, depth: depth + 1)
            }
        case .object(let members):
            output.append(UInt8(ascii: "{"))
            for (index, member) in members.enumerated() {
                startMember(index: index, into: &output, pretty: pretty, depth: depth + 1)
                writeString(member.key, into: &output)
                endKey(into: &output, pretty: pretty)
                write(member.value, into: &output, pretty: pretty, depth: depth + 1)
            }
            closeObject(count: members.count, into: &output, pretty: pretty, depth: depth)
        }
    }

    /// Writes `[…]` with `count` elements, each written by `element` (at
    /// `depth + 1`) from its index: arrays of values and fixed-shape arrays
    /// (a plan line's operations) share one layout.
    @inlinable package static func writeArray(
        count: Int, into output: inout [UInt8], pretty: Bool, depth: Int, element: (Int, inout [UInt8]) -> Void
    ) {
        output.append(UInt8(ascii: "["))
        for index in 0..<count {
            if index > 0 { output.append(UInt8(ascii: ",")) }
            newline(into: &output, pretty: pretty, depth: depth + 1)
            element(index, &output)
        }
        if count > 0 { newline(into: &output, pretty: pretty, depth: depth) }
        output.append(UInt8(ascii: "]"))
    }

    /// Writes the separator and `"key":` of an object's member. With
    /// `closeObject`, lets fixed-shape values (a patch operation, a plan line)
    /// be written member by member without building a dictionary first. The
    /// key is one of our own names (plain ASCII, nothing to escape), so its
    /// bytes are copied without the scan `writeString` makes.
    @inlinable package static func writeKey(_ key: StaticString, index: Int, into output: inout [UInt8], pretty: Bool, depth: Int) {
        startMember(index: index, into: &output, pretty: pretty, depth: depth)
        output.append(UInt8(ascii: "\""))
        writeRaw(key, into: &output)
        output.append(UInt8(ascii: "\""))
        endKey(into: &output, pretty: pretty)
    }

    /// Copies text that is already JSON.
    @inlinable package static func writeRaw(_ json: StaticString, into output: inout [UInt8]) {
        json.withUTF8Buffer { output.append(contentsOf: $0) }
    }

    @inlinable package static func startMember(index: Int, into output: inout [UInt8], pretty: Bool, depth: Int) {
        if index > 0 { output.append(UInt8(ascii: ",")) }
        newline(into: &output, pretty: pretty, depth: depth)
    }

    @inlinable package static func endKey(into output: inout [UInt8], pretty: Bool) {
        output.append(UInt8(ascii: ":"))
        if pretty { output.append(UInt8(ascii: " ")) }
    }

    @inlinable package static func closeObject(count: Int, into output: inout [UInt8], pretty: Bool, depth: Int) {
        if count > 0 { newline(into: &output, pretty: pretty, depth: depth) }
        output.append(UInt8(ascii: "}"))
    }

    /// Plain decimal notation (`10000.50`, never `1e4`): what the API and
    /// spreadsheets both read back unchanged. The common case is formatted
    /// from the integer significand; Foundation's own formatting is far slower.
    package static func numberText(_ number: Decimal) -> String {
        if number.isZero { return "0" }
        let significand = number.significand as NSDecimalNumber
        let exponent = number.exponent
        guard significand.doubleValue < 1e18, (-30...30).contains(exponent) else { return number.description }
        var digits = String(significand.uint64Value)
        if exponent > 0 {
            digits += String(repeating: "0", count: exponent)
        } else if exponent < 0 {
            let fraction = -exponent
            if digits.count <= fraction { digits = String(repeating: "0", count: fraction - digits.count + 1) + digits }
            digits.insert(".", at: digits.index(digits.endIndex, offsetBy: -fraction))
        }
        return number.sign == .minus ? "-" + digits : digits
    }

    @inlinable package static func newline(into output: inout [UInt8], pretty: Bool, depth: Int) {
        guard pretty else { return }
        output.append(UInt8(ascii: "\n"))
        output.append(contentsOf: repeatElement(UInt8(ascii: " "), count: depth * 2))
    }

    @usableFromInline package static func writeString(_ text: String, into output: inout [UInt8]) {
        output.append(UInt8(ascii: "\""))
        // Most text needs no escaping: copy its bytes whole.
        let copied = text.utf8.withContiguousStorageIfAvailable { bytes -> Bool in
            guard !mayNeedEscaping(bytes) else { return false }
            output.append(contentsOf: bytes)
            return true
        }
        if copied == true {
            output.append(UInt8(ascii: "\""))
            return
        }
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": output.append(contentsOf: "\\\"".utf8)
            case "\\": output.append(contentsOf: "\\\\".utf8)
            case "\n": output.append(contentsOf: "\\n".utf8)
            case "\r": output.append(contentsOf: "\\r".utf8)
            case "\t": output.append(contentsOf: "\\t".utf8)
            case "\u{08}": output.append(contentsOf: "\\b".utf8)
            case "\u{0C}": output.append(contentsOf: "\\f".utf8)
            case let control where control.value < 0x20 || control.value == 0x7F || (0x2028...0x2029).contains(control.value):
                let hex = String(control.value, radix: 16)
                output.append(contentsOf: ("\\u" + String(repeating: "0", count: 4 - hex.count) + hex).utf8)
            default:
                output.append(contentsOf: String(scalar).utf8)
            }
        }
        output.append(UInt8(ascii: "\""))
    }
}

extension JSONWriter {
    /// Whether `bytes` hold a control character, `"`, `\\`, DEL or 0xE2 (the
    /// lead byte of U+2028 and U+2029, which are escaped too, and of others
    /// such as €, which the scalar loop then copies as they are), eight bytes
    /// at a time: every string of every plan line passes here (the renderer
    /// ran 1.54 G instructions on 50,000 team rows scanning byte by byte,
    /// 1.44 G this way; callgrind). Each test below is exact for "some byte of the word":
    /// `(x - n·1) & ~x & 0x80·1` is non-zero exactly when a byte of x is
    /// below n (n ≤ 128), and x ^ c·1 has a zero byte where x has c.
    private static func mayNeedEscaping(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        let ones: UInt64 = 0x0101_0101_0101_0101
        let highs: UInt64 = 0x8080_8080_8080_8080
        func hasByteBelow(_ limit: UInt64, _ word: UInt64) -> Bool { (word &- ones &* limit) & ~word & highs != 0 }
        func hasByte(_ byte: UInt64, _ word: UInt64) -> Bool { hasByteBelow(1, word ^ (ones &* byte)) }
        let raw = UnsafeRawBufferPointer(bytes)
        var index = 0
        while index + 8 <= bytes.count {
            let word = raw.loadUnaligned(fromByteOffset: index, as: UInt64.self)
            if hasByteBelow(0x20, word) || hasByte(0x22, word) || hasByte(0x5C, word) || hasByte(0x7F, word) || hasByte(0xE2, word) {
                return true
            }
            index += 8
        }
        // The last few bytes one by one (a padded word measured slower: its copy is a call).
        for byte in bytes[index...] where byte < 0x20 || byte == 0x22 || byte == 0x5C || byte == 0x7F || byte == 0xE2 {
            return true
        }
        return false
    }
}

extension JSONValue: CustomStringConvertible {
    /// Compact JSON text.
    package var description: String { JSONWriter.string(self) }
}
