import Foundation
import FrameGrab
import TestSupport
import Testing

/// The right picture: framegrab's PNG against ffmpeg's own decode of the same frame, and solid patches of
/// known colour against their RGB values. Needs `ffmpeg` on the PATH (as the fixture script does).
@Suite struct ColourTests {
    /// One fixture frame, and what ffmpeg is told so that it shows the frame as framegrab should.
    struct Case: CustomStringConvertible, Sendable {
        let name: String
        let frame: Int
        /// When set, ffmpeg decodes all frames to raw RGB at their own sizes (these, in order, up to `frame`).
        var rawSizes: [(Int, Int)]? = nil
        /// Options before `-i` (for example `-noautorotate`).
        var input: [String] = []
        /// Filters after `select=eq(n\,K)`, before the final `scale`.
        var filters: [String] = []
        /// Options of the final `scale` (which converts to RGB, always with framegrab's swscale flags).
        var scale: [String] = []
        /// framegrab options.
        var options: [String] = []
        var description: String { "\(name) frame \(frame) \(options.joined(separator: " "))" }
    }

    /// ffmpeg 5.1 applies the stream's rotation itself (`autorotate`); it ignores mirrors, so the mirrored case
    /// says so. Every case ends in `scale=...:flags=bicubic+accurate_rnd+full_chroma_int+full_chroma_inp+bitexact`,
    /// framegrab's own swscale flags (ffmpeg's default, without full chroma interpolation, differs by about
    /// 30 dB on 4:2:0 content), with the matrix and range named where the case is about colour.
    static let cases: [Case] = [
        Case(name: "h264-bframes.mp4", frame: 37),
        Case(name: "vp9.webm", frame: 50),
        Case(name: "h264-offset.ts", frame: 20),
        Case(name: "vfr.mkv", frame: 30),
        Case(name: "rotated90.mp4", frame: 12),
        Case(name: "rotated180.mp4", frame: 4),
        Case(name: "rotated270.mp4", frame: 4),
        Case(name: "mirrored.mp4", frame: 4, input: ["-noautorotate"], filters: ["hflip"]),
        // Square pixels: the 240x240 storage at a 4:3 sample aspect ratio is shown 320x240.
        Case(name: "anamorphic.mp4", frame: 12, scale: ["320:240"]),
        Case(name: "odd-size.mkv", frame: 3),
        // Frame 15 comes after the change to 96x64. ffmpeg rebuilds its filter graph at the change and `select`
        // counts from 0 again there, so here ffmpeg decodes every frame at its own size (`-autoscale 0`, raw
        // RGB) and the test takes frame 15 (after ten 128x96 frames and five 96x64 ones).
        Case(name: "size-change.ts", frame: 15, rawSizes: Array(repeating: (128, 96), count: 10) + Array(repeating: (96, 64), count: 6)),
        Case(name: "size-change.ts", frame: 3),
        // framegrab's deinterlacing is the first field scaled back to full height: ffmpeg's `field` filter, then `scale`.
        Case(name: "interlaced.mkv", frame: 6, filters: ["field=top"], scale: ["160:128"]),
        Case(name: "interlaced.mkv", frame: 6, options: ["--no-deinterlace"]),
        Case(name: "colour-bt709.mp4", frame: 2, scale: ["in_color_matrix=bt709", "in_range=tv"]),
        Case(name: "colour-bt601-hd.mp4", frame: 1, scale: ["in_color_matrix=bt601", "in_range=tv"]),
        Case(name: "colour-full-range.mp4", frame: 2, scale: ["in_color_matrix=bt601", "in_range=pc"]),
        Case(name: "colour-yuv444.mp4", frame: 2, scale: ["in_color_matrix=bt709", "in_range=tv"]),
        Case(name: "colour-10bit.mp4", frame: 2, scale: ["in_color_matrix=bt709", "in_range=tv"]),
        Case(name: "colour-10bit.mp4", frame: 2, scale: ["in_color_matrix=bt709", "in_range=tv"], options: ["--depth", "16"]),
        Case(name: "alpha-png.mov", frame: 2),
        Case(name: "alpha-prores.mov", frame: 2, scale: ["in_color_matrix=bt601", "in_range=tv"]),
    ]

