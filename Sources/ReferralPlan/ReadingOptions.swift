import Foundation
import ReferralInput

/// Everything that decides how a file's bytes become values: what `plan`,
/// `validate` and `apply` share, and what a journal records (the same file
/// read with other options is another input).
package struct ReadingOptions: Sendable, Hashable {
    /// `--delimiter`; nil: an Excel `sep=X` line, else detected from the header line.
    package var delimiter: UInt8?
    /// `--encoding`; nil: a byte-order mark, else UTF-8.
    package var encoding: TextEncoding?
    /// `--header-line`: the physical line of the header; nil: the first non-blank line.
    package var headerLine: Int?
    /// `--decimal-separator`; nil: only numbers that read the same either way.
    package var decimalSeparator: DecimalSeparator?
    /// `--date-order`; nil: M/D/YYYY unless a value of the column contradicts it.
    package var dateOrder: DateOrder?
    package var ignoreUnknownColumns = false
    /// `--sheet`: the workbook's sheet to read; nil: its only sheet.
    package var sheet: String?

    package init(
        delimiter: UInt8? = nil, encoding: TextEncoding? = nil, headerLine: Int? = nil,
        decimalSeparator: DecimalSeparator? = nil, dateOrder: DateOrder? = nil, ignoreUnknownColumns: Bool = false,
        sheet: String? = nil
    ) {
        self.sheet = sheet
        self.delimiter = delimiter
        self.encoding = encoding
        self.headerLine = headerLine
        self.decimalSeparator = decimalSeparator
        self.dateOrder = dateOrder
        self.ignoreUnknownColumns = ignoreUnknownColumns
    }

    /// `--locale`: its conventions for whatever the other options left unset.
    package mutating func adopt(_ locale: SpreadsheetLocale) {
        decimalSeparator = decimalSeparator ?? locale.decimalSeparator
        dateOrder = dateOrder ?? locale.dateOrder
    }

    /// `--delimiter` values: `,`, `;`, `tab` (or a literal tab).
    package static func delimiter(named name: String) -> UInt8? {
        switch name.lowercased() {
        case ",", "comma": UInt8(ascii: ",")
        case ";", "semicolon": UInt8(ascii: ";")
        case "tab", "\t", "\\t": 0x09
        default: nil
        }
    }

    /// The options that say how text is read, which a workbook's typed cells
    /// do not need: named for the warning that they are ignored.
    var textOnlyOptionNames: [String] {
        [
            delimiter.map { _ in "--delimiter" }, encoding.map { _ in "--encoding" },
            decimalSeparator.map { _ in "--decimal-separator" }, dateOrder.map { _ in "--date-order" },
        ].compactMap { $0 }
    }

    /// The options as `key=value` words, for the journal's fingerprint (a
    /// sheet only when named, so a CSV run's fingerprint is what it was).
    package var fingerprintWords: [String] {
        [
            "delimiter=\(delimiter.map(String.init) ?? "auto")", "encoding=\(encoding?.rawValue ?? "auto")",
            "headerLine=\(headerLine.map(String.init) ?? "auto")",
            "decimalSeparator=\(decimalSeparator?.rawValue ?? "auto")", "dateOrder=\(dateOrder?.rawValue ?? "auto")",
            "ignoreUnknownColumns=\(ignoreUnknownColumns)",
        ] + (sheet.map { ["sheet=\($0)"] } ?? [])
    }
}

/// A spreadsheet locale's conventions for numbers and dates (`--locale`).
///
/// The delimiter is deliberately not among them: it is read from the
/// header line (or `sep=`, or `--delimiter`), which says more surely what a
/// file uses than the locale of whoever saved it.
package struct SpreadsheetLocale: Sendable, Hashable {
    package var name: String
    package var decimalSeparator: DecimalSeparator
    package var dateOrder: DateOrder

    package static let known: [SpreadsheetLocale] = [
        .init(name: "en-US", decimalSeparator: .point, dateOrder: .mdy),
        .init(name: "en-GB", decimalSeparator: .point, dateOrder: .dmy),
        .init(name: "en-AU", decimalSeparator: .point, dateOrder: .dmy),
        .init(name: "en-IE", decimalSeparator: .point, dateOrder: .dmy),
        .init(name: "en-IN", decimalSeparator: .point, dateOrder: .dmy),
        .init(name: "en-NZ", decimalSeparator: .point, dateOrder: .dmy),
        .init(name: "de-DE", decimalSeparator: .comma, dateOrder: .dmy),
        .init(name: "de-AT", decimalSeparator: .comma, dateOrder: .dmy),
        .init(name: "fr-FR", decimalSeparator: .comma, dateOrder: .dmy),
        .init(name: "fr-BE", decimalSeparator: .comma, dateOrder: .dmy),
        .init(name: "nl-NL", decimalSeparator: .comma, dateOrder: .dmy),
        .init(name: "nl-BE", decimalSeparator: .comma, dateOrder: .dmy),
        .init(name: "es-ES", decimalSeparator: .comma, dateOrder: .dmy),
        .init(name: "it-IT", decimalSeparator: .comma, dateOrder: .dmy),
        .init(name: "pt-PT", decimalSeparator: .comma, dateOrder: .dmy),
        .init(name: "pt-BR", decimalSeparator: .comma, dateOrder: .dmy),
        .init(name: "pl-PL", decimalSeparator: .comma, dateOrder: .dmy),
        .init(name: "da-DK", decimalSeparator: .comma, dateOrder: .dmy),
        .init(name: "fi-FI", decimalSeparator: .comma, dateOrder: .dmy),
        .init(name: "nb-NO", decimalSeparator: .comma, dateOrder: .dmy),
        .init(name: "sv-SE", decimalSeparator: .comma, dateOrder: .ymd),
        .init(name: "ja-JP", decimalSeparator: .point, dateOrder: .ymd),
        .init(name: "zh-CN", decimalSeparator: .point, dateOrder: .ymd),
    ]

    /// `de-DE`, `de_DE` or `DE-de` alike.
    package static func named(_ name: String) -> SpreadsheetLocale? {
        let wanted = name.replacingOccurrences(of: "_", with: "-").lowercased()
        return known.first { $0.name.lowercased() == wanted }
    }
}
