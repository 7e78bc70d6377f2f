import Foundation
import ReferralModel

/// One applied change, as `GET /_sandbox/log` lists it: tests prove with it
/// what really happened on the server (e.g. that no patch was applied twice).
package struct ChangeRecord: Sendable, Equatable {
    package var sequence: Int
    package var referralID: String
    package var requestID: String?
    package var at: String
    package var operations: [PatchOperation]
    package var eTagBefore: String
    package var eTagAfter: String

    var json: JSONValue {
        [
            "sequence": .number(.init(sequence)), "referralId": .string(referralID),
            "requestId": requestID.map(JSONValue.string) ?? .null, "at": .string(at),
            "operations": .array(operations.map(\.json)), "eTagBefore": .string(eTagBefore), "eTagAfter": .string(eTagAfter),
        ]
    }
}
