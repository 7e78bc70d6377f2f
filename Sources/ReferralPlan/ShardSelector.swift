/// `--shard K/N`: this process takes the documents whose referral ID
/// hashes to K of N (a stable hash of the lower-cased ID), so N processes
/// cover a file exactly once between them. Rows without an ID belong to
/// shard 0, so they are reported exactly once too.
package struct ShardSelector: Sendable, Equatable, CustomStringConvertible {
    package let index: Int
    package let count: Int

    /// Why a `--shard` value names no shard.
    package enum ParseError: Error, Sendable, Equatable, CustomStringConvertible {
        /// Not two whole numbers around one slash.
        case notKOfN(String)
        /// K is not one of the N shards (or N is not positive).
        case outOfRange(index: Int, count: Int)

        package var description: String {
            let value =
                switch self {
                case .notKOfN(let text): text
                case .outOfRange(let index, let count): "\(index)/\(count)"
                }
            return "--shard must be K/N with 0 <= K < N (e.g. 0/4), not '\(value)'."
        }
    }

    package init(parsing text: String) throws(ParseError) {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2, let index = Int(parts[0]), let count = Int(parts[1]) else { throw .notKOfN(text) }
        guard count >= 1, (0..<count).contains(index) else { throw .outOfRange(index: index, count: count) }
        self.index = index
        self.count = count
    }

    package func contains(_ document: PatchDocument) -> Bool {
        guard !document.referralID.isEmpty else { return index == 0 }
        return Int(StableHash.of(document.referralID.lowercased()) % UInt64(count)) == index
    }

    package var description: String { "\(index)/\(count)" }
}
