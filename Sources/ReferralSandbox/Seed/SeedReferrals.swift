import Foundation
import ReferralModel

/// Where the sandbox's referrals come from: a seed file in the API's own
/// shape, or generated from the seed.
package enum SeedReferrals {
    /// Why a seed file gives no referrals; `name` is its path (or "the built-in samples").
    package enum LoadError: Error, Sendable, Equatable, CustomStringConvertible {
        /// The file cannot be read; `reason` is the system's.
        case unreadable(path: String, reason: String)
        case notJSON(name: String, JSONParser.Error)
        /// Neither an array nor `{"items": [...]}`.
        case notAList(name: String)
        /// The referral at `index` (from 0) has no string `id`.
        case missingID(name: String, index: Int)

        package var description: String {
            switch self {
            case .unreadable(let path, let reason): "cannot read the seed file \(path): \(reason)"
            case .notJSON(let name, let error): "the seed file \(name) is not JSON: \(error)"
            case .notAList(let name): "the seed file \(name) must hold an array of referrals or {\"items\": [...]}"
            case .missingID(let name, let index): "referral \(index) of \(name) has no \"id\""
            }
        }
    }

    /// A JSON array of referrals as GET returns them, or `{"items": [...]}`.
    package static func load(path: String) throws(LoadError) -> [JSONValue] {
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            throw .unreadable(path: path, reason: error.localizedDescription)
        }
        return try parse(Array(data), name: path)
    }

    /// `samples/referrals.json`, built into the binary: the default seed of
    /// `apply --sandbox`, so a rehearsal works from any directory.
    package static let samples: [JSONValue] = try! parse(Array(SampleReferrals.json.utf8), name: "the built-in samples")

    static func parse(_ bytes: [UInt8], name: String) throws(LoadError) -> [JSONValue] {
        let json: JSONValue
        do {
            json = try JSONParser.parse(bytes)
        } catch {
            throw .notJSON(name: name, error)
        }
        let items = json.arrayValue ?? json["items"]?.arrayValue
        guard let items else { throw .notAList(name: name) }
        for (index, item) in items.enumerated() where item["id"]?.stringValue == nil {
            throw .missingID(name: name, index: index)
        }
        return items
    }

    /// `count` realistic referrals in every status, the same for the same seed.
    package static func generate(count: Int, seed: UInt64) -> [JSONValue] {
        var random = SplitMix64(seed: seed ^ 0x7265_6665_7272_616C)
        let customers = ["Contoso", "Fabrikam", "Northwind Traders", "Adventure Works", "Tailspin Toys", "Woodgrove Bank", "Litware"]
        let projects = ["Azure migration", "Microsoft 365 E5", "Dynamics 365 Sales", "Teams Phone", "Copilot pilot"]
        let states: [(String, String)] = [
            ("New", "Pending"), ("New", "Received"), ("Active", "Accepted"), ("Active", "Accepted"), ("Closed", "Won"),
            ("Closed", "Lost"),
        ]
        return (0..<count).map { index in
            let id = uuid(&random)
            let customer = customers[Int(random.next() % UInt64(customers.count))]
            let project = projects[Int(random.next() % UInt64(projects.count))]
            let (status, substatus) = states[Int(random.next() % UInt64(states.count))]
            return [
                "id": .string(id), "engagementId": .string(uuid(&random)), "name": .string("\(customer) - \(project)"),
                "externalReferenceId": .string("CRM-\(100_000 + index)"), "status": .string(status),
                "substatus": .string(substatus), "eTag": .string(ReferralStore.quoted(TokenRegistry.hex(random.next()))),
                "createdDateTime": "2026-01-01T00:00:00Z", "updatedDateTime": "2026-01-01T00:00:00Z",
                "details": [
                    "dealValue": .number(Decimal(Int(random.next() % 500_000) + 1000)), "currency": "USD",
                    "notes": .string("Generated referral \(index)"), "closingDateTime": "2027-06-30T00:00:00Z",
                ],
                "team": [
                    [
                        "firstName": "Alex", "lastName": "Wilber", "email": "alex.wilber@fabrikam-partner.example",
                        "phoneNumber": "0000000001",
                    ]
                ],
            ]
        }
    }

    private static func uuid(_ random: inout SplitMix64) -> String {
        let high = random.next(), low = random.next()
        let hex = TokenRegistry.hex(high) + TokenRegistry.hex(low)
        let characters = Array(hex)
        func part(_ range: Range<Int>) -> String { String(characters[range]) }
        return "\(part(0..<8))-\(part(8..<12))-4\(part(13..<16))-8\(part(17..<20))-\(part(20..<32))"
    }
}
