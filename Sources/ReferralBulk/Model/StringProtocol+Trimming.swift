extension StringProtocol {
    /// The text without leading and trailing white space (spreadsheet cells often carry some).
    var trimmingSpaces: SubSequence {
        var start = startIndex
        var end = endIndex
        while start < end, self[start].isWhitespace { start = index(after: start) }
        while end > start, self[index(before: end)].isWhitespace { end = index(before: end) }
        return self[start..<end]
    }

    /// Equal ignoring case and the other side's surrounding white space.
    func caseInsensitiveEquals(_ other: some StringProtocol) -> Bool {
        lowercased() == other.trimmingSpaces.lowercased()
    }
}
