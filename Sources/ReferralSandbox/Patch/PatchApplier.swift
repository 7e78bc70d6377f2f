import ReferralModel

/// RFC 6902 `add` and `replace` over a `JSONValue`, applied atomically:
/// every operation works on a copy, so a patch that fails half-way leaves
/// the original untouched.
package enum PatchApplier {
    /// Which operation of the patch cannot be applied, where, and why.
    package struct Failure: Error, Sendable, Equatable, CustomStringConvertible {
        package var index: Int
        package var path: JSONPointer
        package var problem: Problem
        package var description: String { "operation \(index): \(problem) at \"\(path)\"" }
    }

    /// What stops one operation at the token it reached.
    package enum Problem: Error, Sendable, Equatable, CustomStringConvertible {
        /// `replace` of an object member that is not there.
        case noMemberToReplace
        case missingParent
        /// `replace` at `-`, which names the place after the last element.
        case dashNamesNoElement
        case notAnArrayIndex(String)
        case indexOutOfBounds(Int)
        /// A token below a string, number, boolean or null.
        case parentNotAContainer

        package var description: String {
            switch self {
            case .noMemberToReplace: "no member to replace"
            case .missingParent: "the parent does not exist"
            case .dashNamesNoElement: "\"-\" names no element to replace"
            case .notAnArrayIndex(let token): "\"\(token)\" is not an array index"
            case .indexOutOfBounds(let index): "index \(index) is out of bounds"
            case .parentNotAContainer: "the parent is not an object or an array"
            }
        }
    }

    package static func apply(_ operations: [PatchOperation], to document: JSONValue) throws(Failure) -> JSONValue {
        var result = document
        for (index, operation) in operations.enumerated() {
            do {
                result = try apply(operation, to: result, tokens: operation.path.tokens[...])
            } catch {
                throw Failure(index: index, path: operation.path, problem: error)
            }
        }
        return result
    }

    private static func apply(_ operation: PatchOperation, to node: JSONValue, tokens: ArraySlice<String>) throws(Problem)
        -> JSONValue
    {
        guard let token = tokens.first else { return operation.value }  // the whole document
        let isLast = tokens.count == 1
        switch node {
        case .object(var members):
            if isLast {
                if operation.op == .replace, members[token] == nil { throw .noMemberToReplace }
                members[token] = operation.value
            } else {
                guard let child = members[token] else { throw .missingParent }
                members[token] = try apply(operation, to: child, tokens: tokens.dropFirst())
            }
            return .object(members)
        case .array(var elements):
            if isLast, token == "-" {
                guard operation.op == .add else { throw .dashNamesNoElement }
                elements.append(operation.value)
                return .array(elements)
            }
            guard let index = JSONPointer.arrayIndex(token) else { throw .notAnArrayIndex(token) }
            if isLast {
                switch operation.op {
                case .add:
                    guard index <= elements.count else { throw .indexOutOfBounds(index) }
                    elements.insert(operation.value, at: index)
                case .replace:
                    guard index < elements.count else { throw .indexOutOfBounds(index) }
                    elements[index] = operation.value
                }
            } else {
                guard index < elements.count else { throw .indexOutOfBounds(index) }
                elements[index] = try apply(operation, to: elements[index], tokens: tokens.dropFirst())
            }
            return .array(elements)
        default:
            throw .parentNotAContainer
        }
    }
}
