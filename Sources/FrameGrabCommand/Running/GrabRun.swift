import Foundation
import FrameGrab
import Locking

/// One invocation of the grab command: plans every output path, refuses collisions, then works through
/// the inputs (several at once), streaming a line per result.
package struct GrabRun: BatchRun {
    let settings: GrabSettings
    let output: Output
    /// Prints every record of the run, as JSON or plain lines.
    let reporter: Reporter
    let counts = RunCounts()

    /// A request of one input: its position (from 1), what was asked, where it goes, and the time asked
    /// for, resolved once the video's length is known (`.invalid` until then for a share of it).
    struct Request: Sendable {
        let index: Int
        let specification: TimeSpecification
        let path: String
        private(set) var time: MediaTime

        init(index: Int, specification: TimeSpecification, path: String, duration: MediaTime) {
            self.index = index
            self.specification = specification
            self.path = path
            time = specification.resolve(duration: duration)
        }

        /// The request with its time placed in a video of `length` (for `%` times).
        func placed(in length: MediaTime) -> Request {
            var placed = self
            placed.time = specification.resolve(duration: length)
            return placed
        }
    }

    /// An input with its requests planned.
    struct Job: Sendable {
        let source: InputDiscovery.Input
        /// The input as messages name it.
        var input: String { source.path }
        /// Found in a folder (not named as an input): when it turns out not to be video, it is left out.
        var foundInFolder: Bool { !source.isExplicit }
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

    /// Runs everything and returns the exit status: 0 every image written (or matching its golden image),
    /// 1 a request or input failed, 2 a golden image unreadable, 64 a collision, 128 + the signal.
    package func run() async -> Int32 { await runThrough() }

    // MARK: Working

    func process(_ job: Job, concurrent: Int) async {
        // --skip-existing: requests whose image is already there are answered without decoding.
        var pending = job.requests
        var skipped: [Request] = []
        if settings.skipExisting {
            skipped = pending.filter { CompleteImage.exists(at: $0.path, format: settings.format) }
            pending = pending.filter { !CompleteImage.exists(at: $0.path, format: settings.format) }
        }
        let skippedNeedDuration = skipped.contains { !$0.time.isNumeric && $0.specification.needsDuration }
        if pending.isEmpty && !skippedNeedDuration {
            for request in skipped { reportSkipped(input: job.input, request: request) }
            return
        }
        let asset: MediaAsset
        var length = MediaTime.invalid
        do throws(FrameGrabError) {
            switch await GrabRun.asset(for: job.source, planned: job.asset, limits: settings.limits, videoStream: settings.videoStream) {
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
                for request in job.requests { reportCancelled(job.input, request) }
            } else {
                report(input: job.input, error: error, requests: job.requests.count)
            }
            return
        }
        if job.duration == nil {
            skipped = skipped.map { $0.placed(in: length) }
            pending = pending.map { $0.placed(in: length) }
        }
        for request in skipped { reportSkipped(input: job.input, request: request) }
        if pending.isEmpty { return }
        let generator = AssetImageGenerator(asset: asset, settings: settings.generation.sharing(cores: concurrent))
        let requests = pending.map { request in
            if let shot = request.specification.shot { return FrameRequest(time: request.time, nonBlankIn: BlankSkip.range(of: shot)) }
            return settings.skipBlank?.request(request.time, specification: request.specification, length: length) ?? FrameRequest(time: request.time)
        }
        var answered = Set<Int>()
        // Images are encoded and written on other cores while the decoder moves on; the process encodes
        // at most `EncoderSlots.shared` images at once, whatever --jobs is.
        let slots = EncoderSlots.shared
        await withTaskGroup(of: Void.self) { group in
            // Requests answered by the same frame share one encoding.
            // (With --metadata the text chunks name the requested time, so only identical options share.)
            var lastEncoding: (time: MediaTime, options: PNGOptions, bytes: Task<[UInt8], any Error>)?
            for await result in generator.results(for: requests) {
                let request = pending[result.requestIndex]
                answered.insert(result.requestIndex)
                switch result.outcome {
                case .success(let generated):
                    await slots.acquire()
                    if let golden = settings.golden {
                        group.addTask {
                            await WorkPool.shared.run(first: true) { check(generated, against: golden, for: request, of: job.input) }
                            slots.release()
                        }
                        continue
                    }
                    let encoding: Task<[UInt8], any Error>
                    let png = pngOptions(input: job.input, stream: asset.videoTrack.streamIndex,
                                         requestedTime: request.time, actualTime: generated.actualTime)
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
                        await write(generated, encoded: encoding, for: request, of: job.input)
                        slots.release()
                    }
                case .failure(let error):
                    report(input: job.input, request: request, error: error)
                }
            }
        }
        // Whatever was not answered was cut off by an interrupt.
        for (offset, request) in pending.enumerated() where !answered.contains(offset) {
            reportCancelled(job.input, request)
        }
    }

    private func reportCancelled(_ input: String, _ request: Request) {
        report(input: input, request: request,
               error: FrameGrabError(.cancelled, "\(input) at \(request.time): cancelled", path: input, requestedTime: request.time))
    }

    private func write(_ generated: GeneratedImage, encoded: Task<[UInt8], any Error>, for request: Request,
                       of input: String) async {
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
            report(input: input, request: request,
                   error: FrameGrabError(.writeFailed, "\(input) at \(request.time): \(failure)", path: input, requestedTime: request.time))
            return
        }
        counts.update { $0.written += 1; $0.requestsDone += 1 }
        reporter.emit(ImageRecord(image: ImageFacts(input: input, index: request.index, requested: request.time, generated: generated,
                                                    shot: request.specification.shot),
                                  path: request.path, toStandardOutput: settings.toStandardOutput))
    }

    // MARK: Reporting failures

    func report(input: String, request: Request, error: FrameGrabError) {
        counts.update { $0.failed += 1; $0.requestsDone += 1 }
        reporter.emit(RequestFailureRecord(input: input, index: request.index, requested: request.time, error: error))
    }

    /// An input that failed as a whole, with the number of its requests that will not be answered.
    func report(input: String, error: FrameGrabError, requests: Int = 0) {
        counts.update { $0.failed += max(1, requests); $0.requestsDone += requests }
        reporter.emit(InputFailureRecord(input: input, error: error))
    }
}

extension GrabRun {
    /// A request answered by an image already there (`--skip-existing`).
    fileprivate func reportSkipped(input: String, request: Request) {
        counts.update { $0.skipped += 1; $0.requestsDone += 1 }
        reporter.emit(SkipRecord(input: input, index: request.index, requested: request.time, path: request.path))
    }

    /// A file found in a folder that is not a video: said once, and not a failure of the run.
    func reportNotVideo(input: String, error: FrameGrabError) {
        counts.update { $0.notVideo += 1 }
        reporter.emit(NotVideoRecord(input: input, error: error))
    }
}

extension GrabRun {
    var concurrency: Int { settings.jobs }
    var quiet: Bool { settings.quiet }
    var summaryIsQuiet: Bool { settings.quiet || (settings.json && settings.toStandardOutput) }

    func requestCount(of jobs: [Job]) -> Int { jobs.reduce(0) { $0 + $1.requests.count } }

    func exitStatus() -> Int32 {
        let failures = counts.snapshot.failed
        return settings.golden?.exitStatus(failures: failures) ?? (failures > 0 ? 1 : 0)
    }
}
