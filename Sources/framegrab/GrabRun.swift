import Foundation
import FrameGrab
import Synchronization

/// One invocation of the grab command: plans every output path, refuses collisions, then works through
/// the inputs (several at once), streaming a line per result.
struct GrabRun: Sendable {
    let settings: GrabSettings
    let output = Output()
    let tally = Tally()

    /// A request of one input: its position (from 1), what was asked and where it goes.
    struct Request: Sendable {
        let index: Int
        let specification: TimeSpecification
        let path: String
    }

    /// An input with its requests planned, or the reason it cannot be read.
    struct Job: Sendable {
        let input: String
        var asset: MediaAsset?
        var requests: [Request]
    }

    /// Runs everything and returns the exit status.
    func run() async -> Int32 {
        let interrupt = Interrupt.install()
        guard let jobs = plan() else { return 64 }
        let worker = Task {
            await withTaskGroup(of: Void.self) { group in
                var running = 0
                for job in jobs {
                    if running >= settings.jobs {
                        await group.next()
                        running -= 1
                    }
                    group.addTask { await process(job) }
                    running += 1
                }
            }
        }
        interrupt.onSignal { worker.cancel() }
        await worker.value
        if let signal = interrupt.received { return 128 + signal }
        return tally.failures > 0 ? 1 : 0
    }

    // MARK: Planning

    /// Decides every output path before anything is decoded, and refuses the run when two requests would
    /// write the same file. Returns nil (after saying why) on a collision.
    private func plan() -> [Job]? {
        let count = settings.times.count
        var jobs: [Job] = []
        var owners: [String: (input: String, index: Int)] = [:]
        let inputFiles = Set(settings.inputs.map(GrabRun.canonicalPath))
        for input in settings.inputs {
            var job = Job(input: input, asset: nil, requests: [])
            var duration: MediaTime = .invalid
            let needsDuration = settings.template.usesTime && settings.times.contains {
                if case .percent = $0 { return true } else { return false }
            }
            if needsDuration {
                do {
                    let asset = try MediaAsset(path: input)
                    job.asset = asset
                    duration = asset.duration
                } catch {
                    report(input: input, error: error)
                    continue
                }
            }
            for (offset, specification) in settings.times.enumerated() {
                let index = offset + 1
                let values = OutputTemplate.Values(inputPath: input, index: index, count: count,
                                                   requestedTime: specification.resolve(duration: duration))
                let path = settings.template.path(for: values)
                let key = GrabRun.canonicalPath(path)
                if inputFiles.contains(key) {
                    output.standardError("framegrab: refusing to run: \(input) request \(index) (\(specification)) would overwrite the input \(path)")
                    return nil
                }
                if let owner = owners[key] {
                    output.standardError("framegrab: refusing to run: \(path) would be written twice, for \(owner.input) request \(owner.index) (\(settings.times[owner.index - 1])) and \(input) request \(index) (\(specification)); add {index}, {ms} or {name} to --output")
                    return nil
                }
                owners[key] = (input, index)
                job.requests.append(Request(index: index, specification: specification, path: path))
            }
            jobs.append(job)
        }
        return jobs
    }

    /// The absolute path with `.`, `..` and symbolic links resolved, so that two spellings of one file match.
    static func canonicalPath(_ path: String) -> String {
        let url = URL(fileURLWithPath: path).standardizedFileURL
        let folder = url.deletingLastPathComponent().resolvingSymlinksInPath()
        return folder.appendingPathComponent(url.lastPathComponent).resolvingSymlinksInPath().path
    }

    // MARK: Working

    /// When several files are decoded at once, they share the cores instead of each asking for all of them.
    private var decoderThreads: Int {
        let concurrent = min(settings.jobs, settings.inputs.count)
        return concurrent > 1 ? max(1, ProcessInfo.processInfo.activeProcessorCount / concurrent) : 0
    }

