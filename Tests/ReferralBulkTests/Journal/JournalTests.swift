import Foundation
import ReferralOutcome
import Testing

@testable import ReferralModel
@testable import ReferralPlan
@testable import ReferralSend
@testable import ReferralJournal

@Suite struct StableHashAndShardTests {
    @Test func hashesArePinned() {
        // FNV-1a test vectors, and our string form with its separator byte.
        var empty = StableHash()
        empty.combine([UInt8]())
        #expect(empty.value == 0xcbf2_9ce4_8422_2325)
        var a = StableHash()
        a.combine(Array("a".utf8))
        #expect(a.value == 0xaf63_dc4c_8601_ec8c)
        #expect(StableHash.of("ab") != StableHash.of("ba"))
    }

    @Test(arguments: [1, 3, 7])
    func shardsCoverEveryDocumentExactlyOnce(count: Int) throws {
        let shards = try (0..<count).map { try ShardSelector(parsing: "\($0)/\(count)") }
        var perShard = [Int](repeating: 0, count: count)
        for index in 0..<10_000 {
            let id = index % 500 == 0 ? "" : UUID().uuidString
            let document = PatchDocument(referralID: id, lines: 1...1, ifMatch: nil, operations: [], sourceRows: [], sequence: index)
            let owners = shards.indices.filter { shards[$0].contains(document) }
            #expect(owners.count == 1)
            perShard[owners[0]] += 1
            // The same referral in another case is the same referral: same shard.
            let upper = PatchDocument(referralID: id.uppercased(), lines: 1...1, ifMatch: nil, operations: [], sourceRows: [], sequence: 0)
            #expect(shards[owners[0]].contains(upper))
        }
        #expect(perShard.allSatisfy { $0 > 10_000 / count / 2 })  // roughly even
    }

    @Test(arguments: [
        ("4/4", ShardSelector.ParseError.outOfRange(index: 4, count: 4)), ("-1/2", .outOfRange(index: -1, count: 2)),
        ("0/0", .outOfRange(index: 0, count: 0)), ("1", .notKOfN("1")), ("a/b", .notKOfN("a/b")), ("1/2/3", .notKOfN("1/2/3")),
        ("", .notKOfN("")), ("1/", .notKOfN("1/")), ("99999999999999999999/2", .notKOfN("99999999999999999999/2")),
    ])
    func shardSpecsAreChecked(text: String, error: ShardSelector.ParseError) {
        #expect(throws: error) { try ShardSelector(parsing: text) }
    }

    @Test func aShardErrorNamesTheValueAndTheForm() {
        #expect(ShardSelector.ParseError.outOfRange(index: 4, count: 4).description == "--shard must be K/N with 0 <= K < N (e.g. 0/4), not '4/4'.")
        #expect(ShardSelector.ParseError.notKOfN("a/b").description == "--shard must be K/N with 0 <= K < N (e.g. 0/4), not 'a/b'.")
        let shard = try? ShardSelector(parsing: "3/4")
        #expect(shard?.index == 3 && shard?.count == 4)
    }
}

