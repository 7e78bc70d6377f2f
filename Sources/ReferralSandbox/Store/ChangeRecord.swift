import Foundation
import ReferralModel

/// One applied change, as `GET /_sandbox/log` lists it: tests prove with it
/// what really happened on the server (e.g. that no patch was applied twice).
public struct ChangeRecord: Sendable, Equatable {
    public var sequence: Int
    public var referralID: String
    public var requestID: String?
    public var at: String
    public var operations: [PatchOperation]
    public var eTagBefore: String
    public var eTagAfter: String

    var json: JSONValue {
        [
            "sequence": .number(.init(sequence)), "referralId": .string(referralID),
            "requestId": requestID.map(JSONValue.string) ?? .null, "at": .string(at),
            "operations": .array(operations.map(\.json)), "eTagBefore": .string(eTagBefore), "eTagAfter": .string(eTagAfter),
        ]
    }
}
