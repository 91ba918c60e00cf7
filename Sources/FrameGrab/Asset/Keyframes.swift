/// Facts read from every packet of the video stream, nothing decoded: keyframe times and, where the
/// container does not say, the video's length.
extension MediaAsset {
    /// The presentation times of the video track's keyframes, on the requested-time scale (time 0 is the
    /// start of the file's timeline, as for the image generator), sorted.
    ///
    /// Reads every packet of the video stream from the start of the file, but decodes nothing: the
    /// times are those the container gives the packets flagged as keyframes. Where the packets do not say
    /// when keyframes are shown (a raw stream without timestamps; AVI with B-frames, whose packets carry
    /// decode times only), the stream is decoded from the start instead, without the pixel work (an input
    /// that reads once keeps the packets' times). Cancelling the calling task stops the reading at once
    /// (`cancelled`).
    ///
    /// ```swift
    /// let keyframes = try await MediaAsset.open(path: "movie.mp4").keyframeTimes()   // [0, 4, 8, …]
    /// ```
    public func keyframeTimes() async throws(FrameGrabError) -> [MediaTime] {
        try await readingPackets { format throws(FrameGrabError) in try self.keyframeTimes(in: format) }
    }

    /// `keyframeTimes()` on the calling thread, which it blocks while it reads the file.
    @available(*, noasync, message: "reads the whole file on the calling thread; use the async keyframeTimes()")
    public func keyframeTimes() throws(FrameGrabError) -> [MediaTime] {
        try deadline.working { () throws(FrameGrabError) in try keyframeTimes(in: try takeDemuxer()) }
    }

    /// How long the video lasts on the timeline, measured: the end of its last frame as the packets at the
    /// end of the file say (a seek shortly before where the container says the video ends, and a read to the
    /// end, nothing decoded), or, for a stream without timestamps, the sum of its frames' durations. The
    /// container's `videoDuration` when the two agree to within a frame; the measured length where it states
    /// none (a WebM recorded live, an animated PNG, a FLIC file) or states a wrong one (a fragmented MP4
    /// whose header says 40 hours, an FLV whose metadata overstates its video, a file cut short, a raw
    /// stream whose length FFmpeg guesses from its bit rate). Measured once per asset; cancelling the
    /// calling task stops the reading (`cancelled`); `.invalid` when no packet has a time. An input that
    /// reads once (`readsOnce`) cannot be measured: its `videoDuration`, or `needsSeekableInput` when the
    /// container states none.
    ///
    /// ```swift
    /// let length = try await asset.measuredVideoDuration()   // where to place 50%, or 16 evenly spaced times
    /// ```
    public func measuredVideoDuration() async throws(FrameGrabError) -> MediaTime {
        if let known = measuredLength.withLock({ $0 }) { return known }
        if readsOnce { return try statedLength() }
        return try await readingPackets { format throws(FrameGrabError) in try self.videoLength(in: format) }
    }

    /// `measuredVideoDuration()` on the calling thread, which it blocks while it reads the file.
    @available(*, noasync, message: "reads the end of the file (all of it for a raw stream) on the calling thread; use the async measuredVideoDuration()")
    public func measuredVideoDuration() throws(FrameGrabError) -> MediaTime {
        if let known = measuredLength.withLock({ $0 }) { return known }
        if readsOnce { return try statedLength() }
        return try deadline.working { () throws(FrameGrabError) in
            let format = try takeDemuxer()
            defer { giveBack(format) }
            return try videoLength(in: format)
        }
    }

    /// Runs `body` on a demuxer of its own, on the work pool, within the time limit; cancelling the calling
    /// task stops its reads at once.
    private func readingPackets<T: Sendable>(_ body: @escaping @Sendable (FormatContext) throws(FrameGrabError) -> T) async throws(FrameGrabError) -> T {
        let cancellation = CancellationFlag()
        let result: Result<T, FrameGrabError> = await withTaskCancellationHandler {
            await WorkPool.shared.run {
                do throws(FrameGrabError) {
                    return .success(try self.deadline.working { () throws(FrameGrabError) in
                        let format = try self.takeDemuxer()
                        format.stop(when: cancellation)
                        let result = try body(format)
                        if !cancellation.isSet { self.giveBack(format) }
                        return result
                    })
                } catch {
                    return .failure(cancellation.isSet ? FrameGrabError(.cancelled, "\(self.path): cancelled", path: self.path) : error)
                }
            }
        } onCancel: {
            cancellation.set()
        }
        return try result.get()
    }

    /// The length of an input that reads once: the container's, when it states one (measuring would read
    /// its end, then its start again).
    private func statedLength() throws(FrameGrabError) -> MediaTime {
        guard videoDuration.isNumeric else {
            throw FrameGrabError(.needsSeekableInput, "\(path): the container does not say how long the video is, and standard input cannot be read to its end first; give times in seconds (not %, --count or --every), or save the video to a file", path: path)
        }
        return videoDuration
    }

