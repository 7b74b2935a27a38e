import Foundation
import Testing

@testable import HookcastProtocol

/// `TraceContext` against the W3C Trace Context rules for `traceparent` and `tracestate`.
@Suite struct TraceContextTests {
    static let traceID = "4bf92f3577b34da6a3ce929d0e0e4736"
    static let parentID = "00f067aa0ba902b7"
    static let valid = "00-\(traceID)-\(parentID)-01"

    static func refusal(_ traceparent: String) -> TraceContextError? {
        do {
            _ = try TraceContext(traceparent: traceparent)
            return nil
        } catch {
            return error
        }
    }

    @Test func readsAVersionZeroTraceparent() throws {
        let trace = try TraceContext(traceparent: Self.valid)
        #expect(trace.traceID == Self.traceID)
        #expect(trace.parentID == Self.parentID)
        #expect(trace.flags == "01")
        #expect(trace.traceState == nil)
        #expect(trace.traceparent == Self.valid)
    }

    @Test func keepsFlagsItDoesNotKnow() throws {
        let trace = try TraceContext(traceparent: "00-\(Self.traceID)-\(Self.parentID)-fe")
        #expect(trace.flags == "fe")
        #expect(trace.traceparent.hasSuffix("-fe"))
    }

    /// Each invalid form, with the reason it is refused for.
    static let invalid: [(String, TraceContextError)] = {
        let traceID = Self.traceID
        let parentID = Self.parentID
        let valid = Self.valid
        let zeros32 = String(repeating: "0", count: 32)
        let zeros16 = String(repeating: "0", count: 16)
        var cases: [(String, TraceContextError)] = []
        cases.append(("", .wrongLength))
        cases.append((String(valid.dropLast()), .wrongLength))
        cases.append((valid + "-", .wrongLength))
        cases.append((valid + "0", .wrongLength))
        cases.append(("0x" + valid.dropFirst(2), .malformedVersion))
        cases.append(("0A" + valid.dropFirst(2), .malformedVersion))
        cases.append(("ff" + valid.dropFirst(2), .forbiddenVersion))
        cases.append(("00_\(traceID)-\(parentID)-01", .malformedField))
        cases.append(("00-\(traceID)_\(parentID)-01", .malformedField))
        cases.append(("00-\(traceID)-\(parentID)_01", .malformedField))
        cases.append(("00-\(traceID.uppercased())-\(parentID)-01", .malformedField))
        cases.append(("00-\(traceID)-\(parentID.uppercased())-01", .malformedField))
        cases.append(("00-\(traceID)-\(parentID)-0G", .malformedField))
        cases.append(("00-\(traceID)-\(parentID)-AB", .malformedField))
        cases.append(("00-\(traceID.dropLast())g-\(parentID)-01", .malformedField))
        cases.append(("00-\(zeros32)-\(parentID)-01", .zeroTraceID))
        cases.append(("00-\(traceID)-\(zeros16)-01", .zeroParentID))
        cases.append(("00-\(traceID)-\(parentID)-01é", .wrongLength))
        return cases
    }()

    @Test(arguments: invalid)
    func refusesAnInvalidTraceparent(_ traceparent: String, _ reason: TraceContextError) {
        #expect(Self.refusal(traceparent) == reason)
    }

    @Test func readsAHigherVersionByItsFirstFourFields() throws {
        let exact = try TraceContext(traceparent: "cc-\(Self.traceID)-\(Self.parentID)-01")
        #expect(exact.traceparent == Self.valid)
        let longer = try TraceContext(traceparent: "cc-\(Self.traceID)-\(Self.parentID)-01-what-the-future-holds")
        #expect(longer.traceID == Self.traceID)
        #expect(longer.parentID == Self.parentID)
        #expect(longer.traceparent == Self.valid)
    }

    @Test func refusesAHigherVersionWhoseFifthFieldDoesNotStartWithADash() {
        #expect(Self.refusal("cc-\(Self.traceID)-\(Self.parentID)-01x") == .malformedField)
        #expect(Self.refusal("cc-\(Self.traceID)-\(Self.parentID)-0") == .wrongLength)
    }

    @Test func keepsATracestateOfAtMost512PrintableBytes() throws {
        let longest = "k=" + String(repeating: "v", count: 510)
        #expect(try TraceContext(traceparent: Self.valid, tracestate: longest).traceState == longest)
        #expect(
            try TraceContext(traceparent: Self.valid, tracestate: "rojo=00f067aa0ba902b7,congo=t61rcWkgMzE")
                .traceState == "rojo=00f067aa0ba902b7,congo=t61rcWkgMzE")
    }

    @Test(arguments: [
        "k=" + String(repeating: "v", count: 511),
        "",
        "k=v\u{7F}",
        "k=v\n",
        "k=v\u{0}",
        "k=vé",
    ])
    func dropsATracestateThatIsTooLongOrNotPrintableASCII(_ tracestate: String) throws {
        let trace = try TraceContext(traceparent: Self.valid, tracestate: tracestate)
        #expect(trace.traceState == nil)
        #expect(trace.traceID == Self.traceID)
    }

    @Test func readsEveryValueOfACarrier() throws {
        #expect(try TraceContext.read(traceparents: [], tracestates: ["a=1"]) == nil)
        let joined = try TraceContext.read(traceparents: [Self.valid], tracestates: ["a=1", "b=2"])
        #expect(joined?.traceState == "a=1,b=2")
        #expect(throws: TraceContextError.repeated) {
            try TraceContext.read(traceparents: [Self.valid, Self.valid], tracestates: [])
        }
        let pairs = try TraceContext.read(pairs: [
            ("hookcast-redelivery", "2"), ("traceparent", Self.valid), ("tracestate", "a=1"),
        ])
        #expect(pairs?.traceparent == Self.valid)
        #expect(pairs?.traceState == "a=1")
        #expect(pairs.map { $0.pairs.map(\.name) } == ["traceparent", "tracestate"])
        #expect(pairs.map { $0.pairs.map(\.value) } == [Self.valid, "a=1"])
    }

    @Test func showsNoMoreOfAnIgnoredHeaderThanAValidOneHolds() {
        let long = "00-" + String(repeating: "x", count: 200)
        #expect(TraceContext.shown(long).count == 55)
        #expect(TraceContext.shown("00-\u{1B}[31m") == "00-?[31m")
    }

    @Test func encodesForTheAPI() throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        let bare = String(decoding: try encoder.encode(try TraceContext(traceparent: Self.valid)), as: UTF8.self)
        #expect(bare == #"{"traceparent":"\#(Self.valid)"}"#)
        let full = String(
            decoding: try encoder.encode(try TraceContext(traceparent: Self.valid, tracestate: "a=1")), as: UTF8.self)
        #expect(full == #"{"traceparent":"\#(Self.valid)","tracestate":"a=1"}"#)
    }
}
