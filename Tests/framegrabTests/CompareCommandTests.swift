import Foundation
import FrameGrab
import TestSupport
import Testing

extension Scratch {
    /// Extracts frames of the B-frame fixture at `times` into `folder` (named `h264-bframes-N.png`), and
    /// returns the relative paths written.
    @discardableResult
    func extract(_ times: String, into folder: String, sourceLocation: SourceLocation = #_sourceLocation) throws -> [String] {
        let result = try run([bframesPath, "-t", times, "-o", folder + "/"], sourceLocation: sourceLocation)
        #expect(result.status == 0, "\(result)", sourceLocation: sourceLocation)
        return result.stdoutLines
    }

    /// Copies a file (creating folders).
    func copy(_ from: String, _ to: String) throws {
        try write(to, [UInt8](try Data(contentsOf: url(from))))
    }

    func bytes(_ relative: String) -> [UInt8]? { FileManager.default.contents(atPath: path(relative)).map { [UInt8]($0) } }

    /// Rewrites a PNG with one pixel's red channel inverted.
    func changeOnePixel(_ relative: String, x: Int = 10, y: Int = 200) throws {
        let image = try FrameImage(contentsOfPNG: url(relative))
        var pixels = image.pixels
        let index = (y * image.width + x) * image.pixelFormat.channels
        pixels[index] = 255 - pixels[index]
        try FrameImage(width: image.width, height: image.height, pixelFormat: image.pixelFormat, pixels: pixels).writePNG(to: url(relative))
    }
}

@Suite struct CompareCommandTests {
    @Test func identicalFilesAndFoldersPass() throws {
        try Scratch.with { scratch in
            try scratch.extract("1,2", into: "golden")
            try scratch.extract("1,2", into: "out")
            let files = try scratch.run(["compare", "out/h264-bframes-1.png", "golden/h264-bframes-1.png"])
            #expect(files.status == 0, "\(files)")
            #expect(files.stdoutLines.first == "pass h264-bframes-1.png: max-diff=0 differing=0/76800 psnr=inf ssim=1.000000", "\(files)")
            let folders = try scratch.run(["compare", "out", "golden/"])
            #expect(folders.status == 0, "\(folders)")
            #expect(folders.stdoutLines.count == 3 && folders.stdoutLines.prefix(2).allSatisfy { $0.hasPrefix("pass ") }, "\(folders)")
            #expect(folders.stdoutLines.last?.contains("2 pairs, 2 passed, 0 failed") == true, "\(folders)")
        }
    }

    /// The default compares decoded pixels, not bytes: the same image written at another compression level passes.
    @Test func defaultIsPixelEqualityNotByteEquality() throws {
        try Scratch.with { scratch in
            try scratch.extract("1", into: "golden")
            let result = try scratch.run([bframesPath, "-t", "1", "-o", "out/", "--png-compression", "9"])
            #expect(result.status == 0)
            #expect(scratch.bytes("out/h264-bframes-1.png") != scratch.bytes("golden/h264-bframes-1.png"))
            let compared = try scratch.run(["compare", "out", "golden"])
            #expect(compared.status == 0, "\(compared)")
        }
    }

    @Test func onePixelChangeFailsByDefaultAndPassesWithAPixelAllowance() throws {
        try Scratch.with { scratch in
            try scratch.extract("2", into: "golden")
            try scratch.copy("golden/h264-bframes-1.png", "out/h264-bframes-1.png")
            try scratch.changeOnePixel("out/h264-bframes-1.png")
            let exact = try scratch.run(["compare", "out", "golden"])
            #expect(exact.status == 1, "\(exact)")
            #expect(exact.stdoutLines.first?.hasPrefix("FAIL h264-bframes-1.png: max-diff=") == true, "\(exact)")
            #expect(exact.stdoutLines.first?.contains("differing=1/76800") == true, "\(exact)")
            for allowance in ["1", "0.002%"] {  // 0.002% of 76800 = 1.536 → 1
                let allowed = try scratch.run(["compare", "out", "golden", "--max-differing-pixels", allowance])
                #expect(allowed.status == 0, "\(allowed)")
            }
            let tooFew = try scratch.run(["compare", "out", "golden", "--max-differing-pixels", "0.001%"])  // 0.768 → 0
            #expect(tooFew.status == 1, "\(tooFew)")
        }
    }

