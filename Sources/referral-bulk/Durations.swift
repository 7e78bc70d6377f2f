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
