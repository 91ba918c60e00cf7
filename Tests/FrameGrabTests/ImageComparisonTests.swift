import Foundation
import FrameGrab
import Testing

/// A deterministic picture: smooth gradients plus a pseudo-random texture, so that windows have variance.
private func picture(width: Int, height: Int, format: FrameImage.PixelFormat = .rgb8, seed: UInt64 = 1) -> FrameImage {
    var state = seed
    var pixels: [UInt8] = []
    for y in 0..<height {
        for x in 0..<width {
            for c in 0..<format.channels {
                state = state &* 6364136223846793005 &+ 1442695040888963407
                let noise = Int(state >> 59)  // 0...31
                let value = c == 3 ? 255 : min(255, (x * 255 / max(width - 1, 1) + y * 97 / max(height - 1, 1) + c * 40 + noise) % 256)
                if format.bitsPerChannel == 16 {
                    let wide = value * 257
                    pixels.append(UInt8(wide & 0xFF))
                    pixels.append(UInt8(wide >> 8))
                } else {
                    pixels.append(UInt8(value))
                }
            }
        }
    }
    return FrameImage(width: width, height: height, pixelFormat: format, pixels: pixels)
}

/// `image` with channel `channel` of pixel (x, y) set to `value` (8-bit images).
private func changing(_ image: FrameImage, x: Int, y: Int, channel: Int, to value: UInt8) -> FrameImage {
    var pixels = image.pixels
    pixels[(y * image.width + x) * image.pixelFormat.channels + channel] = value
    return FrameImage(width: image.width, height: image.height, pixelFormat: image.pixelFormat, pixels: pixels)
}

@Suite struct ImageComparisonTests {
    @Test func identicalImagesHavePerfectMetrics() throws {
        let image = picture(width: 40, height: 24)
        let metrics = try ImageComparison.metrics(actual: image, golden: image)
        #expect(metrics.maxDifference == 0 && metrics.differingPixels == 0 && metrics.pixelCount == 960)
        #expect(metrics.psnr == .infinity && metrics.ssim == 1 && metrics.peak == 255)
        #expect(ComparisonThresholds.exact.failures(of: metrics).isEmpty)
    }

    @Test func onePixelChange() throws {
        let golden = picture(width: 40, height: 24)
        let old = Int(golden.sample(x: 7, y: 5, channel: 1))
        let actual = changing(golden, x: 7, y: 5, channel: 1, to: UInt8(old > 128 ? old - 100 : old + 100))
        let metrics = try ImageComparison.metrics(actual: actual, golden: golden)
        #expect(metrics.maxDifference == 100 && metrics.differingPixels == 1)
        // MSE over 960 pixels × 3 channels with one error of 100.
        #expect(abs(metrics.psnr - 10 * log10(255.0 * 255 / (10000.0 / 2880))) < 1e-9)
        #expect(metrics.ssim < 1 && metrics.ssim > 0.9)
        #expect(!ComparisonThresholds.exact.failures(of: metrics).isEmpty)
        #expect(ComparisonThresholds(maxDifferingPixels: .count(1)).failures(of: metrics).isEmpty)
        #expect(!ComparisonThresholds(maxDifferingPixels: .count(0)).failures(of: metrics).isEmpty)
        #expect(ComparisonThresholds(maxDifferingPixels: .percent(0.2)).failures(of: metrics).isEmpty)   // 1.92 → 1 allowed
        #expect(!ComparisonThresholds(maxDifferingPixels: .percent(0.1)).failures(of: metrics).isEmpty)  // 0.96 → 0 allowed
        #expect(ComparisonThresholds(maxDifference: 100).failures(of: metrics).isEmpty)
        #expect(ComparisonThresholds(maxDifference: 99).failures(of: metrics) == ["max-diff 100 > 99"])
        #expect(ComparisonThresholds(minPSNR: 40).failures(of: metrics).isEmpty)
        #expect(!ComparisonThresholds(minPSNR: 60).failures(of: metrics).isEmpty)
    }

