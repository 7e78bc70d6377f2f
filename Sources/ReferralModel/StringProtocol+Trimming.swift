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
