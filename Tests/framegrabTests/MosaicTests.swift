import Foundation
import FrameGrab
import TestSupport
import Testing

/// `framegrab sheet` and `framegrab storyboard` from the built binary: every tile and cell is `grab`'s image
/// at the same time and size, read back pixel for pixel and by the frame number drawn in the fixture.
@Suite struct MosaicTests {
    /// `grab`'s images of `fixture` at `--count`/`--every` times and `--max-size WIDTHx0`, by index.
    func grabbed(_ scratch: Scratch, _ fixture: String, times: [String], width: Int) throws -> [Int: (requested: Double, image: FrameImage)] {
        let result = try scratch.run([Fixtures.path(fixture), "--json", "-q", "--max-size", "\(width)x0", "-o", "grab/{index}.png"] + times)
        #expect(result.status == 0, "\(result)")
        var images: [Int: (Double, FrameImage)] = [:]
        for record in jsonRecords(result) where record.isImage {
            images[record.index!] = (record.requested!, try FrameImage(contentsOfPNG: scratch.url(record.path!)))
        }
        return images
    }

    /// The duration framegrab reads, as `probe --json` prints it.
    func duration(_ scratch: Scratch, _ fixture: String) throws -> Double {
        let probe = try scratch.run(["probe", "--json", Fixtures.path(fixture)])
        return try #require(jsonRecords(probe).first?.object["duration"] as? Double)
    }

