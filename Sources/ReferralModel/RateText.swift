/// A pace as a person reads it: `120/s`, `7.5/s`, `0.5/s` (the progress line and the run's log).
package enum RateText {
    package static func perSecond(_ rate: Double) -> String {
        rate >= 10 ? "\(Int(rate.rounded()))/s" : "\((rate * 100).rounded() / 100)/s"
    }
}
