import ArgumentParser
import ReferralModel

/// A duration option's value within `range` (parsing lives in the library: `DurationText`).
func parseDuration(within range: ClosedRange<Duration>) -> @Sendable (String) throws -> Duration {
    { text in
        do throws(DurationText.Problem) {
            return try DurationText.parse(text, within: range)
        } catch {
            throw ValidationError(error.description)
        }
    }
}

/// A value `read` from the option's text, or a refusal saying what the option accepts.
func parseValue<Value>(
    _ read: @escaping @Sendable (String) -> Value?, accepted: String
) -> @Sendable (String) throws -> Value {
    { text in
        guard let value = read(text) else { throw ValidationError("not \(accepted).") }
        return value
    }
}

/// A value given by its name (`ReferralStatus(name:)`, any case), or a refusal listing every name.
func parseNamed<Value: CaseIterable & RawRepresentable>(
    _ named: @escaping @Sendable (String) -> Value?
) -> @Sendable (String) throws -> Value where Value.RawValue == String {
    parseValue(named, accepted: "one of \(Value.allCases.map(\.rawValue).joined(separator: ", "))")
}
