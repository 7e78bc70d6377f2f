import Glibc

/// A pull scanner for the subset of XML that SpreadsheetML and OpenDocument
/// parts use: elements, attributes, text, the five named entities and
/// character references, CDATA, comments and processing instructions. A
/// document type declaration is refused (no workbook writer emits one, and
/// its entities are the classic expansion attack).
///
/// Why not FoundationXML's `XMLParser`: on Linux it is swift-corelibs'
/// wrapper over libxml2, which builds an `NSString` for every name and text
/// run and an `NSDictionary` for every element's attributes, and a static
/// libxml2 would also pull libicu and liblzma into the packaged binary.
/// Measured on the 57 MB sheet of scripts/bench-workbook's 100,000 rows:
/// XMLParser alone (swiftc -O, a delegate that only counts the 2.9 million
/// elements and reads two attributes of each cell) took 1.12 s for one pass;
/// `plan` on the whole workbook with this scanner (survey and planning
/// passes, JSON out) took 1.14 s. Two XMLParser passes alone would bring
/// the tool under the 5x-openpyxl target (7.89 s for openpyxl). This scanner hands out byte ranges of its buffer and
/// decodes only the attributes and text the reader asks for.
///
/// Memory is the buffer: one chunk of the source plus the longest single
/// token (bounded by `maximumTokenBytes`).
final class XMLScanner {
    enum Token: Equatable {
        case start, end, text
    }

    static let maximumTokenBytes = 32 * 1_048_576

    // Only the reader's thread touches a scanner, one call at a time, so its
    // state skips the runtime's exclusivity checks (they measured 11 % of
    // planning a workbook, as RecordSink's did for CSV).
    private let source: ByteSource
    @exclusivity(unchecked) private var buffer: [UInt8] = []
    @exclusivity(unchecked) private var position = 0
    @exclusivity(unchecked) private var atEnd = false
    /// The current token's bytes: for a tag, between `<` and `>`; for text, the raw text.
    @exclusivity(unchecked) private var tokenStart = 0
    @exclusivity(unchecked) private var tokenEnd = 0
    @exclusivity(unchecked) private var nameEnd = 0
    @exclusivity(unchecked) private(set) var isSelfClosing = false
    @exclusivity(unchecked) private(set) var token: Token = .text
    /// The part's name, for errors.
    let part: String

    init(source: ByteSource, part: String) {
        self.source = source
        self.part = part
    }

    /// The next start tag, end tag or text run; nil at the end of the part.
    func next() throws(WorkbookError) -> Token? {
        while true {
            if position >= buffer.count {
                guard try refill() else { return nil }
            }
            if buffer[position] != UInt8(ascii: "<") {
                return try scanText()
            }
            guard let tag = try scanTag() else { continue }
            return tag
        }
    }

    /// Skips everything up to the end tag matching the current start tag.
    func skipElement() throws(WorkbookError) {
        guard token == .start, !isSelfClosing else { return }
        var depth = 1
        while let next = try next() {
            if next == .start, !isSelfClosing { depth += 1 } else if next == .end { depth -= 1 }
            if depth == 0 { return }
        }
    }

    // MARK: - The current token

    /// Whether the current tag's local name (after any `prefix:`) is `name`.
    func isNamed(_ name: StaticString) -> Bool {
        var start = tokenStart + (token == .end ? 1 : 0)
        var index = start
        while index < nameEnd {
            if buffer[index] == UInt8(ascii: ":") { start = index + 1 }
            index += 1
        }
        return Self.equal(buffer, start, nameEnd, name)
    }

    /// The value of the attribute written exactly `name` (with its prefix), entities decoded.
    func attribute(_ name: StaticString) -> String? {
        guard let (start, end) = attributeRange(name) else { return nil }
        return Self.decodeEntities(buffer, start, end)
    }

    /// The attribute's raw bytes (entities not decoded): for values that hold
    /// none (`t="s"`, `r="C7"`), read without building a string.
    func rawAttribute(_ name: StaticString) -> ArraySlice<UInt8>? {
        guard let (start, end) = attributeRange(name) else { return nil }
        return buffer[start..<end]
    }

    /// Whether the attribute is exactly `value` (as written, no entities).
    func attribute(_ name: StaticString, is value: StaticString) -> Bool {
        guard let (start, end) = attributeRange(name) else { return false }
        return Self.equal(buffer, start, end, value)
    }

    /// The attribute's value as an integer, when it is one.
    func integerAttribute(_ name: StaticString) -> Int? {
        guard let (start, end) = attributeRange(name), start < end, end - start <= 18 else { return nil }
        var value = 0
        for index in start..<end {
            let digit = buffer[index] &- UInt8(ascii: "0")
            guard digit < 10 else { return nil }
            value = value * 10 + Int(digit)
        }
        return value
    }

