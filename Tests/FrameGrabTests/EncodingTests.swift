import Foundation
import FrameGrab
import TestSupport
import Testing

/// JPEG and WebP encoding (`jpegData`, `webpData`, `encodedData`, `write(to:format:)`), checked against an
/// independent decoder: the `ffmpeg` command (installed by scripts/bootstrap).
@Suite struct EncodingTests {
    static let lossy: [ImageFormat] = [.jpeg, .webp]

    func frame(_ name: String = "h264-bframes.mp4", at seconds: Double = 2,
               configure: (AssetImageGenerator) -> Void = { _ in }) async throws -> FrameImage {
        let generator = AssetImageGenerator(asset: try await MediaAsset.open(path: Fixtures.path(name)))
        configure(generator)
        return try await generator.image(at: MediaTime(seconds: seconds)).image
    }

    /// The frame is colour bars with sharp, saturated edges: the worst case for chroma at half resolution.
    /// At quality 85 ffmpeg's decoding is 30.4 dB from the source for JPEG, 31.3 dB for WebP (a broken
    /// encoder — channels swapped, rows shifted — gives well under 20 dB).
    @Test(arguments: lossy)
    func decodesBackToTheSourceSizeAndPicture(format: ImageFormat) async throws {
        let image = try await frame()
        let bytes = try await image.encodedData(format: format, quality: 85)
        #expect(bytes == (format == .jpeg ? try await image.jpegData(quality: 85) : try await image.webpData(quality: 85)))
        let decoded = try FFmpegDecoder.decode(bytes, format: format)
        #expect(decoded.width == image.width && decoded.height == image.height)
        let psnr = FFmpegDecoder.psnr(decoded, image)
        #expect(psnr > 29, "\(format) at quality 85: PSNR \(psnr) dB")
        #expect(frameNumber(in: decoded) == Fixtures.video("h264-bframes.mp4").frameShown(at: MediaTime(seconds: 2)))
    }

    @Test func jpegIsJFIFWithChromaHalvedBelowQuality90() async throws {
        let image = try await frame()
        for (quality, layout) in [(10, "yuvj420p"), (85, "yuvj420p"), (89, "yuvj420p"), (90, "yuvj444p"), (100, "yuvj444p")] {
            let bytes = try await image.jpegData(quality: quality)
            // SOI, then APP0 "JFIF\0" version 1.01, and no other APPn (no EXIF, no Adobe marker).
            #expect(Array(bytes.prefix(4)) == [0xFF, 0xD8, 0xFF, 0xE0])
            #expect(Array(bytes[6..<13]) == Array("JFIF".utf8) + [0, 1, 1])
            #expect(FFmpegDecoder.appMarkers(in: bytes) == [0xE0])
            #expect(try FFmpegDecoder.probe(bytes, format: .jpeg) == "\(image.width),\(image.height),\(layout)", "quality \(quality)")
        }
    }

    @Test(arguments: lossy)
    func higherQualityMakesLargerFilesAndCloserPictures(format: ImageFormat) async throws {
        let image = try await frame()
        let qualities = [10, 50, 85, 100]
        var sizes: [Int] = [], errors: [Double] = []
        for quality in qualities {
            let bytes = try await image.encodedData(format: format, quality: quality)
            sizes.append(bytes.count)
            errors.append(FFmpegDecoder.psnr(try FFmpegDecoder.decode(bytes, format: format), image))
        }
        #expect(sizes == sizes.sorted() && Set(sizes).count == sizes.count, "\(format) sizes \(sizes)")
        #expect(errors == errors.sorted(), "\(format) PSNR \(errors)")
        // Full-resolution chroma at 100 makes JPEG nearly exact (56 dB); WebP always halves chroma (31.7 dB).
        #expect(errors.last! > (format == .jpeg ? 45 : 29), "\(format) PSNR \(errors)")
    }

    @Test(arguments: lossy)
    func sameImageAndQualityGiveTheSameBytes(format: ImageFormat) async throws {
        let first = try await frame().encodedData(format: format)
        let second = try await frame().encodedData(format: format)
        #expect(first == second)
        let both = try await [frame(), frame()].concurrentEncodings(format: format)
        #expect(both.allSatisfy { $0 == first })
    }

