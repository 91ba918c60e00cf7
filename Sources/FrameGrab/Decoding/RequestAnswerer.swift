/// Answers requests one at a time, in timeline order, with one decoder made on first use: the work of one
/// thread (the consumer's, or one decode lane's).
final class RequestAnswerer {
    private let generator: AssetImageGenerator
    private let settings: GenerationSettings
    private let threads: Int
    private let isCancelled: () -> Bool
    private let cancellation: CancellationFlag?
    /// A demuxer already opened, for the decoder to use.
    private var demuxer: FormatContext?
    /// The stream's index as the run's planning read it.
    private let index: StreamIndex?
    private var extractor: FrameExtractor?
    private var setupError: FrameGrabError?

    /// `isCancelled` is checked while decoding, besides the generator's own cancellation; `cancellation`
    /// (the run's flag) also stops blocking reads.
    init(generator: AssetImageGenerator, settings: GenerationSettings, threads: Int,
         demuxer: FormatContext?, index: StreamIndex? = nil, cancellation: CancellationFlag? = nil,
         isCancelled: @escaping () -> Bool) {
        self.generator = generator
        self.index = index
        self.settings = settings
        self.threads = threads
        self.demuxer = demuxer
        self.cancellation = cancellation
        self.isCancelled = isCancelled
    }

    private var path: String { generator.asset.path }

    /// The answer to the request at position `index` of the list, for `time`; the work it took is added to
    /// the generator's statistics. `last`: no later request shares its decoding (see `RequestPlan.groups`).
    /// `nonBlankIn`: where a frame may be taken instead of a blank one (nil: a blank frame is the answer).
    func answer(_ time: MediaTime, nonBlankIn range: ClosedRange<MediaTime>? = nil, index: Int, last: Bool) -> ImageResult {
        let before = extractor?.statistics ?? GenerationStatistics()
        let outcome = outcome(for: time, nonBlankIn: range, last: last)
        if let extractor { generator.record(extractor.statistics - before) }
        return ImageResult(requestIndex: index, requestedTime: time, outcome: outcome)
    }

    private func outcome(for time: MediaTime, nonBlankIn range: ClosedRange<MediaTime>?, last: Bool) -> Result<GeneratedImage, FrameGrabError> {
        if isCancelled() {
            return .failure(FrameGrabError(cancelled: path, time: time))
        }
        guard time.isNumeric else {
            return .failure(FrameGrabError(.invalidTime, "\(path): \(time) is not a time in the video", path: path, requestedTime: time))
        }
        if let setupError { return .failure(setupError.at(time)) }
        let extractor: FrameExtractor
        if let existing = self.extractor {
            extractor = existing
        } else {
            do {
                extractor = try makeExtractor()
            } catch {
                setupError = error
                return .failure(error.at(time))
            }
            self.extractor = extractor
        }
        let scale = extractor.clock
        let target = scale.tick(for: time)
        let lower = scale.tick(for: time - settings.toleranceBefore)
        let upper = scale.tick(for: time + settings.toleranceAfter)
        do {
            guard let range else {
                let picture = try extractor.picture(at: target, lower: lower, upper: upper, last: last)
                return .success(GeneratedImage(image: picture.image, actualTime: scale.time(forTick: picture.pts),
                                               isKeyframe: picture.isKeyframe))
            }
            let (picture, check) = try extractor.picture(at: target, lower: lower, upper: upper,
                                                         avoidingBlankIn: scale.tick(for: range.lowerBound)...scale.tick(for: range.upperBound))
            var generated = GeneratedImage(image: picture.image, actualTime: scale.time(forTick: picture.pts), isKeyframe: picture.isKeyframe)
            generated.blankFrameCheck = check
            return .success(generated)
        } catch {
            let where_ = "\(path) at \(time)"
            switch error {
            case .beyondEnd(let end):
                return .failure(FrameGrabError(.beyondEnd, "\(where_): past the end of the video (its last frame ends at \(scale.time(forTick: end)))", path: path, requestedTime: time))
            case .framesMissing(let tick):
                // (exactPicture turns it into decodeFailed; a window request cannot meet it.)
                return .failure(FrameGrabError(.decodeFailed, "\(where_): FFmpeg gave no picture for the frame at \(scale.time(forTick: tick))", path: path, requestedTime: time))
            case .decodeFailed(let why):
                return .failure(FrameGrabError(.decodeFailed, "\(where_): \(why)", path: path, requestedTime: time))
            case .cancelled:
                return .failure(FrameGrabError(cancelled: path, time: time))
            case .timedOut:
                return .failure(FrameGrabError(timedOut: path, limit: generator.asset.limits.timeLimit, time: time))
            case .needsSeeking(let why):
                return .failure(FrameGrabError(.needsSeekableInput, "\(where_): \(why)", path: path, requestedTime: time))
            case .tooLarge(let size):
                return .failure(FrameGrabError(tooLarge: size, limit: generator.asset.limits.maximumPixelCount, path: path, time: time))
            }
        }
    }

    private func makeExtractor() throws(FrameGrabError) -> FrameExtractor {
        // Exact requests decode runs of frames, where frame threading pays; keyframe windows decode
        // single frames right after seeks, where its latency (a frame per thread) is pure waste.
        defer { demuxer = nil }
        return try FrameExtractor(asset: generator.asset, demuxer: demuxer, index: index, settings: settings, threads: threads,
                                  frameThreads: settings.isExact, cancellation: cancellation, isCancelled: isCancelled)
    }
}
