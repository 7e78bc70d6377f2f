import Foundation
import SystemPackage
import ZIPFoundation

/// A workbook's ZIP archive, read through ZIPFoundation, checked against
/// `ArchiveBounds` from its central directory before any entry is expanded
/// and again while expanding (a size in the headers can lie).
///
/// An entry is expanded into an unlinked temporary file and read from
/// there in chunks: ZIPFoundation hands out an entry's bytes by calling
/// back, and the sheet readers pull, so the file stands between them and
/// memory stays one chunk whatever the sheet's size.
final class WorkbookArchive {
    let name: String
    private let handle: InputHandle
    private let archive: Archive
    private let entries: [String: Entry]
    private let bounds: ArchiveBounds
    private var expandedSoFar: UInt64 = 0

    init(handle: InputHandle, bounds: ArchiveBounds) throws(WorkbookError) {
        self.name = handle.name
        self.handle = handle
        self.bounds = bounds
        // The descriptor's own path: the input may be a spooled copy with no name.
        let url = URL(fileURLWithPath: "/proc/self/fd/\(handle.descriptor.rawValue)")
        do {
            archive = try Archive(url: url, accessMode: .read)
        } catch {
            throw .damagedArchive(reason: "\(error)")
        }
        var entries: [String: Entry] = [:]
        var count = 0
        for entry in archive {
            count += 1
            if count > bounds.maximumEntries {
                throw .hostileArchive(reason: "it holds more than \(bounds.maximumEntries) entries")
            }
            let path = entry.path
            let components = path.split(separator: "/", omittingEmptySubsequences: false)
            if path.hasPrefix("/") || path.contains("\\") || components.contains("..") {
                throw .hostileArchive(reason: "the entry \"\(Self.shown(path))\" names a path outside the archive")
            }
            if entry.uncompressedSize > bounds.maximumEntryBytes {
                throw .hostileArchive(
                    reason: "the entry \"\(Self.shown(path))\" expands to \(entry.uncompressedSize) bytes, over the bound of \(bounds.maximumEntryBytes)")
            }
            if entry.uncompressedSize > bounds.ratioAppliesAbove,
                entry.uncompressedSize / max(entry.compressedSize, 1) > bounds.maximumRatio
            {
                throw .hostileArchive(
                    reason: "the entry \"\(Self.shown(path))\" expands \(entry.uncompressedSize / max(entry.compressedSize, 1)) times, over the bound of \(bounds.maximumRatio) (a zip bomb)")
            }
            entries[path] = entry
        }
        self.entries = entries
    }

    /// The shared strings the first pass read, or those `read` reads now (and keeps for the next pass).
    func sharedStrings(_ read: () throws(WorkbookError) -> [String]) throws(WorkbookError) -> [String] {
        if let kept = handle.extractedParts.sharedStrings { return kept }
        let strings = try read()
        handle.extractedParts.sharedStrings = strings
        return strings
    }

    /// The archive's entry names, for a sentence about what it holds.
    var paths: [String] { entries.keys.sorted() }

    func contains(_ path: String) -> Bool { entries[path] != nil }

    /// The entry's bytes, chunk by chunk; nil when the archive has no such entry.
    func open(_ path: String) throws(WorkbookError) -> ByteSource? {
        guard let entry = entries[path] else { return nil }
        if let kept = handle.extractedParts.part(path) { return ByteSource(handle: kept) }
        let declared = entry.uncompressedSize
        if expandedSoFar + declared > bounds.maximumTotalBytes {
            throw .hostileArchive(reason: "its entries expand to more than \(bounds.maximumTotalBytes) bytes together")
        }
        let copy: FileDescriptor
        do {
            copy = try InputHandle.temporaryFile()
        } catch {
            throw .unreadablePart(part: path, reason: error.description)
        }
        var written: UInt64 = 0
        var lie = false
        do {
            _ = try archive.extract(entry, bufferSize: 64 * 1024, skipCRC32: false) { data in
                written += UInt64(data.count)
                // The headers' size bounded the entry above; expanding past it is a lie.
                if written > declared {
                    lie = true
                    throw WorkbookError.hostileArchive(reason: "")
                }
                try data.withUnsafeBytes { _ = try copy.writeAll($0) }
            }
        } catch {
            try? copy.close()
            if lie {
                throw .hostileArchive(
                    reason: "the entry \"\(Self.shown(path))\" expands past the \(declared) bytes its header declares")
            }
            throw .damagedArchive(reason: "\(path): \(error)")
        }
        if written != declared {
            try? copy.close()
            throw .hostileArchive(reason: "the entry \"\(Self.shown(path))\" expands to \(written) bytes, not the \(declared) its header declares")
        }
        expandedSoFar += written
        let part = InputHandle(temporary: copy, name: "\(name) (\(path))")
        handle.extractedParts.keep(part, as: path)
        return ByteSource(handle: part)
    }

    private static func shown(_ path: String) -> String {
        String(path.unicodeScalars.prefix(120).map { $0.value < 0x20 ? "?" : Character($0) })
    }
}
