import Foundation
import FrameGrab

/// One shot of an input, as `framegrab shots` prints it.
package struct ShotRecord: ReportRecord {
    package let input: String
    package let shot: Shot

    package var json: JSONValue {
        .object([.init("input", .string(input))] + shotFields(shot))
    }
    package var plain: PlainLine {
        .result("\(input): shot \(shot.number) \(shot.start.decimalSeconds)–\(shot.end.decimalSeconds)")
    }
}

/// What `framegrab shots` was asked for.
package struct ShotsSettings: Sendable {
    package var inputs: [String]
    package var recursive = false
    package var json = false
    package var jobs = ProcessInfo.processInfo.activeProcessorCount
    package var shard: Shard?
    package var quiet = false
    package var videoStream: Int?
    package var limits = AssetLimits.default

    package init(inputs: [String]) { self.inputs = inputs }
}

/// `framegrab shots`: lists the shots of each input (the files of folders too), several inputs at once,
/// each shot's line as soon as its end is known; a progress bar, a summary, and the exit status of `grab`.
package struct ShotsRun: BatchRun {
    package let settings: ShotsSettings
    let output: Output
    let reporter: Reporter
    let counts = RunCounts()

    package init(settings: ShotsSettings, output: Output = Output()) {
        self.settings = settings
        self.output = output
        reporter = Reporter(output: output, json: settings.json)
    }

    /// Runs everything and returns the exit status: 0 every input read to its end, 1 some input failed,
    /// 128 + the signal.
    package func run() async -> Int32 { await runThrough() }

    var concurrency: Int { settings.jobs }
    var quiet: Bool { settings.quiet }
    var listsShots: Bool { true }
    func requestCount(of jobs: [InputDiscovery.Input]) -> Int { 0 }

    /// The inputs (folders walked, this shard's slice); nothing is opened until its job starts.
    func plan() async -> [InputDiscovery.Input]? {
        let discovery = InputDiscovery.discover(settings.inputs, recursive: settings.recursive)
        for problem in discovery.problems {
            reportFailure(input: problem.path, error: FrameGrabError(problem.code, problem.message, path: problem.path))
        }
        return settings.shard?.slice(discovery.inputs) ?? discovery.inputs
    }

    func process(_ input: InputDiscovery.Input, concurrent: Int) async {
        switch await GrabRun.asset(for: input, planned: nil, limits: settings.limits, videoStream: settings.videoStream) {
        case .notVideo(let error):
            counts.update { $0.notVideo += 1 }
            reporter.emit(NotVideoRecord(input: input.path, error: error))
        case .failed(let error):
            reportFailure(input: input.path, error: error)
        case .asset(let asset):
            do {
                try asset.requireDecoder()
                for try await shot in asset.shots() {
                    counts.update { $0.shots += 1 }
                    reporter.emit(ShotRecord(input: input.path, shot: shot))
                }
            } catch {
                if Task.isCancelled { return }
                reportFailure(input: input.path, error: error as? FrameGrabError
                              ?? FrameGrabError(.decodeFailed, "\(input.path): \(error)", path: input.path))
            }
        }
    }

    private func reportFailure(input: String, error: FrameGrabError) {
        counts.update { $0.failed += 1 }
        reporter.emit(InputFailureRecord(input: input, error: error))
    }
}