    /// A 16-bit image gives the bytes of the 8-bit image made by rounding each sample (v × 255 / 65535), not
    /// by truncating it.
    @Test(arguments: lossy)
    func sixteenBitImagesAreRoundedToEightBits(format: ImageFormat) async throws {
        for (name, seconds) in [("colour-10bit.mp4", 0.05), ("alpha-prores.mov", 0.05)] {
            let wide = try await frame(name, at: seconds) { $0.outputDepth = .sixteen }
            #expect(wide.pixelFormat.bitsPerChannel == 16)
            let rounded = FFmpegDecoder.reduced(wide) { ($0 * 255 + 32767) / 65535 }
            let truncated = FFmpegDecoder.reduced(wide) { $0 >> 8 }
            let bytes = try await wide.encodedData(format: format)
            #expect(bytes == (try await rounded.encodedData(format: format)), "\(name)")
            #expect(bytes != (try await truncated.encodedData(format: format)), "\(name)")
        }
        // 255 of 65535 rounds to 1 (truncation gives 0); 65280 rounds to 254 (truncation gives 255).
        for (value, expected) in [(255, 1), (65280, 254)] {
            let flat = FrameImage(width: 16, height: 16, pixelFormat: .rgb16,
                                  pixels: Array(repeating: [UInt8(value & 0xFF), UInt8(value >> 8)], count: 16 * 16 * 3).flatMap { $0 })
            let eight = FrameImage(width: 16, height: 16, pixelFormat: .rgb8, pixels: Array(repeating: UInt8(expected), count: 16 * 16 * 3))
            #expect(try await flat.encodedData(format: format) == eight.encodedData(format: format), "\(value)")
        }
    }

    /// JPEG drops alpha: the colour samples as stored, as if the image were RGB. WebP keeps it.
    @Test func alphaIsDroppedByJPEGAndKeptByWebP() async throws {
        let image = try await frame("alpha-png.mov", at: 0.05)
        #expect(image.pixelFormat == .rgba8)
        let colour = FFmpegDecoder.withoutAlpha(image)
        let jpeg = try await image.jpegData()
        #expect(jpeg == (try await colour.jpegData()))
        #expect(FFmpegDecoder.psnr(try FFmpegDecoder.decode(jpeg, format: .jpeg), image) > 30)

        let webp = try await image.webpData()
        let decoded = try FFmpegDecoder.decode(webp, format: .webp, alpha: true)
        #expect(decoded.pixelFormat == .rgba8)
        #expect(FFmpegDecoder.psnr(decoded, image) > 30)
        let alphas = (0..<image.height).flatMap { y in (0..<image.width).map { x in (decoded.sample(x: x, y: y, channel: 3), image.sample(x: x, y: y, channel: 3)) } }
        #expect(alphas.allSatisfy { $0.0 == $0.1 }, "WebP's alpha is lossless")
        #expect(Set(alphas.map(\.1)).count > 2)
    }

    @Test(arguments: lossy)
    func qualityOutsideOneToHundredIsClamped(format: ImageFormat) async throws {
        let image = try await frame()
        let lowest = try await image.encodedData(format: format, quality: 1)
        let highest = try await image.encodedData(format: format, quality: 100)
        #expect(try await image.encodedData(format: format, quality: 0) == lowest)
        #expect(try await image.encodedData(format: format, quality: -40) == lowest)
        #expect(try await image.encodedData(format: format, quality: 101) == highest)
        #expect(try await image.encodedData(format: format, quality: .max) == highest)
        #expect(ImageFormat.qualityRange == 1...100 && ImageFormat.defaultQuality == 85)
        #expect(try await image.encodedData(format: format) == image.encodedData(format: format, quality: 85))
    }

    @Test func pngThroughTheGenericCallsIsPNGData() async throws {
        let image = try await frame()
        #expect(try await image.encodedData(format: .png) == image.pngData())
        #expect(try await image.encodedData(format: .png, quality: 3, pngOptions: .fast) == image.pngData(options: .fast))
    }

    @Test func formatNamesAndExtensions() {
        #expect(ImageFormat.allCases.map(\.rawValue) == ["png", "jpeg", "webp"])
        #expect(ImageFormat.allCases.map(\.fileExtension) == ["png", "jpg", "webp"])
        #expect(ImageFormat.allCases.map(\.isLossy) == [false, true, true])
        for (name, format) in [("png", ImageFormat.png), ("PNG", .png), ("jpg", .jpeg), ("JPeG", .jpeg), (".jpg", .jpeg),
                               ("webp", .webp), ("WEBP", .webp)] {
            #expect(ImageFormat(fileExtension: name) == format, "\(name)")
        }
        for name in ["", ".", "gif", "jpe", "tiff", "webp2", "..png"] {
            #expect(ImageFormat(fileExtension: name) == nil, "\(name)")
        }
        #expect(ImageFormat(rawValue: "jpg") == nil && ImageFormat(rawValue: "jpeg") == .jpeg)
    }

