import Foundation
import FrameGrab
@testable import FrameGrabCommand
import TestSupport
import Testing

/// The grab command's planning, in this process: output paths, collisions, shards, request limits and
/// files in folders that are not video.
@Suite struct PlanTests {
    @Test func everyRequestGetsItsPathBeforeAnythingIsDecoded() async throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let captured = CapturedOutput()
        let inputs = [Fixtures.path("vp9.webm"), Fixtures.path("vfr.mkv")]
        let run = GrabRun(settings: try settings(inputs, times: ["0.5,1"], template: folder.path("{name}-{index}.png")),
                          output: captured.output())
        let jobs = try #require(await run.plan())
        #expect(jobs.map(\.input) == inputs)
        #expect(jobs.map { $0.requests.map(\.path) } == [
            [folder.path("vp9-1.png"), folder.path("vp9-2.png")],
            [folder.path("vfr-1.png"), folder.path("vfr-2.png")],
        ])
        #expect(jobs.allSatisfy { $0.requests.map(\.index) == [1, 2] })
        // Absolute times with a template that does not name them: nothing had to be opened.
        #expect(jobs.allSatisfy { $0.asset == nil && $0.duration == nil })
        #expect(captured.standardError.isEmpty)
    }

    @Test func percentagesAreResolvedFromTheDurationAndTheInputIsKeptOpenForItsJob() async throws {
        let captured = CapturedOutput()
        var settings = try settings([Fixtures.path("vp9.webm")], times: ["50%"], template: "/tmp/x/{name}-{ms}.png")
        settings.jobs = 1
        let jobs = try #require(await GrabRun(settings: settings, output: captured.output()).plan())
        let job = try #require(jobs.first)
        let duration = try await MediaAsset.open(path: Fixtures.path("vp9.webm")).duration
        #expect(job.duration == duration)
        #expect(job.asset != nil, "the first --jobs inputs stay open for their job")
        let half = TimeSpecification.percent(50).resolve(duration: duration)
        #expect(job.requests.map(\.path) == ["/tmp/x/vp9-\(half.convertScale(1000, rounding: .down).value).png"])
    }

    @Test func twoRequestsWritingOneFileRefuseTheRun() async throws {
        let captured = CapturedOutput()
        let run = GrabRun(settings: try settings([Fixtures.path("vp9.webm")], times: ["1,2"], template: "/tmp/same.png"),
                          output: captured.output())
        #expect(await run.plan() == nil)
        #expect(captured.standardError.contains { $0.contains("/tmp/same.png would be written twice") && $0.contains("add {index}") })
    }

    @Test func aRequestWritingOverItsInputRefusesTheRun() async throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        try FileManager.default.copyItem(atPath: Fixtures.path("vp9.webm"), toPath: folder.path("clip.webm"))
        let captured = CapturedOutput()
        let run = GrabRun(settings: try settings([folder.path("clip.webm")], times: ["1"], template: folder.path("clip.webm")),
                          output: captured.output())
        #expect(await run.plan() == nil)
        #expect(captured.standardError.contains { $0.contains("would overwrite the input") })
    }

    @Test func tooManyTimesForOneInputRefuseTheRunBeforeDecoding() async throws {
        let captured = CapturedOutput()
        var settings = GrabSettings(inputs: [Fixtures.path("vp9.webm")],
                                    selection: TimeSelection(every: MediaTime(value: 1, timescale: 1000)),
                                    template: try OutputTemplate("/tmp/{name}-{index}.png"))
        settings.maximumRequests = 100
        #expect(await GrabRun(settings: settings, output: captured.output()).plan() == nil)
        let message = try #require(captured.standardError.first)
        #expect(message.contains("would get") && message.contains("more than --max-requests 100"))
    }

    @Test(arguments: [(1, [0, 3, 6]), (2, [1, 4]), (3, [2, 5])])
    func shardsSliceTheSortedFilesOfAFolder(index: Int, expected: [Int]) async throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let names = (0..<7).map { "clip\($0).webm" }
        for name in names { try FileManager.default.copyItem(atPath: Fixtures.path("vp9.webm"), toPath: folder.path(name)) }
        var settings = try settings([folder.url.path], times: ["1"], template: "/tmp/{name}-{index}.png")
        settings.shard = Shard(argument: "\(index)/3")
        let jobs = try #require(await GrabRun(settings: settings, output: CapturedOutput().output()).plan())
        #expect(jobs.map { ($0.input as NSString).lastPathComponent } == expected.map { names[$0] })
    }

    @Test func filesInFoldersAreOpenedByTheirJobUnlessTheirOutputsCollide() async throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        try FileManager.default.createDirectory(atPath: folder.path("in/sub"), withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: Fixtures.path("vp9.webm"), toPath: folder.path("in/a.webm"))
        try FileManager.default.copyItem(atPath: Fixtures.path("vfr.mkv"), toPath: folder.path("in/b.mkv"))
        try Data("just words\n".utf8).write(to: folder.url.appendingPathComponent("in/sub/a.txt"))
        let captured = CapturedOutput()
        // {name} alone: in/a.webm and in/sub/a.txt would both write a.png; a.txt is opened to learn it is
        // not video, so the run goes on; b.mkv is left for its job to open.
        var settings = try settings([folder.path("in")], times: ["1"], template: folder.path("out/{name}.png"))
        settings.recursive = true
        settings.json = true
        let jobs = try #require(await GrabRun(settings: settings, output: captured.output()).plan())
        #expect(jobs.map { ($0.input as NSString).lastPathComponent } == ["a.webm", "b.mkv"])
        #expect(jobs.map { $0.asset != nil } == [true, false], "a.webm was opened for the collision and kept; b.mkv was not opened")
        #expect(jobs.allSatisfy { $0.foundInFolder })
        let records = try captured.jsonObjects()
        #expect(records.count == 1)
        #expect(records.first?["code"] as? String == "notVideo")
        #expect(records.first?["input"] as? String == folder.path("in/sub/a.txt"))
    }

    @Test func aFileInAFolderThatIsNotVideoIsSaidOnceWhenItsTurnComes() async throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        try FileManager.default.copyItem(atPath: Fixtures.path("vp9.webm"), toPath: folder.path("a.webm"))
        try Data("just words\n".utf8).write(to: folder.url.appendingPathComponent("b.webm"))
        let captured = CapturedOutput()
        var settings = try settings([folder.url.path], times: ["1"], template: folder.path("out/{name}.png"))
        settings.json = true
        #expect(await GrabRun(settings: settings, output: captured.output()).run() == 0)
        let records = try captured.jsonObjects()
        #expect(records.filter { $0["code"] as? String == "notVideo" }.map { $0["input"] as? String } == [folder.path("b.webm")])
        let summary = try #require(records.last?["summary"] as? [String: Any])
        #expect(summary["files"] as? Int == 1 && summary["written"] as? Int == 1 && summary["notVideo"] as? Int == 1 && summary["failed"] as? Int == 0)
    }
}
