import Foundation
import FrameGrab
import TestSupport
import Testing

/// `-o`: tokens, zero padding, folders, and the refusal of templates that would write a file twice.
@Suite struct OutputTemplateCLITests {
    @Test func nameMsAndIndexTokensWithNestedFolders() throws {
        try Scratch.with { scratch in
            let input = try scratch.write("in/my.clip.v2.mp4", Damage.bytes(of: bframesName))
            let result = try scratch.run([input, "-o", "out/{name}/deep/{ms}-{index}.png", "-t", "1.5,0.04,2999.999ms"])
            #expect(result.status == 0, "\(result)")
            let expected = ["out/my.clip.v2/deep/1500-1.png", "out/my.clip.v2/deep/40-2.png", "out/my.clip.v2/deep/2999-3.png"]
            #expect(result.stdoutLines.sorted() == expected.sorted(), "\(result)")
            let images = scratch.expectOnlyPNGs(under: "out")
            #expect(images.keys.sorted() == expected.map { String($0.dropFirst(4)) }.sorted())
            expectShows(images["my.clip.v2/deep/1500-1.png"], frame: 37)
            expectShows(images["my.clip.v2/deep/40-2.png"], frame: 1)
            expectShows(images["my.clip.v2/deep/2999-3.png"], frame: 74)
        }
    }

    @Test func msOfAPercentageIsTheResolvedTime() throws {
        try Scratch.with { scratch in
            let result = try scratch.run([bframesPath, "-o", "out/{ms}.png", "-t", "50%,25%"])
            #expect(result.status == 0, "\(result)")
            #expect(result.stdoutLines.sorted() == ["out/2500.png", "out/5000.png"], "\(result)")
            let images = scratch.expectOnlyPNGs(under: "out")
            expectShows(images["5000.png"], frame: 125)
            expectShows(images["2500.png"], frame: 62)
        }
    }

