import Foundation
import FrameGrab

/// Planning a run: the inputs found, opened where their duration or nature must be known, their times
/// resolved and counted, every output path decided and checked for collisions before anything is decoded.
extension GrabRun {
    /// What planning learnt by opening an input.
    enum Probe: Sendable {
        case notOpened
        /// `asset`: kept open for the job (for the first `--jobs` inputs, which start at once), so that the
        /// file is opened once; later inputs are opened again when their turn comes, to bound open files.
        /// `shots`: the video's shots, when `--shots` asked for them.
        case video(duration: MediaTime, asset: MediaAsset?, shots: [Shot])
        case notVideo(FrameGrabError)
        case failed(FrameGrabError)
    }

    /// Finds the input files, then decides every output path before anything is decoded, and refuses the run
    /// when two requests would write the same file. Returns nil (after saying why) on a collision.
    ///
    /// Each input is opened once. When output paths do not depend on durations (no `--every`, and no times
    /// of the duration in a template that names times), nothing is opened here: an input is opened when its
    /// job starts, and a file found in a folder that is not video is said then. Only files found in folders
    /// whose outputs would collide are opened now, to learn whether they are video (the first `--jobs` are
    /// kept open for their job). Otherwise every input is opened now for its duration; the first `--jobs`
    /// stay open for their job, and later ones are opened again when their turn comes, so that a folder of
    /// thousands does not hold thousands of files open.
    func plan() async -> [Job]? {
        let discovery = InputDiscovery.discover(settings.inputs, recursive: settings.recursive, standardInputName: settings.standardInputName)
        for problem in discovery.problems {
            report(input: problem.path, error: FrameGrabError(problem.code, problem.message, path: problem.path))
        }
        let allInputs = discovery.inputs
        let inputs = settings.shard?.slice(allInputs) ?? allInputs
        let selection = settings.selection
        let inputFiles = Set(allInputs.filter { !$0.isStandardInput }.map { GrabRun.canonicalPath($0.path) })
        // The requests of every input, when they can be named without the duration.
        let named = selection.withoutDuration.flatMap { specifications in
            settings.template.usesTime && specifications.contains(where: \.needsDuration) ? nil : specifications
        }
        let limits = settings.limits, videoStream = settings.videoStream, keepOpen = settings.jobs
        var probes = [Probe](repeating: .notOpened, count: inputs.count)
        var namedPaths: [[String]] = [], namedKeys: [[String]] = []
        if let named {
            // Paths and their canonical forms (symbolic links resolved: file system calls), made once.
            namedPaths = inputs.map { paths(for: $0, specifications: named, duration: .invalid) }
            namedKeys = namedPaths.map { $0.map(GrabRun.canonicalPath) }
            let suspects = GrabRun.collisionSuspects(inputs, keys: namedKeys, inputFiles: inputFiles)
            let probed = await GrabRun.concurrentMap(suspects, limit: settings.jobs) { offset in
                await GrabRun.probe(inputs[offset], limits: limits, videoStream: videoStream, keep: offset < keepOpen)
            }
            for (offset, probe) in zip(suspects, probed) { probes[offset] = probe ?? .notOpened }
        } else {
            let probed = await GrabRun.concurrentMap(Array(inputs.enumerated()), limit: settings.jobs) { offset, input -> Probe in
                // Standard input can be opened only once: it stays open for its job.
                await GrabRun.probe(input, limits: limits, videoStream: videoStream, keep: offset < keepOpen || input.isStandardInput, measure: true,
                                    shots: selection.shots)
            }
            probes = probed.map { $0 ?? .notOpened }
        }
        // Interrupted: nothing more is opened, nothing is planned.
        if Task.isCancelled { return [] }
        var jobs: [Job] = []
        var owners: [String: (input: String, index: Int, specification: TimeSpecification)] = [:]
        for (offset, (input, probe)) in zip(inputs, probes).enumerated() {
            var job = Job(source: input, duration: nil, requests: [])
            var specifications = named ?? selection.specifications
            switch probe {
            case .notOpened:
                break
            case .notVideo(let error):
                reportNotVideo(input: input.path, error: error)
                continue
            case .failed(let error):
                report(input: input.path, error: error)
                continue
            case .video(let duration, let asset, let shots):
                job.duration = duration
                job.asset = asset
                if named != nil { break }
                if (selection.every != nil || selection.count != nil) && !duration.isNumeric {
                    report(input: input.path, error: GrabRun.unknownDuration(input.path))
                    continue
                }
                // Counted before anything is made: --every 0.00001 on a long video is millions of times.
                let asked = selection.count(duration: duration) + shots.count
                if asked > settings.maximumRequests {
                    output.standardError("framegrab: refusing to run: \(input.path) would get \(asked) times, more than --max-requests \(settings.maximumRequests); ask for fewer (a longer --every), or raise --max-requests")
                    return nil
                }
                specifications = selection.resolve(duration: duration, shots: shots)
            }
            let count = specifications.count
            let paths = named != nil ? namedPaths[offset] : paths(for: input, specifications: specifications, duration: job.duration ?? .invalid)
            for (position, (specification, path)) in zip(specifications, paths).enumerated() {
                let index = position + 1
                if settings.toStandardOutput {
                    // Checked before: one input. Only --every and --times-file can ask for more than one time.
                    if count > 1 {
                        output.standardError("framegrab: refusing to run: -o - writes one image to standard output, but \(input.path) gets \(count) times; ask for one, or write files with -o DIR/")
                        return nil
                    }
                    job.requests.append(Request(index: index, specification: specification, path: path, duration: job.duration ?? .invalid))
                    continue
                }
                let key = named != nil ? namedKeys[offset][position] : GrabRun.canonicalPath(path)
                if inputFiles.contains(key) {
                    output.standardError("framegrab: refusing to run: \(input.path) request \(index) (\(specification)) would overwrite the input \(path)")
                    return nil
                }
                if let owner = owners[key] {
                    output.standardError("framegrab: refusing to run: \(path) would be written twice, for \(owner.input) request \(owner.index) (\(owner.specification)) and \(input.path) request \(index) (\(specification)); add {index}, {ms}, {time}, {name} or {dir} to --output")
                    return nil
                }
                owners[key] = (input.path, index, specification)
                job.requests.append(Request(index: index, specification: specification, path: path, duration: job.duration ?? .invalid))
            }
            jobs.append(job)
        }
        return jobs
    }