    /// A frame re-encoded through JPEG (quality 2) is close, not equal: it fails the default and passes
    /// --min-psnr 35. framegrab's PSNR equals ffmpeg's, and its SSIM with FFmpeg's constants equals ffmpeg's.
    @Test func reEncodedFramePassesMinPSNRAndMetricsMatchFFmpeg() throws {
        try Scratch.with { scratch in
            try scratch.extract("2.5", into: "golden")
            try FileManager.default.createDirectory(at: scratch.url("out"), withIntermediateDirectories: true)
            try FFmpegTool.run(["-i", "golden/h264-bframes-1.png", "-q:v", "2", "frame.jpg"], in: scratch.url)
            try FFmpegTool.run(["-i", "frame.jpg", "-pix_fmt", "rgb24", "out/h264-bframes-1.png"], in: scratch.url)

            let exact = try scratch.run(["compare", "out", "golden", "--json"])
            #expect(exact.status == 1, "\(exact)")
            let loose = try scratch.run(["compare", "out", "golden", "--min-psnr", "35", "--json"])
            #expect(loose.status == 0, "\(loose)")
            let record = try #require(jsonRecords(loose).first)
            let psnr = try #require(record.object["psnr"] as? Double)
            let ssim = try #require(record.object["ssim"] as? Double)
            #expect(psnr > 35 && psnr < 60 && ssim < 1)

            let reference = try FFmpegTool.metrics("out/h264-bframes-1.png", "golden/h264-bframes-1.png", in: scratch.url)
            // PSNR: the same definition (MSE over R, G, B); ffmpeg prints 6 decimals, framegrab's JSON 6.
            #expect(abs(psnr - reference.psnr) < 0.0001, "framegrab \(psnr) dB, ffmpeg \(reference.psnr) dB")
            // SSIM with FFmpeg's C1 reproduces ffmpeg's value (it computes in single precision).
            let actual = try FrameImage(contentsOfPNG: scratch.url("out/h264-bframes-1.png"))
            let golden = try FrameImage(contentsOfPNG: scratch.url("golden/h264-bframes-1.png"))
            let ffmpegStyle = try ImageComparison.ssim(actual: actual, golden: golden, constants: .ffmpeg)
            #expect(abs(ffmpegStyle - reference.ssim) < 0.0001, "framegrab (FFmpeg constants) \(ffmpegStyle), ffmpeg \(reference.ssim)")
            // The reported SSIM uses the paper's C1, which forgives more in flat dark areas: never lower.
            #expect(ssim >= reference.ssim - 0.0001 && ssim - reference.ssim < 0.05, "framegrab \(ssim), ffmpeg \(reference.ssim)")
        }
    }

