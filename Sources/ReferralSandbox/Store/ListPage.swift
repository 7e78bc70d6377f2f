import ReferralModel

/// One page of `GET /v1.0/engagements/referrals`, before it is written as JSON.
struct ListPage: Sendable {
    var items: [JSONValue] = []
    /// The position of the last item: the next page starts after it.
    var last: ListPosition?
    /// Whether another matching referral follows (then the answer has a next link).
    var hasMore = false
}
