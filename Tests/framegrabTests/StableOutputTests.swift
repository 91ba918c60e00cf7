import Foundation
import FrameGrab
import TestSupport
import Testing

/// The chunks of a PNG file: (type, data), in order.
func pngChunks(_ bytes: [UInt8]) -> [(type: String, data: [UInt8])] {
    var chunks: [(String, [UInt8])] = []
    var offset = 8
    while offset + 8 <= bytes.count {
        let length = bytes[offset..<offset + 4].reduce(0) { $0 << 8 | Int($1) }
        let type = String(decoding: bytes[offset + 4..<offset + 8], as: UTF8.self)
        guard offset + 12 + length <= bytes.count else { break }
        chunks.append((type, Array(bytes[offset + 8..<offset + 8 + length])))
        offset += 12 + length
    }
    return chunks
}

@Suite struct StableOutputTests {
    static let inputs = ["h264-bframes.mp4", "vp9.webm", "h264-offset.ts", "rotated90.mp4"].map(Fixtures.path)
    static let times = ["0.5", "3.96", "1", "2.5", "0", "3.5"]

    /// The same requests, in another order, with other job counts and decoder thread counts, give the same
    /// bytes.
    @Test func bytesDoNotDependOnJobsOrRequestOrder() throws {
        try Scratch.with { scratch in
            let runs: [(folder: String, inputs: [String], times: [String], extra: [String])] = [
                ("a", Self.inputs, Self.times, ["-j", "1"]),
                ("b", Self.inputs.reversed(), Self.times.reversed(), ["-j", "4"]),
                ("c", [Self.inputs[2], Self.inputs[0], Self.inputs[3], Self.inputs[1]], [Self.times[3], Self.times[0], Self.times[5], Self.times[1], Self.times[4], Self.times[2]], ["-j", "2"]),
                ("d", Self.inputs, Self.times, ["-j", "1", "--threads", "1"]),
                ("e", Self.inputs.reversed(), Self.times, ["-j", "2", "--threads", "8"]),
            ]
            for run in runs {
                let result = try scratch.run(run.inputs + ["-t", run.times.joined(separator: ","), "-o", run.folder + "/{name}-{ms}.png"] + run.extra)
                #expect(result.status == 0, "\(result)")
            }
            let files = scratch.files(under: "a")
            #expect(files.count == Self.inputs.count * Self.times.count)
            for run in runs.dropFirst() {
                #expect(scratch.files(under: run.folder) == files)
                for file in files {
                    #expect(scratch.bytes("\(run.folder)/\(file)") == scratch.bytes("a/\(file)"), "\(run.folder)/\(file) differs from a/\(file)")
                }
            }
        }
    }

    /// The same holds for 16-bit output, HDR tone mapping, deinterlacing and alpha.
    @Test(arguments: [["--depth", "16"], ["--hdr", "keep"], []])
    func bytesDoNotDependOnJobsOrOrderForOtherPixelPaths(options: [String]) throws {
        let inputs = ["colour-10bit.mp4", "hdr-pq.mp4", "hdr-hlg.mp4", "interlaced.mkv", "alpha-prores.mov"].map(Fixtures.path)
        try Scratch.with { scratch in
            let first = try scratch.run(inputs + ["-t", "0,0.04,0.1", "-o", "a/{name}-{ms}.png", "-j", "1"] + options)
            let second = try scratch.run(inputs.reversed() + ["-t", "0.1,0,0.04", "-o", "b/{name}-{ms}.png", "-j", "5"] + options)
            #expect(first.status == 0 && second.status == 0, "\(first)\n\(second)")
            let files = scratch.files(under: "a")
            #expect(files.count == 15 && scratch.files(under: "b") == files)
            for file in files {
                #expect(scratch.bytes("b/\(file)") == scratch.bytes("a/\(file)"), "\(file) differs between runs")
            }
        }
    }

    /// Nothing that depends on the date, the host or the software is written: only IHDR, IDAT and IEND.
    @Test func noTimeOrSoftwareChunks() throws {
        try Scratch.with { scratch in
            let result = try scratch.run([bframesPath, "-t", "1", "-o", "x.png"])
            #expect(result.status == 0)
            let chunks = pngChunks(try #require(scratch.bytes("x.png")))
            #expect(Set(chunks.map(\.type)) == ["IHDR", "IDAT", "IEND"], "\(chunks.map(\.type))")
        }
    }

    /// --metadata adds tEXt chunks with the file's name (not its path), the stream and the two times, and
    /// the bytes still do not depend on where or when the command runs.
    @Test func metadataChunksAreStable() throws {
        try Scratch.with { scratch in
            try scratch.write("sub/.keep", [])
            let first = try scratch.run([bframesPath, "-t", "2.5", "-o", "one.png", "--metadata"])
            let copy = scratch.path("sub/renamed-folder-movie.mp4")
            try FileManager.default.copyItem(atPath: bframesPath, toPath: copy)
            let second = try Framegrab.run(["renamed-folder-movie.mp4", "-t", "2.5", "-o", "../two.png", "--metadata", "-j", "3"], in: scratch.url("sub"))
            #expect(first.status == 0 && second.status == 0, "\(first)\n\(second)")
            let texts = pngChunks(try #require(scratch.bytes("one.png"))).filter { $0.type == "tEXt" }.map {
                $0.data.split(separator: 0, maxSplits: 1).map { String(decoding: $0, as: UTF8.self) }
            }
            let frame = try #require(bframes.frameShown(at: MediaTime(seconds: 2.5)))
            #expect(texts == [["Source", "h264-bframes.mp4"], ["Stream", "0"], ["Requested time", "2.5"],
                              ["Actual time", bframes.time(ofFrame: frame).decimalSeconds]])
            // Only the name differs between the two files.
            var other = try #require(scratch.bytes("two.png"))
            let renamed = pngChunks(other).filter { $0.type == "tEXt" }
            #expect(renamed.first.map { String(decoding: $0.data, as: UTF8.self) } == "Source\0renamed-folder-movie.mp4")
            let plain = try scratch.run([bframesPath, "-t", "2.5", "-o", "plain.png"])
            #expect(plain.status == 0)
            other = try #require(scratch.bytes("plain.png"))
            #expect(pngChunks(other).map(\.type).filter { $0 == "IDAT" }.count >= 1)
            #expect(pngChunks(other).filter { $0.type == "IDAT" }.map(\.data) == pngChunks(try #require(scratch.bytes("one.png"))).filter { $0.type == "IDAT" }.map(\.data))
        }
    }

    /// Two requests answered by the same frame share its pixels, but each file names its own requested time.
    @Test func metadataNamesEachRequestOnASharedFrame() throws {
        try Scratch.with { scratch in
            let result = try scratch.run([bframesPath, "-t", "2.5,2.51", "-o", "{index}.png", "--metadata"])
            #expect(result.status == 0, "\(result)")
            func requested(_ file: String) throws -> String? {
                pngChunks(try #require(scratch.bytes(file))).filter { $0.type == "tEXt" }
                    .map { String(decoding: $0.data, as: UTF8.self) }.first { $0.hasPrefix("Requested time\0") }
            }
            #expect(try requested("1.png") == "Requested time\u{0}2.5")
            #expect(try requested("2.png") == "Requested time\u{0}2.51")
        }
    }
}
