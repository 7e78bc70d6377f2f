/// One operation of an RFC 6902 JSON Patch document, restricted to what the
/// referral API accepts: `add` and `replace`.
package struct PatchOperation: Sendable, Hashable {
    package enum Kind: String, Sendable, Hashable, CaseIterable {
        case add, replace
    }

    /// Why a JSON value is not a patch operation the API accepts.
    package enum DecodeError: Error, Sendable, Equatable, CustomStringConvertible {
        case notAnObject
        case missingMember(String)
        case unsupportedOperation(String)
        case invalidPath(JSONPointer.ParseError)

        package var description: String {
            switch self {
            case .notAnObject: "a patch operation must be a JSON object"
            case .missingMember(let name): "a patch operation is missing \"\(name)\""
            case .unsupportedOperation(let op): "operation not supported: \"\(op)\" (only add and replace)"
            case .invalidPath(let error): error.description
            }
        }
    }

    package var op: Kind
    package var path: JSONPointer
    package var value: JSONValue

    package init(_ op: Kind, _ path: JSONPointer, _ value: JSONValue) {
        self.op = op
        self.path = path
        self.value = value
    }

    /// Reads one operation as it appears on the wire.
    package init(json: JSONValue) throws(DecodeError) {
        guard case .object(let members) = json else { throw .notAnObject }
        guard case .string(let opName)? = members["op"] else { throw .missingMember("op") }
        guard let kind = Kind(rawValue: opName) else { throw .unsupportedOperation(opName) }
        guard case .string(let pathText)? = members["path"] else { throw .missingMember("path") }
        guard let value = members["value"] else { throw .missingMember("value") }
        do {
            self.path = try JSONPointer(parsing: pathText)
        } catch {
            throw .invalidPath(error)
        }
        self.op = kind
        self.value = value
    }

    package var json: JSONValue {
        .object(["op": .string(op.rawValue), "path": .string(path.description), "value": value])
    }

    /// `{"op":…,"path":…,"value":…}`, written straight to bytes (the same
    /// text `JSONWriter` makes of `json`, without building a dictionary).
    // Inlined into its callers, the planner's among them (another target):
    // a call copies the operation first (2 % of `plan`'s instructions).
    @inlinable @inline(__always)
    package func write(into output: inout [UInt8], pretty: Bool = false, depth: Int = 0) {
        if !pretty {
            // Compact (every plan line and request body): the fixed text in
            // two copies, not twenty appends of a byte or a key (a quarter of
            // the renderer's instructions went to appends, measured with callgrind).
            JSONWriter.writeRaw(op == .add ? #"{"op":"add","path":"# : #"{"op":"replace","path":"#, into: &output)
            JSONWriter.writeString(path.description, into: &output)
            JSONWriter.writeRaw(#","value":"#, into: &output)
            JSONWriter.write(value, into: &output, pretty: false, depth: depth + 1)
            output.append(UInt8(ascii: "}"))
            return
        }
        output.append(UInt8(ascii: "{"))
        JSONWriter.writeKey("op", index: 0, into: &output, pretty: pretty, depth: depth + 1)
        JSONWriter.writeRaw(op == .add ? "\"add\"" : "\"replace\"", into: &output)
        JSONWriter.writeKey("path", index: 1, into: &output, pretty: pretty, depth: depth + 1)
        JSONWriter.writeString(path.description, into: &output)
        JSONWriter.writeKey("value", index: 2, into: &output, pretty: pretty, depth: depth + 1)
        JSONWriter.write(value, into: &output, pretty: pretty, depth: depth + 1)
        JSONWriter.closeObject(count: 3, into: &output, pretty: pretty, depth: depth)
    }

    /// A whole patch document as the request body: a JSON array of operations.
    package static func body(_ operations: [PatchOperation]) -> [UInt8] {
        var output: [UInt8] = []
        JSONWriter.writeArray(count: operations.count, into: &output, pretty: false, depth: 0) { index, output in
            operations[index].write(into: &output)
        }
        return output
    }

    /// Reads a whole patch document (a JSON array of operations).
    package static func document(from json: JSONValue) throws(DecodeError) -> [PatchOperation] {
        guard case .array(let elements) = json else { throw .notAnObject }
        var operations: [PatchOperation] = []
        operations.reserveCapacity(elements.count)
        for element in elements { operations.append(try PatchOperation(json: element)) }
        return operations
    }
}