    @Test func alphaCountsForDifferencesButNotForPSNR() throws {
        let golden = picture(width: 16, height: 16, format: .rgba8)
        let actual = changing(golden, x: 3, y: 3, channel: 3, to: 0)
        let metrics = try ImageComparison.metrics(actual: actual, golden: golden)
        #expect(metrics.differingPixels == 1 && metrics.maxDifference == 255)
        #expect(metrics.psnr == .infinity && metrics.ssim == 1)
        // RGB without alpha equals RGBA that is opaque everywhere.
        let rgb = FrameImage(width: 16, height: 16, pixelFormat: .rgb8,
                             pixels: stride(from: 0, to: golden.pixels.count, by: 4).flatMap { golden.pixels[$0..<$0 + 3] })
        #expect(try ImageComparison.metrics(actual: rgb, golden: golden).isIdentical)
    }

    @Test func eightAndSixteenBitImagesCompareAtSixteenBits() throws {
        let eight = picture(width: 16, height: 8)
        let sixteen = picture(width: 16, height: 8, format: .rgb16)
        let metrics = try ImageComparison.metrics(actual: eight, golden: sixteen)
        #expect(metrics.isIdentical && metrics.peak == 65535)
        var pixels = sixteen.pixels
        pixels[0] ^= 1  // the low byte of the first sample: invisible at 8 bits
        let nudged = FrameImage(width: 16, height: 8, pixelFormat: .rgb16, pixels: pixels)
        let small = try ImageComparison.metrics(actual: eight, golden: nudged)
        #expect(small.differingPixels == 1 && small.maxDifference == 1)
        // --max-diff is at the 8-bit scale: 0 allows no 16-bit difference, 1 allows up to 257.
        #expect(!ComparisonThresholds(maxDifference: 0).failures(of: small).isEmpty)
        #expect(ComparisonThresholds(maxDifference: 1).failures(of: small).isEmpty)
    }

    /// SSIM of a window-sized constant shift, worked out by hand from the formula: σ terms equal, so the
    /// structure factor is 1 and SSIM = (2·μa·μb + C1) / (μa² + μb² + C1).
    @Test func ssimFollowsTheDocumentedFormula() {
        let a = [UInt16](repeating: 100, count: 64)
        let b = [UInt16](repeating: 110, count: 64)
        let c1: Double = 0.01 * 255 * 0.01 * 255
        let numerator: Double = 2 * 100 * 110 + c1
        let expected: Double = numerator / (100 * 100 + 110 * 110 + c1)
        #expect(abs(ImageComparison.ssim(a, b, width: 8, height: 8, peak: 255) - expected) < 1e-12)
        let c1FFmpeg: Double = c1 / 64
        let expectedFFmpeg: Double = (22000 + c1FFmpeg) / (22100 + c1FFmpeg)
        #expect(abs(ImageComparison.ssim(a, b, width: 8, height: 8, peak: 255, constants: .ffmpeg) - expectedFFmpeg) < 1e-12)
        // 16×8 has (16/4 − 1) × (8/4 − 1) = 3 windows; changing a pixel seen by only the first window lowers
        // the mean by a third of that window's loss.
        var left = [UInt16](repeating: 50, count: 128)
        for i in 0..<128 { left[i] = UInt16((i * 37) % 200) }
        var right = left
        right[0] = 255
        let whole = ImageComparison.ssim(left, right, width: 16, height: 8, peak: 255)
        let firstWindow = ImageComparison.ssim((0..<8).flatMap { row in left[(row * 16)..<(row * 16 + 8)] },
                                               (0..<8).flatMap { row in right[(row * 16)..<(row * 16 + 8)] },
                                               width: 8, height: 8, peak: 255)
        #expect(abs(whole - (1 - (1 - firstWindow) / 3)) < 1e-12)
    }

