import Foundation
import Parsing
import ReferralModel
import ReferralPlan

/// The `$filter` subset the sandbox serves, read by a grammar (never by
/// splitting strings):
///
///     filter   = OWS or-expr OWS END
///     or-expr  = and-expr *( RWS "or" RWS and-expr )
///     and-expr = primary *( RWS "and" RWS primary )
///     primary  = "(" OWS or-expr OWS ")"
///              / path "(" OWS identifier OWS ":" OWS or-expr OWS ")"   ; path ends in /any
///              / path RWS operator RWS literal
///     path     = identifier *( "/" identifier )
///     literal  = string / date-time / number / "true" / "false" / "null"
///     string   = "'" *( "''" / any but "'" ) "'"
///
/// Hostile input is bounded before and during parsing: a length limit, and a
/// nesting limit checked at every "(" so that no input can exhaust the stack.
enum FilterGrammar {
    static let maximumLength = 2048
    static let maximumDepth = 16

    static func parse(_ text: String) throws(FilterError) -> FilterExpression {
        guard text.utf8.count <= maximumLength else { throw .tooLong(length: text.utf8.count, limit: maximumLength) }
        // The recursive rules call each other directly, not through `Parse { }`,
        // whose error wrapping would hide a FilterError (too deep, unknown function).
        do {
            var input = text[...]
            try OptionalSpace().parse(&input)
            let expression = try OrExpression(depth: 0).parse(&input)
            try OptionalSpace().parse(&input)
            try End().parse(&input)
            return expression
        } catch let error as FilterError {
            throw error
        } catch {
            // swift-parsing's account: "error: unexpected input", then the position, marked.
            let account = String(describing: error)
            throw .malformed(detail: account.hasPrefix("error: ") ? String(account.dropFirst(7)) : account)
        }
    }
}

/// `and-expr *( RWS "or" RWS and-expr )`, left-associative.
struct OrExpression: Parser {
    let depth: Int

    func parse(_ input: inout Substring) throws -> FilterExpression {
        var result = try AndExpression(depth: depth).parse(&input)
        while Keyword(word: "or").skip(&input) {
            result = .or(result, try AndExpression(depth: depth).parse(&input))
        }
        return result
    }
}

/// `primary *( RWS "and" RWS primary )`: `and` binds tighter than `or`.
struct AndExpression: Parser {
    let depth: Int

    func parse(_ input: inout Substring) throws -> FilterExpression {
        var result = try Primary(depth: depth).parse(&input)
        while Keyword(word: "and").skip(&input) {
            result = .and(result, try Primary(depth: depth).parse(&input))
        }
        return result
    }
}

/// A parenthesised expression, an `any()` lambda, or a comparison.
struct Primary: Parser {
    let depth: Int

    func parse(_ input: inout Substring) throws -> FilterExpression {
        if input.first == "(" {
            guard depth < FilterGrammar.maximumDepth else { throw FilterError.tooDeep(limit: FilterGrammar.maximumDepth) }
            try Opening().parse(&input)
            let inner = try OrExpression(depth: depth + 1).parse(&input)
            try Closing().parse(&input)
            return inner
        }
        let path = try PropertyPath().parse(&input)
        if input.first == "(" {
            guard path.segments.count > 1, let function = path.segments.last, function == "any" else {
                throw FilterError.unsupportedFunction(path.segments.last ?? "")
            }
            guard depth < FilterGrammar.maximumDepth else { throw FilterError.tooDeep(limit: FilterGrammar.maximumDepth) }
            let variable = try Parse {
                Opening()
                Identifier()
                OptionalSpace()
                ":"
                OptionalSpace()
            }.parse(&input)
            let predicate = try OrExpression(depth: depth + 1).parse(&input)
            try Closing().parse(&input)
            return .any(collection: FilterPath(segments: path.segments.dropLast()), variable: variable, predicate: predicate)
        }
        let comparison = try Parse {
            RequiredSpace()
            ComparisonOperator.parser(of: Substring.self)
            RequiredSpace()
        }.parse(&input)
        let literal = try LiteralValue().parse(&input)
        return .comparison(path, comparison, literal)
    }
}

/// `identifier *( "/" identifier )`
struct PropertyPath: Parser {
    var body: some Parser<Substring, FilterPath> {
        Many(1...) {
            Identifier()
        } separator: {
            "/"
        }.map { FilterPath(segments: $0) }
    }
}

/// Letters, digits and `_`, starting with a letter (OData's simple identifier, ASCII only).
struct Identifier: Parser {
    var body: some Parser<Substring, String> {
        Prefix(1...) { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_") }
            .filter { $0.first?.isLetter == true }
            .map(String.init)
    }
}

/// A string, date-time, number, boolean or null literal.
struct LiteralValue: Parser {
    func parse(_ input: inout Substring) throws -> FilterLiteral {
        if input.first == "'" { return .string(try StringLiteral().parse(&input)) }
        let word = try Prefix(1...) { $0.isASCII && ($0.isLetter || $0.isNumber || "-+.:".contains($0)) }.parse(&input)
        switch word {
        case "true": return .bool(true)
        case "false": return .bool(false)
        case "null": return .null
        default: break
        }
        // A date (`2026-03-01`) or date-time; `-12.5` and `2026` stay numbers.
        let looksLikeDate = word.contains("T") || (word.count == 10 && word.dropFirst(4).first == "-")
        if looksLikeDate, let date = try? UTCDateTime.parse(String(word)) { return .dateTime(date) }
        if !word.contains(where: \.isLetter), let number = DecimalText.parse(String(word)) { return .number(number) }
        throw FilterError.badLiteral(String(word.prefix(64)))
    }
}

/// `'it''s'` → `it's`: OData doubles a quote inside a string.
struct StringLiteral: Parser {
    func parse(_ input: inout Substring) throws -> String {
        try "'".parse(&input)
        var text = ""
        // Each turn consumes at least one quote, so the loop ends with the input.
        while true {
            text += try Prefix { $0 != "'" }.parse(&input)
            guard input.first == "'" else {
                throw FilterError.malformed(detail: "a string literal is not closed with '")
            }
            input.removeFirst()
            guard input.first == "'" else { return text }
            input.removeFirst()
            text += "'"
        }
    }
}

/// `RWS keyword RWS`, consumed only when all of it is there.
struct Keyword {
    let word: String

    func skip(_ input: inout Substring) -> Bool {
        var rest = input
        do {
            try Parse {
                RequiredSpace()
                word
                RequiredSpace()
            }.parse(&rest)
        } catch {
            return false
        }
        input = rest
        return true
    }
}

/// `(` and the spaces after it.
struct Opening: Parser {
    var body: some Parser<Substring, Void> {
        "("
        OptionalSpace()
    }
}

/// The spaces before `)`, and `)`.
struct Closing: Parser {
    var body: some Parser<Substring, Void> {
        OptionalSpace()
        ")"
    }
}

/// One or more spaces (what separates words in OData).
struct RequiredSpace: Parser {
    var body: some Parser<Substring, Void> {
        Prefix(1...) { $0 == " " || $0 == "\t" }.map { _ in () }
    }
}

/// Spaces that may be there (inside parentheses).
struct OptionalSpace: Parser {
    var body: some Parser<Substring, Void> {
        Prefix { $0 == " " || $0 == "\t" }.map { _ in () }
    }
}
