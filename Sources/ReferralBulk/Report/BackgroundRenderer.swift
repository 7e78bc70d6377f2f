import Foundation
import Synchronization

/// Renders items to bytes and writes them on a thread of its own, so that
/// the producer (e.g. `plan` reading and checking rows) works on the next
/// batch while this one is serialised: two stages on two cores.
///
/// At most `depth` batches wait; `submit` blocks beyond that, so memory
/// stays bounded whatever the producer's speed. Items are written in the
/// order submitted.
public final class BackgroundRenderer<Item: Sendable>: Sendable {
    private let pending = Mutex<[[Item]]>([])
    private let freeSlots: DispatchSemaphore
    private let filledSlots = DispatchSemaphore(value: 0)
    private let drained = DispatchSemaphore(value: 0)

    public init(output: FileOutput, depth: Int = 4, render: @escaping @Sendable (Item, inout [UInt8]) -> Void) {
        self.freeSlots = DispatchSemaphore(value: depth)
        // The thread keeps `self` alive until `finish` lets it end.
        let thread = Thread { [self] in drain(to: output, render: render) }
        thread.name = "referral-bulk renderer"
        thread.start()
    }

    private func drain(to output: FileOutput, render: (Item, inout [UInt8]) -> Void) {
        var bytes: [UInt8] = []
        while true {
            filledSlots.wait()
            let batch = pending.withLock { $0.removeFirst() }
            freeSlots.signal()
            if batch.isEmpty { break }  // the end marker
            bytes.removeAll(keepingCapacity: true)
            for item in batch { render(item, &bytes) }
            output.write(bytes: bytes)
        }
        output.flush()
        drained.signal()
    }

    /// Queues a batch (non-empty), waiting while `depth` batches are already queued.
    public func submit(_ batch: [Item]) {
        guard !batch.isEmpty else { return }
        enqueue(batch)
    }

    /// Writes everything queued, flushes, and stops the thread.
    public func finish() {
        enqueue([])
        drained.wait()
    }

    private func enqueue(_ batch: [Item]) {
        freeSlots.wait()
        pending.withLock { $0.append(batch) }
        filledSlots.signal()
    }
}
