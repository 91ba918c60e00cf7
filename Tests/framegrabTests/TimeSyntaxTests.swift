import Foundation
import FrameGrab
import TestSupport
import Testing

/// `-t` values as people write them, through the whole command.
@Suite struct TimeSyntaxTests {
    @Test func everyTimeFormPicksTheRightFrame() throws {
        // (as written, the time it means on the 10 s h264-bframes.mp4)
        let forms: [(String, MediaTime)] = [
            ("2.5", seconds("2.5")),
            ("2.5s", seconds("2.5")),
            ("1500ms", seconds("1.5")),
            ("00:02", seconds("2")),
            ("00:00:02.500", seconds("2.5")),
            ("0:07.04", seconds("7.04")),
            ("50%", seconds("5")),
            ("0%", seconds("0")),
            ("0.04", seconds("0.04")),
            ("0.039999", seconds("0.039999")),
            ("9960ms", seconds("9.96")),
        ]
        try Scratch.with { scratch in
            let result = try scratch.run([bframesPath, "--json", "-o", "out/{index}.png"] + forms.flatMap { ["-t", $0.0] })
            #expect(result.status == 0, "\(result)")
            let records = jsonRecords(result)
            #expect(records.compactMap(\.index).sorted() == Array(1...forms.count), "\(result)")
            for record in records {
                guard let index = record.index, (1...forms.count).contains(index) else { continue }
                let (text, time) = forms[index - 1]
                let shown = bframes.frameShown(at: time)!
                #expect(record.requested.map { abs($0 - time.seconds) < 1e-9 } == true, "-t '\(text)': \(record)")
                #expect(record.actual.map { abs($0 - bframes.time(ofFrame: shown).seconds) < 1e-6 } == true, "-t '\(text)': \(record)")
                expectShows(decodePNG(scratch.url("out/\(String(format: "%02d", index)).png")), frame: shown, "for -t '\(text)'")
            }
            scratch.expectOnlyPNGs(under: "out")
        }
    }

    /// 100% is the last frame, not past the end.
    @Test func hundredPercentIsTheLastFrame() throws {
        try Scratch.with { scratch in
            let result = try scratch.run([bframesPath, "--json", "-o", "out/last.png", "-t", "100%"])
            #expect(result.status == 0, "\(result)")
            let record = jsonRecords(result).first
            #expect(record?.actual.map { abs($0 - bframes.time(ofFrame: bframes.frames.count - 1).seconds) < 1e-6 } == true, "\(result)")
            expectShows(decodePNG(scratch.url("out/last.png")), frame: bframes.frames.count - 1)
            scratch.expectOnlyPNGs(under: "out")
        }
    }

    /// Times past the 10 s video parse (12.5 and 12.5s), and fail as past the end.
    @Test(arguments: ["12.5", "12.5s", "12500ms", "00:12.5"])
    func timesPastTheEndParseAndFail(text: String) throws {
        try Scratch.with { scratch in
            let result = try scratch.run([bframesPath, "--json", "-o", "out/", "-t", text])
            #expect(result.status == 1, "\(result)")
            let records = jsonRecords(result)
            #expect(records.count == 1, "\(result)")
            #expect(records.first?.code == "beyondEnd" && records.first?.requested == 12.5, "\(result)")
            #expect(scratch.files(under: "out").isEmpty)
        }
    }

    /// Percentages are of the file's own duration: 50% of the 6 s vp9.webm is 3 s, of the 6 s h264-offset.ts
    /// (whose timeline starts at 11.4 s) 3 s after its start.
    @Test(arguments: ["vp9.webm", "h264-offset.ts", "vfr.mkv"])
    func percentagesUseTheFilesDuration(name: String) throws {
        let video = Fixtures.video(name)
        try Scratch.with { scratch in
            let result = try scratch.run([Fixtures.path(name), "--json", "-o", "out/{index}.png", "-t", "25%,50%"])
            #expect(result.status == 0, "\(result)")
            let records = jsonRecords(result)
            #expect(records.count == 2, "\(result)")
            for record in records {
                guard let index = record.index, let requested = record.requested else { continue }
                // The duration is the container's, which may run a little past the last video frame.
                let share = index == 1 ? 0.25 : 0.5
                #expect(abs(requested - share * video.end.seconds) < 0.1, "\(name): \(record)")
                let shown = video.frameShown(at: MediaTime(seconds: requested))
                #expect(record.actual.map { abs($0 - video.time(ofFrame: shown!).seconds) < 1e-6 } == true, "\(name): \(record)")
                expectShows(decodePNG(scratch.url("out/\(index).png")), frame: shown, "\(name): \(record)")
            }
            scratch.expectOnlyPNGs(under: "out")
        }
    }

