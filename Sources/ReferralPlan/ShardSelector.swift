/// `--shard K/N`: this process takes the documents whose referral ID
/// hashes to K of N (a stable hash of the lower-cased ID), so N processes
/// cover a file exactly once between them. Rows without an ID belong to
/// shard 0, so they are reported exactly once too.
public struct ShardSelector: Sendable, Equatable, CustomStringConvertible {
    public let index: Int
    public let count: Int

    public struct ParseError: Error, Sendable, CustomStringConvertible {
        public var description: String
    }

    public init(parsing text: String) throws(ParseError) {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2, let index = Int(parts[0]), let count = Int(parts[1]), count >= 1, (0..<count).contains(index) else {
            throw ParseError(description: "--shard must be K/N with 0 <= K < N (e.g. 0/4), not '\(text)'.")
        }
        self.index = index
        self.count = count
    }

    public func contains(_ document: PatchDocument) -> Bool {
        guard !document.referralID.isEmpty else { return index == 0 }
        return Int(StableHash.of(document.referralID.lowercased()) % UInt64(count)) == index
    }

    public var description: String { "\(index)/\(count)" }
}