    @Test(arguments: ImageFormat.allCases)
    func writeStoresTheEncodedBytes(format: ImageFormat) async throws {
        let image = try await frame()
        let folder = try FFmpegDecoder.scratchFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let file = folder.appendingPathComponent("still.\(format.fileExtension)")
        try await image.write(to: file, format: format, quality: 70)
        #expect(Array(try Data(contentsOf: file)) == (try await image.encodedData(format: format, quality: 70)))
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path) == ["still.\(format.fileExtension)"])
    }

    @Test func failuresAreWriteFailedErrorsThatSayWhy() async throws {
        let image = try await frame()
        let folder = try FFmpegDecoder.scratchFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let missing = folder.appendingPathComponent("no/such/folder/still.jpg")
        let writeError = await #expect(throws: FrameGrabError.self) { try await image.write(to: missing, format: .jpeg) }
        #expect(writeError?.code == .writeFailed && writeError?.path == missing.path)
        #expect(writeError?.message.contains("creating a temporary file failed: No such file or directory") == true, "\(String(describing: writeError))")

        // Too wide for each format: libjpeg's own message (its error_exit jumps inside the C target), and WebP's limit.
        let wideJPEG = FrameImage(width: 65_501, height: 1, pixelFormat: .rgb8, pixels: Array(repeating: 0, count: 65_501 * 3))
        let jpegError = await #expect(throws: FrameGrabError.self) { try await wideJPEG.jpegData() }
        #expect(jpegError?.code == .writeFailed)
        #expect(jpegError?.message == "JPEG encoding failed: Maximum supported image dimension is 65500 pixels")
        let wideWebP = FrameImage(width: 16_384, height: 1, pixelFormat: .rgba16, pixels: Array(repeating: 0, count: 16_384 * 8))
        let webpError = await #expect(throws: FrameGrabError.self) { try await wideWebP.webpData() }
        #expect(webpError?.message == "WebP encoding failed: width or height is larger than 16383 pixels")
        let file = folder.appendingPathComponent("wide.webp")
        let fileError = await #expect(throws: FrameGrabError.self) { try await wideWebP.write(to: file, format: .webp) }
        #expect(fileError?.path == file.path && fileError?.message == "\(file.path): WebP encoding failed: width or height is larger than 16383 pixels")
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path).isEmpty)
        // The library still encodes after a failure.
        #expect(!(try await image.jpegData()).isEmpty)
    }

    /// The blocking calls, outside async code, give what the async ones give.
    @Test func blockingCallsMatchTheAsyncOnes() throws {
        let image = FFmpegDecoder.gradient(width: 64, height: 48)
        let folder = try FFmpegDecoder.scratchFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        for format in ImageFormat.allCases {
            let bytes = try image.encodedData(format: format, quality: 60)
            #expect(!bytes.isEmpty)
            let file = folder.appendingPathComponent("g.\(format.fileExtension)")
            try image.write(to: file, format: format, quality: 60)
            #expect(Array(try Data(contentsOf: file)) == bytes)
        }
        #expect(try image.jpegData(quality: 60) == image.encodedData(format: .jpeg, quality: 60))
        #expect(try image.webpData(quality: 60) == image.encodedData(format: .webp, quality: 60))
        #expect(try image.jpegData() == image.jpegData(quality: 85))
    }

    @Test func blockingAndAsyncGiveTheSameBytes() async throws {
        let image = FFmpegDecoder.gradient(width: 64, height: 48)
        let blocking = try FFmpegDecoder.blockingEncodings(of: image)
        #expect(blocking == [try await image.jpegData(quality: 60), try await image.webpData(quality: 60)])
    }
}

extension [FrameImage] {
    /// Each image encoded in a task of its own, at once.
    func concurrentEncodings(format: ImageFormat) async throws -> [[UInt8]] {
        try await withThrowingTaskGroup(of: (Int, [UInt8]).self) { group in
            for (index, image) in enumerated() {
                group.addTask { (index, try await image.encodedData(format: format)) }
            }
            var results = [[UInt8]](repeating: [], count: count)
            for try await (index, bytes) in group { results[index] = bytes }
            return results
        }
    }
}

/// Decoding with the `ffmpeg` command, and the pixel arithmetic the tests compare with.
enum FFmpegDecoder {
    struct Failure: Error, CustomStringConvertible { let description: String }

    static func scratchFolder() throws -> URL {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("framegrab-encoding-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        return folder
    }

    /// Runs a program found on the PATH and returns its standard output.
    static func output(of command: [String]) throws -> Data {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = command
        let output = Pipe(), errors = Pipe()
        process.standardOutput = output
        process.standardError = errors
        process.standardInput = FileHandle.nullDevice
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        let text = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw Failure(description: "\(command.joined(separator: " ")) failed (\(process.terminationStatus)):\n\(text)")
        }
        return data
    }

