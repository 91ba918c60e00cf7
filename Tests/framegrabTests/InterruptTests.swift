import Foundation
import FrameGrab
import TestSupport
import Testing

/// SIGINT and SIGTERM in the middle of a long run: finished images stay, every other request is reported as
/// cancelled, no partial file is left under a final name, and the exit status says which signal it was.
@Suite(.serialized) struct InterruptTests {
    static let count = 2000

    /// Every 5 ms from 0 to 9.995 s, all distinct, written as decimal seconds.
    static let times: [String] = (0..<count).map { index in
        let milliseconds = index * 5
        return "\(milliseconds / 1000)." + String(milliseconds % 1000).leftPadded(to: 3)
    }

    /// The times as comma lists of 100, each after its own -t.
    static let timeArguments: [String] = stride(from: 0, to: count, by: 100).flatMap { start in
        ["-t", times[start..<min(count, start + 100)].joined(separator: ",")]
    }

    func fileName(_ index: Int) -> String { String(index).leftPadded(to: String(Self.count).count) + ".png" }

    /// Starts the long run, waits for its first result, sends `signals` (a short pause between them) and
    /// returns what happened.
    func interruptedRun(in scratch: Scratch, signals: [Int32], sourceLocation: SourceLocation = #_sourceLocation) throws
        -> (result: CommandResult, records: [JSONRecord], latency: Double) {
        let running = try Framegrab.start([bframesPath, "--json", "-o", "out/{index}.png", "--png-compression", "9"] + Self.timeArguments,
                                          in: scratch.url, sourceLocation: sourceLocation)
        let answered = running.waitForStdout(timeout: 30) { $0.contains("\n") }
        #expect(answered, "no result within 30 s", sourceLocation: sourceLocation)
        let signalled = Date()
        for (offset, signalNumber) in signals.enumerated() {
            if offset > 0 { usleep(20_000) }
            running.send(signalNumber)
        }
        let result = running.wait(timeout: 60, sourceLocation: sourceLocation)
        let latency = Date().timeIntervalSince(signalled)
        expectNoCrash(result, sourceLocation: sourceLocation)
        #expect(result.status == 128 + signals[0], "\(result)", sourceLocation: sourceLocation)
        #expect(latency < 10, "took \(latency) s to stop after the signal", sourceLocation: sourceLocation)
        #expect(!result.stderrLines.contains(where: isFFmpegChatter), sourceLocation: sourceLocation)
        return (result, jsonRecords(result, sourceLocation: sourceLocation), latency)
    }

    /// Checks one image line: its file exists, decodes and shows the frame on screen at its time.
    func checkImage(_ record: JSONRecord, in scratch: Scratch, sourceLocation: SourceLocation = #_sourceLocation) {
        guard let index = record.index, (1...Self.count).contains(index) else {
            Issue.record("bad index: \(record)", sourceLocation: sourceLocation)
            return
        }
        expectKeys(record, JSONRecord.imageKeys, sourceLocation: sourceLocation)
        #expect(record.path == "out/" + fileName(index), "\(record)", sourceLocation: sourceLocation)
        let shown = bframes.frameShown(at: seconds(Self.times[index - 1]))!
        #expect(record.actual.map { abs($0 - bframes.time(ofFrame: shown).seconds) < 1e-6 } == true, "\(record)", sourceLocation: sourceLocation)
        expectShows(decodePNG(scratch.url("out/" + fileName(index)), sourceLocation: sourceLocation), frame: shown, "\(record)",
                    sourceLocation: sourceLocation)
    }

    func gracefulInterrupt(_ signalNumber: Int32, resume: Bool = false, sourceLocation: SourceLocation = #_sourceLocation) throws {
        try Scratch.with { scratch in
            let (result, records, _) = try interruptedRun(in: scratch, signals: [signalNumber], sourceLocation: sourceLocation)
            // Every request is answered exactly once: written, or cancelled.
            let indices = records.compactMap(\.index)
            #expect(indices.count == records.count, "every line has an index", sourceLocation: sourceLocation)
            let missing = Set(1...Self.count).subtracting(indices).sorted()
            let repeated = Dictionary(grouping: indices, by: { $0 }).filter { $0.value.count > 1 }.keys.sorted()
            let strays = indices.filter { !(1...Self.count).contains($0) }
            let wellFormed = missing.isEmpty && repeated.isEmpty && strays.isEmpty
            #expect(wellFormed, "each of the \(Self.count) requests must appear exactly once: \(missing.count) missing (\(missing.prefix(10))…), repeated \(repeated.prefix(10)), out of range \(strays.prefix(10))",
                    sourceLocation: sourceLocation)
            let images = records.filter(\.isImage)
            let cancelled = records.filter { !$0.isImage }
            #expect(!images.isEmpty && !cancelled.isEmpty, "the signal came in the middle of the run: \(images.count) written, \(cancelled.count) cancelled",
                    sourceLocation: sourceLocation)
            for record in cancelled {
                expectKeys(record, JSONRecord.requestFailureKeys, sourceLocation: sourceLocation)
                #expect(record.code == "cancelled", "\(record)", sourceLocation: sourceLocation)
                if let index = record.index, (1...Self.count).contains(index) {
                    #expect(record.requested.map { abs($0 - seconds(Self.times[index - 1]).seconds) < 1e-9 } == true, "\(record)",
                            sourceLocation: sourceLocation)
                }
            }
            for record in images { checkImage(record, in: scratch, sourceLocation: sourceLocation) }
            // The folder holds exactly the images reported, all complete: no temporary files.
            let listed = Set(images.compactMap(\.path).map { String($0.dropFirst("out/".count)) })
            let onDisk = scratch.expectOnlyPNGs(under: "out", sourceLocation: sourceLocation)
            #expect(Set(onDisk.keys) == listed, "files in out/ other than the reported images: \(Set(onDisk.keys).symmetricDifference(listed).sorted().prefix(10)); all: \(scratch.files(under: "out").filter { !$0.hasSuffix(".png") || $0.hasPrefix(".") }.prefix(10))",
                    sourceLocation: sourceLocation)
            _ = result
            guard resume else { return }
            // Running the same command again with --skip-existing completes the set without redoing any.
            let rerun = try scratch.run([bframesPath, "--json", "-o", "out/{index}.png", "--skip-existing"] + Self.timeArguments)
            #expect(rerun.status == 0, "\(rerun)", sourceLocation: sourceLocation)
            let again = jsonRecords(rerun, sourceLocation: sourceLocation)
            let skipped = Set(again.filter { $0.object["skipped"] as? Bool == true }.compactMap(\.index))
            #expect(skipped == Set(images.compactMap(\.index)), "exactly the images of the interrupted run are skipped", sourceLocation: sourceLocation)
            #expect(Set(scratch.expectOnlyPNGs(under: "out", sourceLocation: sourceLocation).keys) == Set((1...Self.count).map(fileName)),
                    sourceLocation: sourceLocation)
            for record in again.filter({ $0.isImage && $0.object["skipped"] == nil }) { checkImage(record, in: scratch, sourceLocation: sourceLocation) }
        }
    }

    @Test func sigintCancelsTheRestAndExits130ThenSkipExistingCompletesTheSet() throws {
        try gracefulInterrupt(SIGINT, resume: true)
    }

    @Test func sigtermCancelsTheRestAndExits143() throws {
        try gracefulInterrupt(SIGTERM)
    }

    /// Several inputs, one at a time or several at once: after the signal, every request of every input is
    /// answered exactly once, and the inputs not started yet are all cancelled rather than skipped.
    @Test(arguments: [["-j", "1"], []])
    func everyRequestOfEveryInputIsAnswered(jobs: [String]) throws {
        let names = [bframesName, "vp9.webm", "vfr.mkv"]
        let times = (0..<590).map { String(format: "%d.%02d", $0 / 100, $0 % 100) }
        try Scratch.with { scratch in
            let running = try Framegrab.start(names.map(Fixtures.path) + jobs
                                              + ["--json", "--png-compression", "9", "-o", "out/{name}/{index}.png", "-t", times.joined(separator: ",")],
                                              in: scratch.url)
            #expect(running.waitForStdout(timeout: 30) { $0.contains("\n") }, "no result within 30 s")
            running.send(SIGINT)
            let result = running.wait(timeout: 60)
            expectNoCrash(result)
            #expect(result.status == 130, "\(result)")
            let records = jsonRecords(result)
            for name in names {
                let mine = records.filter { $0.input == Fixtures.path(name) }
                let indices = mine.compactMap(\.index)
                let complete = indices.count == mine.count && indices.sorted() == Array(1...times.count)
                #expect(complete, "\(name): \(mine.count) lines, \(Set(indices).count) distinct indices, expected 1...\(times.count) once each")
                for record in mine where !record.isImage { #expect(record.code == "cancelled", "\(record)") }
                for record in mine where record.isImage {
                    guard let index = record.index, (1...times.count).contains(index) else { continue }
                    let video = Fixtures.video(name)
                    let base = (name as NSString).deletingPathExtension
                    expectShows(decodePNG(scratch.url("out/\(base)/" + String(index).leftPadded(to: 3) + ".png")),
                                frame: video.frameShown(at: seconds(times[index - 1])), "\(record)")
                }
            }
            #expect(records.count == names.count * times.count, "\(records.count) lines")
            let written = Set(records.filter(\.isImage).compactMap(\.path).map { String($0.dropFirst(4)) })
            #expect(Set(scratch.expectOnlyPNGs(under: "out").keys) == written, "the folder holds exactly the images reported")
        }
    }

    /// A signal that comes before the run has registered its handler (here while framegrab still reads its
    /// times from a named pipe) is kept for the run, which stops as it would later: exit status 130,
    /// nothing but cancellations. (It used to end the process by the signal's default action.)
    @Test func aSignalBeforeTheRunStartsIsHeard() throws {
        try Scratch.with { scratch in
            try #require(mkfifo(scratch.path("times"), 0o644) == 0, "mkfifo: \(String(cString: strerror(errno)))")
            let running = try Framegrab.start([bframesPath, "--times-file", "times", "--json", "-o", "out/{index}.png"], in: scratch.url)
            // Opening the pipe to write returns once framegrab has opened it to read, so the signal comes
            // after main() blocked signals and before the run installs its handler.
            let writer = open(scratch.path("times"), O_WRONLY | O_CLOEXEC)
            try #require(writer >= 0, "open: \(String(cString: strerror(errno)))")
            running.send(SIGINT)
            let times = Array("1\n2\n".utf8)
            #expect(write(writer, times, times.count) == times.count)
            close(writer)
            let result = running.wait(timeout: 60)
            expectNoCrash(result)
            #expect(result.status == 130, "\(result)")
            for record in jsonRecords(result) where !record.isImage { #expect(record.code == "cancelled", "\(record)") }
        }
    }

    /// A second SIGINT exits at once. Lines already printed are whole, and every file under a final name is a
    /// complete PNG (temporary files may be left behind, hidden, under other names).
    @Test func secondSigintExitsAtOnce() throws {
        try Scratch.with { scratch in
            let (_, records, latency) = try interruptedRun(in: scratch, signals: [SIGINT, SIGINT])
            #expect(latency < 5, "took \(latency) s")
            let indices = records.compactMap(\.index)
            #expect(Set(indices).count == indices.count, "no request answered twice")
            for record in records where record.isImage { checkImage(record, in: scratch) }
            for record in records where !record.isImage { #expect(record.code == "cancelled", "\(record)") }
            for file in scratch.files(under: "out") {
                let name = (file as NSString).lastPathComponent
                if name.hasPrefix(".") {
                    #expect(name.hasSuffix(".part"), "unexpected hidden file \(file)")
                    continue
                }
                #expect(name.hasSuffix(".png"), "unexpected file \(file)")
                _ = decodePNG(scratch.url("out/" + file))
            }
        }
    }
}
