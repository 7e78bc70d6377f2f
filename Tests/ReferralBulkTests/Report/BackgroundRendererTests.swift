import Foundation
import Glibc
import SystemPackage
import Synchronization
import Testing

@testable import ReferralReport

@Suite struct BackgroundRendererTests {
    /// The threads items were freed on, and the renderer's own (Foundation's
    /// thread names are not reliable on Linux; pthread identities are).
    final class FreeLog: Sendable {
        let freedOn = Mutex<[pthread_t]>([])
        let renderedOn = Mutex<Set<pthread_t>>([])
    }

    /// An item that records which thread freed it.
    final class Item: Sendable {
        let number: Int
        let log: FreeLog
        init(_ number: Int, log: FreeLog) {
            self.number = number
            self.log = log
        }
        deinit {
            let thread = pthread_self()
            log.freedOn.withLock { $0.append(thread) }
        }
    }

    /// Every item written once, in order, across many batches and a full
    /// queue; every item freed on the producer's thread, none on the
    /// renderer's; and the renderer ends cleanly (its semaphores are back to
    /// their initial values when it is freed, or libdispatch traps).
    @Test func writesEveryItemInOrderAndFreesThemOnTheProducersThread() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("renderer-\(UUID().uuidString)").path
        let descriptor = try FileDescriptor.open(
            FilePath(path), .writeOnly, options: [.create, .exclusiveCreate], permissions: .ownerReadWrite)
        defer { unlink(path) }
        let output = FileOutput(descriptor: descriptor, bufferSize: 512)
        let log = FreeLog()
        let count = 10_000
        do {
            let renderer = BackgroundRenderer<Item>(output: output, depth: 2) { [log] item, bytes in
                let thread = pthread_self()
                log.renderedOn.withLock { _ = $0.insert(thread) }
                bytes.append(contentsOf: "\(item.number)\n".utf8)
            }
            var next = 0
            var batchSize = 1
            while next < count {
                let end = min(next + batchSize, count)
                renderer.submit((next..<end).map { Item($0, log: log) })
                next = end
                batchSize = batchSize % 13 + 1  // batches of 1 to 13 items
            }
            renderer.submit([])  // ignored: an empty batch is not the end marker
            renderer.finish()
        }
        output.close()

        let written = try String(contentsOfFile: path, encoding: .utf8)
        #expect(written == (0..<count).map { "\($0)\n" }.joined())
        let freedOn = log.freedOn.withLock { $0 }
        let renderedOn = log.renderedOn.withLock { $0 }
        #expect(freedOn.count == count)
        #expect(renderedOn.count == 1)
        #expect(freedOn.allSatisfy { !renderedOn.contains($0) })
    }
}