    @Test(arguments: [(1, ["1"]), (9, ["1", "9"]), (10, ["01", "10"]), (12, ["01", "09", "12"]), (100, ["001", "010", "100"])])
    func indexIsZeroPaddedToTheRequestCount(count: Int, samples: [String]) throws {
        let times = (1...count).map { String(format: "%.2f", Double($0) * 0.09) }
        try Scratch.with { scratch in
            let result = try scratch.run([bframesPath, "-o", "out/{index}.png", "-t", times.joined(separator: ",")])
            #expect(result.status == 0, "\(result)")
            let width = String(count).count
            let names = (1...count).map { String($0).leftPadded(to: width) + ".png" }
            #expect(result.stdoutLines.sorted() == names.map { "out/" + $0 }.sorted(), "\(result)")
            let images = scratch.expectOnlyPNGs(under: "out")
            #expect(images.keys.sorted() == names.sorted())
            for sample in samples { #expect(images[sample + ".png"] != nil, "\(sample).png for \(count) requests") }
            for (offset, time) in times.enumerated() where count <= 12 || offset % 10 == 0 {
                expectShows(images[names[offset]], frame: bframes.frameShown(at: seconds(time)), "\(names[offset]) at \(time)")
            }
        }
    }

    /// A name taken from an input never climbs out of the output folder: `...webm` has the name `..`.
    @Test func inputNamesCannotClimbOut() throws {
        try Scratch.with { scratch in
            let dots = try scratch.write("in/...webm", Damage.bytes(of: "vp9.webm"))
            let result = try scratch.run([dots, "-o", "out/{name}/{index}.png", "-t", "1"])
            #expect(result.status == 0, "\(result)")
            #expect(result.stdoutLines == ["out/_../1.png"], "\(result)")
            #expect(scratch.files(under: ".").sorted() == ["in/...webm", "out/_../1.png"])
            expectShows(scratch.expectOnlyPNGs(under: "out")["_../1.png"], frame: 24)
        }
    }

    @Test func existingFolderWithoutSlashGetsTheDefaultName() throws {
        try Scratch.with { scratch in
            try FileManager.default.createDirectory(at: scratch.url("shots"), withIntermediateDirectories: true)
            let result = try scratch.run([bframesPath, "-o", "shots", "-t", "1"])
            #expect(result.status == 0, "\(result)")
            #expect(result.stdoutLines == ["shots/h264-bframes-1.png"], "\(result)")
            expectShows(scratch.expectOnlyPNGs(under: "shots")["h264-bframes-1.png"], frame: 25)
        }
    }

    @Test func defaultOutputIsTheWorkingDirectory() throws {
        try Scratch.with { scratch in
            let result = try scratch.run([bframesPath, "-t", "1"])
            #expect(result.status == 0, "\(result)")
            #expect(result.stdoutLines == ["h264-bframes-1.png"], "\(result)")
            expectShows(scratch.expectOnlyPNGs(under: ".")["h264-bframes-1.png"], frame: 25)
        }
    }

    /// Templates under which two requests would write the same file are refused before anything is decoded.
    @Test(arguments: [
        (["-o", "same.png", "-t", "1", "-t", "2"], "same.png", false),
        (["-o", "out/{ms}.png", "-t", "1", "-t", "1000ms"], "out/1000.png", false),
        (["-o", "out/{ms}.png", "-t", "50%", "-t", "5"], "out/5000.png", false),
        (["-o", "out/{index}.png", "-t", "1"], "out/1.png", true),
        (["-o", "out/./x/../{name}.png", "-t", "1", "-t", "2"], "h264-bframes.png", false),
    ])
    func collidingTemplatesAreRefused(options: [String], path: String, twoInputs: Bool) throws {
        try Scratch.with { scratch in
            let second = try scratch.write("in/other.mp4", Damage.bytes(of: "vp9.webm"))
            let result = try scratch.run([bframesPath] + (twoInputs ? [second] : []) + options)
            #expect(result.status == 64, "\(result)")
            #expect(result.stdout == "", "\(result)")
            #expect(result.stderr.contains(path), "stderr names \(path): \(result)")
            #expect(scratch.files(under: ".") == ["in/other.mp4"], "nothing written")
        }
    }

    /// Two inputs with the same file name in different folders, under the default template.
    @Test func sameNamedInputsCollide() throws {
        try Scratch.with { scratch in
            let a = try scratch.write("a/clip.webm", Damage.bytes(of: "vp9.webm"))
            let b = try scratch.write("b/clip.webm", Damage.bytes(of: "vp9.webm"))
            let result = try scratch.run([a, b, "-o", "out/", "-t", "1"])
            #expect(result.status == 64, "\(result)")
            #expect(result.stderr.contains("out/clip-1.png"), "\(result)")
            #expect(!FileManager.default.fileExists(atPath: scratch.path("out")), "nothing written")
        }
    }

    /// An output path that is one of the inputs would replace the video with a PNG: like two requests
    /// writing one file, that is refused up front, and the input is left as it was.
    @Test(arguments: ["in/clip.webm", "in/{name}.webm", "in/./clip.webm"])
    func outputOverAnInputIsRefused(template: String) throws {
        try Scratch.with { scratch in
            let original = try Damage.bytes(of: "vp9.webm")
            let input = try scratch.write("in/clip.webm", original)
            let result = try scratch.run(["in/clip.webm", "-o", template, "-t", "1"])
            #expect(result.status == 64, "framegrab would overwrite its input \(input): \(result)")
            #expect(result.stdout == "", "\(result)")
            let now = try [UInt8](Data(contentsOf: URL(fileURLWithPath: input)))
            // (Compared outside #expect: a failed comparison of two large arrays would make it compute their diff.)
            let unchanged = now == original
            #expect(unchanged, "the input video was replaced (\(now.count) bytes, PNG: \(now.starts(with: [0x89, 0x50, 0x4E, 0x47])))")
        }
    }

    @Test(arguments: ["{frame}.png", "out/{index.png", "out/{}.png", "out/", ""])
    func invalidTemplatesAreUsageErrors(template: String) throws {
        try Scratch.with { scratch in
            let result = try scratch.run([bframesPath, "-t", "1", "--output=\(template)"])
            if template == "out/" {
                // A folder is fine: this one is the control case.
                #expect(result.status == 0, "\(result)")
                scratch.expectOnlyPNGs(under: "out")
                return
            }
            #expect(result.status == 64, "\(result)")
            #expect(result.stdout == "" && !result.stderr.isEmpty, "\(result)")
            #expect(scratch.files(under: ".").isEmpty, "nothing written for -o '\(template)'")
        }
    }

    /// A file standing where a folder of the template must go: that request fails, the run goes on.
    @Test func unwritableOutputFailsThatRequestOnly() throws {
        try Scratch.with { scratch in
            try scratch.write("blocked", [1, 2, 3])
            let result = try scratch.run([bframesPath, Fixtures.path("vp9.webm"), "--json", "-o", "{name}/{index}.png", "-t", "1"])
            // h264-bframes/1.png can be written; the other input's folder is free too. Now block one:
            #expect(result.status == 0, "\(result)")
            let blocked = try scratch.run([bframesPath, "--json", "-o", "blocked/{index}.png", "-t", "1"])
            #expect(blocked.status == 1, "\(blocked)")
            let records = jsonRecords(blocked)
            #expect(records.count == 1 && records.first?.code == "writeFailed", "\(blocked)")
            #expect(records.first?.error?.contains("blocked/1.png") == true, "\(blocked)")
            #expect(scratch.files(under: ".").sorted() == ["blocked", "h264-bframes/1.png", "vp9/1.png"])
            scratch.expectOnlyPNGs(under: "h264-bframes")
            scratch.expectOnlyPNGs(under: "vp9")
        }
    }
}
