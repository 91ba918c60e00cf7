internal import CFFmpeg
@testable import FrameGrab
import Foundation
import TestSupport
import Testing

/// `ExactYUVConversion` against swscale: the same bytes for every picture, size, chroma layout, colour
/// matrix, range and output format — on random pictures, and on the frames of every fixture and (when the
/// folder is there) every real video.
@Suite struct ExactYUVConversionTests {
    /// Converts with and without the exact conversion; returns whether it was used.
    static func expectSameBytes(_ frame: Frame, formats: [FrameImage.PixelFormat] = [.rgb8, .rgba8],
                                _ label: @autoclosure () -> String) throws -> Bool {
        var used = false
        for format in formats {
            let exact = Scaler(), reference = Scaler(usesExactYUVConversion: false)
            let fast = try exact.convert(frame, width: Int(frame.width), height: Int(frame.height), format: format)
            let swscale = try reference.convert(frame, width: Int(frame.width), height: Int(frame.height), format: format)
            #expect(reference.exactConversions == 0)
            used = used || exact.exactConversions == 1
            if fast.pixels != swscale.pixels {
                let differing = zip(fast.pixels, swscale.pixels).filter { $0 != $1 }.count
                Issue.record("\(label()) \(format): \(differing) bytes differ from swscale's")
            }
        }
        return used
    }

    /// A frame of `format` filled with random samples, a third of them 0 or 255 (where the clipping is).
    static func randomFrame(width: Int32, height: Int32, format: AVPixelFormat, colorspace: AVColorSpace,
                            range: AVColorRange, generator: inout some RandomNumberGenerator) throws -> Frame {
        let frame = Frame()
        frame.pointer.pointee.width = width
        frame.pointer.pointee.height = height
        frame.pointer.pointee.format = format.rawValue
        frame.pointer.pointee.colorspace = colorspace
        frame.pointer.pointee.color_range = range
        try #require(av_frame_get_buffer(frame.pointer, 0) == 0)
        let descriptor = try #require(av_pix_fmt_desc_get(format)).pointee
        for plane in 0..<3 {
            let rows = plane == 0 ? Int(height) : (Int(height) + (1 << descriptor.log2_chroma_h) - 1) >> descriptor.log2_chroma_h
            let stride = Int(withUnsafeBytes(of: frame.pointer.pointee.linesize) { $0.load(fromByteOffset: plane * 4, as: Int32.self) })
            let base = try #require(withUnsafeBytes(of: frame.pointer.pointee.data) {
                $0.load(fromByteOffset: plane * MemoryLayout<UnsafeMutablePointer<UInt8>?>.stride,
                        as: UnsafeMutablePointer<UInt8>?.self)
            })
            for index in 0..<(rows * stride) {
                let r = UInt8.random(in: 0...255, using: &generator)
                base[index] = r % 3 == 0 ? (r & 8 == 0 ? 0 : 255) : UInt8.random(in: 0...255, using: &generator)
            }
        }
        return frame
    }

    @Test func randomPicturesGiveSwscalesBytes() throws {
        var generator = SplitMix64(seed: 21)
        let formats = [AV_PIX_FMT_YUV420P, AV_PIX_FMT_YUVJ420P, AV_PIX_FMT_YUV422P, AV_PIX_FMT_YUV444P, AV_PIX_FMT_YUV440P]
        let matrices = [AVCOL_SPC_BT709, AVCOL_SPC_SMPTE170M, AVCOL_SPC_BT2020_NCL, AVCOL_SPC_SMPTE240M, AVCOL_SPC_UNSPECIFIED]
        var sizes: [(Int32, Int32)] = [(17, 9), (33, 65), (853, 480), (1920, 1080), (1280, 720), (176, 144)]
        for width in 1...10 { for height in 1...10 { sizes.append((Int32(width), Int32(height))) } }
        var exactCount = 0, count = 0
        for (width, height) in sizes {
            for (index, format) in formats.enumerated() {
                // Every format at every size; the matrices and ranges in turn.
                let matrix = matrices[(index + Int(width) + Int(height)) % matrices.count]
                let range = (Int(width) + index) % 2 == 0 ? AVCOL_RANGE_MPEG : AVCOL_RANGE_JPEG
                let frame = try Self.randomFrame(width: width, height: height, format: format, colorspace: matrix,
                                                 range: range, generator: &generator)
                count += 1
                if try Self.expectSameBytes(frame, "\(width)×\(height) \(String(cString: av_get_pix_fmt_name(format)))") {
                    exactCount += 1
                }
            }
        }
        // Only the pictures with vertically halved chroma (4:2:0 twice, 4:4:0) 7 or 8 rows high go to
        // swscale (its two-tap shortcut): 3 formats × 2 heights × 10 widths.
        #expect(exactCount == count - 3 * 2 * 10, "\(exactCount) of \(count) pictures took the exact conversion")
    }

    /// The first frames of a file, decoded, through both conversions. Returns how many took the exact one.
    static func checkFirstFrames(of path: String, count: Int = 6) throws -> Int {
        let format = try FormatContext(path: path, deadline: Deadline(limit: .seconds(60)), maximumPixels: 1 << 26)
        let stream = av_find_best_stream(format.pointer, AVMEDIA_TYPE_VIDEO, -1, -1, nil, 0)
        guard stream >= 0 else { return 0 }
        let decoder = try CodecContext(format: format, stream: Int(stream), threads: 1, frameThreads: false,
                                       maximumPixels: 1 << 26)
        let packet = Packet(), frame = Frame()
        var decoded = 0, exact = 0, ended = false
        while decoded < count {
            switch try decoder.receive(into: frame) {
            case .frame:
                decoded += 1
                if try expectSameBytes(frame, formats: [.rgb8], "\(path) frame \(decoded)") { exact += 1 }
                frame.unref()
            case .endOfStream:
                return exact
            case .needsInput:
                if ended { return exact }
                repeat {
                    if try !format.read(into: packet) { ended = true; _ = try decoder.send(nil); break }
                    defer { packet.unref() }
                    if packet.pointer.pointee.stream_index == stream { _ = try decoder.send(packet); break }
                } while true
            }
        }
        return exact
    }

    @Test func decodedFramesOfEveryFixtureGiveSwscalesBytes() throws {
        let names = try FileManager.default.contentsOfDirectory(atPath: Fixtures.folder.path)
            .filter { !$0.hasSuffix(".json") && !$0.hasSuffix(".m4a") }.sorted()
        var exact = 0
        for name in names { exact += try Self.checkFirstFrames(of: Fixtures.path(name)) }
        // Most fixtures are 8-bit 4:2:0 at their own size.
        #expect(exact >= 100, "\(exact) fixture frames took the exact conversion")
    }

    @Test(.enabled(if: FileManager.default.fileExists(atPath: Self.realMedia.path)))
    func decodedFramesOfEveryRealVideoGiveSwscalesBytes() throws {
        let names = try FileManager.default.contentsOfDirectory(atPath: Self.realMedia.path)
            .filter { !$0.hasSuffix(".md") && !$0.hasPrefix(".") }.sorted()
        var exact = 0
        for name in names { exact += (try? Self.checkFirstFrames(of: Self.realMedia.appendingPathComponent(name).path)) ?? 0 }
        #expect(exact >= 100, "\(exact) real-video frames took the exact conversion")
    }

    static let realMedia = Fixtures.folder.deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("shared/real_media")
}

/// A seeded generator, so the random pictures are the same on every run.
struct SplitMix64: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
