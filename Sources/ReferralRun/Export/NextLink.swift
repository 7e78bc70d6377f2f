/// `@odata.nextLink` is followed as given, but only to the endpoint the
/// user named: a link elsewhere would carry the bearer token off.
enum NextLink {
    static func resolve(_ link: String, endpoint: String) throws(ExportError) -> String {
        if link.hasPrefix("/") { return endpoint + link }
        guard link.lowercased().hasPrefix(endpoint.lowercased() + "/") else { throw .foreignNextLink(link) }
        return link
    }
}