    @Test func foldersWithAMissingAndAnExtraFile() throws {
        try Scratch.with { scratch in
            try scratch.extract("1,2", into: "golden")
            try scratch.copy("golden/h264-bframes-1.png", "out/h264-bframes-1.png")
            try scratch.copy("golden/h264-bframes-2.png", "out/deeper/new.png")
            try scratch.write("out/notes.txt", Array("not an image".utf8))  // ignored: not *.png
            let result = try scratch.run(["compare", "out", "golden"])
            #expect(result.status == 1, "\(result)")
            #expect(result.stdoutLines.contains { $0.hasPrefix("extra deeper/new.png") }, "\(result)")
            #expect(result.stdoutLines.contains { $0.hasPrefix("missing h264-bframes-2.png") }, "\(result)")
            #expect(result.stdoutLines.contains { $0.hasPrefix("pass h264-bframes-1.png") }, "\(result)")
            #expect(try scratch.run(["compare", "out", "golden", "--allow-missing"]).status == 1)
            #expect(try scratch.run(["compare", "out", "golden", "--allow-extra"]).status == 1)
            let both = try scratch.run(["compare", "out", "golden", "--allow-missing", "--allow-extra", "--json"])
            #expect(both.status == 0, "\(both)")
            let records = jsonRecords(both)
            #expect(records.map { $0.object["verdict"] as? String } == ["extra", "pass", "missing"], "\(both)")
            let summaryLine = try #require(both.jsonSummary, "no {\"summary\":…} line\n\(both)")
            let summaryObject = try JSONSerialization.jsonObject(with: Data(summaryLine.utf8)) as? [String: Any]
            let summary = try #require(summaryObject?["summary"] as? [String: Any])
            #expect(summary["pairs"] as? Int == 3 && summary["missing"] as? Int == 1 && summary["extra"] as? Int == 1
                    && summary["status"] as? Int == 0, "\(both)")
        }
    }

    @Test func sizeMismatchFailsUnlessResize() throws {
        try Scratch.with { scratch in
            try scratch.extract("1", into: "golden")
            let small = try scratch.run([bframesPath, "-t", "1", "-o", "out/", "--max-size", "160x0"])
            #expect(small.status == 0)
            let result = try scratch.run(["compare", "out", "golden", "--diff-out", "diff"])
            #expect(result.status == 1, "\(result)")
            #expect(result.stdoutLines.first?.contains("size 160x120 differs from the golden's 320x240") == true, "\(result)")
            #expect(scratch.files(under: "diff").isEmpty)
            // Scaled back up, the picture of big blocks stays close.
            let resized = try scratch.run(["compare", "out", "golden", "--resize", "--min-psnr", "20", "--min-ssim", "0.8"])
            #expect(resized.status == 0, "\(resized)")
            #expect(resized.stdoutLines.first?.contains("(resized)") == true && resized.stdoutLines.first?.contains("/76800") == true, "\(resized)")
            let strict = try scratch.run(["compare", "out", "golden", "--resize", "--diff-out", "diff"])
            #expect(strict.status == 1, "\(strict)")
            let diff = try #require(decodePNG(scratch.url("diff/h264-bframes-1.png")))
            #expect(diff.width == 320 && diff.height == 240)
        }
    }

    @Test func unreadableInputsExitWithTwo() throws {
        try Scratch.with { scratch in
            try scratch.extract("1", into: "golden")
            let png = try #require(scratch.bytes("golden/h264-bframes-1.png"))
            try scratch.write("text.png", Array("hello".utf8))
            try scratch.write("cut.png", Array(png.prefix(png.count / 2)))
            var corrupt = png
            for i in 40..<min(140, corrupt.count) { corrupt[i] ^= 0x5A }
            try scratch.write("corrupt.png", corrupt)
            for (bad, expected) in [("text.png", "not a PNG file"), ("cut.png", "damaged PNG"), ("corrupt.png", "damaged PNG")] {
                for arguments in [["compare", bad, "golden/h264-bframes-1.png"], ["compare", "golden/h264-bframes-1.png", bad]] {
                    let result = try scratch.run(arguments)
                    #expect(result.status == 2, "\(result)")
                    #expect(result.stdout.contains("unreadable") && result.stdout.contains("\(bad): \(expected)"), "\(result)")
                }
            }
            // In folders, the unreadable pair makes the status 2 and the others are still compared.
            try scratch.copy("golden/h264-bframes-1.png", "out/h264-bframes-1.png")
            try scratch.copy("text.png", "out/b.png")
            try scratch.copy("text.png", "golden/b.png")
            let folders = try scratch.run(["compare", "out", "golden"])
            #expect(folders.status == 2 && folders.stdoutLines.contains { $0.hasPrefix("pass h264-bframes-1.png") }, "\(folders)")
            let missing = try scratch.run(["compare", "nothing.png", "golden/h264-bframes-1.png"])
            #expect(missing.status == 2 && missing.stderr.contains("nothing.png: no such file or folder"), "\(missing)")
        }
    }

    @Test(arguments: [
        ["compare", "golden/h264-bframes-1.png", "golden"],
        ["compare", "golden"],
        ["compare", "golden", "golden", "--max-diff", "300"],
        ["compare", "golden", "golden", "--max-differing-pixels", "lots"],
        ["compare", "golden", "golden", "--min-psnr", "x"],
        ["compare", "golden", "golden", "--min-ssim", "2"],
    ])
    func usageErrorsExitWith64(arguments: [String]) throws {
        try Scratch.with { scratch in
            try scratch.extract("1", into: "golden")
            let result = try scratch.run(arguments)
            #expect(result.status == 64, "\(result)")
        }
    }

    @Test func updateReplacesExactlyTheFailingAndExtraFiles() throws {
        try Scratch.with { scratch in
            try scratch.extract("1,2,3", into: "golden")
            try scratch.extract("1,2,3", into: "out")
            try scratch.changeOnePixel("out/h264-bframes-2.png")
            try scratch.copy("out/h264-bframes-3.png", "out/new/extra.png")
            try FileManager.default.removeItem(at: scratch.url("out/h264-bframes-3.png"))  // golden 3 is missing from out
            let before = scratch.files(under: "golden").map { ($0, scratch.bytes("golden/" + $0)) }
            let modified = try FileManager.default.attributesOfItem(atPath: scratch.path("golden/h264-bframes-1.png"))[.modificationDate] as? Date

            let result = try scratch.run(["compare", "out", "golden", "--update", "--max-diff", "0"])
            // The missing golden file still fails: --update has nothing to copy for it.
            #expect(result.status == 1, "\(result)")
            #expect(result.stderrLines.sorted() == ["framegrab: replaced golden/h264-bframes-2.png with out/h264-bframes-2.png",
                                                    "framegrab: replaced golden/new/extra.png with out/new/extra.png"], "\(result)")
            #expect(result.stdoutLines.contains { $0.hasPrefix("updated h264-bframes-2.png") }, "\(result)")
            #expect(scratch.files(under: "golden") == ["h264-bframes-1.png", "h264-bframes-2.png", "h264-bframes-3.png", "new/extra.png"])
            #expect(scratch.bytes("golden/h264-bframes-2.png") == scratch.bytes("out/h264-bframes-2.png"))
            #expect(scratch.bytes("golden/new/extra.png") == scratch.bytes("out/new/extra.png"))
            for (file, bytes) in before where file != "h264-bframes-2.png" {
                #expect(scratch.bytes("golden/" + file) == bytes, "\(file) changed")
            }
            let after = try FileManager.default.attributesOfItem(atPath: scratch.path("golden/h264-bframes-1.png"))[.modificationDate] as? Date
            #expect(modified == after, "the passing golden file was rewritten")
            #expect(try scratch.run(["compare", "out", "golden", "--allow-missing"]).status == 0)
        }
    }

    /// `--update` with no golden set yet creates it (folders and single files).
    @Test func updateCreatesAMissingGolden() throws {
        try Scratch.with { scratch in
            try scratch.extract("1,2", into: "out/sub")
            #expect(try scratch.run(["compare", "out", "golden"]).status == 2)
            let result = try scratch.run(["compare", "out", "golden", "--update"])
            #expect(result.status == 0, "\(result)")
            #expect(scratch.files(under: "golden") == ["sub/h264-bframes-1.png", "sub/h264-bframes-2.png"])
            #expect(scratch.bytes("golden/sub/h264-bframes-2.png") == scratch.bytes("out/sub/h264-bframes-2.png"))
            let single = try scratch.run(["compare", "out/sub/h264-bframes-1.png", "one.png", "--update"])
            #expect(single.status == 0 && single.stderrLines == ["framegrab: replaced one.png with out/sub/h264-bframes-1.png"], "\(single)")
            #expect(try scratch.run(["compare", "out", "golden"]).status == 0)
            #expect(try scratch.run(["compare", "out/sub/h264-bframes-1.png", "one.png"]).status == 0)
        }
    }

    @Test func diffImagesAreWrittenForFailingPairsOnly() throws {
        try Scratch.with { scratch in
            try scratch.extract("1,2", into: "golden")
            try scratch.extract("1,2", into: "out")
            try scratch.changeOnePixel("out/h264-bframes-2.png", x: 33, y: 44)
            let result = try scratch.run(["compare", "out", "golden", "--diff-out", "diffs", "--json"])
            #expect(result.status == 1, "\(result)")
            #expect(scratch.files(under: "diffs") == ["h264-bframes-2.png"])
            #expect(jsonRecords(result).first { $0.object["verdict"] as? String == "fail" }?.object["diff"] as? String == "diffs/h264-bframes-2.png")
            let diff = try #require(decodePNG(scratch.url("diffs/h264-bframes-2.png")))
            #expect(diff.width == 320 && diff.height == 240)
            #expect(diff.sample(x: 33, y: 44, channel: 0) >= 128 && diff.sample(x: 33, y: 44, channel: 1) == 0)
            #expect(diff.sample(x: 34, y: 44, channel: 0) == diff.sample(x: 34, y: 44, channel: 1))
        }
    }

    /// The README's CI recipe, as written there (with the fixture for movie.mp4), against a golden set made
    /// by an earlier run.
    @Test func readmeRecipe() throws {
        let readme = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("README.md")
        let text = try String(contentsOf: readme, encoding: .utf8)
        let marker = try #require(text.range(of: "<!-- ci-recipe -->\n```sh\n"))
        let line = String(text[marker.upperBound...].prefix { $0 != "\n" })
        let steps = line.components(separatedBy: " && ").map { $0.split(separator: " ").map(String.init) }
        #expect(steps.count == 2 && steps.allSatisfy { $0.first == "framegrab" }, "\(line)")
        try Scratch.with { scratch in
            let approve = steps[0].dropFirst().map { $0 == "movie.mp4" ? bframesPath : $0 == "out/" ? "golden/" : $0 }
            #expect(try scratch.run(approve).status == 0)
            for step in steps {
                let result = try scratch.run(step.dropFirst().map { $0 == "movie.mp4" ? bframesPath : $0 })
                #expect(result.status == 0, "\(result)")
            }
            #expect(scratch.files(under: "out") == ["h264-bframes-1.png", "h264-bframes-2.png", "h264-bframes-3.png"])
        }
    }

    @Test func helpListsCompare() throws {
        try Scratch.with { scratch in
            let top = try scratch.run(["--help"])
            #expect(top.stdout.contains("compare   "), "\(top)")
            let help = try scratch.run(["compare", "--help"])
            #expect(help.status == 0)
            for option in ["--max-diff", "--max-differing-pixels", "--min-psnr", "--min-ssim", "--resize", "--diff-out",
                           "--allow-missing", "--allow-extra", "--update", "--json"] {
                #expect(help.stdout.contains(option), "compare --help does not mention \(option)")
            }
            // The man page and the README describe the same options.
            let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            let man = try String(contentsOf: root.appendingPathComponent("man/framegrab.1"), encoding: .utf8)
            let readme = try String(contentsOf: root.appendingPathComponent("README.md"), encoding: .utf8)
            for option in ["--max-diff", "--max-differing-pixels", "--min-psnr", "--min-ssim", "--resize", "--diff-out",
                           "--allow-missing", "--allow-extra", "--update", "--golden", "--metadata"] {
                #expect(man.contains(option.replacingOccurrences(of: "-", with: "\\-")), "the man page does not mention \(option)")
                #expect(readme.contains("`\(option)"), "the README does not mention \(option)")
            }
        }
    }
}
