import Foundation
import FrameGrab
import TestSupport
import Testing

/// Bounded work whatever is asked: too many times for one input is a usage error before anything is decoded,
/// a run at the limit starts and stops promptly, and a signal is heard from the first moment, planning
/// included.
@Suite(.serialized) struct RequestBoundTests {
    @Test func tooManyTimesAreRefusedBeforeDecoding() throws {
        try Scratch.with { scratch in
            // A million times over a 10 s file: counted, not made.
            let every = try scratch.run([bframesPath, "--every", "0.00001", "-o", "out/"], timeout: 30)
            #expect(every.status == 64, "\(every)")
            #expect(every.stderr.contains("1000000 times") && every.stderr.contains("--max-requests 20000"), "\(every)")
            #expect(every.duration < 5, "refused in \(every.duration) s")
            let counted = try scratch.run([bframesPath, "--count", "30000", "-o", "out/"])
            #expect(counted.status == 64 && counted.stderr.contains("--max-requests"), "\(counted)")
            let listed = try scratch.run([bframesPath, "--max-requests", "5", "-t", "1,2,3,4,5,6", "-o", "out/"])
            #expect(listed.status == 64 && listed.stderr.contains("6 times"), "\(listed)")
            #expect(!FileManager.default.fileExists(atPath: scratch.path("out")), "nothing written")
            // Raised, the same request runs.
            let raised = try scratch.run([bframesPath, "--max-requests", "6", "-t", "1,2,3,4,5,6", "-o", "out/", "-q"])
            #expect(raised.status == 0, "\(raised)")
        }
    }

    /// 20000 times (the default limit) on one file: the first image comes out soon, and SIGINT ends the run
    /// soon with every request answered. (Release builds take a fraction of these bounds; see the README.)
    @Test func aRunAtTheLimitStartsAndStopsPromptly() throws {
        try Scratch.with { scratch in
            let running = try Framegrab.start([bframesPath, "--every", "0.0005", "--json", "-o", "out/{index}.png"], in: scratch.url)
            let started = Date()
            #expect(running.waitForStdout(timeout: 30) { $0.contains("\n") }, "no result within 30 s")
            let firstLine = Date().timeIntervalSince(started)
            // All 20000 images take minutes in a debug build: a first line within 10 s (5.5 and 6.1 s were seen
            // while the other suites loaded both cores) says results stream as they are made.
            #expect(firstLine < 10, "first image after \(firstLine) s")
            let (result, stopped) = running.stop(with: SIGINT)
            #expect(result.status == 130, "\(result)")
            #expect(stopped < 3, "stopped \(stopped) s after SIGINT")
            let records = jsonRecords(result)
            #expect(Set(records.compactMap(\.index)) == Set(1...20_000), "every request answered once")
            #expect(records.filter { !$0.isImage }.allSatisfy { $0.code == "cancelled" })
        }
    }

    /// SIGINT while the files of a large folder are being opened (to learn their durations): the run ends
    /// at once, exit status 130, nothing written.
    @Test func sigintDuringPlanningEndsTheRun() throws {
        try Scratch.with { scratch in
            // Thousands of files (hard links to one fixture): opening them all takes seconds.
            let first = try scratch.write("videos/clip0.mp4", Array(Data(contentsOf: URL(fileURLWithPath: bframesPath))))
            for number in 1..<5000 { try FileManager.default.linkItem(atPath: first, toPath: scratch.path("videos/clip\(number).mp4")) }
            // --every: how many times, so which paths, depends on each duration: planning opens every file.
            let running = try Framegrab.start(["videos", "--every", "1", "--json", "-o", "out/"], in: scratch.url)
            usleep(200_000)
            let (result, stopped) = running.stop(with: SIGINT)
            #expect(result.status == 130, "\(result)")
            // Planning and then 50000 stills would take minutes; ending within 2 s (1.01 s was seen under the
            // load of the other suites) is ending at once.
            #expect(stopped < 2, "stopped \(stopped) s after SIGINT")
            #expect(!FileManager.default.fileExists(atPath: scratch.path("out")) || scratch.expectOnlyPNGs(under: "out").isEmpty,
                    "nothing written")
        }
    }
}
