import Foundation
import ReferralModel
import ReferralPlan
import Synchronization

/// The sandbox's referrals, change log and `MS-RequestId` replay cache,
/// behind one lock: a PATCH is checked, applied, logged and remembered as
/// one step, so concurrent requests can never interleave half-way.
final class ReferralStore: Sendable {
    /// How many answers the replay cache keeps (oldest forgotten first).
    static let replayCapacity = 200_000

    private struct State {
        var referrals: [String: JSONValue] = [:]
        var order: [String] = []
        var log: [ChangeRecord] = []
        var replay: [String: SandboxResponse] = [:]
        var replayOrder: [String] = []
        var replayStart = 0
        var occurrences: [String: Int] = [:]
        var version: UInt64 = 0
        /// Every referral's position per sort field, as of `version` (rebuilt after a change).
        var listIndex: [ListOrder.Field: (version: UInt64, positions: [ListPosition])] = [:]
    }

    private let state: Mutex<State>
    private let seed: UInt64
    /// Where every change is recorded before it is answered, when the sandbox persists.
    private let stateFile: SandboxStateFile?

    /// - Parameters:
    ///   - changes: how many changes an earlier run of a persistent sandbox made (new eTags must not repeat old ones).
    init(referrals: [JSONValue], seed: UInt64, stateFile: SandboxStateFile? = nil, changes: Int = 0) {
        var initial = State()
        for referral in referrals {
            guard case .string(let given)? = referral["id"] else { continue }
            let id = Self.key(given)
            if initial.referrals[id] == nil { initial.order.append(id) }
            var stored = referral
            if stored["eTag"] == nil, case .object(var members) = stored {
                members["eTag"] = .string(Self.quoted(TokenRegistry.hex(SplitMix64.value(seed: seed, key: id, counter: 0))))
                stored = .object(members)
            }
            initial.referrals[id] = stored
        }
        initial.version = UInt64(changes)
        state = Mutex(initial)
        self.seed = seed
        self.stateFile = stateFile
    }

    /// A GUID-keyed API matches IDs whatever their case: referrals are
    /// kept under the canonical lower-case form of a GUID.
    static func key(_ id: String) -> String { ReferralID.canonicalGUID(id) ?? id }

    func referral(_ id: String) -> JSONValue? { state.withLock { $0.referrals[Self.key(id)] } }

    func allReferrals() -> [JSONValue] { state.withLock { state in state.order.compactMap { state.referrals[$0] } } }

    func changeLog() -> [ChangeRecord] { state.withLock { $0.log } }

    /// One page of a list: up to `limit` referrals after `after` in `order`
    /// that `include` accepts, and whether another one follows.
    func page(order: ListOrder, after: ListPosition?, limit: Int, include: (JSONValue) -> Bool) -> ListPage {
        state.withLock { state in
            let positions = Self.positions(&state, order.field)
            var index: Int
            if let after {
                // The first position past `after` (binary search: the index is sorted ascending).
                var low = 0, high = positions.count
                while low < high {
                    let middle = (low + high) / 2
                    if order.descending ? positions[middle] < after : positions[middle] <= after {
                        low = middle + 1
                    } else {
                        high = middle
                    }
                }
                index = order.descending ? low - 1 : low
            } else {
                index = order.descending ? positions.count - 1 : 0
            }
            var page = ListPage()
            while positions.indices.contains(index) {
                defer { index += order.descending ? -1 : 1 }
                guard let referral = state.referrals[positions[index].id], include(referral) else { continue }
                guard page.items.count < limit else {
                    page.hasMore = true
                    break
                }
                page.items.append(referral)
                page.last = positions[index]
            }
            return page
        }
    }

    private static func positions(_ state: inout State, _ field: ListOrder.Field) -> [ListPosition] {
        if let cached = state.listIndex[field], cached.version == state.version { return cached.positions }
        let positions = state.referrals.map { id, referral in
            let date = referral[field.rawValue]?.stringValue.flatMap { try? UTCDateTime.parse($0) }
            return ListPosition(seconds: date?.secondsSinceEpoch ?? .min, id: id)
        }.sorted()
        state.listIndex[field] = (state.version, positions)
        return positions
    }

    /// How many times this fault key was seen before (0 the first time).
    func nextOccurrence(of key: String) -> Int {
        state.withLock { state in
            let count = state.occurrences[key, default: 0]
            if state.occurrences.count > Self.replayCapacity { state.occurrences.removeAll() }
            state.occurrences[key] = count + 1
            return count
        }
    }

