import Foundation
import FrameGrab
import TestSupport
import Testing

/// `framegrab IN -t … --golden DIR`: extract and compare in one step, against the files `-o DIR/…` would write.
@Suite struct GoldenGrabTests {
    @Test func matchingGoldensPassAndNothingIsWritten() throws {
        try Scratch.with { scratch in
            try scratch.extract("1,2.5", into: "golden")
            let before = scratch.files(under: "")
            let result = try scratch.run([bframesPath, "-t", "1,2.5", "--golden", "golden"])
            #expect(result.status == 0, "\(result)")
            #expect(result.stdoutLines.sorted() == [
                "pass golden/h264-bframes-1.png: max-diff=0 differing=0/76800 psnr=inf ssim=1.000000",
                "pass golden/h264-bframes-2.png: max-diff=0 differing=0/76800 psnr=inf ssim=1.000000"], "\(result)")
            #expect(scratch.files(under: "") == before, "files were left behind")
        }
    }

    /// The output template applies inside the golden folder.
    @Test func theTemplateNamesTheGoldenFile() throws {
        try Scratch.with { scratch in
            let made = try scratch.run([bframesPath, "-t", "2", "-o", "golden/sets/{name}@{ms}.png"])
            #expect(made.status == 0, "\(made)")
            let result = try scratch.run([bframesPath, "-t", "2", "-o", "sets/{name}@{ms}.png", "--golden", "golden/", "--json"])
            #expect(result.status == 0, "\(result)")
            let record = try #require(jsonRecords(result).first)
            #expect(record.object["golden"] as? String == "golden/sets/h264-bframes@2000.png" && record.object["verdict"] as? String == "pass", "\(result)")
            let absolute = try scratch.run([bframesPath, "-t", "2", "-o", "/tmp/x.png", "--golden", "golden"])
            #expect(absolute.status == 64, "\(absolute)")
        }
    }

    @Test func differencesFailWithThresholdsAndDiffImages() throws {
        try Scratch.with { scratch in
            try scratch.extract("1,2", into: "golden")
            try scratch.changeOnePixel("golden/h264-bframes-2.png", x: 5, y: 6)
            let failing = try scratch.run([bframesPath, "-t", "1,2", "--golden", "golden", "--diff-out", "diffs"])
            #expect(failing.status == 1, "\(failing)")
            #expect(failing.stdoutLines.contains { $0.hasPrefix("FAIL golden/h264-bframes-2.png: max-diff=") && $0.contains("differing=1/76800") }, "\(failing)")
            #expect(scratch.files(under: "diffs") == ["h264-bframes-2.png"])
            #expect(decodePNG(scratch.url("diffs/h264-bframes-2.png")).map { [$0.width, $0.height] } == [320, 240])
            let allowed = try scratch.run([bframesPath, "-t", "1,2", "--golden", "golden", "--max-differing-pixels", "1"])
            #expect(allowed.status == 0, "\(allowed)")
            let psnr = try scratch.run([bframesPath, "-t", "1,2", "--golden", "golden", "--min-psnr", "35"])
            #expect(psnr.status == 0, "\(psnr)")
        }
    }

    @Test func missingAndUnreadableGoldens() throws {
        try Scratch.with { scratch in
            try scratch.extract("1", into: "golden")
            let missing = try scratch.run([bframesPath, "-t", "1,2", "--golden", "golden"])
            #expect(missing.status == 1, "\(missing)")
            #expect(missing.stdoutLines.contains("missing golden/h264-bframes-2.png: no golden file golden/h264-bframes-2.png"), "\(missing)")
            try scratch.write("golden/h264-bframes-2.png", Array("not a png".utf8))
            let unreadable = try scratch.run([bframesPath, "-t", "1,2", "--golden", "golden"])
            #expect(unreadable.status == 2, "\(unreadable)")
            #expect(unreadable.stdoutLines.contains { $0.hasPrefix("unreadable golden/h264-bframes-2.png") && $0.contains("not a PNG file") }, "\(unreadable)")
            #expect(unreadable.stdoutLines.contains { $0.hasPrefix("pass golden/h264-bframes-1.png") }, "\(unreadable)")
        }
    }

    /// 16-bit and alpha images compare at 16 bits (peak 65535); an 8-bit run against 16-bit goldens is
    /// compared at 16 bits too, and is close but not equal.
    @Test func sixteenBitAndAlphaGoldens() throws {
        let inputs = ["colour-10bit.mp4", "alpha-prores.mov"].map(Fixtures.path)
        try Scratch.with { scratch in
            #expect(try scratch.run(inputs + ["-t", "0.04", "-o", "golden/", "--depth", "16"]).status == 0)
            let same = try scratch.run(inputs + ["-t", "0.04", "--golden", "golden", "--depth", "16", "--json"])
            #expect(same.status == 0, "\(same)")
            let records = jsonRecords(same)
            #expect(records.count == 2 && records.allSatisfy { $0.object["peak"] as? Int == 65535 && $0.object["verdict"] as? String == "pass" }, "\(same)")
            let eight = try scratch.run(inputs + ["-t", "0.04", "--golden", "golden", "--json"])
            #expect(eight.status == 1, "\(eight)")
            let close = try scratch.run(inputs + ["-t", "0.04", "--golden", "golden", "--min-psnr", "40"])
            #expect(close.status == 0, "\(close)")
        }
    }

    @Test func skipExistingDoesNotGoWithGolden() throws {
        try Scratch.with { scratch in
            try scratch.extract("1", into: "golden")
            let result = try scratch.run([bframesPath, "-t", "1", "--golden", "golden", "--skip-existing"])
            #expect(result.status == 64, "\(result)")
        }
    }

    @Test(arguments: [["--min-psnr", "30"], ["--resize"], ["--diff-out", "d"], ["--max-diff", "3"]])
    func comparisonOptionsNeedGolden(option: [String]) throws {
        try Scratch.with { scratch in
            let result = try scratch.run([bframesPath, "-t", "1"] + option)
            #expect(result.status == 64 && result.stderr.contains("need --golden"), "\(result)")
            #expect(scratch.files(under: "").isEmpty)
        }
    }
}
