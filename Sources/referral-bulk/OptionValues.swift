import ArgumentParser
import ReferralModel
import ReferralPlan
import ReferralReport
import ReferralSend

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

/// A value given by its name (`ReferralStatus(name:)`, any case), or a refusal listing every name.
func parseNamed<Value: CaseIterable & RawRepresentable>(
    _ named: @escaping @Sendable (String) -> Value?
) -> @Sendable (String) throws -> Value where Value.RawValue == String {
    { text in
        guard let value = named(text) else { throw ValidationError("not one of \(Value.allCases.map(\.rawValue).joined(separator: ", ")).") }
        return value
    }
}
