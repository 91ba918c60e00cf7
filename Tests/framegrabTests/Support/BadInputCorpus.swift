import Foundation
import TestSupport

/// The corpus of bad inputs, made at test time from the fixtures into a scratch folder: every kind of file
/// framegrab meets in unchecked folders, each with the outcome the README documents for it.
enum BadInputCorpus {
    /// What framegrab must answer for an input.
    enum Expectation: Sendable {
        /// One input-level line with this code, nothing written.
        case inputFails(String)
        /// A damaged copy of `fixture`: either the header is gone (`invalidData` for the input), or the
        /// successful requests are a prefix of the timeline, each showing the right frame, at least
        /// `minimumImages` of them, and the rest fail with `decodeFailed` or `beyondEnd`.
        case damaged(fixture: String, minimumImages: Int)
    }

    struct Entry: Sendable {
        /// Path relative to the scratch folder, passed to framegrab as is.
        let path: String
        let expectation: Expectation
    }

    /// Requested times for damaged files: every half second of the fixtures' ten seconds.
    static let times = (0..<20).map { String(Double($0) / 2) }

    /// Writes the corpus under `in/` and returns its entries.
    static func make(in scratch: Scratch) throws -> [Entry] {
        var entries: [Entry] = []
        func add(_ name: String, _ bytes: [UInt8], _ expectation: Expectation) throws {
            try scratch.write("in/" + name, bytes)
            entries.append(Entry(path: "in/" + name, expectation: expectation))
        }
        try add("empty.mp4", [], .inputFails("emptyFile"))
        try add("noise.mp4", Damage.noise(count: 200_000), .inputFails("invalidData"))
        try add("noise-small.webm", Damage.noise(count: 4096, seed: 7), .inputFails("invalidData"))
        try add("notes.mp4", Array(String(repeating: "Not a video, just words.\n", count: 200).utf8), .inputFails("invalidData"))
        try add("sound.m4a", Damage.bytes(of: "audio-only.m4a"), .inputFails("noVideoStream"))
        for fixture in Fixtures.videoNames {
            let original = try Damage.bytes(of: fixture)
            let (stem, ext) = split(fixture)
            // Cut at several points: inside the header, early, half way, near the end.
            for fraction in [0.002, 0.1, 0.5, 0.9] {
                try add("cut\(Int(fraction * 1000))-\(stem).\(ext)", Damage.truncated(original, keeping: fraction),
                        .damaged(fixture: fixture, minimumImages: 0))
            }
            // The header intact, the picture data zeroed.
            if let zeroed = zeroedPayload(original, fixture: fixture) {
                try add("zeroed-\(stem).\(ext)", zeroed, .damaged(fixture: fixture, minimumImages: 0))
            }
        }
        // An MP4 whose index (at the front) points past the end of the data: the first half still plays.
        if let streamable = Damage.faststart(try Damage.bytes(of: bframesName)) {
            try add("index-past-end.mp4", Damage.truncated(streamable, keeping: 0.5), .damaged(fixture: bframesName, minimumImages: 6))
        }
        // Streams cut in half still give every image before the cut.
        try add("half-offset.ts", Damage.truncated(try Damage.bytes(of: "h264-offset.ts"), keeping: 0.5),
                .damaged(fixture: "h264-offset.ts", minimumImages: 6))
        try add("half-vfr.mkv", Damage.truncated(try Damage.bytes(of: "vfr.mkv"), keeping: 0.5),
                .damaged(fixture: "vfr.mkv", minimumImages: 4))
        // A codec FFmpeg does not know: the Matroska codec ID changed to one that does not exist.
        var unknown = try Damage.bytes(of: "vfr.mkv")
        if let at = find(Array("V_MPEG4/ISO/AVC".utf8), in: unknown) {
            unknown.replaceSubrange(at + 12..<at + 15, with: Array("XYZ".utf8))
            try add("unknown-codec.mkv", unknown, .inputFails("unsupportedCodec"))
        }
        try FileManager.default.createDirectory(at: scratch.url("in/folder.mp4"), withIntermediateDirectories: true)
        entries.append(Entry(path: "in/folder.mp4", expectation: .inputFails("isDirectory")))
        entries.append(Entry(path: "in/missing.mp4", expectation: .inputFails("notFound")))
        #if canImport(Glibc)
        if mkfifo(scratch.path("in/pipe.mp4"), 0o644) == 0 {
            entries.append(Entry(path: "in/pipe.mp4", expectation: .inputFails("notRegularFile")))
        }
        #endif
        // Inputs the fuzzer found, kept in the repository: each must fail cleanly or give images.
        let found = Fixtures.folder.deletingLastPathComponent().appendingPathComponent("BadInputs/fuzz")
        for name in (try? FileManager.default.contentsOfDirectory(atPath: found.path))?.sorted() ?? [] where !name.hasPrefix(".") {
            let bytes = [UInt8](try Data(contentsOf: found.appendingPathComponent(name)))
            try add("fuzz-\(name).bin", bytes, .damaged(fixture: "", minimumImages: 0))
        }
        return entries
    }

    private static func find(_ needle: [UInt8], in bytes: [UInt8]) -> Int? {
        guard bytes.count >= needle.count else { return nil }
        return (0...bytes.count - needle.count).first { bytes[$0..<$0 + needle.count].elementsEqual(needle) }
    }

    private static func split(_ name: String) -> (String, String) {
        let dot = name.lastIndex(of: ".")!
        return (String(name[..<dot]), String(name[name.index(after: dot)...]))
    }

    /// The fixture with its picture data overwritten with zeros and its container structure kept: for MP4
    /// the body of `mdat`; for the other containers everything after the first 4 KiB (their headers).
    static func zeroedPayload(_ bytes: [UInt8], fixture: String) -> [UInt8]? {
        var copy = bytes
        if fixture.hasSuffix(".mp4") {
            var at = 0
            while at + 8 <= bytes.count {
                let size = Int(bytes[at]) << 24 | Int(bytes[at + 1]) << 16 | Int(bytes[at + 2]) << 8 | Int(bytes[at + 3])
                let type = String(decoding: bytes[at + 4..<at + 8], as: UTF8.self)
                guard size >= 8, at + size <= bytes.count else { return nil }
                if type == "mdat" {
                    for index in at + 8..<at + size { copy[index] = 0 }
                    return copy
                }
                at += size
            }
            return nil
        }
        guard bytes.count > 8192 else { return nil }
        for index in 4096..<bytes.count { copy[index] = 0 }
        return copy
    }
}
