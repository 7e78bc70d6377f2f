import Testing

@testable import ReferralModel
@testable import ReferralPlan
@testable import ReferralSend

@Suite struct DurationTextTests {
    let range: ClosedRange<Duration> = .milliseconds(100) ... .seconds(3600)

    @Test(arguments: [("250ms", Duration.milliseconds(250)), ("2s", .seconds(2)), ("1.5s", .milliseconds(1500)), ("5m", .seconds(300)), ("1h", .seconds(3600)), ("30", .seconds(30))])
    func readsEveryUnit(text: String, expected: Duration) throws {
        #expect(try DurationText.parse(text, within: range) == expected)
    }

    @Test(arguments: ["1e20s", "10000000000s", "9223372036854775807ms", "2h", "50ms", "0"])
    func refusesWhatIsOutOfRangeWithoutOverflowing(text: String) {
        #expect(throws: DurationText.Problem.outOfRange(text, range)) { try DurationText.parse(text, within: range) }
    }

    @Test(arguments: ["", "s", "nan", "infs", "-1s", "1d", "1 s", "abc"])
    func refusesWhatIsNotADuration(text: String) {
        #expect(throws: DurationText.Problem.notADuration(text)) { try DurationText.parse(text, within: range) }
    }

    @Test func theRefusalNamesTheRange() {
        #expect(DurationText.Problem.outOfRange("1e20s", range).description == "'1e20s' is outside 100ms…1h.")
    }

    @Test func nanosecondsSaturateInsteadOfTrapping() {
        #expect(Duration.seconds(Int64.max).saturatingNanoseconds == .max)
        #expect(Duration.seconds(-Int64.max).saturatingNanoseconds == .min)
        #expect(Duration.milliseconds(1500).saturatingNanoseconds == 1_500_000_000)
    }
}
