import Foundation
import TestSupport

/// Broken and rearranged copies of the fixtures, made in memory.
enum Damage {
    static func bytes(of fixture: String) throws -> [UInt8] {
        [UInt8](try Data(contentsOf: URL(fileURLWithPath: Fixtures.path(fixture))))
    }

    /// The first `fraction` of the bytes, as a download cut short leaves a file.
    static func truncated(_ bytes: [UInt8], keeping fraction: Double) -> [UInt8] {
        Array(bytes.prefix(Int(Double(bytes.count) * fraction)))
    }

    /// The bytes with `count` of them, starting at `fraction` of the way in, overwritten with zeros.
    static func zeroed(_ bytes: [UInt8], at fraction: Double, count: Int) -> [UInt8] {
        var copy = bytes
        let start = Int(Double(bytes.count) * fraction)
        for index in start..<min(bytes.count, start + count) { copy[index] = 0 }
        return copy
    }

    /// Deterministic noise.
    static func noise(count: Int, seed: UInt64 = 0x5DEECE66D) -> [UInt8] {
        var state = seed
        return (0..<count).map { _ in
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return UInt8(truncatingIfNeeded: state >> 56)
        }
    }

    /// An MP4 with its `moov` box moved in front of `mdat` (as `ffmpeg -movflags +faststart` does), so that
    /// the front part of the file is playable on its own. Chunk offsets are moved along with the media data.
    static func faststart(_ bytes: [UInt8]) -> [UInt8]? {
        let top = boxes(in: bytes, 0..<bytes.count)
        guard let moov = top.first(where: { $0.type == "moov" }), let mdat = top.first(where: { $0.type == "mdat" }),
              moov.range.lowerBound > mdat.range.lowerBound else { return nil }
        var newMoov = Array(bytes[moov.range])
        let shift = UInt64(newMoov.count)
        guard shiftChunkOffsets(&newMoov, 0..<newMoov.count, by: shift) else { return nil }
        var result: [UInt8] = []
        for box in top where box.type != "moov" {
            if box.type == "mdat" { result += newMoov }
            result += bytes[box.range]
        }
        return result
    }

    private struct Box {
        let type: String
        let range: Range<Int>
        let headerSize: Int
    }

    private static func read32(_ bytes: [UInt8], _ at: Int) -> UInt64 {
        (0..<4).reduce(UInt64(0)) { $0 << 8 | UInt64(bytes[at + $1]) }
    }

    private static func read64(_ bytes: [UInt8], _ at: Int) -> UInt64 {
        (0..<8).reduce(UInt64(0)) { $0 << 8 | UInt64(bytes[at + $1]) }
    }

    private static func write(_ value: UInt64, width: Int, into bytes: inout [UInt8], at: Int) {
        for index in 0..<width { bytes[at + index] = UInt8(truncatingIfNeeded: value >> (8 * UInt64(width - 1 - index))) }
    }

    private static func boxes(in bytes: [UInt8], _ range: Range<Int>) -> [Box] {
        var found: [Box] = []
        var at = range.lowerBound
        while at + 8 <= range.upperBound {
            var size = Int(read32(bytes, at))
            var header = 8
            let type = String(decoding: bytes[at + 4..<at + 8], as: UTF8.self)
            if size == 1 {
                guard at + 16 <= range.upperBound else { break }
                size = Int(read64(bytes, at + 8))
                header = 16
            } else if size == 0 {
                size = range.upperBound - at
            }
            guard size >= header, at + size <= range.upperBound else { break }
            found.append(Box(type: type, range: at..<at + size, headerSize: header))
            at += size
        }
        return found
    }

    private static func shiftChunkOffsets(_ bytes: inout [UInt8], _ range: Range<Int>, by shift: UInt64) -> Bool {
        let containers: Set<String> = ["moov", "trak", "mdia", "minf", "stbl"]
        var shifted = true
        for box in boxes(in: bytes, range) {
            let body = box.range.lowerBound + box.headerSize..<box.range.upperBound
            switch box.type {
            case _ where containers.contains(box.type):
                shifted = shiftChunkOffsets(&bytes, body, by: shift) && shifted
            case "stco", "co64":
                let width = box.type == "stco" ? 4 : 8
                let count = Int(read32(bytes, body.lowerBound + 4))
                guard body.lowerBound + 8 + count * width <= body.upperBound else { return false }
                for entry in 0..<count {
                    let at = body.lowerBound + 8 + entry * width
                    let value = (width == 4 ? read32(bytes, at) : read64(bytes, at)) + shift
                    if width == 4 && value > UInt64(UInt32.max) { return false }
                    write(value, width: width, into: &bytes, at: at)
                }
            default:
                break
            }
        }
        return shifted
    }
}
