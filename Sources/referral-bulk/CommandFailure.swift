import ReferralModel

/// Why a command stops before it could do its job: one readable sentence
/// and the exit code. Thrown from wherever the options are turned into a
/// run; only `main` prints it (`referral-bulk: <sentence>`) and exits.
struct CommandFailure: Error {
    var sentence: String
    var status: ExitStatus

    /// The command could not run (exit code 2).
    static func unusable(_ sentence: String) -> CommandFailure { CommandFailure(sentence: sentence, status: .unusable) }
}