    @Test(arguments: [("h264-bframes.mp4", 320), ("rotated90.mp4", 100), ("anamorphic.mp4", 120)])
    func everyTileOfASheetIsGrabsImage(fixture: String, tileWidth: Int) throws {
        try Scratch.with { scratch in
            let result = try scratch.run(["sheet", Fixtures.path(fixture), "--json", "-q", "--tile-width", "\(tileWidth)", "-o", "sheets/"])
            #expect(result.status == 0, "\(result)")
            let record = try #require(jsonRecords(result).first)
            #expect(record.keyOrder == ["input", "path", "width", "height", "tiles"])
            let sheet = try FrameImage(contentsOfPNG: scratch.url(try #require(record.path)))
            #expect(record.path == "sheets/\((fixture as NSString).deletingPathExtension)-sheet.png")
            #expect(sheet.width == record.width && sheet.height == record.height)
            let tiles = try #require(record.object["tiles"] as? [[String: Any]])
            #expect(tiles.count == 16, "--count 16 by default")
            // The times are grab's --count 16 times, and each tile is grab's image at that time and size.
            let grab = try grabbed(scratch, fixture, times: ["--count", "16"], width: tileWidth)
            let video = Fixtures.video(fixture)
            var previousY = -1, previousX = -1
            for tile in tiles {
                let index = try #require(tile["index"] as? Int)
                let x = try #require(tile["x"] as? Int), y = try #require(tile["y"] as? Int)
                let width = try #require(tile["width"] as? Int), height = try #require(tile["height"] as? Int)
                let expected = try #require(grab[index])
                #expect(tile["requested"] as? Double == expected.requested, "tile \(index)")
                #expect(width == expected.image.width && height == expected.image.height, "tile \(index)")
                let picture = sheet.cropped(x: x, y: y, width: width, height: height)
                #expect(picture == expected.image, "tile \(index) differs from grab's image")
                let shown = video.frameShown(at: MediaTime(seconds: expected.requested, preferredTimescale: 1_000_000))
                #expect(frameNumber(in: picture, orientation: video.displayOrientation) == shown, "tile \(index)")
                // Left to right, then top to bottom.
                #expect(y > previousY || (y == previousY && x > previousX), "tile \(index) is out of order")
                (previousX, previousY) = (x, y)
            }
        }
    }

    @Test func sheetsInJPEGAndWebPDecodeBackToThePNGSheet() throws {
        try Scratch.with { scratch in
            let fixture = Fixtures.path("h264-bframes.mp4")
            let png = try scratch.run(["sheet", fixture, "-q", "--columns", "3", "--count", "6", "-o", "a.png"])
            #expect(png.status == 0, "\(png)")
            let reference = try FrameImage(contentsOfPNG: scratch.url("a.png"))
            for (arguments, file) in [(["-o", "b.jpg"], "b.jpg"), (["--format", "webp", "-o", "out/"], "out/h264-bframes-sheet.webp")] {
                let result = try scratch.run(["sheet", fixture, "-q", "--columns", "3", "--count", "6"] + arguments)
                #expect(result.status == 0 && result.stdout == file + "\n", "\(result)")
                let decoded = try SpriteSheets.decode(scratch.url(file))
                #expect(decoded.width == reference.width && decoded.height == reference.height)
                let metrics = try ImageComparison.metrics(actual: decoded, golden: reference)
                // (Saturated colour bars and text are hard on 4:2:0 chroma: about 29 dB at quality 85.)
                #expect(metrics.psnr > 27, "\(file): PSNR \(metrics.psnr) against the PNG sheet")
            }
            // Byte-stable: the same sheet twice.
            _ = try scratch.run(["sheet", fixture, "-q", "--columns", "3", "--count", "6", "-o", "c.jpg"])
            #expect(try Data(contentsOf: scratch.url("b.jpg")) == Data(contentsOf: scratch.url("c.jpg")))
        }
    }

    @Test func grabWritesJPEGAndWebPByOptionOrExtension() throws {
        try Scratch.with { scratch in
            let fixture = Fixtures.path("vp9.webm")
            #expect(try scratch.run([fixture, "-t", "1", "-q", "-o", "ref/"]).status == 0)
            let reference = try FrameImage(contentsOfPNG: scratch.url("ref/vp9-1.png"))
            let cases: [([String], String)] = [(["--format", "jpeg", "-o", "a/"], "a/vp9-1.jpg"), (["-o", "b/{name}.webp"], "b/vp9.webp"),
                                               (["--format", "webp", "--quality", "60"], "vp9-1.webp")]
            for (arguments, file) in cases {
                let result = try scratch.run([fixture, "-t", "1", "-q"] + arguments)
                #expect(result.status == 0 && result.stdout == file + "\n", "\(result)")
                let decoded = try SpriteSheets.decode(scratch.url(file))
                let metrics = try ImageComparison.metrics(actual: decoded, golden: reference)
                #expect(metrics.psnr > 28, "\(file): PSNR \(metrics.psnr)")
            }
            // Twice the same bytes; --skip-existing knows a complete JPEG.
            let again = try scratch.run([fixture, "-t", "1", "-q", "--format", "jpeg", "-o", "c/"])
            #expect(again.status == 0)
            #expect(try Data(contentsOf: scratch.url("a/vp9-1.jpg")) == Data(contentsOf: scratch.url("c/vp9-1.jpg")))
            let skipped = try scratch.run([fixture, "-t", "1", "--json", "--format", "jpeg", "-o", "c/", "--skip-existing"])
            #expect(jsonRecords(skipped).first?.object["skipped"] as? Bool == true, "\(skipped)")
            for refused in [["--format", "jpeg", "-o", "x.png"], ["--quality", "50"], ["--format", "jpeg", "--depth", "16"],
                            ["--format", "webp", "--hdr", "keep"], ["--format", "jpeg", "--metadata"], ["--quality", "101", "--format", "jpeg"]] {
                let result = try scratch.run([fixture, "-t", "1"] + refused)
                #expect(result.status == 64, "\(refused): \(result)")
            }
        }
    }

    @Test func aStoryboardsCellsAreGrabsImagesAndItsVTTIsWhatPlayersRead() throws {
        try Scratch.with { scratch in
            let fixture = "h264-bframes.mp4"
            let result = try scratch.run(["storyboard", Fixtures.path(fixture), "--every", "0.5", "--columns", "4", "--rows", "2",
                                          "--format", "png", "-o", "board", "--json", "-q"])
            #expect(result.status == 0, "\(result)")
            let record = try #require(jsonRecords(result).first)
            #expect(record.keyOrder == ["input", "vtt", "sprites", "cues", "cellWidth", "cellHeight"])
            #expect(record.object["vtt"] as? String == "board/h264-bframes.vtt")
            let sprites = try #require(record.object["sprites"] as? [String])
            #expect(sprites == (1...3).map { "board/h264-bframes-storyboard-\($0).png" }, "20 cells, 8 per sprite")
            let vtt = try WebVTT.validatedStoryboard(at: scratch.url("board/h264-bframes.vtt"), duration: try duration(scratch, fixture))
            #expect(vtt.cues.count == 20 && record.object["cues"] as? Int == 20)
            let grab = try grabbed(scratch, fixture, times: ["--every", "0.5"], width: 160)
            for (position, cue) in vtt.cues.enumerated() {
                let region = try #require(cue.region)
                let expected = try #require(grab[position + 1])
                // Cue i starts at its time (the first at 0) and shows grab's image of that time.
                #expect(position == 0 ? cue.start.milliseconds == 0 : Double(cue.start.milliseconds) / 1000 == expected.requested, "cue \(position)")
                let cell = try SpriteSheets.decode(scratch.url("board/" + region.file)).cropped(x: region.x, y: region.y, width: region.width, height: region.height)
                #expect(cell == expected.image, "cell \(position) differs from grab's image at \(expected.requested) s")
            }
        }
    }

    @Test func storyboardsDefaultToACellEvery5sInJPEGAndSkipWhatIsComplete() throws {
        try Scratch.with { scratch in
            let fixture = Fixtures.path("h264-bframes.mp4")
            let first = try scratch.run(["storyboard", fixture, "-q"])
            #expect(first.status == 0 && first.stdout == "h264-bframes.vtt\n", "\(first)")
            let text = try String(contentsOf: scratch.url("h264-bframes.vtt"), encoding: .utf8)
            #expect(text.contains("00:00:00.000 --> 00:00:05.000\nh264-bframes-storyboard-1.jpg#xywh=0,0,160,120"), "\(text)")
            #expect(text.contains("00:00:05.000 --> 00:00:10.000\nh264-bframes-storyboard-1.jpg#xywh=160,0,160,120"), "\(text)")
            let again = try scratch.run(["storyboard", fixture, "--json", "--skip-existing"])
            #expect(jsonRecords(again).first?.object["skipped"] as? Bool == true, "\(again)")
            // A sprite cut short: the storyboard is made again.
            let sprite = scratch.url("h264-bframes-storyboard-1.jpg")
            let bytes = try Data(contentsOf: sprite)
            try bytes.prefix(bytes.count / 2).write(to: sprite)
            let redo = try scratch.run(["storyboard", fixture, "--json", "--skip-existing"])
            #expect(jsonRecords(redo).first?.object["vtt"] != nil, "\(redo)")
            #expect(try Data(contentsOf: sprite) == bytes)
        }
    }

    /// A sheet of ten thousand tiles (or a sprite of a million cells) would be gigapixels: refused, with
    /// the size, before anything is decoded.
    @Test func picturesOfMoreThan100MegapixelsAreRefused() throws {
        try Scratch.with { scratch in
            for arguments in [["sheet", "--every", "0.001"], ["storyboard", "--every", "0.001", "--columns", "1000", "--rows", "1000"]] {
                let started = Date()
                let result = try scratch.run([arguments[0], Fixtures.path("h264-bframes.mp4"), "--json", "-o", "out/"] + arguments.dropFirst())
                #expect(result.status == 1 && jsonRecords(result).first?.code == "tooLarge", "\(result)")
                #expect(jsonRecords(result).first?.error?.contains("megapixels") == true, "\(result)")
                #expect(Date().timeIntervalSince(started) < 10 && scratch.files(under: "out").isEmpty)
            }
        }
    }

    @Test func twoInputsWritingOneSheetRefuseTheRun() throws {
        try Scratch.with { scratch in
            let a = try scratch.write("in/a/clip.webm", Damage.bytes(of: "vp9.webm"))
            _ = try scratch.write("in/b/clip.webm", Damage.bytes(of: "vp9.webm"))
            let result = try scratch.run(["sheet", "in", "-r", "-o", "out/"])
            #expect(result.status == 64 && result.stderr.contains("out/clip-sheet.png would be written for both"), "\(result)")
            #expect(!FileManager.default.fileExists(atPath: scratch.path("out")))
            let mirrored = try scratch.run(["sheet", "in", "-r", "-o", "out/{dir}/{name}.png", "-q"])
            #expect(mirrored.status == 0 && scratch.files(under: "out") == ["a/clip.png", "b/clip.png"], "\(mirrored)")
            for refused in [["-o", "{name}-{index}.png"], ["--columns", "0"], ["--tile-width", "8"]] {
                #expect(try scratch.run(["sheet", a] + refused).status == 64, "\(refused)")
            }
        }
    }
}