    /// A read that stopped: past the time limit it is `timedOut`, otherwise `readFailed` with FFmpeg's reason.
    private func readError(_ error: FFmpegError) -> FrameGrabError {
        if deadline.hasPassed { return FrameGrabError(timedOut: path, limit: deadline.limit, time: nil) }
        return FrameGrabError(.readFailed, "\(path): cannot read the packets (\(error.message))", path: path)
    }

    private func keyframeTimes(in format: FormatContext) throws(FrameGrabError) -> [MediaTime] {
        if frameTiming == .counted { return try decodedKeyframeTimes(in: format) }
        let stream = videoTrack.streamIndex
        let read: (ticks: [Int64], allPresentationTimes: Bool)
        do {
            read = try format.keyframePacketTimestamps(stream: stream)
        } catch {
            throw readError(error)
        }
        // A keyframe packet with a decode time only (AVI with B-frames, whose container has no presentation
        // times) is shown later than that, by as many frames as are reordered: decoding tells when.
        if !read.allPresentationTimes && frameTiming == .presentationTimestamps && !readsOnce {
            return try decodedKeyframeTimes(in: format, afterReading: true)
        }
        let scale = TimeScale(timeBase: format.timeBase(stream: stream), origin: format.timelineOrigin(stream: stream))
        return read.ticks.map(scale.time(forTick:))
    }

    /// The keyframes' times as decoding places them, where packets do not tell: a stream without timestamps,
    /// whose frames' times are their places in the order, or keyframe packets with a decode time only (a
    /// keyframe's packet comes before the B-frames shown ahead of it). Decoded without the pixel work (no
    /// inverse transform, no loop filter), from the first packet (`afterReading`: the demuxer has read on from
    /// there, and is opened again).
    private func decodedKeyframeTimes(in format: FormatContext, afterReading: Bool = false) throws(FrameGrabError) -> [MediaTime] {
        let stream = videoTrack.streamIndex
        let scale = TimeScale(timeBase: format.timeBase(stream: stream), origin: format.timelineOrigin(stream: stream))
        let codec: CodecContext
        do {
            codec = try CodecContext(format: format, stream: stream, threads: 1, frameThreads: false,
                                     maximumPixels: limits.maximumPixelCount, pixels: false)
        } catch {
            throw FrameGrabError(.decodeFailed, "\(path): cannot open the \(videoTrack.codecName) decoder (\(error))", path: path)
        }
        let counted = frameTiming == .counted
        let start = StreamStart(earliest: format.earliestTimestamp(stream: stream), firstPts: counted ? nil : format.startTimestamp(stream: stream),
                                hasTimestamps: !counted && format.hasTimestamps(stream: stream))
        let reader = PacketReader(asset: self, format: format, start: start, keyframeDelay: 0, cancellation: nil,
                                  stop: StopCheck(isCancelled: { false }, deadline: deadline))
        let clock = FrameClock(timing: frameTiming, nominalFrameDuration: format.nominalFrameDuration(stream: stream), countedOrigin: start.tick)
        let decoder = FrameDecoder(reader: reader, codec: codec, clock: clock, maximumPixels: limits.maximumPixelCount)
        var times: [MediaTime] = []
        do {
            try decoder.position(at: .start(reopening: afterReading))
            while let pts = decoder.lookaheadPts {
                if decoder.lookahead.isKeyframe { times.append(scale.time(forTick: pts)) }
                guard try decoder.decodeNext() else { break }
                try decoder.advance()
            }
        } catch {
            if deadline.hasPassed { throw FrameGrabError(timedOut: path, limit: deadline.limit, time: nil) }
            throw FrameGrabError(.decodeFailed, "\(path): cannot decode the stream to find its keyframes", path: path)
        }
        return times
    }

    private func videoLength(in format: FormatContext) throws(FrameGrabError) -> MediaTime {
        let stream = videoTrack.streamIndex
        let scale = TimeScale(timeBase: format.timeBase(stream: stream), origin: format.timelineOrigin(stream: stream))
        let frame = format.nominalFrameDuration(stream: stream)
        let end: Int64?
        do {
            if frameTiming == .counted {
                end = scale.origin.saturatingAdd(try format.summedPacketDurations(stream: stream, frameDuration: frame))
            } else {
                let claimed = videoDuration.isNumeric ? scale.tick(for: videoDuration) : nil
                end = try format.lastPacketEnd(stream: stream, frameDuration: frame, claimedEnd: claimed, step: scale.ticks(seconds: 2))
            }
        } catch {
            throw readError(error)
        }
        var length = end.map(scale.time(forTick:)) ?? .invalid
        if !(length > .zero) { length = .invalid }
        // The container's figure stands where the packets agree with it to within a frame.
        if videoDuration.isNumeric, length.isNumeric,
           (length - videoDuration).seconds.magnitude <= MediaTime(ticks: frame, timeBase: scale.timeBase).seconds + 1e-6 {
            length = videoDuration
        }
        let measured = length
        measuredLength.withLock { $0 = measured }
        return measured
    }
}
