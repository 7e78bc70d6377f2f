import ArgumentParser

@main
struct ReferralBulkCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "referral-bulk",
        abstract: "Apply mass updates to Partner Center referrals from a CSV file.",
        subcommands: []
    )
}
