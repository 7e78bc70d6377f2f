import ReferralInput
import ReferralModel
import ReferralPlan
import ReferralReport

/// `referral-bulk plan` and `validate` as runs: the file is read once, each
/// document is counted, and its problems are written as they stream past;
/// `plan` also writes each valid document's JSON line. The command only
/// names the outputs and exits with the status this returns.
package struct FileCheckRun: Sendable {
    /// Where the run writes.
    package struct Outputs: Sendable {
        /// `plan`'s JSON lines, one per valid document; `nil` for `validate`.
        package var documents: FileOutput?
        /// Each problem line, then the summary sentence.
        package var problems: FileOutput
        /// The reader's warnings about the file (a column it reads one way of two).
        package var warnings: FileOutput

        /// `plan`: documents to standard output, everything a person reads to standard error.
        package static let plan = Outputs(documents: .standardOutput, problems: .standardError, warnings: .standardError)
        /// `validate`: problems and the summary to standard output, warnings to standard error.
        package static let validate = Outputs(documents: nil, problems: .standardOutput, warnings: .standardError)

        package init(documents: FileOutput?, problems: FileOutput, warnings: FileOutput) {
            self.documents = documents
            self.problems = problems
            self.warnings = warnings
        }
    }

    /// Why the file could not be read to its end (exit code 2): at its
    /// header, or at a row the reader cannot get past.
    package enum Failure: Error, Sendable, CustomStringConvertible {
        case open(InputFile.OpenError)
        case read(CSVFileError)

        package var description: String {
            switch self {
            case .open(let error): error.description
            case .read(let error): error.description
            }
        }
    }

    package var file: String
    package var reading: ReadingOptions
    /// Indent `plan`'s JSON.
    package var pretty = false
    package var outputs: Outputs

    package init(file: String, reading: ReadingOptions, pretty: Bool = false, outputs: Outputs) {
        self.file = file
        self.reading = reading
        self.pretty = pretty
        self.outputs = outputs
    }

    /// Reads the whole file; 0 when every row is usable, 1 when some are not.
    package func run() throws(Failure) -> ExitStatus {
        let planner: Planner
        do {
            planner = try InputFile.planner(path: file, options: reading)
        } catch {
            throw .open(error)
        }
        for warning in planner.columns.warnings { outputs.warnings.write("warning: \(warning)\n") }
        var tally = ProblemTally()
        let documents = outputs.documents.map { DocumentLines(output: $0, pretty: pretty) }
        defer {
            documents?.finish()
            outputs.problems.flush()
        }
        do {
            while let document = try planner.next() {
                if document.isValid { documents?.add(document) }
                for line in tally.add(document) { outputs.problems.write(line + "\n") }
            }
        } catch {
            throw .read(error)
        }
        outputs.problems.write(tally.summary(rows: planner.rowsRead) + "\n")
        return tally.exitStatus
    }

    /// `plan`'s JSON lines, serialised in batches on a second core while
    /// this one reads and checks rows.
    private final class DocumentLines {
        private let renderer: BackgroundRenderer<PatchDocument>
        private var batch: [PatchDocument] = []

        init(output: FileOutput, pretty: Bool) {
            renderer = BackgroundRenderer(output: output) { document, bytes in
                document.writePlanLine(into: &bytes, pretty: pretty)
                bytes.append(UInt8(ascii: "\n"))
            }
        }

        func add(_ document: PatchDocument) {
            batch.append(document)
            guard batch.count == 256 else { return }
            renderer.submit(batch)
            batch.removeAll(keepingCapacity: true)
        }

        /// Writes what is left and waits for the renderer to drain.
        func finish() {
            renderer.submit(batch)
            renderer.finish()
        }
    }
}
