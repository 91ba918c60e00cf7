/// Requests that avoid blank frames (`FrameRequest.nonBlankRange`): the frame at the time when it carries a
/// picture, else the nearest one that does inside the range, after the time first (only after it, for an
/// input read once). Blankness is measured on the decoded frame (`FrameSignature`, as the shot detector
/// sees it), before any conversion to RGB.
extension FrameExtractor {
    /// `picture(at:lower:upper:)`; when that frame is blank, the first frame after it that is not, up to the
    /// window's end, else the last such frame before it, from the window's start; else the blank frame.
    func picture(at target: Int64, lower: Int64, upper: Int64,
                 avoidingBlankIn window: ClosedRange<Int64>) throws(DecodeFailure) -> (Picture, BlankFrameCheck) {
        let first = try picture(at: target, lower: lower, upper: upper, last: false)
        guard try isBlank(frameAt: first.pts) else { return (first, .notBlank) }
        if let later = try firstNonBlank(after: first.pts, through: window.upperBound) { return (later, .moved) }
        if let earlier = try lastNonBlank(from: window.lowerBound, before: first.pts) {
            return (try exactPicture(at: earlier, last: false), .moved)
        }
        return (first, .blank)
    }

    /// Whether the frame presented at `pts` is blank, with the decoder left showing it.
    private func isBlank(frameAt pts: Int64) throws(DecodeFailure) -> Bool {
        if decoder.shownRange?.lowerBound != pts { _ = try exactPicture(at: pts, last: false) }
        return try isBlank(decoder.shown)
    }

    private func isBlank(_ frame: Frame) throws(DecodeFailure) -> Bool {
        do {
            return try signatures.signature(of: frame).isBlank
        } catch {
            throw .decodeFailed("cannot measure the frame (\(error.message))")
        }
    }

    /// Decodes on from the frame shown (presented at `pts`) to the first frame that is not blank, presented
    /// at or before `end`.
    private func firstNonBlank(after pts: Int64, through end: Int64) throws(DecodeFailure) -> Picture? {
        while true {
            if try decoder.decodeNext() {
                try decoder.advance()
            } else {
                guard decoder.lookaheadPts != nil else { return nil }
                decoder.showLast()
            }
            guard let range = decoder.shownRange, range.lowerBound > pts else { continue }
            if range.lowerBound > end { return nil }
            if try !isBlank(decoder.shown) { return try picture(from: decoder.shown, pts: range.lowerBound) }
            if decoder.lookaheadPts == nil && decoder.isAtEnd { return nil }
        }
    }

    /// The presentation time of the last frame that is not blank among those shown from `start` up to (not
    /// including) the frame at `pts`. None for an input read once: those frames went by.
    private func lastNonBlank(from start: Int64, before pts: Int64) throws(DecodeFailure) -> Int64? {
        guard !asset.readsOnce else { return nil }
        // From the first frame at the earliest (a time before it would be answered from the lookahead).
        let start = max(start, reader.start.firstPts ?? start)
        guard start < pts else { return nil }
        _ = try exactPicture(at: start, last: false)
        var found: Int64?
        while let range = decoder.shownRange, range.lowerBound < pts {
            if try !isBlank(decoder.shown) { found = range.lowerBound }
            guard try decoder.decodeNext() else { break }
            try decoder.advance()
        }
        return found
    }
}
