import Foundation
import FrameGrab
import TestSupport
import Testing

/// Exit status 0, 1 and 64, and what is still written when some requests or inputs fail.
@Suite struct ExitStatusTests {
    @Test func beyondTheEndFailsThatRequestOnly() throws {
        try Scratch.with { scratch in
            let result = try scratch.run([bframesPath, "-o", "out/", "-t", "1", "-t", "99"])
            #expect(result.status == 1, "\(result)")
            #expect(result.stdoutLines == ["out/h264-bframes-1.png"], "\(result)")
            expectShows(scratch.expectOnlyPNGs(under: "out")["h264-bframes-1.png"], frame: 25)
            #expect(result.stderrLines.count == 1, "\(result)")
            let message = result.stderrLines.first ?? ""
            #expect(message.contains(bframesPath) && message.contains("99"), "stderr names the file and the time: \(result)")
        }
    }

    @Test func beyondTheEndInJSON() throws {
        try Scratch.with { scratch in
            let result = try scratch.run([bframesPath, "--json", "-o", "out/", "-t", "1", "-t", "99", "-t", "10"])
            #expect(result.status == 1, "\(result)")
            let records = jsonRecords(result)
            #expect(records.count == 3, "\(result)")
            for record in records where record.index != 1 {
                expectKeys(record, JSONRecord.requestFailureKeys)
                #expect(record.code == "beyondEnd", "\(record)")
                #expect(record.error?.contains(bframesPath) == true, "\(record)")
            }
            #expect(records.first { $0.index == 1 }?.isImage == true, "\(result)")
            #expect(scratch.expectOnlyPNGs(under: "out").keys.sorted() == ["h264-bframes-1.png"])
        }
    }

    @Test func everythingWrittenIsStatusZero() throws {
        try Scratch.with { scratch in
            let result = try scratch.run([bframesPath, Fixtures.path("vfr.mkv"), "-o", "out/", "-t", "0,1"])
            #expect(result.status == 0 && result.stderr == "", "\(result)")
            #expect(result.stdoutLines.count == 4, "\(result)")
            #expect(scratch.expectOnlyPNGs(under: "out").count == 4)
        }
    }

    @Test(arguments: [
        ["-t", "abc"],
        ["-t", "1", "--max-size", "12"],
        ["-t", "1", "--max-size", "-1x5"],
        ["-t", "1", "--max-size", "axb"],
        ["-t", "1", "--tolerance", "soon"],
        ["-t", "1", "--tolerance-before", "-1"],
        ["-t", "1", "--aperture", "wide"],
        ["-t", "1", "--png-compression", "10"],
        ["-t", "1", "--jobs", "0"],
        ["-t", "1", "--threads", "0"],
        ["-t", "1", "--threads", "65"],
        ["-t", "1", "--no-such-option"],
        ["-t"],
        [],
    ])
    func usageErrorsAreStatus64(options: [String]) throws {
        try Scratch.with { scratch in
            let result = try scratch.run([bframesPath, "-o", "out/"] + options)
            #expect(result.status == 64, "\(result)")
            #expect(result.stdout == "", "\(result)")
            #expect(!result.stderr.isEmpty, "\(result)")
            #expect(scratch.files(under: ".").isEmpty, "nothing written")
        }
    }

    @Test func noInputIsAUsageError() throws {
        try Scratch.with { scratch in
            let result = try scratch.run(["-t", "1"])
            #expect(result.status == 64 && result.stdout == "" && !result.stderr.isEmpty, "\(result)")
        }
    }

    @Test func missingTimeIsAUsageErrorThatSaysSo() throws {
        try Scratch.with { scratch in
            let result = try scratch.run([bframesPath])
            #expect(result.status == 64, "\(result)")
            #expect(result.stderr.contains("-t"), "\(result)")
            #expect(scratch.files(under: ".").isEmpty)
        }
    }
}
