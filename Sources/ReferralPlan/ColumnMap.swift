import ReferralModel

/// What each column of a header means: the ID, an `If-Match` value, a change
/// (field, team member, JSON Pointer) or nothing. Built once per file from
/// the header; every row is then read through it.
package struct ColumnMap: Sendable {
    /// One column that sets something.
    package struct Change: Sendable, Hashable {
        package var column: Int
        package var header: String
        package var op: PatchOperation.Kind
        package var path: JSONPointer
        package var kind: ValueKind
        /// Pointer columns take JSON cells; friendly columns take plain text.
        package var acceptsJSON: Bool
        /// How this column's numbers and dates are read (decided per file).
        package var conventions = ValueConventions()
    }

    package enum Layout: Sendable, Hashable {
        /// One row per referral, one column per field.
        case wide([Change])
        /// One row per change: `id, op, path, value`.
        case long(op: Int, path: Int, value: Int)
    }

    package var header: [String]
    package var idColumn: Int
    package var ifMatchColumn: Int?
    package var layout: Layout
    /// Columns deliberately not read (export read-only columns, unnamed columns, unknown ones when allowed).
    package var ignoredColumns: [Int]
    /// Every other column: the ones whose cells are read.
    package var usedColumns: [Int]
    /// One line each, for the user (e.g. which export columns are ignored).
    package var warnings: [String]
    /// Long layout: how each field's numbers and dates are read (decided per file).
    package var longConventions: [JSONPointer: ValueConventions] = [:]

    package init(header: [String], ignoreUnknownColumns: Bool = false) throws(HeaderError) {
        self.header = header
        var idColumn: Int?
        var ifMatchColumn: Int?
        var longColumns: [String: Int] = [:]
        var changes: [Change] = []
        var ignored: [Int] = []
        var unknown: [Int] = []
        var claimedBy: [String: String] = [:]

        func claim(_ key: String, _ name: String) throws(HeaderError) {
            if let first = claimedBy[key] { throw .duplicateColumn(first: first, second: name) }
            claimedBy[key] = name
        }

        for (column, name) in header.enumerated() {
            let folded = FieldCatalog.fold(name)
            if let pointerChange = try Self.pointerChange(column: column, header: name) {
                if pointerChange.path.tokens != ["team", "-"] {
                    try claim("\(pointerChange.op) \(pointerChange.path)", name)
                }
                changes.append(pointerChange)
            } else if FieldCatalog.foldedIDNames.contains(folded) {
                try claim("id", name)
                idColumn = column
            } else if FieldCatalog.foldedIfMatchNames.contains(folded) {
                try claim("ifMatch", name)
                ifMatchColumn = column
            } else if FieldCatalog.longLayoutNames.contains(folded) {
                try claim(folded, name)
                longColumns[folded] = column
            } else if folded == FieldCatalog.fold(FieldCatalog.teamMember.name) || FieldCatalog.isTeamMemberColumn(folded) {
                let field = FieldCatalog.teamMember
                changes.append(
                    Change(column: column, header: name, op: field.op, path: field.path, kind: field.kind, acceptsJSON: false))
            } else if let field = FieldCatalog.fieldsByFoldedName[folded] {
                try claim("\(field.op) \(field.path)", name)
                changes.append(
                    Change(column: column, header: name, op: field.op, path: field.path, kind: field.kind, acceptsJSON: false))
            } else if folded.isEmpty || FieldCatalog.foldedReadOnlyNames.contains(folded) {
                ignored.append(column)
            } else {
                unknown.append(column)
            }
        }

        guard let idColumn else { throw .noIDColumn(header: header, likelyHeaderLine: nil) }
        if let first = unknown.first, !ignoreUnknownColumns {
            throw .unknownColumn(header[first], suggestion: Self.suggestion(for: header[first]))
        }
        ignored += unknown
        ignored.sort()

        if longColumns.isEmpty {
            guard !changes.isEmpty else { throw .nothingToChange }
            self.layout = .wide(changes)
        } else {
            let missing = FieldCatalog.longLayoutNames.filter { longColumns[$0] == nil }
            guard missing.isEmpty else { throw .incompleteLongLayout(missing: missing) }
            // Mixing layouts would make a row's meaning depend on which columns happen to be filled.
            if let change = changes.first {
                throw .unknownColumn(change.header, suggestion: nil)
            }
            self.layout = .long(op: longColumns["op"]!, path: longColumns["path"]!, value: longColumns["value"]!)
        }

        self.idColumn = idColumn
        self.ifMatchColumn = ifMatchColumn
        self.ignoredColumns = ignored
        let ignoredSet = Set(ignored)
        self.usedColumns = header.indices.filter { !ignoredSet.contains($0) }
        var warnings: [String] = []
        let named = ignored.filter { !header[$0].trimmingSpaces.isEmpty }
        if !named.isEmpty {
            warnings.append("ignoring columns that carry no change: \(named.map { "\"\(header[$0])\"" }.joined(separator: ", "))")
        }
        if named.count < ignored.count {
            warnings.append("ignoring \(ignored.count - named.count) column(s) with an empty header name")
        }
        self.warnings = warnings
    }

    /// Settles every column's conventions from the survey of the whole file.
    mutating func settle(_ survey: ColumnSurvey, options: ReadingOptions) {
        switch layout {
        case .wide(var changes):
            for index in changes.indices { changes[index].conventions = survey.conventions(for: changes[index].path, options: options) }
            layout = .wide(changes)
        case .long:
            for field in FieldCatalog.fields { longConventions[field.path] = survey.conventions(for: field.path, options: options) }
        }
        warnings += survey.warnings(options: options, columns: self)
    }

    /// How a message names the field at `path`: its column, or the path.
    func name(of path: JSONPointer) -> String {
        if case .wide(let changes) = layout, let change = changes.first(where: { $0.path == path }) {
            return "column \"\(change.header)\""
        }
        return path.description
    }

    /// Whether a record's cells name an ID column: a header line, perhaps
    /// below the one read as the header (a title row above it).
    static func looksLikeHeader(_ cells: [String]) -> Bool {
        cells.contains { FieldCatalog.foldedIDNames.contains(FieldCatalog.fold($0)) }
    }

    /// A header such as `/details/requirements`, `add:/team/-` or `replace:/name`.
    static func pointerChange(column: Int, header: String) throws(HeaderError) -> Change? {
        let text = String(header.trimmingSpaces)
        var op = PatchOperation.Kind.replace
        var pointerText = text
        for kind in PatchOperation.Kind.allCases where text.lowercased().hasPrefix(kind.rawValue + ":/") {
            op = kind
            pointerText = String(text.dropFirst(kind.rawValue.count + 1))
        }
        guard pointerText.hasPrefix("/") else { return nil }
        let path: JSONPointer
        do {
            path = try JSONPointer(parsing: pointerText)
        } catch {
            throw .invalidPointer(header: header, reason: error.description)
        }
        if let first = path.tokens.first, FieldCatalog.readOnlyMembers.contains(first) {
            throw .readOnlyPointer(header: header)
        }
        if path.isWholeOrUnnamed { throw .invalidPointer(header: header, reason: "it names the whole referral or a member with no name") }
        let kind = FieldCatalog.fieldsByPath[path]?.kind ?? .jsonOrString
        return Change(column: column, header: header, op: op, path: path, kind: kind, acceptsJSON: true)
    }

    /// The known column name closest to `name`, if it is close enough to be a typo.
    static func suggestion(for name: String) -> String? {
        let folded = FieldCatalog.fold(name)
        let scored = FieldCatalog.suggestibleNames.map { ($0, editDistance(folded, FieldCatalog.fold($0))) }
        guard let best = scored.min(by: { $0.1 < $1.1 }) else { return nil }
        return best.1 <= max(2, folded.count / 3) ? best.0 : nil
    }

    static func editDistance(_ a: String, _ b: String) -> Int {
        let a = Array(a), b = Array(b)
        guard !a.isEmpty else { return b.count }
        guard !b.isEmpty else { return a.count }
        var previous = Array(0...b.count)
        var current = [Int](repeating: 0, count: b.count + 1)
        for i in 1...a.count {
            current[0] = i
            for j in 1...b.count {
                current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
            }
            swap(&previous, &current)
        }
        return previous[b.count]
    }
}
