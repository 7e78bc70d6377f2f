/// A JSON object's members, kept in the order of their keys: the order
/// `JSONWriter` prints them in (the same document always prints the same
/// bytes), so that printing sorts nothing.
///
/// Our own, where a `Dictionary` served before: the objects of a plan are
/// small (a team member has four members) and made by the hundred thousand,
/// and hashing their keys, growing the table, sorting the members to print
/// them and freeing the table were about a tenth of `plan`'s instructions
/// on a file with team members (callgrind). Objects here have a few dozen
/// members at most (a referral); a lookup is a binary search.
///
/// Keys are unique; setting a key that is there replaces its value, and
/// two objects are equal when they have the same members, whatever order
/// they were set in.
package struct JSONObject: Sendable, Hashable, Sequence, ExpressibleByDictionaryLiteral {
    package typealias Element = (key: String, value: JSONValue)

    /// Sorted by key, no key twice.
    private var members: [Element]

    /// Members already in key order, no key twice (ours: a team member's
    /// fields), taken as they are.
    package init(inKeyOrder members: [Element]) {
        assert(zip(members, members.dropFirst()).allSatisfy { $0.key < $1.key }, "members out of order")
        self.members = members
    }

    /// The members in any order; of a key given twice, the last value counts
    /// (as a JSON parser reads `{"a":1,"a":2}`).
    package init(_ unordered: some Sequence<(String, JSONValue)>) {
        var indexed = unordered.enumerated().map { (offset: $0.offset, key: $0.element.0, value: $0.element.1) }
        indexed.sort { ($0.key, $0.offset) < ($1.key, $1.offset) }
        members = []
        members.reserveCapacity(indexed.count)
        for member in indexed {
            if let last = members.last, last.key == member.key {
                members[members.count - 1].value = member.value
            } else {
                members.append((member.key, member.value))
            }
        }
    }

    package init(dictionaryLiteral elements: (String, JSONValue)...) {
        self.init(elements)
    }

    package var count: Int { members.count }

    package func makeIterator() -> IndexingIterator<[Element]> { members.makeIterator() }

    package subscript(key: String) -> JSONValue? {
        // No `nil` literal here: JSONValue takes one too (as `null`).
        get { index(of: key).map { members[$0].value } }
        set {
            let index = place(of: key)
            let present = index < members.count && members[index].key == key
            switch (newValue, present) {
            case (let value?, true): members[index].value = value
            case (let value?, false): members.insert((key, value), at: index)
            case (.none, true): members.remove(at: index)
            case (.none, false): break
            }
        }
    }

    /// Where `key`'s member is, if there is one.
    private func index(of key: String) -> Int? {
        let index = place(of: key)
        guard index < members.count, members[index].key == key else { return .none }
        return index
    }

    /// Where `key` is, or would go: the first member whose key is not below it.
    private func place(of key: String) -> Int {
        // Members are mostly set in key order (a report's fields, a
        // referral read back and changed): check the end first.
        if let last = members.last, last.key < key { return members.count }
        var low = 0
        var high = members.count
        while low < high {
            let middle = (low + high) / 2
            if members[middle].key < key { low = middle + 1 } else { high = middle }
        }
        return low
    }

    package static func == (left: JSONObject, right: JSONObject) -> Bool {
        left.members.elementsEqual(right.members) { $0.key == $1.key && $0.value == $1.value }
    }

    package func hash(into hasher: inout Hasher) {
        hasher.combine(members.count)
        for member in members {
            hasher.combine(member.key)
            hasher.combine(member.value)
        }
    }
}
