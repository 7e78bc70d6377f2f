/// The Partner Center roles the sandbox knows. Global Admin and Referral
/// Admin may update any referral; Referral User only those whose team
/// lists their e-mail; Billing Admin has no referral rights (403).
package enum SandboxRole: String, Sendable, CaseIterable, Hashable {
    case globalAdmin = "Global Admin"
    case referralAdmin = "Referral Admin"
    case referralUser = "Referral User"
    case billingAdmin = "Billing Admin"

    /// The e-mail of the sandbox's user in this role.
    package var email: String {
        switch self {
        case .globalAdmin: "gina.admin@fabrikam-partner.example"
        case .referralAdmin: "rae.admin@fabrikam-partner.example"
        case .referralUser: "riley.user@fabrikam-partner.example"
        case .billingAdmin: "bill.billing@fabrikam-partner.example"
        }
    }

    var slug: String { rawValue.lowercased().replacingOccurrences(of: " ", with: "-") }
}

extension String {
    fileprivate func replacingOccurrences(of target: Character, with replacement: String) -> String {
        split(separator: target, omittingEmptySubsequences: false).joined(separator: replacement)
    }
}
