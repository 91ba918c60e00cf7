import Foundation
import FrameGrab
import TestSupport
import Testing

/// A list of times from another program, as people pass one: a process substitution `<(…)` or a named
/// pipe. (Inputs are refused unless they are regular files; the times file is not an input.)
@Suite struct TimesFromPipesTests {
    /// The frames shown in `out/1.png`, `out/2.png`, … (as many as `count`).
    func framesWritten(_ scratch: Scratch, count: Int, sourceLocation: SourceLocation = #_sourceLocation) -> [Int] {
        let images = scratch.expectOnlyPNGs(under: "out", sourceLocation: sourceLocation)
        #expect(images.count == count, "\(images.keys.sorted())", sourceLocation: sourceLocation)
        return (1...count).compactMap { images["\($0).png"].map { frameNumber(in: $0) } }
    }

    @Test func processSubstitution() throws {
        try Scratch.with { scratch in
            let script = "\"$FRAMEGRAB\" \(CommandResult.shellQuoted(bframesPath)) --times-file <(seq 0 3 9) -o 'out/{index}.png'"
            let result = try Framegrab.runInBash(script, in: scratch.url)
            #expect(result.status == 0 && result.stdoutLines.sorted() == ["out/1.png", "out/2.png", "out/3.png", "out/4.png"], "\(result)")
            let expected = [0, 3, 6, 9].map { bframes.frameShown(at: MediaTime(seconds: Double($0)))! }
            #expect(framesWritten(scratch, count: 4) == expected)
        }
    }

    @Test func namedPipe() throws {
        try Scratch.with { scratch in
            let script = """
                mkfifo times
                printf '# from another program\\n1.5\\n50%%\\n' > times &
                "$FRAMEGRAB" \(CommandResult.shellQuoted(bframesPath)) --times-file times -o 'out/{index}.png' --json
                """
            let result = try Framegrab.runInBash(script, in: scratch.url)
            #expect(result.status == 0, "\(result)")
            #expect(jsonRecords(result).sorted { ($0.index ?? 0) < ($1.index ?? 0) }.compactMap(\.requested) == [1.5, 5], "\(result)")
            #expect(framesWritten(scratch, count: 2) == [1.5, 5].map { bframes.frameShown(at: MediaTime(seconds: $0))! })
        }
    }

    /// A times file that cannot be read says why, with the system's reason.
    @Test func unreadableTimesFilesSayWhy() throws {
        try Scratch.with { scratch in
            try FileManager.default.createDirectory(at: scratch.url("folder"), withIntermediateDirectories: true)
            for (file, reason) in [("missing.txt", "No such file or directory"), ("folder", "Is a directory")] {
                let result = try scratch.run([bframesPath, "--times-file", file, "-o", "out/"])
                #expect(result.status == 64 && result.stderr.contains("Cannot read the times file \(file): \(reason)"), "\(result)")
            }
            #expect(scratch.files(under: ".").isEmpty)
        }
    }
}