    @Test(arguments: cases)
    func matchesFFmpeg(_ test: Case) throws {
        let video = Fixtures.video(test.name)
        try Scratch.with { scratch in
            let time = video.time(ofFrame: test.frame).seconds + 0.001
            let result = try scratch.run([Fixtures.path(test.name), "-t", String(format: "%.6f", time), "-o", "ours.png"] + test.options)
            #expect(result.status == 0, "\(result)")
            let ours = try #require(decodePNG(scratch.url("ours.png")))
            let wide = test.options.contains("16")
            let pixelFormat = ours.pixelFormat.hasAlpha ? (wide ? "rgba64be" : "rgba") : (wide ? "rgb48be" : "rgb24")
            let theirs = try #require(test.rawSizes == nil ? try ffmpegFrame(test, pixelFormat: pixelFormat, into: scratch.path("theirs.png"))
                                                           : try ffmpegRawFrame(test))
            #expect(ours.width == theirs.width && ours.height == theirs.height,
                    "\(test): framegrab \(ours.width)x\(ours.height), ffmpeg \(theirs.width)x\(theirs.height)")
            #expect(ours.pixelFormat == theirs.pixelFormat, "\(test): \(ours.pixelFormat) vs \(theirs.pixelFormat)")
            guard ours.width == theirs.width, ours.height == theirs.height, ours.pixelFormat == theirs.pixelFormat else { return }
            let score = psnr(ours, theirs)
            print("PSNR \(test): \(String(format: "%.1f", score)) dB")
            #expect(score >= 40, "\(test): PSNR \(score) dB against ffmpeg")
        }
    }

    /// The patches drawn by scripts/make-fixtures, at their centres, within 2 code values of the RGB they were
    /// made from. A decoder that used the size-based guess (BT.601 at 128x96, BT.709 at 1280x720) or limited
    /// range for the full-range file would be off by far more on the saturated patches.
    @Test(arguments: ["colour-bt709.mp4", "colour-bt601-hd.mp4", "colour-full-range.mp4", "colour-yuv444.mp4",
                      "colour-10bit.mp4", "alpha-png.mov", "alpha-prores.mov"])
    func patchesKeepTheirColour(_ name: String) throws {
        let entry = Fixtures.entry(name)
        let patches = entry["patches"] as! [[Int]]
        let alphas = entry["alphas"] as? [Int]
        for depth in ["8", "16"] {
            let image = try grab(name, ["--depth", depth])
            #expect(image.pixelFormat.hasAlpha == (alphas != nil), "\(name): alpha only where the source has it")
            #expect(image.pixelFormat.bitsPerChannel == Int(depth)!)
            let scale = depth == "16" ? 257.0 : 1.0
            for (index, centre) in patchCentres(image).enumerated() {
                var expected = patches[index]
                if let alphas { expected.append(alphas[index]) }
                let got = (0..<expected.count).map { image.sample(x: centre.x, y: centre.y, channel: $0) }
                let off = zip(got, expected).map { abs((Double($0) / scale).rounded() - Double($1)) }.max()!
                #expect(off <= 2, "\(name) --depth \(depth) patch \(index): got \(got.map { Double($0) / scale }), expected \(expected)")
            }
        }
    }

    /// 16-bit output keeps what 8 bits cannot: the 10-bit file's grey patch (code 128 << 2 of 10 bits) lands on
    /// a 16-bit value that is not a multiple of 257 away from its 8-bit rounding, and the values differ between
    /// patches by more than 8-bit steps.
    @Test func sixteenBitsKeepTenBitPrecision() throws {
        let image = try grab("colour-10bit.mp4", ["--depth", "16"])
        let centres = patchCentres(image)
        let values = centres.flatMap { c in (0..<3).map { image.sample(x: c.x, y: c.y, channel: $0) } }
        #expect(values.contains { $0 % 257 != 0 }, "16-bit samples are not just 8-bit ones widened: \(values)")
    }

    /// Ignoring the stream's matrix would give visibly different colours: this checks that the fixture can
    /// tell, by converting its patch values with the wrong matrix.
    @Test func wrongMatrixWouldBeCaught() {
        // Red (200, 40, 40) coded with BT.709 and decoded with BT.601 (limited range, 8 bits).
        let (y, cb, cr) = ycbcr(rgb: (200, 40, 40), kr: 0.2126, kb: 0.0722)
        let back = rgb(y: y, cb: cb, cr: cr, kr: 0.299, kb: 0.114)
        #expect(abs(back.0 - 200) > 2 || abs(back.1 - 40) > 2 || abs(back.2 - 40) > 2, "\(back)")
    }

    // MARK: HDR

    /// PQ and HLG patches of known signal values, tone-mapped: each lands where the operator (computed here,
    /// independently of the library) says, within 2 code values.
    @Test(arguments: ["hdr-pq.mp4", "hdr-hlg.mp4"])
    func hdrIsToneMapped(_ name: String) throws {
        let entry = Fixtures.entry(name)
        let signals = (entry["patches"] as! [[Double]])
        let image = try grab(name, [])
        #expect(image.pixelFormat == .rgb8)
        #expect(codePoints(of: try scratchGrabBytes(name, [])) == nil, "tone-mapped SDR carries no cICP")
        for (index, centre) in patchCentres(image).enumerated() {
            let signal = quantised10Bit(signals[index])
            let expected = ReferenceToneMap.map(signal, pq: name == "hdr-pq.mp4").map { ($0 * 255).rounded() }
            let got = (0..<3).map { Double(image.sample(x: centre.x, y: centre.y, channel: $0)) }
            let off = zip(got, expected).map { abs($0 - $1) }.max()!
            #expect(off <= 2, "\(name) patch \(index): got \(got), expected \(expected)")
        }
        // Greys stay grey, brighter signals stay brighter, the skin patch stays warm (R > G > B).
        let samples = patchCentres(image).map { c in (0..<3).map { image.sample(x: c.x, y: c.y, channel: $0) } }
        for grey in [0, 1, 2, 4] { #expect(Set(samples[grey]).count == 1, "grey patch \(grey): \(samples[grey])") }
        #expect(samples[0][0] < samples[1][0] && samples[1][0] < samples[2][0] && samples[2][0] < samples[4][0])
        #expect(samples[3][0] > samples[3][1] && samples[3][1] > samples[3][2], "skin: \(samples[3])")
    }

    /// Where the operator puts PQ mid-grey: BT.2408 reference white (203 cd/m²) without metadata (peak 10 000 cd/m²)
    /// is hable(2.03) / hable(100), BT.709-encoded; 100 cd/m² is hable(1) / hable(100).
    @Test func pqReferenceWhiteLandsWhereHableSays() throws {
        let image = try grab("hdr-pq.mp4", [])
        let centres = patchCentres(image)
        let whiteSignal = quantised10Bit([0.5807, 0.5807, 0.5807])[0]
        let white = ReferenceToneMap.oetf(ReferenceToneMap.hable(ReferenceToneMap.pq(whiteSignal) / 100) / ReferenceToneMap.hable(100))
        #expect(abs(Double(image.sample(x: centres[2].x, y: centres[2].y, channel: 1)) - white * 255) <= 2)
        // About 63% (160 of 255): bright but far from clipping, as Hable leaves headroom for highlights.
        #expect((150...170).contains(image.sample(x: centres[2].x, y: centres[2].y, channel: 1)))
    }

    /// `--hdr keep`: the signal itself, 16-bit, tagged cICP BT.2020 + PQ/HLG, RGB, full range.
    @Test(arguments: [("hdr-pq.mp4", UInt8(16)), ("hdr-hlg.mp4", UInt8(18))])
    func hdrKeepWritesTheSignalWithCICP(_ name: String, _ transfer: UInt8) throws {
        let bytes = try scratchGrabBytes(name, ["--hdr", "keep"])
        #expect(codePoints(of: bytes) == [9, transfer, 0, 1])
        let image = try FrameImage(pngData: bytes)
        #expect(image.pixelFormat == .rgb16)
        let signals = (Fixtures.entry(name))["patches"] as! [[Double]]
        for (index, centre) in patchCentres(image).enumerated() {
            // The un-mapped signal is BT.2020 R'G'B': convert the coded Y'CbCr back with BT.2020 here.
            let expected = quantised10Bit(signals[index]).map { $0 * 65535 }
            let got = (0..<3).map { Double(image.sample(x: centre.x, y: centre.y, channel: $0)) }
            let off = zip(got, expected).map { abs($0 - $1) }.max()!
            #expect(off <= 2 * 257, "\(name) patch \(index): got \(got), expected \(expected)")
        }
    }

    // MARK: Helpers

    func grab(_ name: String, _ options: [String], sourceLocation: SourceLocation = #_sourceLocation) throws -> FrameImage {
        try FrameImage(pngData: scratchGrabBytes(name, options, sourceLocation: sourceLocation))
    }

    func scratchGrabBytes(_ name: String, _ options: [String], sourceLocation: SourceLocation = #_sourceLocation) throws -> [UInt8] {
        try Scratch.with { scratch in
            let result = try scratch.run([Fixtures.path(name), "-t", "0.05", "-o", "out.png"] + options, sourceLocation: sourceLocation)
            #expect(result.status == 0, "\(result)", sourceLocation: sourceLocation)
            return [UInt8](try Data(contentsOf: scratch.url("out.png")))
        }
    }

    /// Centres of the six patches (two rows of three below the band), as make-fixtures draws them.
    func patchCentres(_ image: FrameImage) -> [(x: Int, y: Int)] {
        let w = image.width, h = image.height
        let rows = [(h / 4 + h * 5 / 8) / 2, (h * 5 / 8 + h) / 2]
        let columns = [w / 6, w / 2, w * 5 / 6]
        return rows.flatMap { y in columns.map { (x: $0, y: y) } }
    }

    /// The R'G'B' a 10-bit limited-range BT.2020 coding of `rgb` decodes back to (as the fixture stores it).
    func quantised10Bit(_ rgb: [Double]) -> [Double] {
        let kr = 0.2627, kb = 0.0593
        let y = kr * rgb[0] + (1 - kr - kb) * rgb[1] + kb * rgb[2]
        let cb = (rgb[2] - y) / (2 * (1 - kb)), cr = (rgb[0] - y) / (2 * (1 - kr))
        let yq = ((64 + 876 * y).rounded() - 64) / 876
        let cbq = ((512 + 896 * cb).rounded() - 512) / 896, crq = ((512 + 896 * cr).rounded() - 512) / 896
        let r = yq + 2 * (1 - kr) * crq, b = yq + 2 * (1 - kb) * cbq
        let g = (yq - kr * r - kb * b) / (1 - kr - kb)
        return [r, g, b].map { min(1, max(0, $0)) }
    }

    func ycbcr(rgb: (Double, Double, Double), kr: Double, kb: Double) -> (Double, Double, Double) {
        let (r, g, b) = (rgb.0 / 255, rgb.1 / 255, rgb.2 / 255)
        let y = kr * r + (1 - kr - kb) * g + kb * b
        return ((16 + 219 * y).rounded(), (128 + 224 * (b - y) / (2 * (1 - kb))).rounded(), (128 + 224 * (r - y) / (2 * (1 - kr))).rounded())
    }

    func rgb(y: Double, cb: Double, cr: Double, kr: Double, kb: Double) -> (Double, Double, Double) {
        let yn = (y - 16) / 219, cbn = (cb - 128) / 224, crn = (cr - 128) / 224
        let r = yn + 2 * (1 - kr) * crn, b = yn + 2 * (1 - kb) * cbn
        let g = (yn - kr * r - kb * b) / (1 - kr - kb)
        return (r * 255, g * 255, b * 255)
    }

    /// The 4 bytes of the PNG's cICP chunk, if it has one (found by walking the chunks).
    func codePoints(of png: [UInt8]) -> [UInt8]? {
        var at = 8
        while at + 8 <= png.count {
            let length = Int(png[at]) << 24 | Int(png[at + 1]) << 16 | Int(png[at + 2]) << 8 | Int(png[at + 3])
            let type = String(decoding: png[(at + 4)..<(at + 8)], as: UTF8.self)
            if type == "cICP" { return Array(png[(at + 8)..<(at + 8 + length)]) }
            if type == "IDAT" { return nil }
            at += 12 + length
        }
        return nil
    }

    /// ffmpeg's PNG of the case's frame, decoded.
    func ffmpegFrame(_ test: Case, pixelFormat: String, into path: String) throws -> FrameImage? {
        let scale = "scale=" + (test.scale + ["flags=bicubic+accurate_rnd+full_chroma_int+full_chroma_inp+bitexact"]).joined(separator: ":")
        let filters = (["select=eq(n\\,\(test.frame))"] + test.filters + [scale]).joined(separator: ",")
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["ffmpeg", "-hide_banner", "-nostdin", "-loglevel", "error", "-y"] + test.input
            + ["-i", Fixtures.path(test.name), "-vf", filters, "-frames:v", "1", "-pix_fmt", pixelFormat, path]
        try process.run()
        process.waitUntilExit()
        #expect(process.terminationStatus == 0, "ffmpeg \(process.arguments!)")
        return decodePNG(URL(fileURLWithPath: path))
    }

    /// Frame `test.frame` of ffmpeg's raw RGB decode of every frame at its own size.
    func ffmpegRawFrame(_ test: Case) throws -> FrameImage? {
        let process = Process()
        let output = Pipe()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["ffmpeg", "-hide_banner", "-nostdin", "-loglevel", "error", "-i", Fixtures.path(test.name),
                             "-vf", "scale=flags=bicubic+accurate_rnd+full_chroma_int+full_chroma_inp+bitexact",
                             "-autoscale", "0", "-f", "rawvideo", "-pix_fmt", "rgb24", "-"]
        process.standardOutput = output
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        let sizes = try #require(test.rawSizes)
        let offset = sizes.prefix(test.frame).map { $0.0 * $0.1 * 3 }.reduce(0, +)
        let (width, height) = sizes[test.frame]
        guard data.count >= offset + width * height * 3 else { return nil }
        return FrameImage(width: width, height: height, pixelFormat: .rgb8, pixels: [UInt8](data[offset..<(offset + width * height * 3)]))
    }

    /// Peak signal-to-noise ratio over every sample, in dB (against the format's full scale).
    func psnr(_ a: FrameImage, _ b: FrameImage) -> Double {
        var sum = 0.0, count = 0
        for y in 0..<a.height {
            for x in 0..<a.width {
                for c in 0..<a.pixelFormat.channels {
                    let d = Double(a.sample(x: x, y: y, channel: c) - b.sample(x: x, y: y, channel: c))
                    sum += d * d
                    count += 1
                }
            }
        }
        let peak = a.pixelFormat.bitsPerChannel == 16 ? 65535.0 : 255.0
        let mse = sum / Double(count)
        return mse == 0 ? .infinity : 10 * log10(peak * peak / mse)
    }
}