    /// The output path of each request of an input.
    func paths(for input: InputDiscovery.Input, specifications: [TimeSpecification], duration: MediaTime) -> [String] {
        specifications.enumerated().map { offset, specification in
            settings.template.path(for: OutputTemplate.Values(inputPath: input.templateName, index: offset + 1, count: specifications.count,
                                                              requestedTime: specification.resolve(duration: duration),
                                                              directory: input.directory))
        }
    }

    /// The offsets of the files found in folders whose outputs would collide with another output or
    /// overwrite an input: whether they are video decides whether the run is refused. `keys`: each input's
    /// outputs as `canonicalPath` gives them.
    static func collisionSuspects(_ inputs: [InputDiscovery.Input], keys: [[String]], inputFiles: Set<String>) -> [Int] {
        var writers: [String: [Int]] = [:]
        var suspects = Set<Int>()
        for (offset, list) in keys.enumerated() {
            for key in list {
                writers[key, default: []].append(offset)
                if inputFiles.contains(key) { suspects.insert(offset) }
            }
        }
        for offsets in writers.values where offsets.count > 1 { suspects.formUnion(offsets) }
        return suspects.filter { !inputs[$0].isExplicit }.sorted()
    }

    /// `--every` and `--count` place times by the duration, which some files do not give.
    static func unknownDuration(_ path: String) -> FrameGrabError {
        FrameGrabError(.invalidData, "\(path): the duration of the video is unknown, so --every and --count cannot place times", path: path)
    }

