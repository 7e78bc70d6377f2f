import Testing

@testable import ReferralBulk

@Suite struct DurationTextTests {
    @Test func readsTheUnitsPeopleWrite() {
        #expect(DurationText.parse("250ms") == .milliseconds(250))
        #expect(DurationText.parse("1.5s") == .milliseconds(1500))
        #expect(DurationText.parse("5m") == .seconds(300))
        #expect(DurationText.parse("1h") == .seconds(3600))
        #expect(DurationText.parse("12") == .seconds(12))
    }

    @Test func refusesWhatIsNotADuration() {
        for text in ["", "s", "-1s", "soon", "1d", "infs", "nan"] { #expect(DurationText.parse(text) == nil) }
    }
}
