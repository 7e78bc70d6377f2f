import ReferralModel

/// RFC 6902 `add` and `replace` over a `JSONValue`, applied atomically:
/// every operation works on a copy, so a patch that fails half-way leaves
/// the original untouched.
public enum PatchApplier {
    /// Why an operation cannot be applied.
    public struct Failure: Error, Sendable, Equatable, CustomStringConvertible {
        public var index: Int
        public var reason: String
        public var description: String { "operation \(index): \(reason)" }
    }

    public static func apply(_ operations: [PatchOperation], to document: JSONValue) throws(Failure) -> JSONValue {
        var result = document
        for (index, operation) in operations.enumerated() {
            do {
                result = try apply(operation, to: result, tokens: operation.path.tokens[...])
            } catch {
                throw Failure(index: index, reason: "\(error.reason) at \"\(operation.path)\"")
            }
        }
        return result
    }

    private struct StepError: Error { var reason: String }

    private static func apply(_ operation: PatchOperation, to node: JSONValue, tokens: ArraySlice<String>) throws(StepError)
        -> JSONValue
    {
        guard let token = tokens.first else { return operation.value }  // the whole document
        let isLast = tokens.count == 1
        switch node {
        case .object(var members):
            if isLast {
                if operation.op == .replace, members[token] == nil { throw StepError(reason: "no member to replace") }
                members[token] = operation.value
            } else {
                guard let child = members[token] else { throw StepError(reason: "the parent does not exist") }
                members[token] = try apply(operation, to: child, tokens: tokens.dropFirst())
            }
            return .object(members)
        case .array(var elements):
            if isLast, token == "-" {
                guard operation.op == .add else { throw StepError(reason: "\"-\" names no element to replace") }
                elements.append(operation.value)
                return .array(elements)
            }
            guard let index = JSONPointer.arrayIndex(token) else { throw StepError(reason: "\"\(token)\" is not an array index") }
            if isLast {
                switch operation.op {
                case .add:
                    guard index <= elements.count else { throw StepError(reason: "index \(index) is out of bounds") }
                    elements.insert(operation.value, at: index)
                case .replace:
                    guard index < elements.count else { throw StepError(reason: "index \(index) is out of bounds") }
                    elements[index] = operation.value
                }
            } else {
                guard index < elements.count else { throw StepError(reason: "index \(index) is out of bounds") }
                elements[index] = try apply(operation, to: elements[index], tokens: tokens.dropFirst())
            }
            return .array(elements)
        default:
            throw StepError(reason: "the parent is not an object or an array")
        }
    }
}