    private func process(_ job: Job) async {
        let asset: MediaAsset
        if let opened = job.asset {
            asset = opened
        } else {
            do {
                asset = try MediaAsset(path: job.input)
            } catch {
                report(input: job.input, error: error)
                return
            }
        }
        let generator = AssetImageGenerator(asset: asset)
        generator.requestedTimeToleranceBefore = settings.toleranceBefore
        generator.requestedTimeToleranceAfter = settings.toleranceAfter
        generator.maximumSize = settings.maximumSize
        generator.appliesPreferredTrackTransform = settings.autorotate
        generator.apertureMode = settings.aperture
        generator.outputDepth = settings.depth
        generator.hdrPolicy = settings.hdr
        generator.deinterlaces = settings.deinterlaces
        generator.decoderThreadCount = decoderThreads
        let times = job.requests.map { $0.specification.resolve(duration: asset.duration) }
        var answered = Set<Int>()
        // Images are encoded and written on other cores while the decoder moves on; at most
        // `encodersInFlight` decoded images wait for their PNG at any moment.
        let encodersInFlight = max(2, ProcessInfo.processInfo.activeProcessorCount)
        await withTaskGroup(of: Void.self) { group in
            var inFlight = 0
            // Requests answered by the same frame share one PNG encoding.
            var lastEncoding: (time: MediaTime, bytes: Task<[UInt8], any Error>)?
            for await result in generator.results(for: times) {
                let request = job.requests[result.requestIndex]
                answered.insert(result.requestIndex)
                switch result.outcome {
                case .success(let generated):
                    if inFlight >= encodersInFlight {
                        await group.next()
                        inFlight -= 1
                    }
                    let encoding: Task<[UInt8], any Error>
                    if let last = lastEncoding, last.time == generated.actualTime {
                        encoding = last.bytes
                    } else {
                        let png = settings.png
                        encoding = Task { try generated.image.pngData(options: png) }
                        lastEncoding = (generated.actualTime, encoding)
                    }
                    group.addTask {
                        await write(generated, encoded: encoding, for: request, of: job.input, requestedTime: result.requestedTime)
                    }
                    inFlight += 1
                case .failure(let error):
                    report(input: job.input, request: request, requestedTime: result.requestedTime, error: error)
                }
            }
        }
        // Whatever was not answered was cut off by an interrupt.
        for (offset, request) in job.requests.enumerated() where !answered.contains(offset) {
            let time = times[offset]
            report(input: job.input, request: request, requestedTime: time,
                   error: FrameGrabError(.cancelled, "\(job.input) at \(time): cancelled", path: job.input, requestedTime: time))
        }
    }

    private func write(_ generated: GeneratedImage, encoded: Task<[UInt8], any Error>, for request: Request,
                       of input: String, requestedTime: MediaTime) async {
        do {
            let bytes = try await encoded.value
            let folder = URL(fileURLWithPath: request.path).deletingLastPathComponent()
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            try AtomicFile.write(bytes, to: request.path)
        } catch {
            let reason = (error as? AtomicFile.WriteError)?.reason ?? (error as NSError).localizedDescription
            report(input: input, request: request, requestedTime: requestedTime,
                   error: FrameGrabError(.writeFailed, "\(input) at \(requestedTime): cannot write \(request.path): \(reason)",
                                         path: input, requestedTime: requestedTime))
            return
        }
        tally.succeeded()
        if settings.json {
            var line = JSONLine()
            line.add("input", input)
            line.add("index", request.index)
            line.addRaw("requested", requestedTime.decimalSeconds)
            line.addRaw("actual", generated.actualTime.decimalSeconds)
            line.add("path", request.path)
            line.add("width", generated.image.width)
            line.add("height", generated.image.height)
            line.add("keyframe", generated.isKeyframe)
            output.standardOutput(line.text)
        } else {
            output.standardOutput(request.path)
        }
    }

    // MARK: Reporting failures

    private func report(input: String, request: Request, requestedTime: MediaTime, error: FrameGrabError) {
        tally.failed()
        if settings.json {
            var line = JSONLine()
            line.add("input", input)
            line.add("index", request.index)
            if requestedTime.isNumeric { line.addRaw("requested", requestedTime.decimalSeconds) } else { line.addRaw("requested", "null") }
            line.add("error", error.message)
            line.add("code", error.code.rawValue)
            output.standardOutput(line.text)
        } else {
            output.standardError("framegrab: \(error.message)")
        }
    }

    private func report(input: String, error: FrameGrabError) {
        tally.failed()
        if settings.json {
            var line = JSONLine()
            line.add("input", input)
            line.add("error", error.message)
            line.add("code", error.code.rawValue)
            output.standardOutput(line.text)
        } else {
            output.standardError("framegrab: \(error.message)")
        }
    }
}

/// Counts of what happened, shared by the tasks of a run.
final class Tally: Sendable {
    private let counts = Mutex((written: 0, failed: 0))
    func succeeded() { counts.withLock { $0.written += 1 } }
    func failed() { counts.withLock { $0.failed += 1 } }
    var failures: Int { counts.withLock { $0.failed } }
    var written: Int { counts.withLock { $0.written } }
}
