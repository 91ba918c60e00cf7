import Foundation
import FrameGrab
import TestSupport
import Testing

/// `http://` inputs, read from a server the tests start on 127.0.0.1 (`scripts/serve-test-media`).
@Suite struct URLInputTests {
    /// Every file under `folder`, with its bytes.
    static func contents(_ scratch: Scratch, _ folder: String) throws -> [String: Data] {
        var all: [String: Data] = [:]
        for file in scratch.files(under: folder) { all[file] = try Data(contentsOf: scratch.url(folder + "/" + file)) }
        return all
    }

    /// Exact and keyframe stills, a sheet and a storyboard: the same files, byte for byte, from the URL (a
    /// query on it, and through a redirect) as from the local file; `{name}` is the URL's file name.
    @Test func theSameBytesFromAURLAsFromTheFile() throws {
        try Scratch.with { scratch in
            let server = try MediaServer(root: Fixtures.folder)
            let remote = server.url(bframesName + "?X-Amz-Signature=abc#t=1")
            let redirected = server.url("redirect/" + bframesName)
            for (offset, mode) in [[], ["--tolerance", "keyframe"]].enumerated() {
                let times = ["-t", "0", "-t", "0.5", "-t", "1.3", "-t", "50%", "-t", "100%"]
                let local = try scratch.run([bframesPath] + times + ["-o", "local\(offset)/"] + mode)
                let url = try scratch.run([remote] + times + ["-o", "remote\(offset)/"] + mode)
                let moved = try scratch.run([redirected] + times + ["-o", "moved\(offset)/"] + mode)
                #expect(local.status == 0 && url.status == 0 && moved.status == 0, "\(local)\n\(url)\n\(moved)")
                let expected = try Self.contents(scratch, "local\(offset)")
                #expect(expected.count == 5 && expected.keys.allSatisfy { $0.hasPrefix("h264-bframes-") }, "\(expected.keys)")
                #expect(try Self.contents(scratch, "remote\(offset)") == expected, "from the URL")
                #expect(try Self.contents(scratch, "moved\(offset)") == expected, "through a redirect")
            }
            for command in [["sheet", "--count", "6"], ["storyboard", "--every", "0.5"]] {
                let local = try scratch.run(command + [bframesPath, "-o", "local-\(command[0])/"])
                let url = try scratch.run(command + [remote, "-o", "remote-\(command[0])/"])
                #expect(local.status == 0 && url.status == 0, "\(local)\n\(url)")
                let expected = try Self.contents(scratch, "local-\(command[0])")
                let fromURL = try Self.contents(scratch, "remote-\(command[0])")
                #expect(!expected.isEmpty && fromURL == expected, "\(command[0]): \(expected.keys.sorted())")
            }
        }
    }