    /// Everything a PATCH does once it is past authentication, faults and
    /// the rate limit, in the order the API checks it.
    func patch(
        id: String, body: [UInt8], ifMatch: String?, requestID: String?, returnRepresentation: Bool, replay: Bool = true,
        mayUpdate: (JSONValue) -> Bool
    ) -> SandboxResponse {
        state.withLock { state in
            if replay, let requestID, let earlier = state.replay[requestID] { return earlier }
            let response = Self.apply(
                &state, seed: seed, id: id, body: body, ifMatch: ifMatch, requestID: requestID,
                returnRepresentation: returnRepresentation, mayUpdate: mayUpdate)
            if (200..<300).contains(response.status), let stateFile, let stored = state.referrals[Self.key(id)] {
                do {
                    try stateFile.append(stored)
                } catch {
                    return .error(500, "StateNotSaved", "\(error)")
                }
            }
            if replay, let requestID { Self.remember(&state, requestID, response) }
            return response
        }
    }

    private static func apply(
        _ state: inout State, seed: UInt64, id: String, body: [UInt8], ifMatch: String?, requestID: String?,
        returnRepresentation: Bool, mayUpdate: (JSONValue) -> Bool
    ) -> SandboxResponse {
        let id = Self.key(id)
        guard let before = state.referrals[id] else {
            return .error(404, "NotFound", "no referral with id \(id)")
        }
        guard mayUpdate(before) else {
            return .error(403, "Forbidden", "this user may not update this referral")
        }
        let currentETag = before["eTag"]?.stringValue ?? ""
        // Quoted, weak or bare: all name the same tag (a seed file may hold bare ones).
        if let ifMatch, ifMatch != "*", ETag.unquoted(ifMatch) != ETag.unquoted(currentETag) {
            return .preconditionFailed("Etag value did not Match")
        }
        let operations: [PatchOperation]
        do {
            let json = try JSONParser.parse(body)
            operations = try PatchOperation.document(from: json)
        } catch let error as PatchOperation.DecodeError {
            if case .unsupportedOperation = error { return .error(400, "UnsupportedOperation", error.description) }
            return .error(400, "InvalidPatch", error.description)
        } catch {
            return .error(400, "InvalidPatch", "the body is not a JSON Patch document: \(error)")
        }
        let after: JSONValue
        do {
            try ReferralSchema.checkWritable(operations)
            let patched = try PatchApplier.apply(operations, to: Self.withTeam(before, for: operations))
            after = try ReferralSchema.validate(patched: patched, before: before)
        } catch let violation as ReferralSchema.Violation {
            return .error(400, violation.code, violation.description)
        } catch {
            return .error(400, "InvalidPatch", "\(error)")
        }
        state.version += 1
        let newETag = TokenRegistry.hex(SplitMix64.value(seed: seed, key: id, counter: Int(truncatingIfNeeded: state.version)))
        let now = timestamp()
        guard case .object(var members) = after else { return .error(500, "Internal", "not an object") }
        members["eTag"] = .string(Self.quoted(newETag))
        members["updatedDateTime"] = .string(now)
        let stored = JSONValue.object(members)
        state.referrals[id] = stored
        state.log.append(
            ChangeRecord(
                sequence: state.log.count + 1, referralID: id, requestID: requestID, at: now, operations: operations,
                eTagBefore: ETag.unquoted(currentETag), eTagAfter: newETag))
        return returnRepresentation
            ? .json(200, stored, eTag: newETag)
            : SandboxResponse(status: 204, body: [], eTag: newETag)
    }

    private static func remember(_ state: inout State, _ requestID: String, _ response: SandboxResponse) {
        state.replay[requestID] = response
        state.replayOrder.append(requestID)
        if state.replayOrder.count - state.replayStart > replayCapacity {
            state.replay[state.replayOrder[state.replayStart]] = nil
            state.replayStart += 1
            if state.replayStart > replayCapacity {
                state.replayOrder.removeFirst(state.replayStart)
                state.replayStart = 0
            }
        }
    }

    static func timestamp() -> String {
        UTCDateTime(date: Date()).description
    }

    /// An eTag as the API's JSON carries it: a quoted string (`"\"2500ec5a-…\""`),
    /// sent back in `If-Match` byte for byte.
    static func quoted(_ tag: String) -> String { "\"\(tag)\"" }

    /// The referral with an empty `team` when a patch adds to a team it does
    /// not have: the docs add a member (`/team/-`) to their example referral,
    /// which lists no team, and the API takes it.
    static func withTeam(_ referral: JSONValue, for operations: [PatchOperation]) -> JSONValue {
        guard case .object(var members) = referral, members["team"] == nil,
            operations.contains(where: { $0.op == .add && $0.path.tokens.first == "team" && $0.path.tokens.count == 2 })
        else { return referral }
        members["team"] = .array([])
        return .object(members)
    }
}