    /// Appends the current text run, entities decoded, to `text`.
    func appendText(to text: inout [UInt8]) {
        Self.appendDecoded(buffer, tokenStart, tokenEnd, to: &text)
    }

    var text: String {
        var bytes: [UInt8] = []
        appendText(to: &bytes)
        return String(decoding: bytes, as: UTF8.self)
    }

    // MARK: - Scanning

    /// Appends the next chunk; false at the end of the part.
    private func refill() throws(WorkbookError) -> Bool {
        if atEnd { return false }
        let chunk: ArraySlice<UInt8>
        do {
            chunk = try source.read()
        } catch {
            throw .unreadablePart(part: part, reason: error.description)
        }
        if chunk.isEmpty {
            atEnd = true
            return false
        }
        if position > 0 {
            buffer.removeSubrange(0..<position)
            tokenStart -= position
            tokenEnd -= position
            nameEnd -= position
            position = 0
        }
        if buffer.count > Self.maximumTokenBytes { throw .malformedPart(part: part, reason: "a single element or text is larger than 32 MiB") }
        buffer.append(contentsOf: chunk)
        return true
    }

    private func scanText() throws(WorkbookError) -> Token {
        var end = position
        while true {
            end = Self.index(of: UInt8(ascii: "<"), in: buffer, from: end) ?? buffer.count
            if end < buffer.count { break }
            let offset = end - position
            guard try refill() else { break }
            end = position + offset
        }
        tokenStart = position
        tokenEnd = end
        position = end
        token = .text
        return .text
    }