    /// Opens an input to learn whether it is a video and how long it is. A file found in a folder that
    /// FFmpeg cannot read, that has no video stream, or that is a still image, is not a video.
    /// `measure`: a video that does not say how long it is is measured from its packets.
    /// Opens an input (`measure`: its length measured; `shots`: its shots found, every frame decoded).
    static func probe(_ input: InputDiscovery.Input, limits: AssetLimits, videoStream: Int?, keep: Bool,
                      measure: Bool = false, shots findShots: Bool = false) async -> Probe {
        do {
            let asset = try await MediaAsset.open(path: input.location, limits: limits, videoStream: videoStream)
            if !input.isExplicit && isStillImage(asset) {
                return .notVideo(FrameGrabError(.invalidData, "\(input.path): a still image (\(asset.formatName)), not a video", path: input.path))
            }
            let length = measure ? try await asset.measuredVideoDuration() : asset.videoDuration
            let shots = findShots ? try await GrabRun.shots(of: asset) : []
            return .video(duration: length, asset: keep ? asset : nil, shots: shots)
        } catch {
            if !input.isExplicit && [.invalidData, .noVideoStream, .emptyFile].contains(error.code) {
                return .notVideo(error)
            }
            return .failed(error)
        }
    }

    /// The shots of an asset's video (`--shots`), all of them.
    static func shots(of asset: MediaAsset) async throws(FrameGrabError) -> [Shot] {
        try asset.requireDecoder()
        if asset.readsOnce {
            throw FrameGrabError(.needsSeekableInput, "\(asset.path): --shots finds the shots in a pass over the whole video before any image is made, and standard input can be read only once; save the video to a file first (framegrab shots - lists them in one pass)", path: asset.path)
        }
        var shots: [Shot] = []
        do {
            for try await shot in asset.shots() { shots.append(shot) }
        } catch {
            throw error as? FrameGrabError ?? FrameGrabError(.decodeFailed, "\(asset.path): \(error)", path: asset.path)
        }
        return shots
    }

    /// What a job works on.
    enum JobAsset: Sendable {
        case asset(MediaAsset)
        case notVideo(FrameGrabError)
        case failed(FrameGrabError)
    }

    /// The asset a job works on: the one planning kept open, or the file opened now, when work on it
    /// starts (its time limit too). Shared by grab, sheet and storyboard.
    static func asset(for input: InputDiscovery.Input, planned: MediaAsset?, limits: AssetLimits, videoStream: Int?) async -> JobAsset {
        if let planned { return .asset(planned) }
        switch await probe(input, limits: limits, videoStream: videoStream, keep: true) {
        case .video(_, let asset?, _): return .asset(asset)
        case .notVideo(let error): return .notVideo(error)
        case .failed(let error): return .failed(error)
        case .video(_, nil, _), .notOpened: preconditionFailure("probe(keep: true) keeps the asset")
        }
    }

    /// FFmpeg reads PNG, JPEG and other pictures as one-frame videos through its image demuxers.
    static func isStillImage(_ asset: MediaAsset) -> Bool {
        asset.formatName == "image2" || asset.formatName.hasSuffix("_pipe")
    }

    /// `transform` applied to every item, at most `limit` at once, results in the items' order. Once the
    /// calling task is cancelled no more items are started, and those not started come back nil.
    static func concurrentMap<T: Sendable, R: Sendable>(_ items: [T], limit: Int, _ transform: @escaping @Sendable (T) async -> R) async -> [R?] {
        var results = [R?](repeating: nil, count: items.count)
        await withTaskGroup(of: (Int, R).self) { group in
            var running = 0
            for (offset, item) in items.enumerated() {
                if Task.isCancelled { break }
                if running >= max(1, limit), let (done, result) = await group.next() {
                    results[done] = result
                    running -= 1
                }
                group.addTask { (offset, await transform(item)) }
                running += 1
            }
            for await (done, result) in group { results[done] = result }
        }
        return results
    }

    /// The absolute path with `.`, `..` and symbolic links resolved, so that two spellings of one file match.
    static func canonicalPath(_ path: String) -> String {
        let url = URL(fileURLWithPath: path).standardizedFileURL
        let folder = url.deletingLastPathComponent().resolvingSymlinksInPath()
        return folder.appendingPathComponent(url.lastPathComponent).resolvingSymlinksInPath().path
    }
}
