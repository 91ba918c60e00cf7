import Foundation
import TestSupport
import Testing

/// SIGINT while FFmpeg is waiting on slow storage. A small library preloaded into framegrab makes every
/// read of a file whose name contains "slow" take 400 ms (as a network share or a failing disk can): the
/// run's cancellation flag, read by FFmpeg's interrupt callback between reads, ends the open, the probe or
/// the decode at the next read, so the run ends within a second with status 130 and nothing partial.
@Suite struct SlowReadInterruptTests {
    static let shim = #"""
        #define _GNU_SOURCE
        #include <dlfcn.h>
        #include <stdio.h>
        #include <string.h>
        #include <unistd.h>

        ssize_t read(int fd, void *buffer, size_t count) {
            static ssize_t (*real)(int, void *, size_t);
            if (!real) real = (ssize_t (*)(int, void *, size_t))dlsym(RTLD_NEXT, "read");
            char link[64], target[4096];
            snprintf(link, sizeof link, "/proc/self/fd/%d", fd);
            ssize_t length = readlink(link, target, sizeof target - 1);
            if (length > 0) {
                target[length] = 0;
                if (strstr(target, "slow")) usleep(400000);
            }
            return real(fd, buffer, count);
        }
        """#

    /// Compiles the shim with the system's C compiler.
    static func buildShim(in scratch: Scratch) throws -> String {
        let source = try scratch.write("shim/slowread.c", Array(shim.utf8))
        let library = scratch.path("shim/slowread.so")
        let compile = try Framegrab.runInBash("cc -shared -fPIC -o \(CommandResult.shellQuoted(library)) \(CommandResult.shellQuoted(source)) -ldl",
                                              in: scratch.url)
        try #require(compile.status == 0, "cannot build the slow-read shim: \(compile)")
        return library
    }

    @Test(arguments: [["-t", "4"], ["--count", "3"]])
    func sigintDuringASlowReadEndsTheRunAtOnce(times: [String]) throws {
        try Scratch.with { scratch in
            let library = try Self.buildShim(in: scratch)
            _ = try scratch.write("slow/clip.ts", Array(Data(contentsOf: URL(fileURLWithPath: Fixtures.path("h264-offset.ts")))))
            let arguments = (["slow/clip.ts", "--json", "-o", "out/"] + times).map(CommandResult.shellQuoted).joined(separator: " ")
            let running = try Framegrab.startInBash("LD_PRELOAD=\(CommandResult.shellQuoted(library)) exec \"$FRAMEGRAB\" \(arguments)",
                                                    in: scratch.url)
            // Opening alone reads the file several times: 1 s in, FFmpeg is in the middle of it.
            usleep(1_000_000)
            let (result, stopped) = running.stop(with: SIGINT)
            #expect(result.status == 130, "\(result)")
            #expect(stopped < 1, "stopped \(stopped) s after SIGINT")
            #expect(!FileManager.default.fileExists(atPath: scratch.path("out")) || scratch.expectOnlyPNGs(under: "out").isEmpty,
                    "nothing written")
            let records = jsonRecords(result)
            #expect(!records.isEmpty && records.filter { $0.object["summary"] == nil }.allSatisfy { $0.code == "cancelled" }, "\(result)")
        }
    }

    /// Sheets and storyboards too: nothing half made is left behind (a storyboard's sprites already
    /// written are removed with it).
    @Test(arguments: [["sheet", "slow/clip.ts", "-o", "out/"], ["storyboard", "slow/clip.ts", "--every", "0.2", "--rows", "1", "--columns", "2", "-o", "out"]])
    func sigintDuringASlowMosaicLeavesNothing(arguments: [String]) throws {
        try Scratch.with { scratch in
            let library = try Self.buildShim(in: scratch)
            _ = try scratch.write("slow/clip.ts", Array(Data(contentsOf: URL(fileURLWithPath: Fixtures.path("h264-offset.ts")))))
            let command = (arguments + ["--json"]).map(CommandResult.shellQuoted).joined(separator: " ")
            let running = try Framegrab.startInBash("LD_PRELOAD=\(CommandResult.shellQuoted(library)) exec \"$FRAMEGRAB\" \(command)", in: scratch.url)
            if arguments[0] == "storyboard" {
                // Signalled once the first sprites are written: they must go again.
                let deadline = Date().addingTimeInterval(30)
                while scratch.files(under: "out").isEmpty && Date() < deadline { usleep(50_000) }
                #expect(!scratch.files(under: "out").isEmpty, "no sprite was written before the signal")
            } else {
                usleep(1_500_000)
            }
            let (result, stopped) = running.stop(with: SIGINT)
            #expect(result.status == 130, "\(result)")
            #expect(stopped < 1, "stopped \(stopped) s after SIGINT")
            #expect(scratch.files(under: "out").isEmpty, "left behind: \(scratch.files(under: "out"))")
            #expect(jsonRecords(result).first?.code == "cancelled", "\(result)")
        }
    }

    /// Without a signal, the same slow run completes: the test above measures an interrupted read, not a
    /// shim that breaks reading.
    @Test func theSlowRunCompletesWhenLeftAlone() throws {
        try Scratch.with { scratch in
            let library = try Self.buildShim(in: scratch)
            _ = try scratch.write("slow/clip.ts", Array(Data(contentsOf: URL(fileURLWithPath: Fixtures.path("h264-offset.ts")))))
            let started = Date()
            let result = try Framegrab.runInBash("LD_PRELOAD=\(CommandResult.shellQuoted(library)) exec \"$FRAMEGRAB\" slow/clip.ts -t 1 -o out/ -q",
                                                 in: scratch.url, timeout: 120)
            #expect(result.status == 0, "\(result)")
            #expect(Date().timeIntervalSince(started) > 2, "reads were slowed")
            #expect(scratch.expectOnlyPNGs(under: "out").count == 1)
        }
    }
}
