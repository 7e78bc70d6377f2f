import Foundation
import Synchronization

/// Renders items to bytes and writes them on a thread of its own, so that
/// the producer (e.g. `plan` reading and checking rows) works on the next
/// batch while this one is serialised: two stages on two cores.
///
/// At most `depth` batches wait; `submit` blocks beyond that, so memory
/// stays bounded whatever the producer's speed. Items are written in the
/// order submitted.
///
/// Rendered batches go back to the producer to be freed there: freed on
/// this thread, the producer's allocations made glibc's malloc take the
/// producer's arena lock for both threads (22,000 futex calls per 200,000
/// documents, measured with `strace -c`).
package final class BackgroundRenderer<Item: Sendable>: Sendable {
    private struct Batches {
        var waiting: [[Item]] = []
        var rendered: [[Item]] = []
    }

    private let batches = Mutex(Batches())
    private let freeSlots: DispatchSemaphore
    private let filledSlots = DispatchSemaphore(value: 0)
    private let drained = DispatchSemaphore(value: 0)

    package init(output: FileOutput, depth: Int = 4, render: @escaping @Sendable (Item, inout [UInt8]) -> Void) {
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
            var batch = batches.withLock { $0.waiting.removeFirst() }
            // Every slot goes back, the end marker's too: libdispatch traps on
            // disposing of a semaphore below its initial value.
            guard !batch.isEmpty else {
                freeSlots.signal()
                break
            }
            bytes.removeAll(keepingCapacity: true)
            for item in batch { render(item, &bytes) }
            batches.withLock { batches in
                batches.rendered.append(batch)
                // Let go of it under the lock, so that the list's reference is
                // the last one whenever the producer takes the list.
                batch = []
            }
            freeSlots.signal()
            output.write(bytes: bytes)
        }
        output.flush()
        drained.signal()
    }

    /// Queues a batch (non-empty), waiting while `depth` batches are already queued.
    package func submit(_ batch: [Item]) {
        guard !batch.isEmpty else { return }
        enqueue(batch)
    }

    /// Writes everything queued, flushes, and stops the thread.
    package func finish() {
        enqueue([])
        drained.wait()
        releaseRendered()
    }

    private func enqueue(_ batch: [Item]) {
        freeSlots.wait()
        releaseRendered()
        batches.withLock { $0.waiting.append(batch) }
        filledSlots.signal()
    }

    /// Frees the rendered batches on the calling (producer's) thread.
    private func releaseRendered() {
        let rendered = batches.withLock { batches in
            defer { batches.rendered = [] }
            return batches.rendered
        }
        _ = consume rendered
    }
}
