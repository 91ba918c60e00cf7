import Foundation
@testable import FrameGrab
import TestSupport
import Testing

/// `MovieHeaderWatch` tells a fragmented MP4 (an `mvex` in its `moov`) from a plain one as its bytes go by, in
/// chunks of any size: what a pipe's reads cut anywhere.
@Suite struct MovieHeaderWatchTests {
    static func box(_ type: String, _ body: [UInt8] = [], large: Bool = false) -> [UInt8] {
        let size = body.count + (large ? 16 : 8)
        let length: [UInt8] = large ? [0, 0, 0, 1] : (0..<4).map { UInt8(truncatingIfNeeded: size >> (24 - 8 * $0)) }
        let wide: [UInt8] = large ? (0..<8).map { UInt8(truncatingIfNeeded: size >> (56 - 8 * $0)) } : []
        return length + Array(type.utf8) + wide + body
    }

    /// The watch after `bytes` went by in chunks of `chunk` bytes.
    static func watch(_ bytes: [UInt8], chunk: Int) -> MovieHeaderWatch {
        var watch = MovieHeaderWatch()
        for start in stride(from: 0, to: bytes.count, by: chunk) {
            bytes[start..<min(start + chunk, bytes.count)].withUnsafeBytes { watch.consume($0) }
        }
        return watch
    }

    static let track = box("trak", box("tkhd", [UInt8](repeating: 0, count: 84)))
    static let fragmented = box("ftyp", Array("isom".utf8) + [0, 0, 2, 0]) + box("free")
        + box("moov", box("mvhd", [UInt8](repeating: 1, count: 100)) + track + box("mvex", box("trex", [UInt8](repeating: 0, count: 24))))
        + box("mdat", [UInt8](repeating: 7, count: 300)) + box("moof", [UInt8](repeating: 0, count: 40))
    static let plain = box("ftyp", Array("isom".utf8)) + box("moov", box("mvhd", [UInt8](repeating: 1, count: 100)) + track, large: true)
        + box("mdat", [UInt8](repeating: 7, count: 300))

    @Test func everyWayOfCuttingTheBytes() {
        for chunk in [1, 2, 3, 5, 7, 8, 15, 16, 17, 100, 4096] {
            let fragmented = Self.watch(Self.fragmented, chunk: chunk), plain = Self.watch(Self.plain, chunk: chunk)
            #expect(fragmented.isFragmented && fragmented.isDone, "chunks of \(chunk)")
            #expect(!plain.isFragmented && plain.isDone, "chunks of \(chunk)")
        }
    }

    /// Other streams are let go at once, and a header that is cut short decides nothing.
    @Test func otherStreamsAndShortOnes() {
        let transportStream = [UInt8](repeating: 0x47, count: 188) + [UInt8](repeating: 0xFF, count: 188)
        let ts = Self.watch(transportStream, chunk: 50)
        #expect(ts.isDone && !ts.isFragmented)
        let cut = Self.watch(Array(Self.fragmented.prefix(60)), chunk: 9)
        #expect(!cut.isDone && !cut.isFragmented)
    }
}
