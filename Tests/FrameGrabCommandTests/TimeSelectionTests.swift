import Foundation
import FrameGrab
@testable import FrameGrabCommand
import TestSupport
import Testing

@Suite struct TimeSelectionTests {
    func micros(_ value: Int64) -> MediaTime { MediaTime(value: value, timescale: 1_000_000) }

    @Test func everyStartsAtZeroAndStopsBeforeTheEnd() {
        #expect(TimeSelection.every(MediaTime(value: 3, timescale: 1), duration: MediaTime(value: 10, timescale: 1))
                == [0, 3, 6, 9].map { MediaTime(value: $0, timescale: 1) })
        // A time exactly at the end is past the last frame, so it is not requested.
        #expect(TimeSelection.every(MediaTime(value: 5, timescale: 1), duration: MediaTime(value: 10, timescale: 1))
                == [MediaTime.zero, MediaTime(value: 5, timescale: 1)])
        // An interval longer than the video gives the first frame only.
        #expect(TimeSelection.every(MediaTime(value: 20, timescale: 1), duration: MediaTime(value: 10, timescale: 1)) == [.zero])
        // Exact arithmetic: 1/3 s steps over 1 s are 0, 1/3, 2/3 (no rounding creeps in).
        #expect(TimeSelection.every(MediaTime(value: 1, timescale: 3), duration: MediaTime(value: 1, timescale: 1))
                == [.zero, MediaTime(value: 1, timescale: 3), MediaTime(value: 2, timescale: 3)])
        #expect(TimeSelection.every(MediaTime(value: 1, timescale: 1), duration: .invalid).isEmpty)
        #expect(TimeSelection.every(MediaTime(value: 1, timescale: 1), duration: .zero).isEmpty)
    }

    /// The request count is known before the requests are made (for `--max-requests`), and exactly.
    @Test func everyCountMatchesTheTimes() {
        let cases: [(MediaTime, MediaTime)] = [
            (MediaTime(value: 3, timescale: 1), MediaTime(value: 10, timescale: 1)),
            (MediaTime(value: 5, timescale: 1), MediaTime(value: 10, timescale: 1)),
            (MediaTime(value: 1, timescale: 3), MediaTime(value: 1, timescale: 1)),
            (MediaTime(value: 1, timescale: 2000), MediaTime(value: 10, timescale: 1)),
            (MediaTime(value: 7, timescale: 100), MediaTime(value: 123_456, timescale: 90_000)),
        ]
        for (interval, duration) in cases {
            #expect(TimeSelection.everyCount(interval, duration: duration) == TimeSelection.every(interval, duration: duration).count,
                    "every \(interval) over \(duration)")
        }
        // Counted without making them: a million times over 10 s.
        #expect(TimeSelection.everyCount(MediaTime(value: 1, timescale: 100_000), duration: MediaTime(value: 10, timescale: 1)) == 1_000_000)
        #expect(TimeSelection(specifications: [.time(.zero)], every: MediaTime(value: 1, timescale: 1), count: 4)
                    .count(duration: MediaTime(value: 10, timescale: 1)) == 1 + 10 + 4)
    }

    /// Time i of N is duration × (2i − 1) / (2N): the middles of N equal slices.
    @Test func countIsTheMiddlesOfEqualSlices() {
        let ten = MediaTime(value: 10, timescale: 1)
        #expect(TimeSelection.evenlySpaced(count: 1, duration: ten) == [micros(5_000_000)])
        #expect(TimeSelection.evenlySpaced(count: 4, duration: ten) == [1_250_000, 3_750_000, 6_250_000, 8_750_000].map(micros))
        // Whole microseconds, rounded down: 10 s / 6 → 0.8333…, 2.5, 4.1666…
        #expect(TimeSelection.evenlySpaced(count: 3, duration: MediaTime(value: 5, timescale: 1))
                == [833_333, 2_500_000, 4_166_666].map(micros))
        for count in [1, 2, 7, 100, 1000] {
            let times = TimeSelection.evenlySpaced(count: count, duration: ten)
            #expect(times.count == count)
            #expect(times.first! > .zero && times.last! < ten, "never the very start or end")
            #expect(zip(times, times.dropFirst()).allSatisfy { $0 < $1 }, "increasing")
            // Symmetric: the first is as far from the start as the last from the end (to a microsecond).
            let fromStart = times.first!.convertScale(1_000_000).value, fromEnd = 10_000_000 - times.last!.convertScale(1_000_000).value
            #expect(abs(fromStart - fromEnd) <= 1, "\(fromStart) µs from the start, \(fromEnd) µs from the end")
        }
        #expect(TimeSelection.evenlySpaced(count: 3, duration: .invalid).isEmpty)
    }

    @Test func resolveKeepsTheOrderOfTheSources() {
        let selection = TimeSelection(specifications: [.time(MediaTime(value: 7, timescale: 1)), .percent(50)],
                                      every: MediaTime(value: 4, timescale: 1), count: 2)
        #expect(selection.needsDuration && selection.countDependsOnDuration)
        let ten = MediaTime(value: 10, timescale: 1)
        let resolved = selection.resolve(duration: ten)
        #expect(resolved == [.time(MediaTime(value: 7, timescale: 1)), .percent(50),
                             .time(.zero), .time(MediaTime(value: 4, timescale: 1)), .time(MediaTime(value: 8, timescale: 1)),
                             .evenlySpaced(index: 1, count: 2), .evenlySpaced(index: 2, count: 2)])
        #expect(resolved.map { $0.resolve(duration: ten) }.suffix(2) == [micros(2_500_000), micros(7_500_000)])
        #expect(!TimeSelection(specifications: [.time(.zero)]).needsDuration)
        #expect(TimeSelection().isEmpty && !TimeSelection(count: 1).isEmpty)
    }

    @Test func shotsComeLastAtTheirMiddles() {
        let shots = [Shot(number: 1, start: .zero, end: MediaTime(value: 5, timescale: 2)),
                     Shot(number: 2, start: MediaTime(value: 5, timescale: 2), end: MediaTime(value: 10, timescale: 1))]
        let selection = TimeSelection(specifications: [.time(MediaTime(value: 7, timescale: 1))], shots: true)
        #expect(selection.needsDuration && selection.countDependsOnDuration && selection.withoutDuration == nil && !selection.isEmpty)
        let resolved = selection.resolve(duration: MediaTime(value: 10, timescale: 1), shots: shots)
        #expect(resolved == [.time(MediaTime(value: 7, timescale: 1)), .shot(shots[0]), .shot(shots[1])])
        #expect(resolved.dropFirst().map { $0.resolve(duration: .invalid) } == [micros(1_250_000), micros(6_250_000)])
        #expect(TimeSelection(shots: true).resolve(duration: .invalid, shots: []).isEmpty)
    }

    @Test func intervalsAndCountsParse() throws {
        #expect(try TimeSelection.parseInterval("2.5s") == MediaTime(value: 5, timescale: 2))
        #expect(try TimeSelection.parseInterval("500ms") == MediaTime(value: 1, timescale: 2))
        #expect(try TimeSelection.parseInterval("01:00") == MediaTime(value: 60, timescale: 1))
        for bad in ["0", "0s", "-1", "50%", "x", ""] {
            #expect(throws: ParseError.self, "\(bad)") { try TimeSelection.parseInterval(bad) }
        }
        #expect(try TimeSelection.parseCount("12") == 12)
        for bad in ["0", "-3", "1.5", "many", "", "1000001"] {
            #expect(throws: ParseError.self, "\(bad)") { try TimeSelection.parseCount(bad) }
        }
    }

    @Test func timesFilesHaveCommentsAndBlankLines() throws {
        let text = "# thumbnails\n1.5\n\n  02:03  # a clock time\r\n50%,3\n#\n1500ms"
        #expect(try TimeSelection.parseTimesFile(text, name: "times.txt")
                == [.time(MediaTime(value: 3, timescale: 2)), .time(MediaTime(value: 123, timescale: 1)), .percent(50),
                    .time(MediaTime(value: 3, timescale: 1)), .time(MediaTime(value: 3, timescale: 2))])
        #expect(try TimeSelection.parseTimesFile("", name: "x").isEmpty)
        #expect(try TimeSelection.parseTimesFile("# only a comment\n\n", name: "x").isEmpty)
    }

    @Test func aBadLineIsNamedByNumber() {
        do {
            _ = try TimeSelection.parseTimesFile("1\n2\n# three\nsoon\n", name: "times.txt")
            Issue.record("accepted 'soon'")
        } catch {
            #expect(error.description.contains("times.txt:4"), "\(error)")
            #expect(error.description.contains("soon"), "\(error)")
        }
    }
}