    /// The tag at `position`, or nil for a comment, processing instruction
    /// or XML declaration (skipped). CDATA becomes a text token.
    private func scanTag() throws(WorkbookError) -> Token? {
        // Enough bytes to tell `<!--`, `<![CDATA[`, `<?` apart.
        while buffer.count - position < 9, try refill() {}
        let second = position + 1 < buffer.count ? buffer[position + 1] : 0
        if second == UInt8(ascii: "?") {
            try skip(past: Array("?>".utf8))
            return nil
        }
        if second == UInt8(ascii: "!") {
            if Self.starts(buffer, position, "<!--") {
                try skip(past: Array("-->".utf8))
                return nil
            }
            if Self.starts(buffer, position, "<![CDATA[") {
                let start = position + 9
                let end = try find(Array("]]>".utf8), from: start)
                // CDATA text is literal: no entities to decode in it, so it
                // is handed out as text only when it has no `&`.
                tokenStart = start
                tokenEnd = end
                position = end + 3
                token = .text
                if buffer[start..<end].contains(UInt8(ascii: "&")) {
                    throw .malformedPart(part: part, reason: "a CDATA section holds an ampersand")
                }
                return .text
            }
            throw .malformedPart(part: part, reason: "it has a document type declaration, which no workbook writer emits")
        }
        // The end of the tag: the first `>` outside a quoted attribute value.
        var index = position + 1
        var quote: UInt8 = 0
        while true {
            if index >= buffer.count {
                let offset = index - position
                guard try refill() else { throw .malformedPart(part: part, reason: "it ends inside a tag") }
                index = position + offset
                continue
            }
            let (found, open) = buffer.withUnsafeBufferPointer { bytes -> (Int?, UInt8) in
                var quote = quote
                var at = index
                while at < bytes.count {
                    let byte = bytes[at]
                    if quote != 0 {
                        if byte == quote { quote = 0 }
                    } else if byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "'") {
                        quote = byte
                    } else if byte == UInt8(ascii: ">") {
                        return (at, 0)
                    }
                    at += 1
                }
                return (nil, quote)
            }
            if let found {
                index = found
                break
            }
            quote = open
            index = buffer.count
        }
        tokenStart = position + 1
        tokenEnd = index
        position = index + 1
        if buffer[tokenStart] == UInt8(ascii: "/") {
            token = .end
            isSelfClosing = false
        } else {
            token = .start
            isSelfClosing = buffer[tokenEnd - 1] == UInt8(ascii: "/")
            if isSelfClosing { tokenEnd -= 1 }
        }
        var end = tokenStart + (token == .end ? 1 : 0)
        while end < tokenEnd, !Self.isSpace(buffer[end]), buffer[end] != UInt8(ascii: "/") { end += 1 }
        nameEnd = end
        return token
    }

    private func skip(past marker: [UInt8]) throws(WorkbookError) {
        position = try find(marker, from: position) + marker.count
    }

    /// Where `marker` next occurs from `start`, reading more as needed.
    private func find(_ marker: [UInt8], from start: Int) throws(WorkbookError) -> Int {
        var index = start
        while true {
            while index + marker.count <= buffer.count {
                if buffer[index] == marker[0], buffer[index..<index + marker.count].elementsEqual(marker) { return index }
                index += 1
            }
            let offset = index - position
            guard try refill() else { throw .malformedPart(part: part, reason: "it ends inside a comment or CDATA section") }
            index = position + offset
        }
    }

    private func attributeRange(_ name: StaticString) -> (Int, Int)? {
        guard token == .start else { return nil }
        var index = nameEnd
        while index < tokenEnd {
            while index < tokenEnd, Self.isSpace(buffer[index]) { index += 1 }
            let nameStart = index
            while index < tokenEnd, buffer[index] != UInt8(ascii: "="), !Self.isSpace(buffer[index]) { index += 1 }
            let thisNameEnd = index
            while index < tokenEnd, buffer[index] != UInt8(ascii: "\""), buffer[index] != UInt8(ascii: "'") { index += 1 }
            guard index < tokenEnd else { return nil }
            let quote = buffer[index]
            let valueStart = index + 1
            index = valueStart
            while index < tokenEnd, buffer[index] != quote { index += 1 }
            if Self.equal(buffer, nameStart, thisNameEnd, name) { return (valueStart, index) }
            index += 1
        }
        return nil
    }

    // MARK: - Bytes

    /// memchr: the text scan touches every byte of the sheet.
    private static func index(of byte: UInt8, in buffer: [UInt8], from start: Int) -> Int? {
        guard start < buffer.count else { return nil }
        return buffer.withUnsafeBytes { bytes in
            guard let base = bytes.baseAddress, let found = memchr(base + start, Int32(byte), bytes.count - start) else { return nil }
            return UnsafeRawPointer(found) - base
        }
    }

    private static func isSpace(_ byte: UInt8) -> Bool {
        byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D
    }

    private static func equal(_ buffer: [UInt8], _ start: Int, _ end: Int, _ name: StaticString) -> Bool {
        guard end - start == name.utf8CodeUnitCount else { return false }
        return name.withUTF8Buffer { wanted in
            var offset = 0
            while offset < wanted.count {
                if buffer[start + offset] != wanted[offset] { return false }
                offset += 1
            }
            return true
        }
    }

    private static func starts(_ buffer: [UInt8], _ start: Int, _ prefix: StaticString) -> Bool {
        start + prefix.utf8CodeUnitCount <= buffer.count && equal(buffer, start, start + prefix.utf8CodeUnitCount, prefix)
    }

    static func decodeEntities(_ buffer: [UInt8], _ start: Int, _ end: Int) -> String {
        var bytes: [UInt8] = []
        appendDecoded(buffer, start, end, to: &bytes)
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Copies `buffer[start..<end]` with `&amp;` and the rest decoded (an
    /// unknown entity is kept as written: nothing is guessed or dropped).
    static func appendDecoded(_ buffer: [UInt8], _ start: Int, _ end: Int, to text: inout [UInt8]) {
        var index = start
        var runStart = start
        while index < end {
            guard buffer[index] == UInt8(ascii: "&") else {
                index += 1
                continue
            }
            var semicolon = index + 1
            while semicolon < end, semicolon - index < 12, buffer[semicolon] != UInt8(ascii: ";") { semicolon += 1 }
            guard semicolon < end, buffer[semicolon] == UInt8(ascii: ";") else {
                index += 1
                continue
            }
            let name = buffer[(index + 1)..<semicolon]
            var scalar: Unicode.Scalar?
            switch String(decoding: name, as: UTF8.self) {
            case "amp": scalar = "&"
            case "lt": scalar = "<"
            case "gt": scalar = ">"
            case "quot": scalar = "\""
            case "apos": scalar = "'"
            case let reference where reference.hasPrefix("#x") || reference.hasPrefix("#X"):
                scalar = UInt32(reference.dropFirst(2), radix: 16).flatMap(Unicode.Scalar.init)
            case let reference where reference.hasPrefix("#"):
                scalar = UInt32(reference.dropFirst(), radix: 10).flatMap(Unicode.Scalar.init)
            default: scalar = nil
            }
            guard let scalar else {
                index += 1
                continue
            }
            text.append(contentsOf: buffer[runStart..<index])
            text.append(contentsOf: String(Character(scalar)).utf8)
            index = semicolon + 1
            runStart = index
        }
        text.append(contentsOf: buffer[runStart..<end])
    }
}
