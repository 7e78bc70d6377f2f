import AsyncHTTPClient
import Glibc
import NIOCore
import NIOSSL
import ReferralOutcome
import Testing

@testable import ReferralSend

@Suite struct TransportFailureTests {
    @Test func libraryErrorsMapToFixedNames() {
        #expect(TransportFailure(IOError(errnoCode: ECONNREFUSED, reason: "connect")) == .connectionRefused)
        #expect(TransportFailure(IOError(errnoCode: ECONNRESET, reason: "read")) == .connectionClosed)
        #expect(TransportFailure(HTTPClientError.deadlineExceeded) == .timedOut)
        #expect(TransportFailure(HTTPClientError.connectTimeout) == .connectTimedOut)
        #expect(TransportFailure(ChannelError.connectTimeout(.seconds(3))) == .connectTimedOut)
        #expect(TransportFailure(HTTPClientError.remoteConnectionClosed) == .connectionClosed)
        #expect(TransportFailure(HTTPClientError.invalidHeaderFieldValues(["Bearer secret\nline"])) == .networkError)
        #expect(TransportFailure(NIOSSLError.handshakeFailed(.sslError([]))) == .tlsFailure)
        #expect(TransportFailure(SocketAddressError.failedToParseIPString("x")) == .dnsFailure)
        #expect(TransportFailure(NIOTooManyBytesError(maxBytes: 8)) == .answerTooLarge)
    }

    @Test func onlyRefusedUnconnectableDNSAndTLSMeanUnreachable() {
        #expect(TransportFailure.allCases.filter(\.meansUnreachable) == [.connectionRefused, .connectTimedOut, .dnsFailure, .tlsFailure])
    }

    @Test func serverTextIsEscapedAndCapped() {
        #expect(ServerText.clean("a\u{0}b\u{7F}c\u{85}d") == #"a\u{0}b\u{7f}c\u{85}d"#)
        #expect(ServerText.clean(String(repeating: "é", count: 10), limit: 4) == "éééé…")
    }
}

@Suite struct EndpointHealthTests {
    @Test func threeUnreachableAttemptsInARowAbort() {
        var health = EndpointHealth(threshold: 3)
        #expect(health.attemptFailed(.connectionRefused) == .keepGoing)
        #expect(health.attemptFailed(.timedOut) == .keepGoing)  // not a sign of a wrong URL
        #expect(health.attemptFailed(.dnsFailure) == .keepGoing)
        #expect(health.attemptFailed(.dnsFailure) == .unreachable(.dnsFailure))
    }

    @Test func anyAnswerResetsTheCount() {
        var health = EndpointHealth(threshold: 2)
        #expect(health.attemptFailed(.connectionRefused) == .keepGoing)
        health.answered(status: 503)
        #expect(health.attemptFailed(.connectionRefused) == .keepGoing)
        #expect(health.tokenRejectedAfterRefresh() == .keepGoing)
        health.answered(status: 401)  // a 401 does not say the tokens are fine
        #expect(health.tokenRejectedAfterRefresh() == .everyTokenRejected)
    }
}

@Suite struct GatewayHealthTests {
    let start = ContinuousClock.now

    @Test func gatewayErrorsAloneForTheSpanMeanTheBackendIsDown() {
        var health = EndpointHealth(threshold: 3, gatewaySpan: .seconds(5))
        // Many errors within the span are a hiccup so far.
        for tenth in 0..<40 { #expect(health.gatewayFailed(status: 502, at: start + .milliseconds(100 * tenth)) == .keepGoing) }
        #expect(health.gatewayFailed(status: 504, at: start + .seconds(5)) == .gatewayDown(status: 504))
    }

    @Test func fewErrorsOverALongTimeAreNotEnough() {
        var health = EndpointHealth(threshold: 3, gatewaySpan: .seconds(5))
        for second in 0..<5 { #expect(health.gatewayFailed(status: 502, at: start + .seconds(second * 10)) == .keepGoing) }
        #expect(health.gatewayFailed(status: 502, at: start + .seconds(60)) == .gatewayDown(status: 502))
    }

    @Test func anAnswerFromTheAPIStartsTheSpanOver() {
        var health = EndpointHealth(threshold: 1, gatewaySpan: .seconds(5))
        #expect(health.gatewayFailed(status: 502, at: start) == .keepGoing)
        health.answered(status: 404)
        #expect(health.gatewayFailed(status: 502, at: start + .seconds(6)) == .keepGoing)
        #expect(health.gatewayFailed(status: 502, at: start + .seconds(10)) == .keepGoing)
        #expect(health.gatewayFailed(status: 502, at: start + .seconds(11)) == .gatewayDown(status: 502))
    }
}

@Suite struct StopSignalTests {
    @Test func aStopEndsEveryWaitAtOnce() async throws {
        let stop = StopSignal()
        let started = ContinuousClock.now
        let waits = (0..<2).map { _ in Task { try await stop.interrupting { try await Task.sleep(for: .seconds(3600)) } } }
        try await Task.sleep(for: .milliseconds(50))
        stop.stop(.interrupted(signal: 2))
        for wait in waits { await #expect(throws: CancellationError.self) { try await wait.value } }
        #expect(ContinuousClock.now - started < .seconds(60))
        #expect(stop.reason == .interrupted(signal: 2))
    }

    @Test func aWaitThatEndsFirstIsNotInterrupted() async throws {
        let stop = StopSignal()
        try await stop.interrupting { try await Task.sleep(for: .milliseconds(1)) }
        #expect(stop.reason == nil)
    }
}
