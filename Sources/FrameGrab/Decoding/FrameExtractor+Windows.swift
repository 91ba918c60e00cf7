/// Window requests: which keyframe is nearest the target, from the keyframe map (`KeyframeFinder`), and
/// decoding started exactly at it.
extension FrameExtractor {
    /// A keyframe shown inside the window, if there is one; nil means "go exact".
    ///
    /// A keyframe counts when it is on screen at some instant of the window: presented inside it, or
    /// presented before it and still shown at its start. The keyframe map says which are nearest
    /// (`KeyframeMap.candidates`); decoding then starts exactly at the chosen one.
    func keyframe(near target: Int64, lower: Int64, upper: Int64) throws(DecodeFailure) -> Picture? {
        try keyframes.resolve(near: target)
        for _ in 0..<12 {
            guard let candidates = try keyframes.candidates(near: target, lower: lower, upper: upper) else { return nil }
            // A keyframe whose packet gave no presentation time of its own is decoded to learn it first.
            if let inexact = candidates.first(where: { !$0.exact }) {
                try start(at: inexact)
                keyframes.correct(inexact, pts: decoder.lookaheadPts ?? inexact.pts)
                continue
            }
            for candidate in candidates {
                // Presented before the window and known, decoded already, to be off screen when it opens.
                if candidate.pts < lower, let end = decoder.displayEnd(ofKeyframeAt: candidate.pts), end <= lower { continue }
                if let range = decoder.shownRange, range.lowerBound == candidate.pts, range.upperBound > lower,
                   isKeyframe(decoder.shown, pts: candidate.pts) {
                    return try picture(from: decoder.shown, pts: candidate.pts)
                }
                if let last = lastPicture, last.pts == candidate.pts, last.isKeyframe, candidate.pts >= lower { return last }
                // A keyframe inside the window is the answer by itself: decoded alone.
                if decoder.lookaheadPts != candidate.pts || !isKeyframe(decoder.lookahead, pts: candidate.pts) {
                    try start(at: candidate, alone: candidate.pts >= lower)
                }
                if decoder.lookaheadPts != candidate.pts, candidate.pts >= lower, candidate.pts <= upper {
                    // The decoder did not give the keyframe first (H.264 after a seek to an I-frame that is
                    // not an IDR can drop it): decode up to it from earlier, as an exact request does.
                    let picture = try exactPicture(at: candidate.pts, last: false)
                    if picture.pts == candidate.pts { return picture }
                    continue
                }
                if let found = try keyframeOnScreen(lower: lower, upper: upper) { return found }
            }
            return nil
        }
        return nil
    }

    /// Whether a decoded frame is a keyframe: the map knows it as one (a sync sample such as an H.264
    /// I-frame without an IDR, which the decoder does not flag), else the demuxer's flag on its packet,
    /// when known (decoders of delta-coded animations, FLIC and APNG, flag every frame), else the
    /// decoder's own flag.
    func isKeyframe(_ frame: Frame, pts: Int64) -> Bool {
        if keyframes.map.isKeyframe(at: pts) { return true }
        return decoder.packetWasKeyframe(at: pts) ?? frame.isKeyframe
    }

    /// The newest decoded frame as the answer to a window, if it is a keyframe on screen in the window.
    private func keyframeOnScreen(lower: Int64, upper: Int64) throws(DecodeFailure) -> Picture? {
        guard let pts = decoder.lookaheadPts, isKeyframe(decoder.lookahead, pts: pts), pts <= upper else { return nil }
        if pts >= lower { return try picture(from: decoder.lookahead, pts: pts) }
        // Presented before the window: on screen at its start if the next frame comes after it.
        guard try decoder.decodeNext() else {
            return pts.saturatingAdd(decoder.duration(of: decoder.lookahead)) > lower ? try picture(from: decoder.lookahead, pts: pts) : nil
        }
        try decoder.advance()
        if let range = decoder.shownRange, range.lowerBound == pts, range.upperBound > lower { return try picture(from: decoder.shown, pts: pts) }
        return nil
    }

    /// A window request where frame times are counted (raw streams, `FrameTiming.counted`): packets carry
    /// no times to find keyframes by, so frames are decoded in order, from the start of the file when the
    /// decoder is already past the window, and the keyframe on screen in the window nearest to the target
    /// is kept as it goes by.
    func countedKeyframe(near target: Int64, lower: Int64, upper: Int64) throws(DecodeFailure) -> Picture? {
        let position = decoder.shownRange?.lowerBound ?? decoder.lookaheadPts
        if position.map({ $0 > lower }) ?? true { try decoder.position(at: .start()) }
        var best: (picture: Picture, distance: UInt64)?
        func consider(_ frame: Frame, shown range: Range<Int64>) throws(DecodeFailure) {
            guard frame.isKeyframe, range.upperBound > lower, range.lowerBound <= upper else { return }
            let distance = max(range.lowerBound, lower).saturatingSubtract(target).magnitude
            if best.map({ distance < $0.distance }) ?? true { best = (try picture(from: frame, pts: range.lowerBound), distance) }
        }
        if let range = decoder.shownRange { try consider(decoder.shown, shown: range) }
        while let pts = decoder.lookaheadPts, pts <= upper {
            // Frames from here on are presented later and later: none can be nearer than the best so far.
            if let best, pts > target, pts.saturatingSubtract(target).magnitude >= best.distance { break }
            guard try decoder.decodeNext() else {
                try consider(decoder.lookahead, shown: pts..<pts.saturatingAdd(decoder.duration(of: decoder.lookahead)))
                break
            }
            try decoder.advance()
            if let range = decoder.shownRange { try consider(decoder.shown, shown: range) }
        }
        return best?.picture
    }
}