/// The tone-mapping operator written out again from its published formulas (ST 2084, BT.2100 HLG, BT.2087,
/// Hable, BT.709), as the test's independent reference.
enum ReferenceToneMap {
    static func pq(_ e: Double) -> Double {
        let m1 = 0.1593017578125, m2 = 78.84375, c1 = 0.8359375, c2 = 18.8515625, c3 = 18.6875
        let p = pow(e, 1 / m2)
        return 10_000 * pow(max(p - c1, 0) / (c2 - c3 * p), 1 / m1)
    }

    static func hlgInverse(_ e: Double) -> Double {
        let a = 0.17883277, b = 0.28466892, c = 0.55991073
        return e <= 0.5 ? e * e / 3 : (exp((e - c) / a) + b) / 12
    }

    static func hable(_ x: Double) -> Double {
        func f(_ x: Double) -> Double { (x * (0.15 * x + 0.05) + 0.004) / (x * (0.15 * x + 0.5) + 0.06) }
        return f(x) - 0.02 / 0.3
    }

    static func oetf(_ l: Double) -> Double { l < 0.018 ? 4.5 * l : 1.099 * pow(l, 0.45) - 0.099 }

    /// R'G'B' (BT.2020) to BT.709 R'G'B' in [0, 1]; light in units of 100 cd/m², peak 10 000 (PQ) or 1000 (HLG).
    static func map(_ signal: [Double], pq: Bool) -> [Double] {
        var linear: [Double]
        if pq {
            linear = signal.map { self.pq($0) / 100 }
        } else {
            let scene = signal.map(hlgInverse)
            let ys = 0.2627 * scene[0] + 0.6780 * scene[1] + 0.0593 * scene[2]
            linear = scene.map { $0 * 1000 * pow(ys, 0.2) / 100 }
        }
        let m = [[1.6605, -0.5876, -0.0728], [-0.1246, 1.1329, -0.0083], [-0.0182, -0.1006, 1.1187]]
        let bt709 = m.map { row in max(0, row[0] * linear[0] + row[1] * linear[1] + row[2] * linear[2]) }
        let peak = pq ? 100.0 : 10.0
        let top = max(bt709.max()!, 1e-6)
        let scale = hable(top) / hable(peak) / top
        return bt709.map { oetf(min(1, $0 * scale)) }
    }
}
