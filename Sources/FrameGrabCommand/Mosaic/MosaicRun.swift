import Foundation
import FrameGrab

/// One invocation of `sheet`, `storyboard` or `poster`: plans one output per input (refusing collisions before
/// anything is decoded), then works through the inputs, several at once, each in one pass of the generator
/// over all its times; every still is the frame `grab` would write at that time and size.
package struct MosaicRun: BatchRun {
    package let settings: MosaicSettings
    let output: Output
    let reporter: Reporter
    let counts = RunCounts()

    /// An input and where its picture goes: the sheet's path, or the storyboard's base (`.vtt` and
    /// `-storyboard-N.<ext>` are added).
    struct Job: Sendable {
        let input: InputDiscovery.Input
        let path: String
        var asset: MediaAsset?
    }

    package init(settings: MosaicSettings, output: Output = Output()) {
        self.settings = settings
        self.output = output
        reporter = Reporter(output: output, json: settings.json)
    }

    /// Runs everything and returns the exit status: 0 every picture written, 1 some input or still failed,
    /// 64 a collision, 128 + the signal.
    package func run() async -> Int32 { await runThrough() }

    var concurrency: Int { settings.jobs }
    var quiet: Bool { settings.quiet }
    func requestCount(of jobs: [Job]) -> Int {
        if case .poster = settings.kind { return jobs.count }
        return (settings.selection.withoutDuration?.count ?? 0) * jobs.count
    }

    // MARK: Planning

    /// The inputs and their outputs; nil (after saying why) when two inputs would write the same file.
    /// Nothing is opened but files found in folders whose outputs would collide (to learn whether they are
    /// video); each input is opened by its job.
    func plan() async -> [Job]? {
        let discovery = InputDiscovery.discover(settings.inputs, recursive: settings.recursive, standardInputName: settings.standardInputName)
        for problem in discovery.problems {
            reportFailure(input: problem.path, error: FrameGrabError(problem.code, problem.message, path: problem.path))
        }
        let allInputs = discovery.inputs
        let inputs = settings.shard?.slice(allInputs) ?? allInputs
        let inputFiles = Set(allInputs.filter { !$0.isStandardInput }.map { GrabRun.canonicalPath($0.path) })
        let paths = inputs.map { input in
            settings.output.path(for: OutputTemplate.Values(inputPath: input.templateName, index: 1, count: 1, requestedTime: .invalid,
                                                            directory: input.directory))
        }
        let written = paths.map { outputFiles(base: $0) }
        let keys = written.map { $0.map(GrabRun.canonicalPath) }
        let suspects = GrabRun.collisionSuspects(inputs, keys: keys, inputFiles: inputFiles)
        let limits = settings.limits, videoStream = settings.videoStream, keepOpen = settings.jobs
        let probed = await GrabRun.concurrentMap(suspects, limit: settings.jobs) { offset in
            await GrabRun.probe(inputs[offset], limits: limits, videoStream: videoStream, keep: offset < keepOpen)
        }
        if Task.isCancelled { return [] }
        var probes = [GrabRun.Probe](repeating: .notOpened, count: inputs.count)
        for (offset, probe) in zip(suspects, probed) { probes[offset] = probe ?? .notOpened }
        var owners: [String: String] = [:]
        var jobs: [Job] = []
        for (offset, input) in inputs.enumerated() {
            var job = Job(input: input, path: paths[offset])
            switch probes[offset] {
            case .notVideo(let error):
                counts.update { $0.notVideo += 1 }
                reporter.emit(NotVideoRecord(input: input.path, error: error))
                continue
            case .failed(let error):
                reportFailure(input: input.path, error: error)
                continue
            case .video(_, let asset, _): job.asset = asset
            case .notOpened: break
            }
            for (file, key) in zip(written[offset], keys[offset]) {
                if inputFiles.contains(key) {
                    output.standardError("framegrab: refusing to run: the output of \(input.path) would overwrite the input \(file)")
                    return nil
                }
                if let owner = owners[key] {
                    output.standardError("framegrab: refusing to run: \(file) would be written for both \(owner) and \(input.path); add {dir} to --output, or use another folder")
                    return nil
                }
                owners[key] = input.path
            }
            jobs.append(job)
        }
        return jobs
    }

    /// The files checked for collisions: the sheet itself, or the storyboard's VTT (its sprites share its base).
    func outputFiles(base: String) -> [String] {
        if case .storyboard = settings.kind { return [base + ".vtt"] }
        return [base]
    }

    // MARK: Working

    func process(_ job: Job, concurrent: Int) async {
        let input = job.input.path
        if settings.skipExisting, let existing = existingOutput(job) {
            counts.update { $0.skipped += 1 }
            reporter.emit(OutputSkipRecord(input: input, path: existing))
            return
        }
        let asset: MediaAsset
        switch await GrabRun.asset(for: job.input, planned: job.asset, limits: settings.limits, videoStream: settings.videoStream) {
        case .asset(let opened): asset = opened
        case .notVideo(let error):
            counts.update { $0.notVideo += 1 }
            reporter.emit(NotVideoRecord(input: input, error: error))
            return
        case .failed(let error):
            reportFailure(input: input, error: error)
            return
        }
        do throws(FrameGrabError) {
            try asset.requireDecoder()
            if case .poster = settings.kind { return try await makePoster(job, asset: asset, cores: concurrent) }
            let length = try await asset.measuredVideoDuration()
            let shots = settings.selection.shots ? try await GrabRun.shots(of: asset) : []
            let times = try times(of: asset, length: length, shots: shots)
            let generator = AssetImageGenerator(asset: asset, settings: settings.generation.sharing(cores: concurrent))
            switch settings.kind {
            case .sheet(let header, let timestamps):
                try await makeSheet(job, asset: asset, generator: generator, times: times, shots: shots, length: length,
                                    header: header, timestamps: timestamps)
            case .storyboard(let rows):
                try await makeStoryboard(job, asset: asset, generator: generator, times: times, length: length, rows: rows)
            case .poster: break
            }
        } catch {
            reportFailure(input: input, error: error)
        }
    }

    /// The times of an input, in time order (a storyboard's also without repeats, and inside the video).
    /// `length`: the video's, measured when the container does not say; `shots`: its shots, for `--shots`.
    func times(of asset: MediaAsset, length: MediaTime, shots: [Shot] = []) throws(FrameGrabError) -> [MediaTime] {
        let selection = settings.selection
        if (selection.every != nil || selection.count != nil) && !length.isNumeric {
            throw GrabRun.unknownDuration(asset.path)
        }
        let asked = selection.count(duration: length) + shots.count
        if asked > settings.maximumRequests {
            throw FrameGrabError(.invalidTime, "\(asset.path): would get \(asked) times, more than --max-requests \(settings.maximumRequests); ask for fewer (a longer --every), or raise --max-requests", path: asset.path)
        }
        var times = selection.resolve(duration: length, shots: shots).map { $0.resolve(duration: length) }
        times.sort { !$1.isNumeric || ($0.isNumeric && $0 < $1) }
        guard case .storyboard = settings.kind else { return times }
        guard length.isNumeric else { throw GrabRun.unknownDuration(asset.path) }
        // Cues are whole milliseconds and must not be empty: one cell per millisecond at most.
        var seen = Set<Int64>()
        return times.filter { $0.isNumeric && $0 < length && seen.insert(StoryboardRun.milliseconds($0)).inserted }
    }

    /// The output already there, complete, when `--skip-existing` may skip the input.
    func existingOutput(_ job: Job) -> String? {
        switch settings.kind {
        case .sheet, .poster: return CompleteImage.exists(at: job.path, format: settings.format) ? job.path : nil
        case .storyboard: return StoryboardRun.isComplete(base: job.path, format: settings.format) ? job.path + ".vtt" : nil
        }
    }

    // MARK: Reporting

    func reportFailure(input: String, error: FrameGrabError) {
        counts.update { $0.failed += 1 }
        reporter.emit(InputFailureRecord(input: input, error: error))
    }

    func reportFailure(input: String, index: Int, requested: MediaTime, error: FrameGrabError) {
        counts.update { $0.failed += 1; $0.requestsDone += 1 }
        reporter.emit(RequestFailureRecord(input: input, index: index, requested: requested, error: error))
    }

    /// Encodes `canvas` and writes it to `path` atomically, folders created (on the work pool).
    func write(_ canvas: MosaicCanvas, to path: String) async throws(FrameGrabError) {
        try await write(image: { canvas.image }, to: path)
    }

    /// Encodes the picture `picture` makes (on the work pool) and writes it to `path` atomically, folders created.
    func write(image picture: @escaping @Sendable () -> FrameImage, to path: String) async throws(FrameGrabError) {
        let format = settings.format, quality = settings.quality
        do {
            try await WorkPool.shared.run(first: true) { () throws -> Void in
                let bytes = try picture().encodedData(format: format, quality: quality)
                try FileManager.default.createDirectory(at: URL(fileURLWithPath: path).deletingLastPathComponent(),
                                                        withIntermediateDirectories: true)
                try AtomicFile.write(bytes, to: path)
            }
        } catch let error as FrameGrabError {
            throw error
        } catch {
            let reason = (error as? AtomicFile.WriteError)?.reason ?? (error as NSError).localizedDescription
            throw FrameGrabError(.writeFailed, "cannot write \(path): \(reason)", path: path)
        }
    }
}
