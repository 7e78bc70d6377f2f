extension StringProtocol where UTF8View: BidirectionalCollection {
    /// The text without leading and trailing white space (spreadsheet cells
    /// often carry some). Works on UTF-8 bytes for ASCII white space, the
    /// common case, and falls back to Unicode's definition only when a
    /// non-ASCII character sits at either end.
    // Inlinable: the planner trims every cell from another target, and an
    // unspecialised generic call there costs a third of `plan`'s time.
    @inlinable package var trimmingSpaces: SubSequence {
        // Contiguous bytes answer the common question (nothing to trim) far
        // faster than the generic view's first and last.
        let edges = utf8.withContiguousStorageIfAvailable { ($0.first, $0.last) } ?? (utf8.first, utf8.last)
        guard let first = edges.0, let last = edges.1 else { return self[...] }
        if first < 0x80, last < 0x80, !isASCIIWhitespace(first), !isASCIIWhitespace(last) { return self[...] }
        // ASCII white space off either end by bytes ("Ada, Lovelace" leaves
        // " Lovelace"); Characters decide only where a non-ASCII byte is met
        // at an edge (Unicode's white space, or a mark joined to a space).
        var byteStart = utf8.startIndex
        var byteEnd = utf8.endIndex
        while byteStart < byteEnd, isASCIIWhitespace(utf8[byteStart]) { utf8.formIndex(after: &byteStart) }
        while byteEnd > byteStart, isASCIIWhitespace(utf8[utf8.index(before: byteEnd)]) { utf8.formIndex(before: &byteEnd) }
        if byteStart == byteEnd || (utf8[byteStart] < 0x80 && utf8[utf8.index(before: byteEnd)] < 0x80) {
            return self[byteStart..<byteEnd]
        }
        var start = startIndex
        var end = endIndex
        while start < end, self[start].isWhitespace { start = index(after: start) }
        while end > start, self[index(before: end)].isWhitespace { end = index(before: end) }
        return self[start..<end]
    }

    /// True when the text is empty or only white space.
    @inlinable package var isBlank: Bool {
        // Decided by the first byte that is not ASCII white space: any other
        // ASCII byte is content; only a non-ASCII one needs Unicode's answer.
        guard let first = utf8.first(where: { !isASCIIWhitespace($0) }) else { return true }
        return first >= 0x80 && allSatisfy(\.isWhitespace)
    }

    /// Equal ignoring case and the other side's surrounding white space.
    func caseInsensitiveEquals(_ other: String) -> Bool {
        if self == other { return true }
        return lowercased() == other.trimmingSpaces.lowercased()
    }
}

@inlinable @inline(__always)
package func isASCIIWhitespace(_ byte: UInt8) -> Bool {
    byte == 0x20 || (0x09...0x0D).contains(byte)
}
