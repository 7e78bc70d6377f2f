import Foundation

/// The opaque `$skiptoken` of a next page: the order and the position of
/// the last referral returned, not an offset, so it stays valid while
/// referrals change (the next page starts right after that position in the
/// order as it is when the page is asked for).
struct SkipToken: Sendable, Equatable {
    var order: ListOrder
    var after: ListPosition

    var encoded: String {
        let text = "1|\(order.field.rawValue)|\(order.descending ? "desc" : "asc")|\(after.seconds)|\(after.id)"
        return Data(text.utf8).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    /// The token, if this service issued it for this order.
    init(decoding token: String, for order: ListOrder) throws(FilterError) {
        var base64 = token.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        base64 += String(repeating: "=", count: (4 - base64.count % 4) % 4)
        guard token.utf8.count <= 512, let data = Data(base64Encoded: base64) else { throw .badSkipToken }
        let parts = String(decoding: data, as: UTF8.self).split(separator: "|", maxSplits: 4, omittingEmptySubsequences: false)
        guard parts.count == 5, parts[0] == "1", parts[1] == order.field.rawValue,
            parts[2] == (order.descending ? "desc" : "asc"), let seconds = Int64(parts[3])
        else { throw .badSkipToken }
        self.order = order
        self.after = ListPosition(seconds: seconds, id: String(parts[4]))
    }

    init(order: ListOrder, after: ListPosition) {
        self.order = order
        self.after = after
    }
}
