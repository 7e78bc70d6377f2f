import Foundation
import HTTPTypes
import Hummingbird

/// Puts a `Request-ID` on every answer, as the Partner API does (its
/// documented examples show one on each): the id a client records and
/// quotes to support. Errors the router throws itself (an unknown path)
/// get one too.
struct RequestIDMiddleware<Context: RequestContext>: RouterMiddleware {
    static var header: HTTPField.Name { HTTPField.Name("Request-ID")! }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var response: Response
        do {
            response = try await next(request, context)
        } catch let error as any HTTPResponseError {
            response = try error.response(from: request, context: context)
        }
        response.headers[Self.header] = UUID().uuidString.lowercased()
        return response
    }
}
