import Foundation
import FrameGrab
import Locking

/// One invocation of the grab command: plans every output path, refuses collisions, then works through
/// the inputs (several at once), streaming a line per result.
package struct GrabRun: Sendable {
    let settings: GrabSettings
    let output: Output
    /// Prints every record of the run, as JSON or plain lines.
    let reporter: Reporter
    let tally = Tally()
    let counts = RunCounts()

    /// A request of one input: its position (from 1), what was asked and where it goes.
    struct Request: Sendable {
        let index: Int
        let specification: TimeSpecification
        let path: String
    }

    /// An input with its requests planned.
    struct Job: Sendable {
        let input: String
        /// Found in a folder (not named as an input): when it turns out not to be video, it is left out.
        var foundInFolder = false
        /// The input's duration, when planning had to open it.
        var duration: MediaTime?
        var requests: [Request]
        /// The input as planning opened it, when it was kept open for the job.
        var asset: MediaAsset? = nil
    }

    package init(settings: GrabSettings) {
        self.init(settings: settings, output: Output(resultsToStandardError: settings.toStandardOutput))
    }

    /// A run whose lines go to `output` (in-process tests capture them).
    package init(settings: GrabSettings, output: Output) {
        self.settings = settings
        self.output = output
        reporter = Reporter(output: output, json: settings.json)
    }

    /// Runs everything and returns the exit status.
    package func run() async -> Int32 {
        let started = ContinuousClock.now
        let interrupt = await Interrupt.install()
        guard let jobs = await planCancellably(interrupt: interrupt, plan) else { return interrupt.received.map { 128 + $0 } ?? 64 }
        if let signal = interrupt.received {
            // Interrupted while planning: nothing was decoded or written.
            Summary.report(counts.snapshot, files: jobs.count, elapsed: ProgressBar.seconds(ContinuousClock.now - started),
                           quiet: settings.quiet || (settings.json && settings.toStandardOutput), reporter: reporter)
            return 128 + signal
        }
        // Files found in folders that turn out not to be video when their job opens them are not counted as files.
        let notVideoWhenPlanned = counts.snapshot.notVideo
        let progress = ProgressBar.wanted(quiet: settings.quiet)
            ? ProgressBar(output: output, counts: counts, totalFiles: jobs.count, totalRequests: jobs.reduce(0) { $0 + $1.requests.count })
            : nil
        progress?.start()
        await workThrough(jobs, limit: settings.jobs, counts: counts, interrupt: interrupt) { job in
            await process(job, concurrent: min(settings.jobs, jobs.count))
        }
        progress?.stop()
        // With -o - and --json, stderr carries the JSON lines: the {"summary"} object stands for the summary line.
        let done = counts.snapshot
        Summary.report(done, files: jobs.count - (done.notVideo - notVideoWhenPlanned), elapsed: ProgressBar.seconds(ContinuousClock.now - started),
                       quiet: settings.quiet || (settings.json && settings.toStandardOutput), reporter: reporter)
        if let signal = interrupt.received { return 128 + signal }
        return settings.golden?.exitStatus(failures: tally.failures) ?? (tally.failures > 0 ? 1 : 0)
    }

    // MARK: Working

    private func process(_ job: Job, concurrent: Int) async {
        // --skip-existing: requests whose image is already there are answered without decoding.
        var pending = job.requests
        var skipped: [Request] = []
        if settings.skipExisting {
            skipped = pending.filter { CompleteImage.exists(at: $0.path, format: settings.format) }
            pending = pending.filter { !CompleteImage.exists(at: $0.path, format: settings.format) }
        }
        let knownDuration = job.duration ?? .invalid
        let skippedNeedDuration = skipped.contains(where: \.specification.needsDuration) && !knownDuration.isNumeric
        if pending.isEmpty && !skippedNeedDuration {
            for request in skipped { reportSkipped(input: job.input, request: request, requestedTime: request.specification.resolve(duration: knownDuration)) }
            return
        }
        let asset: MediaAsset
        var length = MediaTime.invalid
        do throws(FrameGrabError) {
            let input = InputDiscovery.Input(path: job.input, directory: "", isExplicit: !job.foundInFolder)
            switch await GrabRun.asset(for: input, planned: job.asset, limits: settings.limits, videoStream: settings.videoStream) {
            case .asset(let opened): asset = opened
            case .notVideo(let error):
                reportNotVideo(input: job.input, error: error)
                counts.update { $0.requestsDone += job.requests.count }
                return
            case .failed(let error): throw error
            }
            try asset.requireDecoder()
            // Shares of the length are placed within the video, as measured (planning's, when it measured).
            length = job.duration ?? asset.videoDuration
            if job.duration == nil, job.requests.contains(where: \.specification.needsDuration) { length = try await asset.measuredVideoDuration() }
            if !length.isNumeric, job.requests.contains(where: { if case .evenlySpaced = $0.specification { true } else { false } }) {
                throw GrabRun.unknownDuration(job.input)
            }
        } catch {
            if error.code == .cancelled {
                // Interrupted while opening: every request is answered, as cancelled.
                for request in job.requests { reportCancelled(job.input, request, at: request.specification.resolve(duration: knownDuration)) }
            } else {
                report(input: job.input, error: error, requests: job.requests.count)
            }
            return
        }
        for request in skipped { reportSkipped(input: job.input, request: request, requestedTime: request.specification.resolve(duration: length)) }
        if pending.isEmpty { return }
        let generator = AssetImageGenerator(asset: asset)
        generator.requestedTimeToleranceBefore = settings.toleranceBefore
        generator.requestedTimeToleranceAfter = settings.toleranceAfter
        generator.maximumSize = settings.maximumSize
        generator.appliesPreferredTrackTransform = settings.autorotate
        generator.apertureMode = settings.aperture
        generator.outputDepth = settings.depth
        generator.hdrPolicy = settings.hdr
        generator.deinterlaces = settings.deinterlaces
        generator.decoderThreadCount = GrabSettings.decoderThreads(requested: settings.decoderThreads, concurrent: concurrent)
        let times = pending.map { $0.specification.resolve(duration: length) }
        var answered = Set<Int>()
        // Images are encoded and written on other cores while the decoder moves on; the process encodes
        // at most `EncoderSlots.shared` images at once, whatever --jobs is.
        let slots = EncoderSlots.shared
        await withTaskGroup(of: Void.self) { group in
            // Requests answered by the same frame share one encoding.
            // (With --metadata the text chunks name the requested time, so only identical options share.)
            var lastEncoding: (time: MediaTime, options: PNGOptions, bytes: Task<[UInt8], any Error>)?
            for await result in generator.results(for: times) {
                let request = pending[result.requestIndex]
                answered.insert(result.requestIndex)
                switch result.outcome {
                case .success(let generated):
                    await slots.acquire()
                    if let golden = settings.golden {
                        group.addTask {
                            await WorkPool.shared.run(first: true) { check(generated, against: golden, for: request, of: job.input, requestedTime: result.requestedTime) }
                            slots.release()
                        }
                        continue
                    }
                    let encoding: Task<[UInt8], any Error>
                    let png = pngOptions(input: job.input, stream: asset.videoTrack.streamIndex,
                                         requestedTime: result.requestedTime, actualTime: generated.actualTime)
                    if let last = lastEncoding, last.time == generated.actualTime, last.options == png {
                        encoding = last.bytes
                    } else {
                        // Encoding is pixel work: on the library's work pool.
                        let format = settings.format, quality = settings.quality
                        encoding = Task {
                            try await WorkPool.shared.run(first: true) { () throws -> [UInt8] in
                                try generated.image.encodedData(format: format, quality: quality, pngOptions: png)
                            }
                        }
                        lastEncoding = (generated.actualTime, png, encoding)
                    }
                    group.addTask {
                        await write(generated, encoded: encoding, for: request, of: job.input, requestedTime: result.requestedTime)
                        slots.release()
                    }
                case .failure(let error):
                    report(input: job.input, request: request, requestedTime: result.requestedTime, error: error)
                }
            }
        }
        // Whatever was not answered was cut off by an interrupt.
        for (offset, request) in pending.enumerated() where !answered.contains(offset) {
            reportCancelled(job.input, request, at: times[offset])
        }
    }

    private func reportCancelled(_ input: String, _ request: Request, at time: MediaTime) {
        report(input: input, request: request, requestedTime: time,
               error: FrameGrabError(.cancelled, "\(input) at \(time): cancelled", path: input, requestedTime: time))
    }

    private func write(_ generated: GeneratedImage, encoded: Task<[UInt8], any Error>, for request: Request,
                       of input: String, requestedTime: MediaTime) async {
        var failure: String?
        do {
            let bytes = try await encoded.value
            // Writing files blocks: on the library's work pool, never on the cooperative pool.
            let toStandardOutput = settings.toStandardOutput, output = self.output, path = request.path
            failure = try await WorkPool.shared.run(first: true) { () throws -> String? in
                if toStandardOutput {
                    return output.standardOutputBytes(bytes).map { "cannot write to standard output: " + String(cString: strerror($0)) }
                }
                let folder = URL(fileURLWithPath: path).deletingLastPathComponent()
                try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
                try AtomicFile.write(bytes, to: path)
                return nil
            }
        } catch {
            let reason = (error as? AtomicFile.WriteError)?.reason ?? (error as NSError).localizedDescription
            failure = settings.toStandardOutput ? "cannot write to standard output: \(reason)" : "cannot write \(request.path): \(reason)"
        }
        if let failure {
            report(input: input, request: request, requestedTime: requestedTime,
                   error: FrameGrabError(.writeFailed, "\(input) at \(requestedTime): \(failure)", path: input, requestedTime: requestedTime))
            return
        }
        tally.succeeded()
        counts.update { $0.written += 1; $0.requestsDone += 1 }
        reporter.emit(ImageRecord(image: ImageFacts(input: input, index: request.index, requested: requestedTime, generated: generated),
                                  path: request.path, toStandardOutput: settings.toStandardOutput))
    }

    // MARK: Reporting failures

    func report(input: String, request: Request, requestedTime: MediaTime, error: FrameGrabError) {
        tally.failed()
        counts.update { $0.failed += 1; $0.requestsDone += 1 }
        reporter.emit(RequestFailureRecord(input: input, index: request.index, requested: requestedTime, error: error))
    }

    /// An input that failed as a whole, with the number of its requests that will not be answered.
    func report(input: String, error: FrameGrabError, requests: Int = 0) {
        tally.failed()
        counts.update { $0.failed += max(1, requests); $0.requestsDone += requests }
        reporter.emit(InputFailureRecord(input: input, error: error))
    }
}

extension GrabRun {
    /// A request answered by an image already there (`--skip-existing`).
    fileprivate func reportSkipped(input: String, request: Request, requestedTime: MediaTime) {
        counts.update { $0.skipped += 1; $0.requestsDone += 1 }
        reporter.emit(SkipRecord(input: input, index: request.index, requested: requestedTime, path: request.path))
    }

    /// A file found in a folder that is not a video: said once, and not a failure of the run.
    func reportNotVideo(input: String, error: FrameGrabError) {
        counts.update { $0.notVideo += 1 }
        reporter.emit(NotVideoRecord(input: input, error: error))
    }
}

/// Counts of what happened, shared by the tasks of a run.
final class Tally: Sendable {
    private let counts = Lock((written: 0, failed: 0))
    func succeeded() { counts.withLock { $0.written += 1 } }
    func failed() { counts.withLock { $0.failed += 1 } }
    var failures: Int { counts.withLock { $0.failed } }
    var written: Int { counts.withLock { $0.written } }
}