    @Test func commaListEqualsRepeatedOption() throws {
        try Scratch.with { scratch in
            let list = try scratch.run([bframesPath, "-o", "a/", "-t", "1,2,3"])
            let repeated = try scratch.run([bframesPath, "-o", "b/", "-t", "1", "-t", "2", "-t", "3"])
            #expect(list.status == 0 && repeated.status == 0, "\(list)\n\(repeated)")
            #expect(list.stdoutLines.sorted() == ["a/h264-bframes-1.png", "a/h264-bframes-2.png", "a/h264-bframes-3.png"], "\(list)")
            #expect(repeated.stdoutLines.sorted() == ["b/h264-bframes-1.png", "b/h264-bframes-2.png", "b/h264-bframes-3.png"], "\(repeated)")
            let a = scratch.expectOnlyPNGs(under: "a"), b = scratch.expectOnlyPNGs(under: "b")
            #expect(a.keys.sorted() == b.keys.sorted())
            for (name, image) in a {
                #expect(b[name] == image, "\(name) differs between -t 1,2,3 and -t 1 -t 2 -t 3")
                #expect(FileManager.default.contentsEqual(atPath: scratch.path("a/\(name)"), andPath: scratch.path("b/\(name)")), "\(name)")
            }
            // And a list mixed with single values keeps the order of requests.
            let mixed = try scratch.run([bframesPath, "--json", "-o", "c/{index}.png", "-t", "3", "-t", "1,2", "-t", "50%,0.5"])
            let requested = jsonRecords(mixed).sorted { ($0.index ?? 0) < ($1.index ?? 0) }.map(\.requested)
            #expect(requested == [3, 1, 2, 5, 0.5], "\(mixed)")
            for (index, frame) in [(1, 75), (2, 25), (3, 50), (4, 125), (5, 12)] {
                expectShows(decodePNG(scratch.url("c/\(index).png")), frame: frame, "c/\(index).png")
            }
            scratch.expectOnlyPNGs(under: "c")
        }
    }

    @Test func sameTimeTwiceWritesTwoIdenticalImages() throws {
        try Scratch.with { scratch in
            let result = try scratch.run([bframesPath, "--json", "-o", "out/", "-t", "2", "-t", "2"])
            #expect(result.status == 0, "\(result)")
            let records = jsonRecords(result)
            #expect(records.compactMap(\.index).sorted() == [1, 2], "\(result)")
            #expect(Set(records.compactMap(\.path)) == ["out/h264-bframes-1.png", "out/h264-bframes-2.png"], "\(result)")
            for record in records { #expect(record.actual == 2, "\(record)") }
            let images = scratch.expectOnlyPNGs(under: "out")
            #expect(images.count == 2)
            let first = images["h264-bframes-1.png"], second = images["h264-bframes-2.png"]
            #expect(first != nil && first == second, "both requests give the same pixels")
            expectShows(first, frame: 50)
        }
    }

    /// A huge time still within the largest accepted is reported as asked (a request past the end), never
    /// silently changed; one past the largest is a usage error that says how far times go.
    @Test(arguments: [("2777777:46:40", 10_000_000_000.0), ("9999999999.5", 9_999_999_999.5), ("166666666:40", 10_000_000_000.0)])
    func hugeTimesAreNotSilentlyChanged(text: String, value: Double) throws {
        try Scratch.with { scratch in
            let result = try scratch.run([bframesPath, "--json", "-o", "out/", "--time=\(text)"])
            #expect(result.status == 1, "\(result)")
            let record = jsonRecords(result).first
            #expect(record?.code == "beyondEnd", "\(result)")
            #expect(record?.requested.map { abs($0 - value) <= value * 1e-12 } == true,
                    "-t \(text) is \(value) s; JSON says requested \(record?.requested.map { String($0) } ?? "nothing")")
            #expect(record?.error?.contains("9223372036") == false, "the message shows a saturated time: \(result)")
        }
    }

    @Test(arguments: ["999999999999:00", "999999999999:59:59.5", "10000000000.5"])
    func timesPastTheLargestAreUsageErrors(text: String) throws {
        try Scratch.with { scratch in
            let result = try scratch.run([bframesPath, "--json", "-o", "out/", "--time=\(text)"])
            #expect(result.status == 64, "\(result)")
            #expect(result.stderr.contains("too large") && result.stderr.contains("10000000000"), "\(result)")
        }
    }

    @Test(arguments: ["abc", "1,,2", "1,", "00:61", "1:2:3:4", "101%", "-5%", "1.2.3", "12x", "1e3", "inf", "nan", "½"])
    func malformedTimesAreUsageErrors(text: String) throws {
        try Scratch.with { scratch in
            let result = try scratch.run([bframesPath, "-o", "out/", "--time=\(text)"])
            #expect(result.status == 64, "\(result)")
            #expect(result.stdout == "", "\(result)")
            #expect(!result.stderr.isEmpty, "\(result)")
            #expect(!FileManager.default.fileExists(atPath: scratch.path("out")), "nothing written for -t '\(text)'")
        }
    }
}