    @Test func sizeMismatchIsAnErrorAndResizingUsesTheGoldensSize() throws {
        let golden = picture(width: 32, height: 16)
        let small = picture(width: 16, height: 8)
        #expect(throws: ImageComparison.SizeMismatch.self) { try ImageComparison.metrics(actual: small, golden: golden) }
        let failed = GoldenComparison.verdict(actual: small, golden: golden, thresholds: .exact, resize: false)
        #expect(failed.kind == .fail && failed.metrics == nil && failed.reasons.first?.contains("16x8") == true)
        let resized = GoldenComparison.verdict(actual: small, golden: golden, thresholds: ComparisonThresholds(minPSNR: 0), resize: true)
        #expect(resized.kind == .pass && resized.resized && resized.metrics?.pixelCount == 512)
    }

    @Test func bilinearResizing() {
        // 2×1 → 4×1: centres map to −0.25, 0.25, 0.75, 1.25 → clamped 0, 0.25, 0.75, 1.
        let image = FrameImage(width: 2, height: 1, pixelFormat: .rgb8, pixels: [0, 0, 0, 200, 100, 40])
        let wide = ImageComparison.resized(image, to: PixelSize(width: 4, height: 1))
        #expect((0..<4).map { wide.sample(x: $0, y: 0, channel: 0) } == [0, 50, 150, 200])
        #expect((0..<4).map { wide.sample(x: $0, y: 0, channel: 2) } == [0, 10, 30, 40])
        // A flat image stays flat at any size.
        let flat = FrameImage(width: 3, height: 5, pixelFormat: .rgba8, pixels: [UInt8](repeating: 77, count: 60))
        let scaled = ImageComparison.resized(flat, to: PixelSize(width: 7, height: 2))
        #expect(scaled.width == 7 && scaled.height == 2 && scaled.pixels.allSatisfy { $0 == 77 })
    }

    @Test func differenceImageMarksChangedPixelsOverADimmedGolden() throws {
        let golden = picture(width: 20, height: 10)
        let actual = changing(golden, x: 4, y: 2, channel: 0, to: golden.sample(x: 4, y: 2, channel: 0) > 128 ? 0 : 255)
        let diff = try ImageComparison.differenceImage(actual: actual, golden: golden)
        #expect(diff.width == 20 && diff.height == 10 && diff.pixelFormat == .rgb8)
        #expect(diff.sample(x: 4, y: 2, channel: 0) == 255 && diff.sample(x: 4, y: 2, channel: 1) == 0)
        for y in 0..<10 {
            for x in 0..<20 where !(x == 4 && y == 2) {
                #expect(diff.sample(x: x, y: y, channel: 0) == diff.sample(x: x, y: y, channel: 1))
                #expect(diff.sample(x: x, y: y, channel: 0) <= 64)
            }
        }
    }

    @Test func foldersArePairedByRelativePath() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("framegrab-pairs-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: root) }
        for file in ["a/x.png", "a/sub/y.PNG", "a/only-actual.png", "a/notes.txt", "a/.hidden.png",
                     "g/x.png", "g/sub/y.PNG", "g/only-golden.png"] {
            let url = root.appendingPathComponent(file)
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try Data([1]).write(to: url)
        }
        let a = root.appendingPathComponent("a").path, g = root.appendingPathComponent("g").path
        let pairs = GoldenComparison.pairs(actualFolder: a, goldenFolder: g)
        #expect(pairs.map(\.relativePath) == ["only-actual.png", "only-golden.png", "sub/y.PNG", "x.png"])
        #expect(pairs[0].golden == nil && pairs[1].actual == nil)
        #expect(pairs[2] == GoldenComparison.Pair(relativePath: "sub/y.PNG", actual: a + "/sub/y.PNG", golden: g + "/sub/y.PNG"))
        #expect(GoldenComparison.verdict(for: pairs[0], thresholds: .exact, resize: false).kind == .extra)
        #expect(GoldenComparison.verdict(for: pairs[1], thresholds: .exact, resize: false).kind == .missing)
        // The files hold one byte: not PNG.
        let unreadable = GoldenComparison.verdict(for: pairs[3], thresholds: .exact, resize: false)
        #expect(unreadable.kind == .unreadable && unreadable.reasons.allSatisfy { $0.contains("not a PNG file") })
    }
}