@Suite struct JournalTests {
    func directory() -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("journal-\(UUID().uuidString)").path
    }

    func outcome(_ line: Int, _ kind: Outcome.Kind) -> Outcome {
        let document = PatchDocument(
            referralID: "r\(line)", lines: line...line, ifMatch: nil,
            operations: [PatchOperation(.replace, JSONPointer(tokens: ["name"]), .string("n\(line)"))], sourceRows: [],
            sequence: line)
        return Outcome(document: document, kind: kind, httpStatus: 204, message: "m\(line)", requestID: "req-\(line)")
    }

    @Test func aJournalThatCannotBeOpenedSaysWhereAndWhy() throws {
        let file = try Fixtures.temporaryFile("not a folder")
        #expect(throws: Journal.OpenError.stateFolder(path: file + "/state", errno: ENOTDIR)) {
            try Journal(directory: file + "/state", fingerprint: "f", inputPath: "/x.csv", fresh: false)
        }
        let folder = directory()
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        try Data(repeating: 0x41, count: 4096).write(to: URL(fileURLWithPath: folder + "/journal.sqlite"))
        do {
            _ = try Journal(directory: folder, fingerprint: "f", inputPath: "/x.csv", fresh: false)
            Issue.record("a file that is not a database was opened as the journal")
        } catch {
            guard case .database(let path, let code, let message) = error else {
                Issue.record("\(error)")
                return
            }
            #expect(path == folder + "/journal.sqlite")
            #expect(code & 0xFF == 26)  // SQLITE_NOTADB
            #expect(error.description == "cannot open the journal: the journal \(path) failed: \(message).")
        }
    }

    @Test func finishedOutcomesSurviveReopeningOthersDoNot() throws {
        let folder = directory()
        do {
            let journal = try Journal(directory: folder, fingerprint: "f1", inputPath: "/x.csv", fresh: false)
            #expect(journal.notice == nil)
            #expect(journal.run == 1)
            for (line, kind) in [(2, Outcome.Kind.updated), (3, .failed), (4, .unchanged), (5, .conflict), (6, .notFound)] {
                try journal.record(outcome(line, kind))
            }
        }
        let reopened = try Journal(directory: folder, fingerprint: "f1", inputPath: "/x.csv", fresh: false)
        #expect(reopened.run == 2)
        #expect(try reopened.entry(for: outcome(2, .updated).document)?.requestID == "req-2")
        #expect(try reopened.entry(for: outcome(2, .updated).document)?.run == 1)
        #expect(try reopened.entry(for: outcome(4, .unchanged).document)?.kind == .unchanged)
        #expect(try reopened.entry(for: outcome(6, .notFound).document)?.kind == .notFound)
        #expect(try reopened.entry(for: outcome(3, .failed).document) == nil)
        #expect(try reopened.entry(for: outcome(5, .conflict).document) == nil)
        #expect(reopened.notice?.hasPrefix("resuming: 3 document(s)") == true)
        let mode = try FileManager.default.attributesOfItem(atPath: folder + "/journal.sqlite")[.posixPermissions] as? Int
        #expect(mode == 0o600)
    }

    @Test func beforeValuesAreKeptForUndoAndRecordedBeforeSending() throws {
        let folder = directory()
        let before = [
            Outcome.BeforeValue(path: JSONPointer(tokens: ["name"]), value: .string("old")),
            Outcome.BeforeValue(path: JSONPointer(tokens: ["details", "notes"]), value: nil),
        ]
        var updated = outcome(2, .updated)
        updated.before = before
        updated.sentOperations = updated.document.operations
        let killed = outcome(3, .updated).document
        do {
            let journal = try Journal(directory: folder, fingerprint: "f", inputPath: "/x.csv", fresh: false)
            try journal.record(updated)
            // Line 3 was being sent when the run was killed: only its intent is recorded.
            try journal.recordIntent(killed, before: before, operations: killed.operations)
        }
        let reopened = try Journal(directory: folder, fingerprint: "f", inputPath: "/x.csv", fresh: false)
        #expect(try reopened.entry(for: updated.document)?.before == before)
        #expect(try reopened.entry(for: updated.document)?.sentOperations == updated.document.operations)
        #expect(try reopened.entry(for: killed) == nil)
        #expect(try reopened.intent(for: killed) == Journal.Intent(before: before, sentOperations: killed.operations, run: 1))
    }

    @Test func aChangedFileOrFreshStartsOver() throws {
        let folder = directory()
        do {
            let journal = try Journal(directory: folder, fingerprint: "old", inputPath: "/x.csv", fresh: false)
            try journal.record(outcome(2, .updated))
        }
        let changed = try Journal(directory: folder, fingerprint: "new", inputPath: "/x.csv", fresh: false)
        #expect(try changed.entry(for: outcome(2, .updated).document) == nil)
        #expect(changed.notice == "the file changed since the last run: starting a new journal")
        do {
            let resumed = try Journal(directory: folder, fingerprint: "old", inputPath: "/x.csv", fresh: false)
            #expect(try resumed.entry(for: outcome(2, .updated).document) != nil)
        }
        let fresh = try Journal(directory: folder, fingerprint: "old", inputPath: "/x.csv", fresh: true)
        #expect(try fresh.entry(for: outcome(2, .updated).document) == nil)
        #expect(fresh.run == 1)
    }

    @Test func aSecondRunOfTheSameJobIsRefusedNamingTheHolderUntilTheFirstEnds() throws {
        let folder = directory()
        do {
            let first = try Journal(directory: folder, fingerprint: "job", inputPath: "/x.csv", fresh: false)
            do {
                _ = try Journal(directory: folder, fingerprint: "job", inputPath: "/x.csv", fresh: false)
                Issue.record("a second journal of the same job was opened while the first was open")
            } catch {
                guard case .busy(let busy) = error else { throw error }
                #expect(busy.holderPID == getpid())
                #expect(busy.since?.hasSuffix("Z") == true)
                #expect(error.exitStatus == .aborted)
                #expect(error.description.hasPrefix("another run of this job is going on (process \(getpid()) since "))
            }
            // Another shard of the same file has another fingerprint: it runs beside the first.
            _ = try Journal(directory: folder, fingerprint: "job-shard-1", inputPath: "/x.csv", fresh: false)
            // The refused run recorded nothing: the first is still run 1, and the next is run 2.
            #expect(first.run == 1)
        }
        let next = try Journal(directory: folder, fingerprint: "job", inputPath: "/x.csv", fresh: false)
        #expect(next.run == 2)
    }

    @Test func fingerprintsFollowContentAndOptions() throws {
        let first = try Fixtures.temporaryFile("id,notes\n1,a\n")
        let same = try Fixtures.temporaryFile("id,notes\n1,a\n")
        let edited = try Fixtures.temporaryFile("id,notes\n1,b\n")
        #expect(try InputFingerprint.of(path: first, options: []) == InputFingerprint.of(path: same, options: []))
        #expect(try InputFingerprint.of(path: first, options: []) != InputFingerprint.of(path: edited, options: []))
        #expect(try InputFingerprint.of(path: first, options: ["shard=0/2"]) != InputFingerprint.of(path: first, options: []))
        #expect(try InputFingerprint.of(path: "-", options: []) == nil)
    }

    @Test func aFingerprintIsTheSameWhateverTheChunkSize() throws {
        let bytes = (0..<10_000).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ $0 / 7) }
        let path = try Fixtures.temporaryFile(bytes)
        let whole = try #require(try InputFingerprint.of(path: path, options: ["a"], chunkSize: 1 << 20))
        for chunkSize in [1, 7, 4096, 9_999] {
            #expect(try InputFingerprint.of(path: path, options: ["a"], chunkSize: chunkSize) == whole)
        }
        var edited = bytes
        edited[5_000] ^= 0x01
        #expect(try InputFingerprint.of(path: Fixtures.temporaryFile(edited), options: ["a"], chunkSize: 4096) != whole)
    }

    @Test func aFingerprintIsTheSHA256OfTheBytesThenEachOptionAndASeparator() throws {
        // `printf 'abc' | sha256sum`; and with the option "x": `printf 'abcx\xff' | sha256sum`.
        let path = try Fixtures.temporaryFile("abc")
        #expect(try InputFingerprint.of(path: path, options: []) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        #expect(try InputFingerprint.of(path: path, options: ["x"]) == "20eed390031a470ddebb34be139e71508f42f9aeff73fa3baa2b34bd1a4d5257")
    }
}
