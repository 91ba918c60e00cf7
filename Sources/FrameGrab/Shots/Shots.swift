import Foundation

/// One shot of a video: the frames from one cut to the next.
public struct Shot: Sendable, Hashable {
    /// 1 for the video's first shot.
    public let number: Int
    /// The time of the shot's first frame (a request at this time gets that frame).
    public let start: MediaTime
    /// Where the next shot starts, or, for the last shot, where the video's last frame ends.
    public let end: MediaTime

    public init(number: Int, start: MediaTime, end: MediaTime) {
        self.number = number
        self.start = start
        self.end = end
    }
}

extension MediaAsset {
    /// The shots of the video, in order, each as soon as the frame after its end has been looked at.
    ///
    /// Every frame is decoded (with frame threads, on the library's work pool) and averaged down to a
    /// 64×36 grid; nothing is converted to RGB. A shot starts at the first frame of the video, at each hard
    /// cut, and at the first frame of new content after frames that are blank (a fade to black and back, a
    /// cut through black); a dissolve, a pan, a flash or a dip to black inside one shot start none (see
    /// `CutDetector` in the source for the rules and thresholds). Cancelling the consuming task stops the
    /// decoding at once. The sequence throws a `FrameGrabError` when the video cannot be decoded.
    ///
    /// ```swift
    /// for try await shot in try await MediaAsset.open(path: "film.mp4").shots() {
    ///     print(shot.number, shot.start, shot.end)
    /// }
    /// ```
    public func shots() -> AsyncThrowingStream<Shot, any Error> {
        AsyncThrowingStream { continuation in
            let cancellation = CancellationFlag()
            continuation.onTermination = { _ in cancellation.set() }
            WorkPool.shared.submit {
                do throws(FrameGrabError) {
                    try ShotScan(asset: self, cancellation: cancellation).run { continuation.yield($0) }
                    continuation.finish()
                } catch {
                    continuation.finish(throwing: error)
                }
            }
        }
    }
}

/// One pass over every frame of an asset's video, from the start, for `CutDetector`.
final class ShotScan {
    private let asset: MediaAsset
    private let extractor: FrameExtractor
    private let scaler = SignatureScaler()
    private let cancellation: CancellationFlag

    init(asset: MediaAsset, cancellation: CancellationFlag) throws(FrameGrabError) {
        self.asset = asset
        self.cancellation = cancellation
        extractor = try asset.deadline.working { () throws(FrameGrabError) in
            try FrameExtractor(asset: asset, settings: GenerationSettings(), threads: ProcessInfo.processInfo.activeProcessorCount,
                               frameThreads: true, cancellation: cancellation, isCancelled: { cancellation.isSet })
        }
    }

    /// Every frame's signature through the detector; `emit` gets each shot once its end is known.
    func run(emit: (Shot) -> Void) throws(FrameGrabError) {
        let decoder = extractor.decoder, clock = extractor.clock
        var detector = CutDetector()
        var current: (number: Int, start: Int64)?
        var lastLooked: Int64?
        var videoEnd: Int64?

        func cut(at tick: Int64) {
            guard let shot = current, tick > shot.start else { return }
            emit(Shot(number: shot.number, start: clock.time(forTick: shot.start), end: clock.time(forTick: tick)))
            current = (shot.number + 1, tick)
        }
        func look() throws(DecodeFailure) {
            guard let range = decoder.shownRange, lastLooked.map({ range.lowerBound > $0 }) ?? true else { return }
            lastLooked = range.lowerBound
            videoEnd = range.upperBound
            let signature: FrameSignature
            do {
                signature = try scaler.signature(of: decoder.shown)
            } catch {
                throw .decodeFailed("cannot measure the frame at \(clock.time(forTick: range.lowerBound).decimalSeconds)s (\(error.message))")
            }
            if current == nil { current = (1, range.lowerBound) }
            for tick in detector.add(tick: range.lowerBound, signature: signature) { cut(at: tick) }
        }

        do throws(DecodeFailure) {
            try asset.deadline.working { () throws(DecodeFailure) in
                try decoder.position(at: .start())
                while try decoder.decodeNext() {
                    try decoder.advance()
                    try look()
                }
                decoder.showLast()
                try look()
            }
        } catch {
            throw scanError(error)
        }
        for tick in detector.finish() { cut(at: tick) }
        guard let shot = current, let end = videoEnd else {
            throw FrameGrabError(.decodeFailed, "\(asset.path): no frame could be decoded", path: asset.path)
        }
        emit(Shot(number: shot.number, start: clock.time(forTick: shot.start), end: clock.time(forTick: end)))
    }

    private func scanError(_ error: DecodeFailure) -> FrameGrabError {
        let path = asset.path
        switch error {
        case .beyondEnd, .framesMissing:
            return FrameGrabError(.decodeFailed, "\(path): the frames could not all be decoded", path: path)
        case .decodeFailed(let why):
            return FrameGrabError(.decodeFailed, "\(path): \(why)", path: path)
        case .cancelled:
            return FrameGrabError(.cancelled, "\(path): cancelled", path: path)
        case .timedOut:
            return FrameGrabError(timedOut: path, limit: asset.limits.timeLimit, time: nil)
        case .tooLarge(let size):
            return FrameGrabError(tooLarge: size, limit: asset.limits.maximumPixelCount, path: path)
        case .needsSeeking(let why):
            return FrameGrabError(.needsSeekableInput, "\(path): \(why)", path: path)
        }
    }
}