    /// Runs `body` with `bytes` in a temporary file named for `format`.
    static func withFile<T>(_ bytes: [UInt8], format: ImageFormat, _ body: (String) throws -> T) throws -> T {
        let folder = try scratchFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let file = folder.appendingPathComponent("image.\(format.fileExtension)")
        try Data(bytes).write(to: file)
        return try body(file.path)
    }

    /// `width,height,pix_fmt` as ffprobe reads them.
    static func probe(_ bytes: [UInt8], format: ImageFormat) throws -> String {
        try withFile(bytes, format: format) { path in
            String(decoding: try output(of: ["ffprobe", "-v", "error", "-show_entries", "stream=width,height,pix_fmt",
                                             "-of", "csv=p=0", path]), as: UTF8.self)
                .trimmingCharacters(in: .whitespacesAndNewlines)
        }
    }

    /// The file decoded by ffmpeg to packed rgb24 (or rgba).
    static func decode(_ bytes: [UInt8], format: ImageFormat, alpha: Bool = false) throws -> FrameImage {
        let size = try probe(bytes, format: format).split(separator: ",").compactMap { Int($0) }
        guard size.count == 2 else { throw Failure(description: "ffprobe gave no size") }
        let pixels = try withFile(bytes, format: format) { path in
            try output(of: ["ffmpeg", "-nostdin", "-v", "error", "-i", path, "-f", "rawvideo", "-pix_fmt", alpha ? "rgba" : "rgb24", "-"])
        }
        return FrameImage(width: size[0], height: size[1], pixelFormat: alpha ? .rgba8 : .rgb8, pixels: Array(pixels))
    }

    /// PSNR in dB over the colour channels of two images of one size, `b`'s samples scaled to 8 bits.
    static func psnr(_ a: FrameImage, _ b: FrameImage) -> Double {
        precondition(a.width == b.width && a.height == b.height)
        var squares = 0.0
        let scale = b.pixelFormat.bitsPerChannel == 16 ? 257.0 : 1.0
        for y in 0..<a.height {
            for x in 0..<a.width {
                for channel in 0..<3 {
                    let difference = Double(a.sample(x: x, y: y, channel: channel)) - Double(b.sample(x: x, y: y, channel: channel)) / scale
                    squares += difference * difference
                }
            }
        }
        let mean = squares / Double(a.width * a.height * 3)
        return mean == 0 ? .infinity : 10 * log10(255 * 255 / mean)
    }

    /// A 16-bit image's samples made 8-bit by `reduce`.
    static func reduced(_ image: FrameImage, _ reduce: (Int) -> Int) -> FrameImage {
        let samples = image.pixels.count / 2
        let pixels = (0..<samples).map { UInt8(reduce(Int(image.pixels[2 * $0]) | Int(image.pixels[2 * $0 + 1]) << 8)) }
        return FrameImage(width: image.width, height: image.height, pixelFormat: image.pixelFormat.hasAlpha ? .rgba8 : .rgb8, pixels: pixels)
    }

    /// An 8-bit RGBA image's colour samples as an RGB image.
    static func withoutAlpha(_ image: FrameImage) -> FrameImage {
        let pixels = image.pixels.enumerated().filter { $0.offset % 4 != 3 }.map(\.element)
        return FrameImage(width: image.width, height: image.height, pixelFormat: .rgb8, pixels: pixels)
    }

    /// A smooth RGB picture.
    static func gradient(width: Int, height: Int) -> FrameImage {
        var pixels: [UInt8] = []
        for y in 0..<height {
            for x in 0..<width { pixels += [UInt8(x * 255 / width), UInt8(y * 255 / height), UInt8((x + y) % 256)] }
        }
        return FrameImage(width: width, height: height, pixelFormat: .rgb8, pixels: pixels)
    }

    /// The markers APP0…APP15 of a JPEG file's header, in order.
    static func appMarkers(in bytes: [UInt8]) -> [UInt8] {
        var markers: [UInt8] = [], index = 2
        while index + 4 <= bytes.count, bytes[index] == 0xFF, bytes[index + 1] != 0xDA {
            if (0xE0...0xEF).contains(bytes[index + 1]) { markers.append(bytes[index + 1]) }
            index += 2 + (Int(bytes[index + 2]) << 8 | Int(bytes[index + 3]))
        }
        return markers
    }

    /// The blocking JPEG and WebP encodings at quality 60, from a synchronous context.
    static func blockingEncodings(of image: FrameImage) throws -> [[UInt8]] {
        [try image.jpegData(quality: 60), try image.webpData(quality: 60)]
    }
}
