import Testing

@testable import ReferralModel
@testable import ReferralSend

/// The one reader of error bodies, over every shape met in front of the API.
@Suite struct ServerErrorTests {
    func read(_ status: Int, _ body: String, _ contentType: String? = "application/json") -> ServerError {
        ServerError(status: status, body: Array(body.utf8), contentType: contentType)
    }

    @Test func theDocumentedErrorObjectGivesCodeMessageTargetAndInnerCode() {
        let error = read(
            401,
            #"{"error":{"code":"unAuthorized","message":"Caller is not authorized to access the resource.","target":"referral","innerError":{"code":"innerErrorCode","message":"Unauthorized referral access"}}}"#)
        #expect(error.shape == .errorObject)
        #expect(error.code == "unAuthorized" && error.target == "referral" && error.innerCodes == ["innerErrorCode"])
        #expect(
            error.description
                == "401 unAuthorized (innerErrorCode): Caller is not authorized to access the resource. Unauthorized referral access")
    }

    @Test func anInnerMessageThatRepeatsTheOuterOneIsSaidOnce() {
        let error = read(
            412,
            #"{"error":{"code":"PreconditionFailed","message":"Etag value did not Match","target":"ETag","innerError":{"code":"99918","message":"One of the specified pre-condition is not met. Etag value did not Match","details":null}}}"#)
        #expect(error.description == "412 PreconditionFailed (99918): Etag value did not Match")
    }

    @Test func aChainOfInnerErrorsIsFollowedAndBounded() {
        var inner = #"{"code":"c9"}"#
        for level in (0..<9).reversed() { inner = #"{"code":"c\#(level)","innerError":\#(inner)}"# }
        let error = read(400, #"{"error":{"code":"BadRequest","message":"no","innerError":\#(inner)}}"#)
        #expect(error.innerCodes == (0..<ServerError.innerDepth).map { "c\($0)" })
    }

    @Test func aThrottlingGatewaysBodyIsItsMessage() {
        let error = read(429, #"{"statusCode":429,"message":"Rate limit is exceeded. Try again in 57 seconds."}"#)
        #expect(error.shape == .gateway && error.code == nil)
        #expect(error.description == "429: Rate limit is exceeded. Try again in 57 seconds.")
        #expect(!error.fromGateway)  // a 429 is throttling, not a dead backend
    }

    @Test func theLegacyShapeStillReads() {
        #expect(read(404, #"{"code":"NotFound","description":"no referral with id r1"}"#).description == "404 NotFound: no referral with id r1")
        #expect(read(400, #"{"code":"Bad","message":"said"}"#).description == "400 Bad: said")
    }

    @Test func aGatewaysHTMLPageIsExplained() {
        let nginx = "<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n<center><h1>502 Bad Gateway</h1></center>\r\n<hr><center>nginx/1.22.1</center>\r\n</body>\r\n</html>\r\n"
        let error = read(502, nginx, "text/html")
        #expect(error.fromGateway)
        #expect(
            error.description
                == #"502: a gateway in front of the API answered a page "502 Bad Gateway" (text/html): the API behind it did not answer"#)
        #expect(read(504, "", nil).fromGateway)
        #expect(read(503, #"{"statusCode":503,"message":"Service Unavailable"}"#).fromGateway)
        // The API's own 503 (its error object) is the API answering, not a gateway.
        #expect(!read(503, #"{"error":{"code":"ServiceUnavailable","message":"try later"}}"#).fromGateway)
        #expect(!read(500, nginx, "text/html").fromGateway)
    }

    @Test func a413SaysWhatItMeansAndKeepsTheServersWords() {
        let page = "<html><head><title>413 Request Entity Too Large</title></head></html>"
        #expect(read(413, page, "text/html").description == "413: the patch is larger than the API (or a proxy in front of it) accepts")
        #expect(
            read(413, #"{"error":{"code":"PayloadTooLarge","message":"body over 1 MB"}}"#).description
                == "413 PayloadTooLarge: body over 1 MB; the patch is larger than the API (or a proxy in front of it) accepts")
    }

    @Test func bodiesThatSayNothingAreNamedByWhatTheyAre() {
        #expect(read(404, "").description == "404: no error body")
        #expect(read(500, "<html>oops</html>", "text/html; charset=utf-8").description == "500: not the API's JSON error (text/html)")
        #expect(read(500, "[1]").description == "500: an error body without a message")
        #expect(read(500, #"{"error":"boom"}"#).shape == .unknownJSON)
    }

    @Test func serverTextIsCappedAndCannotForgeALine() {
        let long = String(repeating: "x", count: 5000)
        let error = read(400, #"{"error":{"code":"Bad\u001b[31m","message":"line\r\nInjected: yes \#(long)"}}"#)
        #expect(!error.description.unicodeScalars.contains { $0.value < 0x20 || $0.value == 0x7F })
        #expect(error.description.hasPrefix(#"400 Bad\u{1b}[31m: line\u{d}\u{a}Injected: yes"#))
        #expect(error.description.count < ServerError.messageLimit + 40)
    }
}
