/// The process exit codes every command shares (the README lists them under "Exit codes").
package enum ExitStatus: Int32, Sendable {
    /// Every row applied or already as asked (validate: the file is clean).
    case success = 0
    /// Some rows were not applied, or (validate, plan) some rows are bad.
    case someRowsNotApplied = 1
    /// The command could not run: bad options, unreadable file, bad header.
    case unusable = 2
    /// The run was aborted and can be resumed.
    case aborted = 3
}
