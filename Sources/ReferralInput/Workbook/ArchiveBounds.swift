/// The limits a workbook's ZIP archive must keep before anything is
/// expanded (README "Workbooks" states them). A real workbook is far inside
/// every one: a 1,048,576-row sheet of ten columns expands to about 600 MB
/// and compresses 8 to 15 times.
package struct ArchiveBounds: Sendable, Hashable {
    /// Entries in the archive (a workbook has tens; a few hundred with many sheets and images).
    package var maximumEntries = 4_096
    /// What one entry may expand to.
    package var maximumEntryBytes: UInt64 = 1 << 30
    /// What all the entries read may expand to together.
    package var maximumTotalBytes: UInt64 = 2 << 30
    /// Expanded bytes per compressed byte, for entries expanding past
    /// `ratioAppliesAbove` (a small part may compress as well as it likes).
    package var maximumRatio: UInt64 = 200
    package var ratioAppliesAbove: UInt64 = 1 << 20

    package init() {}

    package static let standard = ArchiveBounds()
}