@Suite struct OutputTemplateTokenTests {
    func path(_ pattern: String, input: String = "in/a.mp4", time: MediaTime = .zero, directory: String = "") throws -> String {
        try OutputTemplate(pattern).path(for: .init(inputPath: input, index: 1, count: 1, requestedTime: time, directory: directory))
    }

    @Test func timeTokenIsAClockTime() throws {
        #expect(try path("{time}.png", time: MediaTime(value: 3_723_250, timescale: 1000)) == "01-02-03.250.png")
        #expect(try path("{time}.png", time: MediaTime(value: 1, timescale: 3)) == "00-00-00.333.png")
        #expect(try path("{time}.png", time: MediaTime(value: 100 * 3600, timescale: 1)) == "100-00-00.000.png")
        #expect(OutputTemplate.clockName(.invalid) == "invalid")
    }

    @Test func dirTokenMirrorsTheTree() throws {
        #expect(try path("out/{dir}/{name}.png", directory: "a/b") == "out/a/b/a.png")
        #expect(try path("out/{dir}/{name}.png", directory: "") == "out/a.png")
        #expect(try path("out/{dir}-{name}.png", directory: "") == "out/.-a.png")
    }

    /// Whatever the folder says, the path stays under the output folder.
    @Test(arguments: ["..", "../..", "a/../../b", "/etc", "./..//.."])
    func dirTokenNeverClimbsOut(directory: String) throws {
        let result = try path("out/{dir}/{name}.png", directory: directory)
        #expect(result.hasPrefix("out/"), "\(result)")
        #expect(!result.split(separator: "/").contains(".."), "\(result)")
        #expect(!result.contains("//"), "\(result)")
    }

    @Test func unknownTokensAreStillRefused() {
        #expect(throws: ParseError.self) { try OutputTemplate("{folder}/{name}.png") }
    }
}
