import Foundation
import FrameGrab
@testable import FrameGrabCommand
import Testing

@Suite struct ParsingTests {
    func seconds(_ text: String) throws -> MediaTime {
        guard case .time(let time) = try TimeSpecification(parsing: text) else { throw ParseError(text: text, reason: "not a time") }
        return time
    }

    @Test func timeForms() throws {
        #expect(try seconds("12.5") == MediaTime(value: 25, timescale: 2))
        #expect(try seconds("12.5s") == MediaTime(value: 25, timescale: 2))
        #expect(try seconds("1500ms") == MediaTime(value: 3, timescale: 2))
        #expect(try seconds("0.5ms") == MediaTime(value: 1, timescale: 2000))
        #expect(try seconds("02:03") == MediaTime(value: 123, timescale: 1))
        #expect(try seconds("01:02:03.250") == MediaTime(value: 3723250, timescale: 1000))
        #expect(try seconds(".5") == MediaTime(value: 1, timescale: 2))
        #expect(try TimeSpecification(parsing: "50%") == .percent(50))
        #expect(try TimeSpecification.parseList("1,2.5,10%") == [.time(MediaTime(value: 1, timescale: 1)), .time(MediaTime(value: 5, timescale: 2)), .percent(10)])
        // Exact: 0.1 is 1/10, not the double nearest to it.
        #expect(try seconds("0.1") == MediaTime(value: 1, timescale: 10))
    }

    @Test(arguments: ["", "abc", "-1", "1x", "1.2.3", "01:60", "1:2:3:4", "101%", "-5%", "1e3", "12,", "1..5", "٣"])
    func malformedTimesAreRejected(text: String) {
        #expect(throws: ParseError.self) { try TimeSpecification.parseList(text) }
    }

    @Test func percentagesResolveInsideTheVideo() {
        let duration = MediaTime(value: 10, timescale: 1)
        #expect(TimeSpecification.percent(50).resolve(duration: duration) == MediaTime(value: 5, timescale: 1))
        #expect(TimeSpecification.percent(0).resolve(duration: duration) == .zero)
        // 100% is the last frame: just inside the end.
        #expect(TimeSpecification.percent(100).resolve(duration: duration) == MediaTime(value: 9_999_999, timescale: 1_000_000))
        #expect(!TimeSpecification.percent(50).resolve(duration: .invalid).isValid)
    }

    @Test func tolerances() throws {
        #expect(try ToleranceSpecification.parse("exact") == .zero)
        #expect(try ToleranceSpecification.parse("keyframe") == .positiveInfinity)
        #expect(try ToleranceSpecification.parse("inf") == .positiveInfinity)
        #expect(try ToleranceSpecification.parse("0.25") == MediaTime(value: 1, timescale: 4))
        #expect(try ToleranceSpecification.parse("500ms") == MediaTime(value: 1, timescale: 2))
        #expect(throws: ParseError.self) { try ToleranceSpecification.parse("soon") }
    }

    @Test func sizes() throws {
        #expect(try PixelSize(parsing: "640x360") == PixelSize(width: 640, height: 360))
        #expect(try PixelSize(parsing: "320x0") == PixelSize(width: 320, height: 0))
        for bad in ["12", "x", "-1x5", "axb", "1x2x3"] {
            #expect(throws: ParseError.self) { try PixelSize(parsing: bad) }
        }
    }

    @Test func outputTemplates() throws {
        let values = OutputTemplate.Values(inputPath: "/videos/holiday.clip.mp4", index: 7, count: 120, requestedTime: MediaTime(seconds: 12.3456))
        #expect(try OutputTemplate("{name}-{index}.png").path(for: values) == "holiday.clip-007.png")
        #expect(try OutputTemplate("out/{name}/{ms}.png").path(for: values) == "out/holiday.clip/12345.png")
        #expect(try OutputTemplate("thumbs/").path(for: values) == "thumbs/holiday.clip-007.png")
        #expect(throws: ParseError.self) { try OutputTemplate("{nope}.png") }
        #expect(throws: ParseError.self) { try OutputTemplate("{name.png") }
        // A name taken from the input can never climb out of the output folder.
        let sneaky = OutputTemplate.Values(inputPath: "/videos/...mp4", index: 1, count: 1, requestedTime: .zero)
        #expect(try OutputTemplate("out/{name}/x.png").path(for: sneaky) == "out/_../x.png")
    }

    @Test func pixelLimitParsing() throws {
        #expect(try ComparisonThresholds.PixelLimit(parsing: "12") == .count(12))
        #expect(try ComparisonThresholds.PixelLimit(parsing: "0.5%") == .percent(0.5))
        #expect(ComparisonThresholds.PixelLimit.percent(0.5).allowed(of: 1000) == 5)
        for bad in ["-1", "x", "101%", "%", ""] {
            #expect(throws: ParseError.self) { try ComparisonThresholds.PixelLimit(parsing: bad) }
        }
    }

    @Test(arguments: [("..", "_.."), (".", "_."), ("", "_"), ("a/b", "a_b"), ("line\nbreak", "line_break"),
                      ("tab\there", "tab_here"), ("it's \"q\" ü 東京", "it's \"q\" ü 東京"), ("...", "...")])
    func safeComponent(input: String, expected: String) {
        #expect(OutputTemplate.safeComponent(input) == expected)
    }

    @Test(arguments: [("../../etc", "_../_../etc"), ("/abs/path", "abs/path"), ("./a/./b", "a/b"), ("a//b/", "a/b"),
                      ("a/../..", "a/_../_.."), ("", "")])
    func safeRelativePathNeverClimbs(input: String, expected: String) {
        let safe = OutputTemplate.safeRelativePath(input)
        #expect(safe == expected)
        #expect(!safe.hasPrefix("/") && !safe.split(separator: "/").contains(".."))
    }
}