    /// Through the library: `MediaAsset.open(url:)` on an `http` URL gives the pictures of the local file.
    @Test func theLibraryOpensURLs() async throws {
        let server = try MediaServer(root: Fixtures.folder)
        let remote = try await MediaAsset.open(url: try #require(URL(string: server.url(bframesName))))
        let local = try await MediaAsset.open(path: bframesPath)
        #expect(remote.url.absoluteString == server.url(bframesName) && remote.path == server.url(bframesName))
        for seconds in [0.0, 0.9, 1.7] {
            let time = MediaTime(seconds: seconds, preferredTimescale: 600)
            let fromURL = try await AssetImageGenerator(asset: remote).image(at: time)
            let fromFile = try await AssetImageGenerator(asset: local).image(at: time)
            #expect(fromURL.image == fromFile.image && fromURL.actualTime == fromFile.actualTime, "at \(seconds)")
        }
    }

    /// A server that answers an error, has no such file, stalls, cuts the body short, or serves something
    /// that is not video: a clear line with a stable code, exit status 1, no image for what failed, and the
    /// other inputs still done. A stalled server is given up at `--timeout`.
    @Test func serversThatFailGetClearErrors() throws {
        try Scratch.with { scratch in
            _ = try scratch.write("www/noise.mp4", Damage.noise(count: 64 * 1024))
            try FileManager.default.copyItem(atPath: bframesPath, toPath: scratch.path("www/clip.mp4"))
            try FileManager.default.copyItem(atPath: bframesPath, toPath: scratch.path("www/good.mp4"))
            let server = try MediaServer(root: scratch.url("www"))
            let cases: [(String, [String])] = [
                (server.url("status/404/clip.mp4"), ["notFound"]), (server.url("nothing-here.mp4"), ["notFound"]),
                (server.url("status/403/clip.mp4"), ["forbidden"]), (server.url("status/401/clip.mp4"), ["forbidden"]),
                (server.url("status/500/clip.mp4"), ["networkFailed"]), (server.url("status/410/clip.mp4"), ["networkFailed"]),
                (server.url("noise.mp4"), ["invalidData"]), ("http://127.0.0.1:9/clip.mp4", ["networkFailed"]),
                (server.url("stall/clip.mp4"), ["timedOut"]),
                (server.url("cut/clip.mp4"), ["networkFailed", "decodeFailed", "readFailed", "invalidData"]),
            ]
            for (url, codes) in cases {
                let started = Date()
                let result = try scratch.run([url, server.url("good.mp4"), "-t", "0.5", "-t", "90%", "-o", "out/{name}-{index}.png",
                                              "--json", "--timeout", "3", "--jobs", "1"], timeout: 60)
                #expect(result.status == 1, "\(url)\n\(result)")
                #expect(Date().timeIntervalSince(started) < 30, "\(url): ends soon after --timeout")
                let records = jsonRecords(result)
                let failed = records.filter { $0.input == MediaLocation.redacted(url) && $0.code != nil }
                #expect(!failed.isEmpty && failed.allSatisfy { codes.contains($0.code!) }, "\(url)\n\(result)")
                #expect(failed.allSatisfy { $0.error?.hasPrefix(url) == true }, "errors name the URL\n\(result)")
                #expect(records.filter { $0.input == server.url("good.mp4") && $0.isImage }.count == 2, "the other input is done\n\(result)")
                if !url.contains("/cut/") {
                    #expect(records.filter { $0.input == url && $0.isImage }.isEmpty, "\(result)")
                }
                // Whatever a cut-short body gave is the right picture: the same bytes as from the whole file.
                for record in records where record.input == url && record.isImage {
                    let path = try #require(record.path)
                    let whole = try scratch.run([bframesPath, "-t", String(record.requested ?? -1), "-o", "whole.png"])
                    let (got, right) = (try Data(contentsOf: scratch.url(path)), try Data(contentsOf: scratch.url("whole.png")))
                    #expect(whole.status == 0 && got == right, "\(url) \(path)")
                }
                try? FileManager.default.removeItem(at: scratch.url("out"))
            }
        }
    }

    /// A user and password in the URL, and a signature in its query, are used (the server checks them) and
    /// never shown: not in plain lines, JSON lines, errors, probe's description or the summary.
    @Test func credentialsAreNeverShown() throws {
        try Scratch.with { scratch in
            try FileManager.default.createDirectory(at: scratch.url("www"), withIntermediateDirectories: true)
            try FileManager.default.copyItem(atPath: bframesPath, toPath: scratch.path("www/clip.mp4"))
            let server = try MediaServer(root: scratch.url("www"))
            let good = "http://user:secret@127.0.0.1:\(server.port)/private/clip.mp4?sig=TOPSIGNATURE&expires=99"
            let bad = "http://user:wrongpass@127.0.0.1:\(server.port)/private/clip.mp4?sig=TOPSIGNATURE"
            let secrets = ["secret", "wrongpass", "TOPSIGNATURE"]
            for arguments in [[good, "-t", "1", "-o", "out/"], [good, "-t", "1", "-o", "json/", "--json"], [bad, "-t", "1", "-o", "bad/"],
                              [bad, "-t", "1", "-o", "bad/", "--json"], ["probe", good], ["probe", "--json", good, bad],
                              ["sheet", good, "-o", "sheet/"], ["poster", bad, "--json"]] {
                let result = try scratch.run(arguments)
                let said = result.stdout + result.stderr + (result.summaryLine ?? "") + (result.jsonSummary ?? "")
                #expect(!secrets.contains { said.contains($0) }, "\(arguments)\n\(said)")
                if arguments.contains("--json") || arguments.contains("probe") || arguments.contains(bad) {
                    #expect(said.contains("127.0.0.1:\(server.port)/private/clip.mp4"), "the URL is still named\n\(said)")
                }
                #expect(result.status == (arguments.contains(bad) ? 1 : 0), "\(result)")
            }
            #expect(scratch.files(under: "out") == ["clip-1.png"], "{name} is the URL's file name")
            let refused = try scratch.run([bad, "-t", "1", "-o", "bad/", "--json"])
            #expect(jsonRecords(refused).first?.code == "forbidden", "\(refused)")
        }
    }

    /// A keyframe still from the middle of a large served file reads a small part of it: one seek and the
    /// bytes around the keyframe, not the file.
    @Test func aKeyframeStillOfALargeFileReadsLittleOfIt() throws {
        try Scratch.with { scratch in
            try FileManager.default.createDirectory(at: scratch.url("www"), withIntermediateDirectories: true)
            try FFmpegTool.run(["-f", "lavfi", "-i", "testsrc2=size=640x360:rate=25", "-t", "60", "-c:v", "libx264", "-preset", "ultrafast",
                                "-g", "50", "-b:v", "3M", "-pix_fmt", "yuv420p", "www/big.mp4"], in: scratch.url)
            let size = try #require(try FileManager.default.attributesOfItem(atPath: scratch.path("www/big.mp4"))[.size] as? Int)
            let server = try MediaServer(root: scratch.url("www"))
            try server.reset()
            let result = try scratch.run([server.url("big.mp4"), "-t", "30", "--tolerance", "keyframe", "-o", "still.png"])
            #expect(result.status == 0, "\(result)")
            let (sent, requests) = try server.stats()
            #expect(size > 15_000_000, "\(size)")
            #expect(sent > 0 && sent < size / 10, "sent \(sent) of \(size) bytes in \(requests.count) requests: \(requests)")
            let local = try scratch.run([scratch.path("www/big.mp4"), "-t", "30", "--tolerance", "keyframe", "-o", "local.png"])
            let (got, right) = (try Data(contentsOf: scratch.url("still.png")), try Data(contentsOf: scratch.url("local.png")))
            #expect(local.status == 0 && got == right)
        }
    }
}

/// HLS made by `ffmpeg -f hls` from a fixture: every frame, as a local playlist and served, is the source's
/// frame (time 0 is the start of the first segment, where FFmpeg puts it: 0.021 s before the first frame
/// here), and keyframe requests get the nearest keyframe of the segments.
@Suite struct HLSInputTests {
    @Test func everyFrameAndTheNearestKeyframes() throws {
        try Scratch.with { scratch in
            try FileManager.default.createDirectory(at: scratch.url("www/hls"), withIntermediateDirectories: true)
            try FFmpegTool.run(["-i", bframesPath, "-c", "copy", "-f", "hls", "-hls_time", "2", "-hls_playlist_type", "vod",
                                "www/hls/index.m3u8"], in: scratch.url)
            let server = try MediaServer(root: scratch.url("www"))
            // Frame k of the source is on screen from k/25 s; in the playlist from k/25 + 0.021 s.
            let times = (0..<bframes.frames.count).flatMap { ["-t", String(format: "%.3f", Double($0) / 25 + 0.03)] }
            let source = try scratch.run([bframesPath] + times + ["-o", "source/{index}.png", "-q"], timeout: 300)
            #expect(source.status == 0, "\(source)")
            let expected = try URLInputTests.contents(scratch, "source")
            #expect(expected.count == bframes.frames.count && bframes.frames.count == 250)
            for (name, input) in [("local", "www/hls/index.m3u8"), ("served", server.url("hls/index.m3u8"))] {
                let result = try scratch.run([input] + times + ["-o", "\(name)/{index}.png", "-q"], timeout: 300)
                #expect(result.status == 0, "\(result)")
                let got = try URLInputTests.contents(scratch, name)
                let differing = expected.keys.filter { got[$0] != expected[$0] }.sorted()
                #expect(differing.isEmpty, "\(name): \(differing.count) frames differ: \(differing.prefix(5))")
                let keyframes = try scratch.run([input, "--count", "5", "--tolerance", "keyframe", "-o", "\(name)-key/{index}.png", "--json", "-q"])
                let actual = jsonRecords(keyframes).filter(\.isImage).sorted { ($0.index ?? 0) < ($1.index ?? 0) }.compactMap(\.actual)
                #expect(actual == [0.021333, 4.021333, 4.021333, 8.021333, 8.021333], "\(name): nearest keyframes of 1, 3, 5, 7, 9 s\n\(keyframes)")
            }
        }
    }
}
