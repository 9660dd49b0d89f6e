import Rendering
import Testing

@Suite struct JSONValueTests {
    @Test func unknownValuesAreNullNotOmitted() {
        let document = JSONValue.object([("nr_negative", .uint(nil as UInt64?)), ("nr_dentry", .uint(12))])
        #expect(document.rendered(pretty: false) == #"{"nr_negative":null,"nr_dentry":12}"#)
    }

    @Test func keepsKeyOrderAndIndents() {
        let document = JSONValue.object([("b", .int(-1)), ("a", .array([.bool(true), .null]))])
        #expect(document.rendered() == "{\n  \"b\": -1,\n  \"a\": [\n    true,\n    null\n  ]\n}")
    }

    @Test(arguments: [
        ("plain", #""plain""#),
        ("quote\"back\\slash", #""quote\"back\\slash""#),
        ("line\nfeed\ttab", #""line\nfeed\ttab""#),
        ("\u{01}", #""\u0001""#),
        ("naïve", "\"naïve\""),
    ])
    func escapesStrings(_ input: String, _ expected: String) {
        #expect(JSONValue.string(input).rendered() == expected)
    }

    @Test func nonFiniteNumbersAreNull() {
        #expect(JSONValue.double(.nan).rendered() == "null")
        #expect(JSONValue.double(.infinity).rendered() == "null")
        #expect(JSONValue.double(2.5).rendered() == "2.5")
        #expect(JSONValue.double(3).rendered() == "3")
    }

    @Test func emptyContainers() {
        #expect(JSONValue.array([]).rendered() == "[]")
        #expect(JSONValue.object([]).rendered() == "{}")
    }
}
