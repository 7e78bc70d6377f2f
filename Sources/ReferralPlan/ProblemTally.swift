import ReferralModel

/// What `validate` and `plan` tell about a file as its documents stream
/// past: the problem lines of each invalid document, then one summary
/// sentence and the exit status (1 when any document has a problem). The
/// commands only write what it returns.
package struct ProblemTally: Sendable, Equatable {
    package private(set) var documents = 0
    package private(set) var invalidDocuments = 0
    package private(set) var problems = 0

    package init() {}

    /// Counts `document` and returns its problems as lines to print (none when it is valid).
    package mutating func add(_ document: PatchDocument) -> [String] {
        documents += 1
        guard !document.isValid else { return [] }
        invalidDocuments += 1
        problems += document.problems.count
        return document.problems.map(\.description)
    }

    /// `12 row(s), 12 document(s): 2 document(s) with 2 problem(s) will not be sent.`
    package func summary(rows: Int) -> String {
        let verdict =
            invalidDocuments == 0
            ? "no problems"
            : "\(invalidDocuments) document(s) with \(problems) problem(s) will not be sent"
        return "\(rows) row(s), \(documents) document(s): \(verdict)."
    }

    package var exitStatus: ExitStatus { invalidDocuments == 0 ? .success : .someRowsNotApplied }
}
