import ReferralOutcome
import Synchronization
import Testing

@testable import ReferralModel
@testable import ReferralPlan
@testable import ReferralSend

/// Counts what the fake workers see: how many run at once, per referral and in all.
final class InFlightProbe: Sendable {
    private struct State {
        var running = 0
        var peak = 0
        var perReferral: [String: Int] = [:]
        var overlaps = 0
        var order: [Int] = []
    }
    private let state = Mutex(State())

    func enter(_ document: PatchDocument) {
        state.withLock {
            $0.running += 1
            $0.peak = max($0.peak, $0.running)
            $0.perReferral[document.referralID, default: 0] += 1
            if $0.perReferral[document.referralID]! > 1 { $0.overlaps += 1 }
            $0.order.append(document.sequence)
        }
    }

    func leave(_ document: PatchDocument) {
        state.withLock {
            $0.running -= 1
            $0.perReferral[document.referralID]! -= 1
        }
    }

    var peak: Int { state.withLock { $0.peak } }
    var overlaps: Int { state.withLock { $0.overlaps } }
    var order: [Int] { state.withLock { $0.order } }
}

func document(_ id: String, _ sequence: Int, valid: Bool = true) -> PatchDocument {
    PatchDocument(
        referralID: id, lines: (sequence + 2)...(sequence + 2), ifMatch: nil,
        operations: [PatchOperation(.replace, JSONPointer(tokens: ["name"]), "x")], sourceRows: [[id, "x"]],
        sequence: sequence, problems: valid ? [] : [InputProblem(line: sequence + 2, reason: "bad")])
}

@Suite struct ReferralOrderingTests {
    @Test func parksABusyReferralAndReleasesInFileOrder() {
        var ordering = ReferralOrdering()
        let a0 = document("A", 0), b1 = document("b", 1), a2 = document("a", 2), a3 = document("A", 3)
        #expect(ordering.admit(a0) == a0)
        #expect(ordering.admit(b1) == b1)
        #expect(ordering.admit(a2) == nil)  // same GUID in another case is the same referral
        #expect(ordering.admit(a3) == nil)
        #expect(ordering.parkedCount == 2)
        #expect(ordering.finish(a0) == a2)
        #expect(ordering.finish(a2) == a3)
        #expect(ordering.finish(a3) == nil)
        #expect(ordering.finish(b1) == nil)
        #expect(ordering.inFlightCount == 0)
        #expect(ordering.admit(a0) == a0)
    }
}

@Suite struct WorkerPoolTests {
    /// A serial pool would pass a test that only bounds the peak: here each
    /// document waits (bounded) until four are in flight, so the peak must
    /// reach the concurrency.
    @Test func theWorkersReallyRunTogether() async throws {
        var input = (0..<8).map { document("id-\($0)", $0, valid: true) }.makeIterator()
        let probe = InFlightProbe()
        _ = try await WorkerPool(concurrency: 4).run(
            next: { input.next() },
            process: { document in
                probe.enter(document)
                for _ in 0..<2000 where probe.peak < 4 { try? await Task.sleep(for: .milliseconds(1)) }
                probe.leave(document)
                return Outcome(document: document, kind: .updated)
            },
            record: { _ in },
            stop: StopSignal())
        #expect(probe.peak == 4)
    }

    @Test func everyDocumentGetsExactlyOneOutcomeWithinTheConcurrencyBound() async throws {
        let ids = (0..<300).map { "id-\($0 % 7)" }  // many repeats of few referrals
        var input = ids.enumerated().map { document($0.element, $0.offset, valid: $0.offset % 50 != 0) }.makeIterator()
        let probe = InFlightProbe()
        var outcomes: [Outcome] = []
        let ending = try await WorkerPool(concurrency: 4).run(
            next: { input.next() },
            process: { document in
                probe.enter(document)
                await Task.yield()
                probe.leave(document)
                return Outcome(document: document, kind: .updated)
            },
            record: { outcomes.append($0) },
            stop: StopSignal())
        #expect(ending == .completed)
        #expect(outcomes.count == 300)
        #expect(Set(outcomes.map(\.document.sequence)).count == 300)
        #expect(outcomes.filter { $0.kind == .invalidInput }.count == 6)
        #expect(probe.peak <= 4)
        #expect(probe.overlaps == 0)
        // Documents of one referral are processed in file order.
        let order = probe.order
        for id in Set(ids) {
            let sequences = order.filter { ids[$0] == id }
            #expect(sequences == sequences.sorted())
        }
    }

    @Test func stopTakesNoNewWorkAndLeavesTheRestUnreported() async throws {
        var input = (0..<100).map { document("id-\($0)", $0) }.makeIterator()
        let stop = StopSignal()
        var outcomes: [Outcome] = []
        let ending = try await WorkerPool(concurrency: 2).run(
            next: { input.next() },
            process: { document in
                if document.sequence == 5 { stop.stop(.interrupted(signal: 2)) }
                return Outcome(document: document, kind: .updated)
            },
            record: { outcomes.append($0) },
            stop: stop)
        #expect(ending == .stopped(.interrupted(signal: 2)))
        #expect(outcomes.count >= 6)
        #expect(outcomes.count <= 8)
        #expect(input.next() != nil)  // the rest of the input was never read
    }

    @Test func emptyDocumentsAreUnchangedWithoutAWorker() async throws {
        var empty = document("id", 0)
        empty.operations = []
        var input = [empty].makeIterator()
        var outcomes: [Outcome] = []
        _ = try await WorkerPool(concurrency: 1).run(
            next: { input.next() }, process: { _ in Issue.record("sent"); return nil }, record: { outcomes.append($0) },
            stop: StopSignal())
        #expect(outcomes.map(\.kind) == [.unchanged])
    }
}
